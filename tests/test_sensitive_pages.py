"""Every page and partial that can show special-category data (DOMAIN.md), for every role: either
the request wrote its access-log entry through audit.sensitive.read_sensitive, or the data is not
in the answer.

Alice's client holds a marker word in every special-category place: the description of a medical
and of a psychological barrier, the care partner and care moments of a werk-zorg trajectory (also
in its change history), and a medical and a psychological document (description, file name and
content). Each case below is one page, partial, download or refused form, asked by every person of
the permission matrix (tests/test_permission_matrix.py: its objects and people) in a savepoint that
is rolled back. The answer is read as the person would: HTML, JSON, CSV, the cells of an XLSX, the
text of a PDF, the headers of a download.

- A marker in the answer: that request logged a special-category read or export of that client by
  that person (so only the assigned counsellor and the head can see one: read_sensitive refuses
  everyone else).
- Whoever may not read the client's special-category data never sees a marker, nor the type of a
  medical or psychological document (test_documents: "Vertrouwelijk document").
- The assigned counsellor and the head see exactly the markers the case says: the probe reaches
  every place, so the rule above is not true for want of data.

`test_every_page_with_a_client_is_probed` fails when a URL with a client in it is added and is
neither a case here nor excluded with a reason."""

import contextlib
import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AccessLog
from clients.models import Barrier
from documents.services import document_add
from trajectories import services
from trajectories.models import CareOrganisation

from .conftest import pass_second_factor
from .factories import BarrierFactory, edit_version
from .test_permission_matrix import PEOPLE, Objects

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

# One word each, so that no line break in a PDF or an HTML escape hides it.
MEDICAL_BARRIER = "MerkerDrempelMedisch"
PSYCHOLOGICAL_BARRIER = "MerkerDrempelPsychisch"
CARE_PARTNER = "MerkerZorgpartner"
CARE_MOMENTS = "MerkerZorgmomenten"
MEDICAL_DESCRIPTION = "MerkerAttestBeschrijving"
MEDICAL_FILE = "MerkerAttestBestand.pdf"
MEDICAL_CONTENT = "MerkerAttestInhoud"
PSYCHOLOGICAL_DESCRIPTION = "MerkerVerslagBeschrijving"
PSYCHOLOGICAL_FILE = "MerkerVerslagBestand.pdf"
PSYCHOLOGICAL_CONTENT = "MerkerVerslagInhoud"
MARKERS = {MEDICAL_BARRIER, PSYCHOLOGICAL_BARRIER, CARE_PARTNER, CARE_MOMENTS, MEDICAL_DESCRIPTION, MEDICAL_FILE,
           MEDICAL_CONTENT, PSYCHOLOGICAL_DESCRIPTION, PSYCHOLOGICAL_FILE, PSYCHOLOGICAL_CONTENT}
# The types of the sensitive documents, as Document.Kind says them in Dutch (compared in lower case).
SENSITIVE_LABELS = ("medisch attest", "psychologisch of psychiatrisch verslag")
READERS = {"owner", "head"}  # may read the client's special-category data (User.can_read_sensitive)
LOGGED = (AccessLog.Action.SENSITIVE_READ, AccessLog.Action.EXPORTED)

MEDICAL_DOCUMENT = {MEDICAL_DESCRIPTION, MEDICAL_FILE}
PSYCHOLOGICAL_DOCUMENT = {PSYCHOLOGICAL_DESCRIPTION, PSYCHOLOGICAL_FILE}
CARE = {CARE_PARTNER, CARE_MOMENTS}


class Probed(Objects):
    """The permission matrix's objects, with special-category data in every place: the TWE holds
    the medical document, the werk-zorg the psychological one and the care details."""

    def __init__(self, world):
        super().__init__(world)
        world.barrier.description = MEDICAL_BARRIER
        world.barrier.save()  # a change in the barrier's history too
        self.medical_barrier = world.barrier
        self.psychological_barrier = BarrierFactory(client=world.client, category=Barrier.Category.PSYCHOLOGICAL,
                                                    description=PSYCHOLOGICAL_BARRIER)
        self.social_barrier = BarrierFactory(client=world.client, category=Barrier.Category.SOCIAL,
                                             description="Alleenstaande moeder")
        # Changed after registering, so the trajectory's change history holds the care details too.
        # Inactive: the vocabulary a new-trajectory form offers is no client's data; the link between
        # this client and the hospital is, and it is what the probe looks for.
        care = CareOrganisation.objects.create(organisation=self.client.organisation, name=CARE_PARTNER,
                                               kind=CareOrganisation.Kind.PSYCHIATRIC, active=False)
        services.trajectory_update(trajectory=self.werk_zorg, care_organisation=care, care_moments=CARE_MOMENTS)
        self.medical_document = document_add(
            client=world.client, by=world.alice, kind="medisch_attest", date=TODAY, trajectory=world.trajectory,
            description=MEDICAL_DESCRIPTION, file=SimpleUploadedFile(MEDICAL_FILE, pdf(MEDICAL_CONTENT)))
        self.psychological_document = document_add(
            client=world.client, by=world.alice, kind="psychologisch_verslag", date=TODAY,
            trajectory=self.werk_zorg, description=PSYCHOLOGICAL_DESCRIPTION,
            file=SimpleUploadedFile(PSYCHOLOGICAL_FILE, pdf(PSYCHOLOGICAL_CONTENT)))
        # The access log holds a read of each kind, for the head's page of it: it says what was
        # read, never the data itself.
        reader = HttpClient()
        reader.force_login(world.alice)
        pass_second_factor(reader, world.alice)
        for name, kwargs in [
            ("clients:detail", {"pk": world.client.pk}),
            ("clients:barrier_details", {"pk": world.client.pk, "barrier_pk": self.medical_barrier.pk}),
            ("clients:barrier_details", {"pk": world.client.pk, "barrier_pk": self.psychological_barrier.pk}),
            ("trajectories:detail", {"client_pk": world.client.pk, "pk": self.werk_zorg.pk}),
            ("documents:download", {"client_pk": world.client.pk, "pk": self.medical_document.pk}),
            ("documents:download", {"client_pk": world.client.pk, "pk": self.psychological_document.pk}),
            ("subject_access", {"client_pk": world.client.pk, "extension": "json"}),
        ]:
            assert reader.get(reverse(name, kwargs=kwargs)).status_code == 200


def pdf(text):
    return f"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".encode()


@dataclass
class Case:
    """One request: `name` with the URL's arguments from `kwargs(objects)`, sent as `method` with
    `data` (a GET's query or a POST's body, possibly computed from the objects); `sees` is what the
    assigned counsellor and the head find of the markers."""

    name: str
    kwargs: callable = field(default=lambda o: {})
    method: str = "get"
    data: callable = field(default=lambda o: {})
    htmx: bool = False
    sees: frozenset = frozenset()

    def __post_init__(self):
        self.sees = frozenset(self.sees)


def client_of(o):
    return {"pk": o.client.pk}


def twe(o, **extra):
    return {"client_pk": o.client.pk, "pk": o.trajectory.pk, **extra}


def werk_zorg(o, **extra):
    return {"client_pk": o.client.pk, "pk": o.werk_zorg.pk, **extra}


def barrier(attribute):
    return lambda o: {"pk": o.client.pk, "barrier_pk": getattr(o, attribute).pk}


def document(attribute):
    return lambda o: {"client_pk": o.client.pk, "pk": getattr(o, attribute).pk}


def query(**values):
    return lambda o: {key: value(o) if callable(value) else value for key, value in values.items()}


# The refused forms on a trajectory page: the page comes back with its care details and documents.
REFUSED = {"goal_create": {"description": ""}, "evaluation_create": {"date": "", "note": ""},
           "hours_step_create": {"from_date": "", "hours_per_week": ""}, "placement_create": {"function": ""}}

CASES = {
    # Pages without a client in their address that list clients or their work.
    "home": Case("home"),
    "search": Case("search", data=query(q=lambda o: o.client.last_name)),
    "search (htmx)": Case("search", data=query(q=lambda o: o.client.last_name), htmx=True),
    "client list": Case("clients:list", data=query(begeleider="alle", q=lambda o: o.client.last_name)),
    "client list (htmx)": Case("clients:list", data=query(begeleider="alle"), htmx=True),
    "handover of one file": Case("clients:hand_over", data=query(client=lambda o: o.client.pk)),
    "handover of a caseload": Case("clients:hand_over", data=query(van=lambda o: o.client.counsellor_id)),
    "handover refused": Case("clients:hand_over", method="post",
                             data=query(client=lambda o: o.client.pk, note="Ziekte")),
    "reminders": Case("reminders:list"),
    "caseload export (csv)": Case("caseload:export", lambda o: {"extension": "csv"}),
    "caseload export (xlsx)": Case("caseload:export", lambda o: {"extension": "xlsx"}),
    "behind a figure: open files": Case("reporting:behind", lambda o: {"figure": "open"}),
    "behind a figure: running": Case("reporting:behind", lambda o: {"figure": "lopend"}),
    "behind a figure: reminders": Case("reporting:behind", lambda o: {"figure": "herinneringen"}),
    "employer": Case("employers:detail", lambda o: {"pk": o.employer.pk}),
    "candidates for a workplace": Case("employers:workplace_matches",
                                       lambda o: {"pk": o.employer.pk, "workplace_pk": o.workplace.pk}),
    # The case file.
    "case file": Case("clients:detail", client_of, sees=MEDICAL_DOCUMENT | PSYCHOLOGICAL_DOCUMENT),
    "case file edit": Case("clients:edit", client_of),
    "case file edit refused": Case("clients:edit", client_of, method="post"),
    "history": Case("clients:history", client_of),
    "access log": Case("clients:access_log", client_of),
    "contact moment refused": Case("clients:contact_create", client_of, method="post"),
    "contact moment refused (htmx)": Case("clients:contact_create", client_of, method="post", htmx=True),
    "barrier refused": Case("clients:barrier_create", client_of, method="post",
                            data=query(category="", description="")),
    "medical barrier details": Case("clients:barrier_details", barrier("medical_barrier"), htmx=True,
                                    sees={MEDICAL_BARRIER}),
    "psychological barrier details": Case("clients:barrier_details", barrier("psychological_barrier"), htmx=True,
                                          sees={PSYCHOLOGICAL_BARRIER}),
    "social barrier details": Case("clients:barrier_details", barrier("social_barrier"), htmx=True),
    "medical barrier form": Case("clients:barrier_edit", barrier("medical_barrier"), sees={MEDICAL_BARRIER}),
    "psychological barrier form": Case("clients:barrier_edit", barrier("psychological_barrier"),
                                       sees={PSYCHOLOGICAL_BARRIER}),
    "medical barrier form refused": Case("clients:barrier_edit", barrier("medical_barrier"), method="post",
                                         data=query(category="", description=MEDICAL_BARRIER),
                                         sees={MEDICAL_BARRIER}),
    "psychological barrier form refused": Case("clients:barrier_edit", barrier("psychological_barrier"),
                                               method="post", data=query(category="",
                                                                         description=PSYCHOLOGICAL_BARRIER),
                                               sees={PSYCHOLOGICAL_BARRIER}),
    "suitable workplaces": Case("client_matches", lambda o: {"client_pk": o.client.pk}),
    "subject access (json)": Case("subject_access", lambda o: {"client_pk": o.client.pk, "extension": "json"},
                                  sees=MARKERS - {MEDICAL_CONTENT, PSYCHOLOGICAL_CONTENT}),
    "subject access (pdf)": Case("subject_access", lambda o: {"client_pk": o.client.pk, "extension": "pdf"},
                                 sees=MARKERS - {MEDICAL_CONTENT, PSYCHOLOGICAL_CONTENT}),
    # Documents.
    # The legal spine (leefloon, GPMI, VDAB): no special-category data, probed so that stays so.
    "leefloon and gpmi": Case("gpmi:overview", lambda o: {"client_pk": o.client.pk}),
    "gpmi": Case("gpmi:detail", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk}),
    "gpmi evaluation refused": Case("gpmi:evaluation_add", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk},
                                    method="post"),
    **{f"gpmi form {name}": Case(f"gpmi:{name}", lambda o: {"client_pk": o.client.pk})
       for name in ("decision_add", "socio_professional_add", "create", "exemption_add", "sanction_add", "vdab",
                    "vdab_consent_add")},
    "leefloon decision form": Case("gpmi:decision_edit", lambda o: {"client_pk": o.client.pk, "pk": o.decision.pk}),
    "gpmi draft form": Case("gpmi:edit", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk}),
    "gpmi signing refused": Case("gpmi:sign", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk}, method="post"),
    "gpmi amendment refused": Case("gpmi:amendment_add", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk},
                                   method="post"),
    "gpmi contract": Case("gpmi:contract", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk}),
    "portable gpmi": Case("gpmi:portable", lambda o: {"client_pk": o.client.pk, "pk": o.gpmi.pk}),
    "take over a gpmi": Case("gpmi:portable_import", lambda o: {"client_pk": o.client.pk}),
    "take over a gpmi refused": Case("gpmi:portable_import", lambda o: {"client_pk": o.client.pk}, method="post"),
    "document form": Case("documents:add", lambda o: {"client_pk": o.client.pk}),
    "document form (htmx)": Case("documents:add", lambda o: {"client_pk": o.client.pk}, htmx=True,
                                 data=query(traject=lambda o: o.werk_zorg.pk)),
    "document refused": Case("documents:add", lambda o: {"client_pk": o.client.pk}, method="post"),
    "medical document download": Case("documents:download", document("medical_document"),
                                      sees={MEDICAL_FILE, MEDICAL_CONTENT}),
    "psychological document download": Case("documents:download", document("psychological_document"),
                                            sees={PSYCHOLOGICAL_FILE, PSYCHOLOGICAL_CONTENT}),
    "gpmi download": Case("documents:download", document("document")),
    "medical document removed": Case("documents:delete", document("medical_document"), method="post"),
    # The participation ladder: no special-category data, probed so that stays so.
    "ladder measurement form": Case("ladder:add", lambda o: {"client_pk": o.client.pk}),
    "ladder measurement refused": Case("ladder:add", lambda o: {"client_pk": o.client.pk}, method="post"),
    # Trajectories.
    "new trajectory": Case("trajectories:create", lambda o: {"client_pk": o.client.pk}),
    "new nazorg": Case("trajectories:create", lambda o: {"client_pk": o.client.pk},
                       data=query(volgt=lambda o: o.trajectory.pk)),
    "new trajectory refused": Case("trajectories:create", lambda o: {"client_pk": o.client.pk}, method="post"),
    "twe": Case("trajectories:detail", twe, sees=MEDICAL_DOCUMENT),
    "werk-zorg": Case("trajectories:detail", werk_zorg, sees=CARE | PSYCHOLOGICAL_DOCUMENT),
    "twe edit": Case("trajectories:edit", twe),
    "werk-zorg edit": Case("trajectories:edit", werk_zorg, sees=CARE),
    "werk-zorg edit refused": Case("trajectories:edit", werk_zorg, method="post", sees=CARE, data=lambda o: {
        "planned_end_date": "nonsens", "care_organisation": o.werk_zorg.care_organisation_id,
        "care_moments": CARE_MOMENTS,
        "version": edit_version(o.werk_zorg)}),
    "twe suspend": Case("trajectories:transition", lambda o: twe(o, action="suspend")),
    "twe suspend refused": Case("trajectories:transition", lambda o: twe(o, action="suspend"), method="post"),
    "werk-zorg start": Case("trajectories:transition", lambda o: werk_zorg(o, action="start")),
    "workplace edit": Case("trajectories:placement_edit", lambda o: twe(
        o, placement_pk=o.trajectory.placements.get().pk)),
    "workplace edit refused": Case("trajectories:placement_edit", lambda o: twe(
        o, placement_pk=o.trajectory.placements.get().pk), method="post"),
    **{f"twe {name} refused": Case(f"trajectories:{name}", twe, method="post", data=query(**data),
                                   sees=MEDICAL_DOCUMENT) for name, data in REFUSED.items()},
    **{f"werk-zorg {name} refused": Case(f"trajectories:{name}", werk_zorg, method="post", data=query(**data),
                                         sees=CARE | PSYCHOLOGICAL_DOCUMENT) for name, data in REFUSED.items()},
    "hours step removed": Case("trajectories:hours_step_remove", lambda o: werk_zorg(o, step_pk=o.hours_step.pk),
                               method="post"),
    "goal state refused": Case("trajectories:goal_update", lambda o: twe(o, goal_pk=o.goal.pk), method="post"),
    "client proposed for a workplace": Case("employers:placement_propose", lambda o: {
        "pk": o.employer.pk, "workplace_pk": o.workplace.pk, "client_pk": o.client.pk}, method="post"),
}

# URLs with a client in their address that no case asks, and why.
NOT_PROBED = {}


def routes(patterns=None, namespace="", prefix=""):
    """(name, route) of every named URL but Django's admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from routes(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace
                                  else namespace, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield namespace + pattern.name, prefix + str(pattern.pattern)


def with_a_client():
    """The URLs that name a client: under /clienten/<pk>/, or with a client_pk argument."""
    return {name for name, route in routes() if route.startswith("clienten/<int:") or "<int:client_pk>" in route}


def test_every_page_with_a_client_is_probed():
    probed = {case.name for case in CASES.values()}
    missing = sorted(with_a_client() - probed - set(NOT_PROBED))
    assert not missing, f"URLs with a client that tests/test_sensitive_pages.py does not probe: {missing}"
    assert not set(NOT_PROBED) - with_a_client(), "exclusions for URLs that no longer exist"
    assert not (probed | set(NOT_PROBED)) - {name for name, _route in routes()}, "cases for URLs that no longer exist"


def text_of(response):
    """What the person gets to read: the body as text (a PDF's text, an XLSX's cells too) and the
    headers that name a file or a place."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [body.decode("utf-8", "replace"), response.get("Content-Disposition", ""), response.get("Location", "")]
    content_type = response.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        # A document stored by this test is a PDF in its first bytes only: its text is in the body above.
        with contextlib.suppress(Exception):
            parts += [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        for sheet in load_workbook(io.BytesIO(body), read_only=True).worksheets:
            parts += [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    return "\n".join(parts)


def ask(http, case, objects, person):
    """The answer's text and whether that request logged a special-category read of the client by
    `person`; everything it changed is rolled back."""
    url = reverse(case.name, kwargs=case.kwargs(objects))
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    with transaction.atomic():
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = getattr(http, case.method)(url, case.data(objects), **headers)
        text = text_of(response)
        logged = person != "anonymous" and AccessLog.objects.filter(
            pk__gt=last, user=objects.people[person], client=objects.client, action__in=LOGGED).exists()
        transaction.set_rollback(True)
    return text, logged


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_special_category_data_is_logged_or_absent(world, case):
    objects = Probed(world)
    wrong = []
    for person in PEOPLE:
        http = HttpClient()
        if person != "anonymous":
            http.force_login(objects.people[person])
            pass_second_factor(http, objects.people[person])
        text, logged = ask(http, case, objects, person)
        seen = {marker for marker in MARKERS if marker in text}
        if seen and not logged:
            wrong.append(f"{person} reads {sorted(seen)} and the access log does not say so")
        if person in READERS and seen != case.sees:
            wrong.append(f"{person} (may read) finds {sorted(seen)}, the case says {sorted(case.sees)}")
        if person not in READERS:
            labels = [label for label in SENSITIVE_LABELS if label in text.lower()]
            if seen or labels:
                wrong.append(f"{person} may not read special-category data and finds {sorted(seen)} {labels}")
    assert not wrong, "\n".join(wrong)
