"""The member OCMWs of a welzijnsregio side by side, with a region total: the one computation behind
the comparison page, its CSV and its PDF.

Sections:
- "Kerncijfers": the headline figures of reporting.headline, people counted once, with the rates
  beside the counts;
- the general figures of today (open case files, trajectories running, ...);
- clients followed per type and ended per outcome: counted per type of trajectory, so a person
  with two types counts twice (unlike the headline, which counts people once).

Small numbers (reporting.suppression). Each member's column is suppressed with the member's own
threshold (threshold_of; the headline through reporting.headline.hide_small_numbers). The region
total adds up the members' counts, and a rate of the total divides the summed parts by the summed
wholes. A total must not give a member's hidden count away (the total minus the other members'
shown cells), so every row of members with their total is a line of reporting.suppression's rule,
under the smallest member threshold. One choice differs from suppress(): when a row has exactly one
hidden member cell, the *total* is hidden ("x"), not the smallest other member. The members' own
columns are what the page is for; the total is the derived cell. Hiding it leaves two hidden cells
in the line, so nothing can be recovered, and no member loses a count it may show. When two or more
members are hidden, the total stays: it gives away only their sum.

A rate is a second kind of line, inside a column: its part and its rest (whole minus part) add up
to its whole. The rest is not shown, but a shown part and a shown whole tell it, so a small rest
hides the part (as reporting.headline does). A quantity that appears twice (people followed is a
count and the whole of "to work per 100") is one cell: hidden in one place, hidden in all. The
rules are applied together until nothing changes, so a hide in one line that opens another is
caught. A percentage is shown only when its part, whole and rest are all shown. (Where the whole
is hidden too, a part of 0 stays shown: it points to nobody.)
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ContactMoment
from reminders.models import Reminder
from trajectories.models import Trajectory
from trajectories.rules import RUNNING, Outcome, TrajectoryType

from . import headline as headlines
from .dashboard import overdue
from .headline import Rate, headline, rate
from .suppression import Hidden, for_chart, is_small, threshold_of
from .yearly import yearly_report_figures_by_organisation

TOTAL = "total"


@dataclass
class Row:
    """One figure across the members: `cells` per member (a count or Hidden; a Rate for a rate),
    `total` the region's (None when the row has no total column)."""

    key: str
    label: str
    cells: list
    total: object = None
    definition: str = ""
    is_rate: bool = False


@dataclass
class Section:
    title: str
    note: str
    rows: list


# The headline rows, in the order shown: the people counted once, then the rates (reporting.headline).
HEADLINE_ORDER = ("gevolgd", "naar_werk", "naar_werk_per_100", "leefloon_verlaten", "leefloners",
                  "activeringsgraad", "gpmi_dekking", "evaluaties", "deelnemers", "ladder")


def _headline_items():
    """{key: (label, definition, quantities)}: the quantities name the counts behind a figure (its
    own, or a rate's part and whole) so that a count shown in two rows is one cell."""
    found = {item.key: (item.label, item.definition, item.behind) for item in headlines.items()}
    found["leefloners"] = (_("leefloners"), _("people with a leefloon on at least one day of the year"),
                           ("leefloners",))
    return found


def comparison(organisations, year):
    """The figures of the member OCMWs and their total, suppressed (see the module's docstring), in
    at most eleven queries whatever the number of members: four for today's general figures, seven
    for the year's (reporting.yearly.yearly_report_figures_by_organisation)."""
    organisations = list(organisations)
    since = timezone.localdate() - datetime.timedelta(days=30)

    def per_organisation(queryset, path):
        return dict(queryset.of_organisations(organisations).order_by().values(path)
                    .annotate(n=Count("pk")).values_list(path, "n"))

    open_files = per_organisation(Client.objects.exclude(status=Client.Status.CLOSED), "organisation")
    running = per_organisation(Trajectory.objects.filter(status__in=RUNNING), "client__organisation")
    contacts = per_organisation(ContactMoment.objects.filter(date__gte=since), "client__organisation")
    overdue_reminders = per_organisation(overdue(Reminder.objects.all()), "organisation")
    report = yearly_report_figures_by_organisation(organisations, year) if organisations else {}
    thresholds = [threshold_of(organisation) for organisation in organisations]
    with_total = len(organisations) > 1
    threshold = min(thresholds) if thresholds else None

    # Every count as a quantity per member column: {quantity: [value per member]}.
    values, hidden = {}, {}
    exact = [headline(report[organisation.pk]) for organisation in organisations]
    shown = [headlines.hide_small_numbers(figures, t) for figures, t in zip(exact, thresholds, strict=True)]
    items = _headline_items()
    rates = []  # (part, whole) quantities
    for key in HEADLINE_ORDER:
        quantities = items[key][2]
        for index, (figures, seen) in enumerate(zip(exact, shown, strict=True)):
            if isinstance(figures[key], Rate):
                pairs = ((quantities[0], figures[key].part, seen[key].part),
                         (quantities[1], figures[key].whole, seen[key].whole))
            else:
                pairs = ((quantities[0], figures[key], seen[key]),)
            for quantity, value, as_shown in pairs:
                values.setdefault(quantity, [None] * len(organisations))[index] = value
                # Hidden in one place, hidden everywhere. A rate's "x" (its rest is small) is left to
                # the rate lines of _protect, which hide the part where the whole is shown.
                if isinstance(as_shown, Hidden) and not (len(pairs) == 2 and as_shown.secondary):
                    hidden[(quantity, index)] = as_shown
        if len(quantities) == 2 and quantities not in rates:
            rates.append(quantities)

    def add_rows(prefix, rows):
        for number, (_label, value) in enumerate(rows):
            values[(prefix, number)] = [value(organisation.pk) for organisation in organisations]
        return [(prefix, number) for number in range(len(rows))]

    general = [
        (_("open case files"), lambda pk: open_files.get(pk, 0)),
        (_("trajectories running now"), lambda pk: running.get(pk, 0)),
        (_("Contact moments (30 days)"), lambda pk: contacts.get(pk, 0)),
        (_("reminders overdue"), lambda pk: overdue_reminders.get(pk, 0)),
    ]
    followed = [(label, lambda pk, code=code: report[pk]["trajecten"][code]["gevolgd"])
                for code, label in TrajectoryType.choices]
    outflow = [(label, lambda pk, outcome=outcome: sum(
        report[pk]["trajecten"][code]["uitstroom"][outcome] for code in TrajectoryType.values))
        for outcome, label in Outcome.choices]
    other_sections = [(rows, add_rows(prefix, rows)) for prefix, rows in
                      (("general", general), ("followed", followed), ("outflow", outflow))]

    cells = _protect(values, hidden, rates, thresholds, threshold, with_total)

    def count_row(key, label, quantity, definition=""):
        return Row(key, label, [cells[(quantity, index)] for index in range(len(organisations))],
                   cells[(quantity, TOTAL)] if with_total else None, definition)

    def rate_of(part, whole, column):
        exact_part, exact_whole = cells.exact(part, column), cells.exact(whole, column)
        part_shown, whole_shown = cells[(part, column)], cells[(whole, column)]
        open_ = not any(isinstance(value, Hidden) for value in (
            part_shown, whole_shown, cells.get((("rest", part, whole), column))))
        percent = rate(exact_part, exact_whole).percent if open_ else None
        return Rate(part_shown, whole_shown, percent)

    headline_rows = []
    for key in HEADLINE_ORDER:
        label, definition, quantities = items[key]
        if len(quantities) == 2:
            headline_rows.append(Row(key, label, [rate_of(*quantities, index) for index in range(len(organisations))],
                                     rate_of(*quantities, TOTAL) if with_total else None, definition, True))
        else:
            headline_rows.append(count_row(key, label, quantities[0], definition))
    sections = [Section(_("Key figures"), _("People, each counted once whatever their number of trajectories; "
                                            "a rate beside the counts it is made of."), headline_rows)]
    titles = [
        (_("Today"), ""),
        (_("Clients followed in %(year)s, per type") % {"year": year},
         _("Counted per type of trajectory: a person with trajectories of two types counts in both.")),
        (_("Ended in %(year)s, by outcome (clients per type, added up)") % {"year": year},
         _("Counted per type of trajectory, then added up: not the people of the key figures.")),
    ]
    for (title, note), (rows, keys) in zip(titles, other_sections, strict=True):
        sections.append(Section(title, note, [count_row(f"{quantity[0]}-{quantity[1]}", label, quantity)
                                              for (label, _value), quantity in zip(rows, keys, strict=True)]))
    people = headline_rows[0].cells
    to_work = headline_rows[1].cells
    return {"year": year, "organisations": organisations, "sections": sections, "with_total": with_total,
            "threshold": threshold, "thresholds": sorted(set(thresholds)),
            # What the chart draws: people, a hidden one not at all.
            "followed": [for_chart(value) for value in people], "to_work": [for_chart(value) for value in to_work]}


class _Cells(dict):
    """{(quantity, column): count or Hidden}, with the exact counts kept aside for the rates."""

    def __init__(self, shown, exact):
        super().__init__(shown)
        self._exact = exact

    def exact(self, quantity, column):
        return self._exact[(quantity, column)]


def _protect(values, hidden, rates, thresholds, threshold, with_total):
    """The cells of every quantity per member column and, with_total, the TOTAL column, suppressed
    by the lines of the module's docstring. `hidden` holds what the members' own suppression hid."""
    members = range(len(thresholds))
    cells = {(quantity, index): value for quantity, row in values.items() for index, value in enumerate(row)}
    column_threshold = dict(enumerate(thresholds))
    if with_total:
        column_threshold[TOTAL] = threshold
        for quantity, row in values.items():
            cells[(quantity, TOTAL)] = sum(row)
    columns = list(column_threshold)
    for part, whole in rates:
        for column in columns:
            cells[(("rest", part, whole), column)] = cells[(whole, column)] - cells[(part, column)]
    hidden = dict(hidden)
    for key, value in cells.items():
        if key not in hidden and is_small(value, column_threshold[key[1]]):
            hidden[key] = Hidden(column_threshold[key[1]])
    quantities = {quantity for quantity, _column in cells}
    row_lines = [([(quantity, index) for index in members], (quantity, TOTAL))
                 for quantity in quantities] if with_total else []
    rate_lines = [([(part, column), (("rest", part, whole), column)], (whole, column))
                  for part, whole in rates for column in columns]

    def hide(key):
        hidden[key] = Hidden(column_threshold[key[1]], secondary=True)

    changed = True
    while changed:
        changed = False
        for parts, total in row_lines:
            # One hidden member: the total goes, not another member's count.
            if total not in hidden and sum(key in hidden for key in parts) == 1:
                hide(total)
                changed = True
        for parts, total in rate_lines:
            if total in hidden or sum(key in hidden for key in parts) != 1:
                continue
            shown = [key for key in parts if key not in hidden and cells[key] > 0]
            hide(min(shown, key=lambda key: cells[key]) if shown else total)
            changed = True
    # A rest hidden with its part and whole shown is told by them: never left so (the rate lines).
    return _Cells({key: hidden.get(key, value) for key, value in cells.items()}, cells)


def _text(value, rate=False):
    if rate:
        return "" if value.percent is None else str(value.percent)
    return str(value)


def as_rows(data):
    """The table as text, one list per line, as the CSV holds it: a header (the members and the
    total), then per section its title and its figures; a rate is its percentage, empty when hidden."""
    header = [_("Figure"), *(organisation.name for organisation in data["organisations"])]
    if data["with_total"]:
        header.append(_("Total"))
    lines = [header]
    for section in data["sections"]:
        lines.append([section.title] + [""] * (len(header) - 1))
        for row in section.rows:
            label = f"{row.label} (%)" if row.is_rate else str(row.label)
            cells = row.cells + ([row.total] if data["with_total"] else [])
            lines.append([label[:1].upper() + label[1:], *(_text(value, row.is_rate) for value in cells)])
    return lines


def as_csv(data):
    """UTF-8 with a byte order mark and `;` between the cells: Excel in a Dutch locale opens it as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(as_rows(data))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_pdf(region, organisations, year):
    """The region's figures as a PDF (WeasyPrint): a title page, the key figures with their rates,
    the other sections, the chart and the note on small numbers; every page headed with the region
    and the year."""
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    from . import charts

    data = comparison(organisations, year)
    html = render_to_string("reporting/region_report.html", {
        "region": region, "data": data, "year": year, "made_at": timezone.localtime(),
        "chart": charts.region_people(data) if data["organisations"] else "",
        "landscape": len(data["organisations"]) > 4})
    return HTML(string=html).write_pdf()
