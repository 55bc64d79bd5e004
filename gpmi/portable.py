"""The portable GPMI (DOMAIN.md: when a client moves to another OCMW, the GPMI goes with them): ONE
PDF file that a person reads (a cover page, the contract as it stands with its amendments, the
evaluations) and that another installation takes over, from the JSON attached to it as gpmi.json.

The JSON, version 1 of the format "ocmw-gpmi" (codes, not labels; dates in ISO 8601):

    {"formaat": "ocmw-gpmi", "versie": 1, "opgemaakt_op": "2025-03-01T10:00:00+01:00",
     "van": {"organisatie": "OCMW Menen"},
     "client": {"rijksregisternummer": "85073003328", "voornaam": "...", "achternaam": "..."},
     "leefloonbeslissing": {"soort", "categorie", "beslist_op", "leefloon_van", "leefloon_tot",
                            "reden_einde"} or null,
     "gpmi": {"richting", "doelen", "stappen", "engagementen_client", "engagementen_ocmw",
              "duur_maanden", "andere_ondertekenaars", "ondertekend_op", "vroeger_beeindigd_op",
              "overgenomen_van"},
     "aanpassingen": [{"datum", "gevraagd_door": "client" | "ocmw", "wat"}],
     "evaluaties": [{"datum", "persoonlijk", "deelnemers", "besluit"}]}

Only the contract and what hangs under it travel: no barrier, document or other part of the case
file. Taking one over (`take_over`) goes through gpmi.services, the rules of a GPMI drawn up here,
in one transaction, only on the case file of the person it is about (the national number), once."""

import contextlib
import datetime
import json
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from clients import national_number
from clients.models import Client
from common.personal_data import day

from . import contract, services
from .models import Amendment, Gpmi, GpmiEvaluation

FORMAT = "ocmw-gpmi"
VERSION = 1
ATTACHMENT = "gpmi.json"
TEMPLATE = "gpmi/portable.html"
# A GPMI's JSON is a few kilobytes; anything far larger is not one.
MAX_JSON_BYTES = 2 * 1024 * 1024

# The GPMI's fields in the file, with the model's names.
GPMI_TEXTS = {"richting": "orientation", "doelen": "goals", "stappen": "steps",
              "engagementen_client": "client_commitments", "engagementen_ocmw": "ocmw_commitments",
              "andere_ondertekenaars": "other_signatories"}


# Writing ------------------------------------------------------------------------------------------


def portable_data(gpmi, now=None):
    """The GPMI, its amendments and evaluations as the JSON of the format."""
    client, decision = gpmi.client, gpmi.decision
    return {
        "formaat": FORMAT,
        "versie": VERSION,
        "opgemaakt_op": (now or timezone.localtime()).isoformat(timespec="seconds"),
        "van": {"organisatie": client.organisation.name},
        "client": {"rijksregisternummer": client.national_number, "voornaam": client.first_name,
                   "achternaam": client.last_name},
        "leefloonbeslissing": None if decision is None else {
            "soort": decision.kind, "categorie": decision.category, "beslist_op": day(decision.decided_on),
            "leefloon_van": day(decision.start_date), "leefloon_tot": day(decision.end_date),
            "reden_einde": decision.end_reason},
        "gpmi": {
            **{key: getattr(gpmi, name) for key, name in GPMI_TEXTS.items()},
            "duur_maanden": gpmi.duration_months, "ondertekend_op": day(gpmi.signed_on),
            "vroeger_beeindigd_op": day(gpmi.ended_on), "overgenomen_van": gpmi.origin},
        "aanpassingen": [{"datum": day(amendment.date), "gevraagd_door": amendment.requested_by,
                          "wat": amendment.changes} for amendment in gpmi.amendments.all()],
        "evaluaties": [{"datum": day(evaluation.date), "persoonlijk": evaluation.in_person,
                        "deelnemers": evaluation.participants, "besluit": evaluation.conclusion}
                       for evaluation in gpmi.evaluations.all()],
    }


def render_portable(gpmi):
    """The portable PDF: a cover page, the contract, the evaluations, and gpmi.json attached."""
    from weasyprint import Attachment  # loaded on demand: it needs the Pango system library

    context = contract.contract_context(gpmi)
    data = portable_data(gpmi)
    attachment = Attachment(string=json.dumps(data, ensure_ascii=False, indent=2), name=ATTACHMENT,
                            description=f"{FORMAT} {VERSION}", relationship="Data")
    return contract.render_pdf(TEMPLATE, {**context, "format": FORMAT, "version": VERSION,
                                          "attachment": ATTACHMENT}, attachments=[attachment])


def filename(gpmi):
    return contract.filename(gpmi, prefix="gpmi-meeneembaar")


# Reading ------------------------------------------------------------------------------------------


@dataclass
class Portable:
    """A portable GPMI as read from its file, in the model's terms."""

    organisation: str
    made_at: str
    national_number: str
    first_name: str
    last_name: str
    gpmi: dict
    signed_on: datetime.date | None
    ended_on: datetime.date | None
    amendments: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def made_on(self):
        """The day the file was made, as a date (never in the future), or None."""
        try:
            made = datetime.datetime.fromisoformat(self.made_at).date()
        except ValueError:
            return None
        return min(made, timezone.localdate())


def read_portable(file):
    """The portable GPMI in `file` (an uploaded PDF, already checked to be one), or a
    ValidationError in Dutch saying why it is none."""
    try:
        file.seek(0)
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise ValidationError(_("This PDF is protected with a password; upload the file as the other OCMW "
                                    "made it."), code="encrypted")
        attached = reader.attachments.get(ATTACHMENT)
    except ValidationError:
        raise
    except Exception as error:  # a damaged PDF fails inside pypdf in many ways
        raise ValidationError(_("This PDF cannot be read: it is damaged."), code="damaged") from error
    finally:
        file.seek(0)
    if not attached:
        raise ValidationError(_("This PDF holds no portable GPMI: the attachment %(name)s is missing. Upload the "
                                "portable GPMI file the other OCMW made.") % {"name": ATTACHMENT}, code="no_json")
    content = attached[0]
    if len(content) > MAX_JSON_BYTES:
        raise ValidationError(_("The attachment %(name)s is far too large for a GPMI.") % {"name": ATTACHMENT},
                              code="too_large")
    try:
        data = json.loads(content)
    except ValueError as error:  # also a UnicodeDecodeError
        raise ValidationError(_("The attachment %(name)s is not valid JSON.") % {"name": ATTACHMENT},
                              code="not_json") from error
    return parse(data)


def parse(data):
    """The JSON of a portable GPMI as a Portable: the format and version it must be, and every
    field of the type it must have."""
    if not isinstance(data, dict) or data.get("formaat") != FORMAT:
        found = data.get("formaat") if isinstance(data, dict) else None
        raise ValidationError(_("The attachment %(name)s is not a portable GPMI (its format is %(format)s, not "
                                "%(expected)s).") % {"name": ATTACHMENT, "format": _shown(found),
                                                     "expected": FORMAT}, code="format")
    if data.get("versie") != VERSION or isinstance(data.get("versie"), bool):
        raise ValidationError(_("This portable GPMI is in version %(version)s of the format; this system reads "
                                "version %(expected)s.") % {"version": _shown(data.get("versie")),
                                                            "expected": VERSION}, code="version")
    fields = _Fields(data)
    sender, person, gpmi = fields.section("van"), fields.section("client"), fields.section("gpmi")
    number = national_number.compact(fields.text(person, "rijksregisternummer", "client", required=True))
    if not (len(number) == 11 and number.isascii() and number.isdigit()):
        fields.invalid("client.rijksregisternummer")
    values = {name: fields.text(gpmi, key, "gpmi") for key, name in GPMI_TEXTS.items()}
    if values["orientation"] not in ("", *Gpmi.Orientation.values):
        fields.invalid("gpmi.richting")
    values["duration_months"] = fields.number(gpmi, "duur_maanden", "gpmi")
    portable = Portable(
        organisation=fields.text(sender, "organisatie", "van", required=True)[:200],
        made_at=fields.text(data, "opgemaakt_op", ""),
        national_number=number,
        first_name=fields.text(person, "voornaam", "client"), last_name=fields.text(person, "achternaam", "client"),
        gpmi=values, signed_on=fields.date(gpmi, "ondertekend_op", "gpmi"),
        ended_on=fields.date(gpmi, "vroeger_beeindigd_op", "gpmi"))
    for position, row in enumerate(fields.rows("aanpassingen"), start=1):
        where = f"aanpassingen[{position}]"
        requested_by = fields.text(row, "gevraagd_door", where, required=True)
        if requested_by not in Amendment.RequestedBy.values:
            fields.invalid(f"{where}.gevraagd_door")
        portable.amendments.append({"date": fields.date(row, "datum", where, required=True),
                                    "requested_by": requested_by, "changes": fields.text(row, "wat", where)})
    for position, row in enumerate(fields.rows("evaluaties"), start=1):
        where = f"evaluaties[{position}]"
        in_person = row.get("persoonlijk")
        if not isinstance(in_person, bool):
            fields.invalid(f"{where}.persoonlijk")
        portable.evaluations.append({"date": fields.date(row, "datum", where, required=True),
                                     "in_person": in_person, "participants": fields.text(row, "deelnemers", where),
                                     "conclusion": fields.text(row, "besluit", where)})
    return portable


class _Fields:
    """Reads the fields of the JSON, refusing a missing or mistyped one by its place in the file."""

    def __init__(self, data):
        self.data = data

    def invalid(self, where):
        raise ValidationError(_("This file is not a valid portable GPMI: %(field)s is missing or invalid.") % {
            "field": where}, code="field")

    def section(self, key):
        value = self.data.get(key)
        if not isinstance(value, dict):
            self.invalid(key)
        return value

    def rows(self, key):
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            self.invalid(key)
        return value

    def text(self, mapping, key, where, required=False):
        value = mapping.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.invalid(f"{where}.{key}" if where else key)
        return value.strip()

    def date(self, mapping, key, where, required=False):
        value = mapping.get(key)
        if value is None and not required:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.invalid(f"{where}.{key}")

    def number(self, mapping, key, where):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 1000:
            self.invalid(f"{where}.{key}")
        return value


def _shown(value):
    return "—" if value in (None, "") else str(value)[:40]


# Taking over -------------------------------------------------------------------------------------


def check_person(portable, client):
    """A GPMI is only ever attached to the person it is about: the national numbers are equal."""
    if portable.national_number != client.national_number:
        raise ValidationError(_(
            "This GPMI is of %(name)s (national number %(number)s), not of %(client)s (%(client_number)s): it was "
            "not taken over.") % {
            "name": portable.full_name or "—", "number": national_number.display(portable.national_number),
            "client": client.full_name, "client_number": national_number.display(client.national_number)},
            code="other_person")


@transaction.atomic
def take_over(portable, *, client, by):
    """The GPMI of `portable` on `client`'s case file, with its amendments and evaluations, through
    the services (all or nothing). Refused for another person, from the own OCMW, or a second time:
    a GPMI from the same OCMW signed on the same day is this one. Who drew it up and recorded its
    parts elsewhere is not known here: `by` recorded them here, and `origin` names the OCMW they came
    from."""
    check_person(portable, client)
    if portable.organisation == client.organisation.name:
        raise ValidationError(_("This file comes from your own OCMW: its GPMI is already in the case file."),
                              code="own")
    # One at a time per case file: a second upload of the same file waits, then finds the first.
    Client.objects.of_clients([client]).select_for_update().get()
    earlier = Gpmi.objects.of_client(client).filter(origin=portable.organisation,
                                                    signed_on=portable.signed_on).first()
    if earlier:
        raise ValidationError(_("This GPMI was already taken over on %(day)s.") % {
            "day": f"{timezone.localtime(earlier.created_at):%d/%m/%Y}"}, code="duplicate")
    with _part(_("the GPMI"), Gpmi):
        gpmi = services.gpmi_draw_up(client=client, by=by, origin=portable.organisation, **portable.gpmi)
        if portable.signed_on:
            gpmi = services.gpmi_sign(gpmi, signed_on=portable.signed_on)
    for values in portable.amendments:
        with _part(_("the amendment of %(day)s") % {"day": f"{values['date']:%d/%m/%Y}"}, Amendment):
            services.amendment_add(gpmi=gpmi, by=by, **values)
    for values in portable.evaluations:
        with _part(_("the evaluation of %(day)s") % {"day": f"{values['date']:%d/%m/%Y}"}, GpmiEvaluation):
            services.evaluation_add(gpmi=gpmi, by=by, **values)
    if portable.ended_on:
        with _part(_("the GPMI"), Gpmi):
            gpmi = services.gpmi_end(gpmi, ended_on=portable.ended_on)
    return gpmi


@contextlib.contextmanager
def _part(label, model):
    """Names the part of the file, and its field, that a service refused ("the evaluation of
    03/02/2025: date: An evaluation comes after the GPMI was signed")."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError([f"{label}: {message}" for message in _messages(error, model)],
                              code="refused") from error


def _messages(error, model):
    if not hasattr(error, "error_dict"):
        return error.messages
    names = {field.name: field.verbose_name for field in model._meta.get_fields() if hasattr(field, "verbose_name")}
    return [message if key == NON_FIELD_ERRORS else f"{names.get(key, key)}: {message}"
            for key, messages in error.message_dict.items() for message in messages]
