"""The files behind each figure of the diensthoofd's dashboard: every count can be opened as the
list of clients, trajectories, employers, reminders or group-module sessions it counts. Each list starts from the
queryset or the set (reporting.yearly.YearSets) the figure itself is counted from, so a figure
and its list always agree (tests/test_figures_behind.py checks every figure on a built demo)."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from common.params import ascii_int
from groupmodules.models import Session
from trajectories.rules import RUNNING, LeefloonAfter, Outcome, Status, TrajectoryType

from .dashboard import open_files, overdue, scope
from .yearly import held_sessions, module_sets, partner_employers, people_sets, year_sets


@dataclass
class Behind:
    kind: str  # "clients", "trajectories", "employers", "reminders" or "sessions"
    title: str
    rows: object  # a queryset, or a list for the employers


def behind(organisation, year, counsellor, figure, params):
    """The rows behind `figure` with its parameters (type, status, month, outcome, holder), or 404
    for a figure or parameter the dashboard does not show."""
    clients, trajectories, reminders = scope(organisation, counsellor)
    maker = FIGURES.get(figure)
    if maker is None:
        raise Http404(_("The dashboard has no such figure."))
    return maker(organisation=organisation, year=year, counsellor=counsellor, clients=clients,
                 trajectories=trajectories, reminders=reminders, params=params)


def _choice(params, name, choices):
    value = params.get(name, "")
    if value not in choices:
        raise Http404(_("The dashboard has no such figure."))
    return value


def _month(params):
    month = ascii_int(params.get("maand"), minimum=1, maximum=12)
    if month is None:
        raise Http404(_("The dashboard has no such figure."))
    return month


def _trajectories(trajectories, pks):
    return trajectories.filter(pk__in=pks)


def open_files_behind(*, clients, **_rest):
    return Behind("clients", _("Open case files"), open_files(clients))


def caseload_behind(*, clients, params, **_rest):
    holder = params.get("van", "")
    if holder == "geen":
        chosen = clients.filter(counsellor__isnull=True)
    elif (counsellor_pk := ascii_int(holder)) is not None:
        chosen = clients.filter(counsellor=counsellor_pk)
    else:
        raise Http404(_("The dashboard has no such figure."))
    return Behind("clients", _("Open case files of one counsellor"), open_files(chosen))


def running_behind(*, trajectories, **_rest):
    return Behind("trajectories", _("Trajectories running now"), trajectories.filter(status__in=RUNNING))


def by_status_behind(*, trajectories, params, **_rest):
    trajectory_type = _choice(params, "type", TrajectoryType.values)
    status = _choice(params, "status", Status.values)
    return Behind("trajectories", _("%(type)s, %(status)s today") % {
        "type": TrajectoryType(trajectory_type).label, "status": Status(status).label},
        trajectories.filter(type=trajectory_type, status=status))


def durations_behind(*, trajectories, year, params, **_rest):
    trajectory_type = _choice(params, "type", TrajectoryType.values)
    ended = year_sets(trajectories, year).ended[trajectory_type]
    return Behind("trajectories", _("%(type)s: ended in %(year)s (the average duration)") % {
        "type": TrajectoryType(trajectory_type).label, "year": year}, _trajectories(trajectories, ended))


def started_behind(*, trajectories, year, params, **_rest):
    month = _month(params)
    return Behind("trajectories", _("Started in %(month)s %(year)s") % {
        "month": _month_name(month), "year": year},
        _trajectories(trajectories, year_sets(trajectories, year).started_in[month]))


def ended_behind(*, trajectories, year, params, **_rest):
    month = _month(params)
    return Behind("trajectories", _("Ended in %(month)s %(year)s") % {"month": _month_name(month), "year": year},
                  _trajectories(trajectories, year_sets(trajectories, year).ended_in[month]))


def followed_behind(*, organisation, clients, trajectories, year, params, **_rest):
    trajectory_type = _choice(params, "type", TrajectoryType.values)
    followed = year_sets(trajectories, year).followed[organisation.pk, trajectory_type]
    return Behind("clients", _("Followed in %(year)s: %(type)s") % {
        "year": year, "type": TrajectoryType(trajectory_type).label}, clients.filter(pk__in=followed))


def outcome_behind(*, organisation, clients, trajectories, year, params, **_rest):
    trajectory_type = _choice(params, "type", TrajectoryType.values)
    outcome = _choice(params, "uitkomst", Outcome.values)
    chosen = year_sets(trajectories, year).outcomes[organisation.pk, trajectory_type, outcome]
    return Behind("clients", _("%(type)s ended in %(year)s with outcome %(outcome)s") % {
        "type": TrajectoryType(trajectory_type).label, "year": year, "outcome": Outcome(outcome).label},
        clients.filter(pk__in=chosen))


def employers_behind(*, organisation, year, counsellor, params, **_rest):
    rows = partner_employers(organisation, year, counsellor)
    if params.get("nieuw"):
        return Behind("employers", _("New partner employers in %(year)s") % {"year": year},
                      [row for row in rows if row["new"]])
    return Behind("employers", _("Partner employers active in %(year)s") % {"year": year}, rows)


def overdue_behind(*, reminders, **_rest):
    return Behind("reminders", _("Reminders overdue"), overdue(reminders))


def _module(params, sets, organisation):
    """The module asked for (`module`), one with a session held in the year, or None when not asked."""
    if "module" not in params:
        return None
    module = ascii_int(params.get("module"))
    if module not in {pk for pk, _title, _kind in sets.modules[organisation.pk]}:
        raise Http404(_("The dashboard has no such figure."))
    return module


def _module_title(sets, organisation, module):
    return next(title for pk, title, _kind in sets.modules[organisation.pk] if pk == module)


def participants_behind(*, organisation, clients, year, params, **_rest):
    sets = module_sets([organisation], year)
    module = _module(params, sets, organisation)
    if module is None:
        return Behind("clients", _("Took part in a group module in %(year)s") % {"year": year},
                      clients.filter(pk__in=sets.participants[organisation.pk]))
    return Behind("clients", _("Took part in %(module)s in %(year)s") % {
        "module": _module_title(sets, organisation, module), "year": year},
        clients.filter(pk__in=sets.module_participants[module]))


def sessions_behind(*, organisation, year, params, **_rest):
    sets = module_sets([organisation], year)
    module = _module(params, sets, organisation)
    sessions = held_sessions(Session.objects.of_organisation(organisation), year)
    title = _("Group-module sessions held in %(year)s") % {"year": year}
    if module is not None:
        sessions = sessions.filter(edition__module=module)
        title = _("Sessions of %(module)s held in %(year)s") % {
            "module": _module_title(sets, organisation, module), "year": year}
    return Behind("sessions", title, sessions.with_attendance_counts())


def measured_behind(*, organisation, clients, year, **_rest):
    measured = module_sets([organisation], year).measured[organisation.pk]
    return Behind("clients", _("Measured on the participation ladder in %(year)s") % {"year": year},
                  clients.filter(pk__in=measured))


def moved_up_behind(*, organisation, clients, year, **_rest):
    moved_up = module_sets([organisation], year).moved_up[organisation.pk]
    return Behind("clients", _("Moved up at least one rung of the participation ladder in %(year)s") % {
        "year": year}, clients.filter(pk__in=moved_up))


def people_behind(*, organisation, clients, trajectories, year, **_rest):
    people = year_sets(trajectories, year).people[organisation.pk]
    return Behind("clients", _("People followed in a trajectory in %(year)s") % {"year": year},
                  clients.filter(pk__in=people))


def to_work_behind(*, organisation, clients, trajectories, year, **_rest):
    to_work = year_sets(trajectories, year).to_work[organisation.pk]
    return Behind("clients", _("People with a trajectory that ended in work in %(year)s") % {"year": year},
                  clients.filter(pk__in=to_work))


def left_leefloon_behind(*, organisation, clients, trajectories, year, **_rest):
    """The people counted in the headline's leefloon_verlaten: for work or for a benefit."""
    left = {client for (of_organisation, client), (_end, _pk, after) in year_sets(
        trajectories, year).leefloon_after.items()
        if of_organisation == organisation.pk and after in (LeefloonAfter.WERK, LeefloonAfter.UITKERING)}
    return Behind("clients", _("Left the leefloon after their trajectory in %(year)s") % {"year": year},
                  clients.filter(pk__in=left))


def _people(organisation, trajectories, year):
    return people_sets([organisation], year, year_sets(trajectories, year))


def leefloners_behind(*, organisation, clients, trajectories, year, **_rest):
    leefloners = _people(organisation, trajectories, year).leefloners[organisation.pk]
    return Behind("clients", _("Leefloners of %(year)s") % {"year": year}, clients.filter(pk__in=leefloners))


def activated_behind(*, organisation, clients, trajectories, year, **_rest):
    activated = _people(organisation, trajectories, year).activated[organisation.pk]
    return Behind("clients", _("Leefloners of %(year)s in activation") % {"year": year},
                  clients.filter(pk__in=activated))


def gpmi_covered_behind(*, organisation, clients, trajectories, year, **_rest):
    people = _people(organisation, trajectories, year)
    covered = people.signed[organisation.pk] | people.exempted[organisation.pk]
    return Behind("clients", _("Leefloners of %(year)s with a GPMI or an exemption") % {"year": year},
                  clients.filter(pk__in=covered))


def gpmi_years_behind(*, organisation, clients, trajectories, year, **_rest):
    years = _people(organisation, trajectories, year).gpmi_years[organisation.pk]
    return Behind("clients", _("People with a GPMI year that ended in %(year)s") % {"year": year},
                  clients.filter(pk__in=years.values()))


def gpmi_years_kept_behind(*, organisation, clients, trajectories, year, **_rest):
    kept = _people(organisation, trajectories, year).gpmi_years_kept[organisation.pk]
    return Behind("clients", _("People with a GPMI year that ended in %(year)s with every evaluation") % {
        "year": year}, clients.filter(pk__in=kept.values()))


def _month_name(month):
    return MONTHS[month]


FIGURES = {
    "open": open_files_behind,
    "caseload": caseload_behind,
    "lopend": running_behind,
    "status": by_status_behind,
    "duur": durations_behind,
    "gestart": started_behind,
    "geeindigd": ended_behind,
    "gevolgd": followed_behind,
    "uitstroom": outcome_behind,
    "werkgevers": employers_behind,
    "herinneringen": overdue_behind,
    "deelnemers": participants_behind,
    "sessies": sessions_behind,
    "gemeten": measured_behind,
    "gestegen": moved_up_behind,
    "personen": people_behind,
    "naar_werk": to_work_behind,
    "leefloon_verlaten": left_leefloon_behind,
    "leefloners": leefloners_behind,
    "in_activering": activated_behind,
    "gpmi_gedekt": gpmi_covered_behind,
    "gpmi_jaren": gpmi_years_behind,
    "gpmi_jaren_in_orde": gpmi_years_kept_behind,
}
