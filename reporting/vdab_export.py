"""VDAB's TWE follow-up: the organisation's TWE-OCMW trajectories that ran in a period, one row each,
for the counsellor and the head to reconcile with VDAB's partner portal. Three queries whatever the
number of trajectories (the trajectories with their clients, the placements with their employers,
the clients' VDAB consents)."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.models import Employer
from trajectories.models import Placement, Trajectory
from trajectories.rules import TrajectoryType


def columns():
    return [_("National number"), _("Name"), _("Start of the TWE"), _("WEO signed on"), _("Art. 60 §7 period(s)"),
            _("Hours a week"), _("Employer or own service"), _("Phase today"), _("Registered with VDAB on"),
            _("VDAB consent in force"), _("Status"), _("End"), _("Outcome"), _("Leefloon after")]


def twe_trajectories(organisation, first, last):
    """The organisation's TWE-OCMW trajectories that ran (a start step) on a day from `first` to `last`."""
    return (Trajectory.objects.of_organisations([organisation]).ran()
            .filter(type=TrajectoryType.TWE, start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .select_related("client")
            .prefetch_related(Prefetch("placements", queryset=Placement.objects.select_related("employer")),
                              "client__vdab_consents")
            .order_by("client__last_name", "client__first_name", "start_date", "pk"))


def as_xlsx(organisation, first, last, today=None):
    """The workbook's bytes: a header (organisation, period, made on), then one row per TWE."""
    from openpyxl import Workbook

    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("TWE follow-up")[:31]
    sheet.append([_("Organisation"), organisation.name])
    sheet.append([_("Period"), f"{_day(first)} – {_day(last)}"])
    sheet.append([_("Made on"), today])
    sheet.append([])
    sheet.append(columns())
    for row in twe_rows(organisation, first, last, today):
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if hasattr(cell.value, "year"):
                cell.number_format = "DD/MM/YYYY"
    return _save(workbook)


def _save(workbook):
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _where(placement):
    kind = _("own service") if placement.employer.kind == Employer.Kind.OWN_SERVICE else _("partner")
    return f"{placement.employer.name} ({kind})"


def twe_rows(organisation, first, last, today=None):
    """[[cell, ...]] in the order of columns(); dates as date objects (Excel dates), lists as text."""
    today = today or timezone.localdate()
    rows = []
    for trajectory in twe_trajectories(organisation, first, last):
        client, placements = trajectory.client, list(trajectory.placements.all())
        consents = [consent for consent in client.vdab_consents.all()
                    if consent.given_on <= today and (consent.withdrawn_on is None or consent.withdrawn_on > today)]
        rows.append([
            client.national_number_display,
            client.full_name,
            trajectory.start_date,
            trajectory.weo_signed_on,
            "; ".join(f"{_day(p.start_date)}–{_day(p.end_date)}" for p in placements),
            "; ".join(str(p.hours_per_week) for p in placements),
            "; ".join(_where(p) for p in placements),
            str(trajectory.twe_phase(today).label),
            trajectory.vdab_registered_on,
            (_("yes, given on %(day)s") % {"day": _day(max(c.given_on for c in consents))}) if consents else _("no"),
            trajectory.get_status_display(),
            trajectory.end_date,
            trajectory.get_outcome_display(),
            trajectory.get_leefloon_after_display(),
        ])
    return rows
