"""Group modules (issue 19): the catalogue, a module's editions, an edition's sessions and
participants, and the attendance sheet of a session, taken on a phone in the room with one tap per
person. Who may enrol and who takes attendance: groupmodules.services (may_enrol,
may_take_attendance)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from clients import selectors as client_selectors
from clients.models import Client
from common.params import ascii_int, query_int
from groupmodules import selectors, services
from groupmodules.models import Edition, Enrolment, Module, Session
from groupmodules.rules import EnrolmentStatus, Presence, is_full
from organisations.permissions import case_file_access
from trajectories.rules import RUNNING, TrajectoryType
from web.forms import add_service_errors

from .forms import EditionForm, EnrolmentForm, ModuleForm, SessionForm

# The five buttons of the attendance sheet: short words for a tap, and their colour.
BUTTONS = [
    (Presence.PRESENT, pgettext_lazy("attendance button", "Present"), "success"),
    (Presence.LATE, pgettext_lazy("attendance button", "Late"), "warning"),
    (Presence.EXCUSED, pgettext_lazy("attendance button", "Excused"), "secondary"),
    (Presence.UNEXCUSED, pgettext_lazy("attendance button", "Unexcused"), "danger"),
    (Presence.ILL, pgettext_lazy("attendance button", "Ill"), "info"),
]
CANDIDATES_SHOWN = 20


def _scoped(model, user, edit):
    """A model's rows this user may change (`edit`) or read; another OCMW's are not there (404)."""
    return model.objects.editable_by(user) if edit else model.objects.visible_to(user)


def _module(request, pk, edit=True):
    return get_object_or_404(_scoped(Module, request.user, edit), pk=pk)


def _edition(request, pk, edit=True):
    return get_object_or_404(_scoped(Edition, request.user, edit).select_related("module", "trainer"), pk=pk)


def _session(request, pk, edit=True):
    return get_object_or_404(_scoped(Session, request.user, edit).select_related(
        "edition__module", "edition__trainer"), pk=pk)


def _form_page(request, form, title, back, save, then=None):
    """A form on its own page: saved through `save` (a service), then on to `then(saved)` or back."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.instance)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(then(saved) if then else back)
    return render(request, "form_page.html", {"form": form, "title": title, "back": back,
                                              "back_label": _("Back")},
                  status=422 if form.errors else 200)


def _module_url(module):
    return reverse("groupmodules:module", args=[module.pk])


def _edition_url(edition):
    return reverse("groupmodules:edition", args=[edition.pk])


# The catalogue -----------------------------------------------------------------------------


@case_file_access
def index(request):
    """Today's sessions of the user (the trainer's way in), the catalogue, and, with ?client=, the
    editions open for enrolling that client (the link on the client's file)."""
    today = timezone.localdate()
    modules = (Module.objects.visible_to(request.user)
               .annotate(editions_count=Count("editions", distinct=True),
                         running=Count("editions", distinct=True, filter=Q(editions__start_date__lte=today) & (
                             Q(editions__end_date__isnull=True) | Q(editions__end_date__gte=today))))
               .order_by("-active", "title", "pk"))
    client, open_editions = None, []
    client_pk = query_int(request, "client")
    if client_pk is not None:
        client = client_selectors.client_for(request.user, client_pk)
        open_editions = (Edition.objects.visible_to(request.user).filter(module__active=True)
                         .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
                         .select_related("module", "trainer").order_by("start_date", "module__title", "pk"))
    return render(request, "groupmodules/index.html", {
        "today": today, "sessions": selectors.sessions_to_take(request.user, today), "modules": modules,
        "client": client, "open_editions": open_editions,
    })


@case_file_access
def module_create(request):
    form = ModuleForm(request.POST or None, organisation=request.user.organisation)
    return _form_page(request, form, _("New group module"), reverse("groupmodules:index"), services.module_save,
                      _module_url)


@case_file_access
def module_edit(request, pk):
    module = _module(request, pk)
    form = ModuleForm(request.POST or None, instance=module, organisation=module.organisation)
    return _form_page(request, form, _("Edit %(name)s") % {"name": module}, _module_url(module),
                      services.module_save)


@case_file_access
def module_detail(request, pk):
    module = _module(request, pk, edit=False)
    editions = module.editions.select_related("trainer").annotate(
        enrolled=Count("enrolments", distinct=True, filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting=Count("enrolments", distinct=True, filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        sessions_count=Count("sessions", distinct=True, filter=Q(sessions__cancelled=False)))
    return render(request, "groupmodules/module_detail.html", {"module": module, "editions": editions,
                                                                 "today": timezone.localdate()})


# Editions -----------------------------------------------------------------------------------


@case_file_access
def edition_create(request, pk):
    module = _module(request, pk)
    form = EditionForm(request.POST or None, module=module, initial={"start_date": timezone.localdate()})
    return _form_page(request, form, _("New edition of %(module)s") % {"module": module}, _module_url(module),
                      services.edition_save, _edition_url)


@case_file_access
def edition_edit(request, pk):
    edition = _edition(request, pk)
    form = EditionForm(request.POST or None, instance=edition, module=edition.module)
    return _form_page(request, form, _("Edit %(name)s") % {"name": edition}, _edition_url(edition),
                      services.edition_save)


@case_file_access
def edition_detail(request, pk):
    edition = _edition(request, pk, edit=False)
    today = timezone.localdate()
    sessions = list(edition.sessions.annotate(marked=Count("attendances")))
    enrolled, waiting, left = selectors.edition_participants(request.user, edition)
    return render(request, "groupmodules/edition_detail.html", {
        "edition": edition, "module": edition.module, "today": today,
        "coming": [session for session in sessions if session.date >= today],
        "past": [session for session in reversed(sessions) if session.date < today],
        "enrolled": enrolled, "waiting": waiting, "left": left,
        "full": is_full(len(enrolled), edition.places),
        "may_take_off": {enrolment.pk for enrolment in [*enrolled, *waiting]
                         if services.may_enrol(request.user, enrolment.client, edition)},
    })


def _candidates(user, edition):
    """The clients this user may enrol in the edition (services.may_enrol as a query): their own
    caseload (all of the OCMW for the diensthoofd), every open file for the edition's trainer;
    without who is in it already."""
    if edition.trainer_id == user.pk:
        clients = Client.objects.visible_to(user).filter(anonymised_at__isnull=True)
    else:
        clients = Client.objects.editable_by(user)
    taken = Enrolment.objects.visible_to(user).filter(edition=edition).exclude(status=EnrolmentStatus.LEFT)
    return clients.exclude(pk__in=taken.values("client")).select_related("counsellor")


@case_file_access
def edition_enrol(request, pk):
    """Enrol a client: look them up among whom the user may enrol, choose, link a voortraject or a
    GPMI if it serves one, enrol (a place, or the waiting list when the edition is full)."""
    edition = _edition(request, pk, edit=False)  # who may enrol: services.may_enrol
    client_pk = ascii_int(request.POST.get("client")) if request.method == "POST" else query_int(request, "client")
    if client_pk is None:
        if request.method == "POST":
            messages.error(request, _("Choose a client to enrol."))
        search = request.GET.get("q", "").strip()
        candidates = _candidates(request.user, edition).search(search).order_by("last_name", "first_name", "pk")
        context = {"edition": edition, "module": edition.module, "search": search,
                   "candidates": candidates[:CANDIDATES_SHOWN], "more": candidates[CANDIDATES_SHOWN:].exists()}
        if request.htmx and not request.htmx.history_restore_request:
            return render(request, "groupmodules/_candidates.html", context)
        return render(request, "groupmodules/enrol.html", context, status=422 if request.method == "POST" else 200)
    client = client_selectors.client_for(request.user, client_pk)
    if not services.may_enrol(request.user, client, edition):
        raise PermissionDenied
    form = EnrolmentForm(request.POST or None, client=client, initial=_running_links(client))
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol(client=client, edition=edition, by=request.user,
                                       trajectory=form.cleaned_data.get("trajectory"),
                                       gpmi=form.cleaned_data.get("gpmi"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if enrolment.status == EnrolmentStatus.WAITING:
                messages.warning(request, _("%(client)s is on the waiting list: the edition is full.") % {
                    "client": client.full_name})
            else:
                messages.success(request, _("%(client)s is enrolled.") % {"client": client.full_name})
            return redirect("groupmodules:edition", pk=edition.pk)
    return render(request, "groupmodules/enrol.html", {
        "edition": edition, "module": edition.module, "client": client, "form": form,
        "full": services.edition_is_full(edition),
    }, status=422 if form.errors else 200)


def _running_links(client):
    """The client's running voortraject and current GPMI, proposed when there is exactly one."""
    voortrajecten = list(client.trajectories.filter(type=TrajectoryType.VOORTRAJECT, status__in=RUNNING)[:2])
    gpmis = list(client.gpmis.order_by("-pk")[:2])
    return {"trajectory": voortrajecten[0] if len(voortrajecten) == 1 else None,
            "gpmi": gpmis[0] if len(gpmis) == 1 else None}


@require_POST
@case_file_access
def enrolment_leave(request, pk, enrolment_pk):
    edition = _edition(request, pk, edit=False)  # who may take someone off: services.may_enrol
    enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user).filter(edition=edition)
                                  .select_related("client"), pk=enrolment_pk)
    if not services.may_enrol(request.user, enrolment.client, edition):
        raise PermissionDenied
    if enrolment.status == EnrolmentStatus.LEFT:
        return redirect("groupmodules:edition", pk=edition.pk)
    moved = services.leave(enrolment=enrolment, by=request.user)
    messages.success(request, _("%(client)s is taken off this edition.") % {"client": enrolment.client.full_name})
    if moved is not None:
        messages.info(request, _("%(client)s moves up from the waiting list.") % {"client": moved.client.full_name})
    return redirect("groupmodules:edition", pk=edition.pk)


# Sessions and attendance --------------------------------------------------------------------


@case_file_access
def session_create(request, pk):
    edition = _edition(request, pk)
    form = SessionForm(request.POST or None, edition=edition)
    return _form_page(request, form, _("New session of %(edition)s") % {"edition": edition},
                      _edition_url(edition), services.session_save)


@case_file_access
def session_edit(request, pk):
    session = _session(request, pk)
    form = SessionForm(request.POST or None, instance=session, edition=session.edition)
    return _form_page(request, form, _("Edit the session of %(date)s") % {"date": f"{session.date:%d/%m/%Y}"},
                      _edition_url(session.edition), services.session_save)


def _sheet_state(user, session):
    """Whether the user marks this sheet now, and if not, why (None: they do)."""
    if session.cancelled:
        return _("This session was cancelled.")
    if session.date > timezone.localdate():
        return _("Attendance is taken on the day of the session or after it.")
    if not services.may_take_attendance(user, session.edition):
        return _("Only the trainer of this edition or the head of service takes attendance; you see it read-only.")
    return None


def _row_context(session, participant, can_mark, error=None):
    return {"session": session, "participant": participant, "can_mark": can_mark, "buttons": BUTTONS, "error": error}


@case_file_access
def session_detail(request, pk):
    """The attendance sheet: every participant with five buttons, one tap marks."""
    session = _session(request, pk, edit=False)
    read_only = _sheet_state(request.user, session)
    participants = selectors.attendance_sheet(request.user, session)
    return render(request, "groupmodules/session_detail.html", {
        "session": session, "edition": session.edition, "module": session.edition.module,
        "participants": participants, "can_mark": read_only is None, "read_only": read_only,
        "buttons": BUTTONS,
        "marked": sum(1 for participant in participants if participant.mark),
    })


@require_POST
@case_file_access
def attendance_mark(request, pk, enrolment_pk):
    """One tap: mark one participant. With htmx the answer is that participant's row; without, the
    sheet again (at that row)."""
    session = _session(request, pk, edit=False)  # who marks: services.may_take_attendance
    if not services.may_take_attendance(request.user, session.edition):
        raise PermissionDenied
    enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user).filter(edition_id=session.edition_id),
                                  pk=enrolment_pk)
    presence, error = request.POST.get("presence", ""), None
    if presence not in Presence.values:
        error = _("Tap one of the five marks.")
    else:
        try:
            services.attendance_mark(session=session, enrolment=enrolment, presence=presence, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
    if request.htmx:
        # The participant's row, and the sheet's count (out of band).
        sheet = selectors.attendance_sheet(request.user, session)
        participant = next((row for row in sheet if row.pk == enrolment.pk), None) or selectors.attendance_sheet(
            request.user, session, enrolment=enrolment.pk)[0]
        counter = {"marked": sum(1 for row in sheet if row.mark), "total": len(sheet)}
        return render(request, "groupmodules/_attendance_row.html", {
            **_row_context(session, participant, _sheet_state(request.user, session) is None, error),
            "counter": counter})
    if error:
        messages.error(request, error)
    return redirect(reverse("groupmodules:session", args=[session.pk]) + f"#deelnemer-{enrolment.pk}")


