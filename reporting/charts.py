"""Charts as SVG from pygal: the same chart on the dashboard page and in the PDF. No JavaScript
and nothing fetched (pygal's default tooltip script would come from the internet)."""

import functools
import re

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", foreground="#212529", foreground_strong="#212529",
              foreground_subtle="#6c757d", colors=("#1d3f6e", "#2f9e8f", "#e0a526"), font_family="DejaVu Sans, Arial",
              label_font_size=11, major_label_font_size=11, legend_font_size=11, title_font_size=13)
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart):
    """The SVG without pygal's inline configuration script: nothing runs in a report."""
    return SCRIPT.sub("", chart.render(is_unicode=True))


@functools.lru_cache(maxsize=256)
def _svg(kind, title, x_labels, series):
    """The same figures give the same picture: a dashboard opened again with unchanged figures
    reuses it (pygal takes about 20 ms per chart). Everything that shapes the chart, translated
    labels included, is in the arguments; `series` is ((name, (value, ...)), ...)."""
    chart = kind(style=STYLE, js=[], disable_xml_declaration=True, width=720, height=300, title=title,
                 legend_at_bottom=True, print_values=False, show_y_guides=True, explicit_size=False)
    chart.x_labels = list(x_labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def monthly_flow(months, year):
    """Trajectories started and ended per month."""
    return _svg(pygal.Bar, _("Inflow and outflow per month, %(year)s") % {"year": year}, tuple(MONTHS), (
        (_("started"), tuple(started for _month, started, _ended in months)),
        (_("ended"), tuple(ended for _month, _started, ended in months))))


def outcomes(types, labels):
    """Outcomes of the year per outcome, all trajectory types together."""
    totals = tuple(sum(t["outcomes"][index] for t in types if t["outcomes"]) for index in range(len(labels)))
    return _svg(pygal.HorizontalBar, _("Outcomes of the year"), tuple(str(label) for label in labels),
                ((_("clients"), totals),))


def region_people(data):
    """Per member OCMW of reporting.region.comparison: people followed and people to work, each
    counted once (the headline's); a hidden count is None and not drawn. The names lose their
    "OCMW " (the title says it) and, for many members, lean so that none is cut off."""
    names = [re.sub(r"^OCMW\s+", "", organisation.name) for organisation in data["organisations"]]
    chart = pygal.Bar(style=STYLE, js=[], disable_xml_declaration=True, width=720, height=320,
                      title=_("People followed and to work per OCMW, %(year)s") % {"year": data["year"]},
                      legend_at_bottom=True, print_values=False, show_y_guides=True, explicit_size=False,
                      truncate_label=-1, x_label_rotation=30 if len(names) > 4 else 0)
    chart.x_labels = names
    chart.add(_("people followed"), list(data["followed"]))
    chart.add(_("people to work"), list(data["to_work"]))
    return _render(chart)


# The yearly report's charts (reporting/report.py). The PDF shows an SVG across the page's width
# (about 174 mm for 720 units): a font of 15 units prints at about 10 pt, readable at 100%.

PRINT_STYLE = Style(background="white", plot_background="white", foreground="#212529", foreground_strong="#212529",
                    foreground_subtle="#6c757d", font_family="DejaVu Sans, Arial",
                    colors=("#1d3f6e", "#2f9e8f", "#e0a526", "#8c564b", "#c0392b", "#7f7f7f", "#6f42c1", "#17becf"),
                    label_font_size=15, major_label_font_size=15, legend_font_size=15, title_font_size=17,
                    value_font_size=14, tooltip_font_size=14, opacity=".9", guide_stroke_color="#cccccc",
                    major_guide_stroke_color="#999999", guide_stroke_dasharray="2,3",
                    major_guide_stroke_dasharray="2,3")


def _ticks(series, stacked=False):
    """The value axis in steps of 5 or more (5, 10, 20, 25, 50, ...): an axis marked 1, 2, 3, 4 would
    invite reading a small count off a bar, which the report does not show."""
    values = [[value or 0 for value in values] for _name, values in series]
    top = max([sum(column) for column in zip(*values, strict=True)] if stacked and values else
              [value for row in values for value in row] or [0])
    step = next(step for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10 ** 9)
                if top <= step * 8)
    return list(range(0, max(top, 1) + step, step))


def _print_svg(kind, title, x_labels, series, height=360, **options):
    """An SVG for the PDF: `series` is [(name, [value or None, ...])], None not drawn."""
    ticks = _ticks(series, stacked=issubclass(kind, pygal.StackedBar))
    options = {"legend_at_bottom": True, "print_values": False, "show_y_guides": True, "y_labels": ticks,
               "range": (0, ticks[-1]), **options}
    chart = kind(style=PRINT_STYLE, js=[], disable_xml_declaration=True, width=720, height=height, title=title,
                 explicit_size=False, **options)
    chart.x_labels = [str(label) for label in x_labels]
    for name, values in series:
        chart.add(str(name), list(values))
    # The legend's ids (for pygal's script, which is not there) repeat from one chart to the next.
    return re.sub(r' id="activate-serie-\d+"', "", _render(chart))


def outcomes_per_type(type_labels, outcome_labels, rows):
    """One bar per trajectory type, stacked by outcome: rows[o][t] is the clients of type t who ended
    with outcome o (None when it is hidden: not drawn). An outcome with nothing to draw is left out."""
    series = [(label, row) for label, row in zip(outcome_labels, rows, strict=True) if any(row)]
    if not series:
        return ""
    return _print_svg(pygal.HorizontalStackedBar, _("Outcomes per type of trajectory"), type_labels, series,
                      height=100 + 50 * len(type_labels) + 30 * ((len(series) + 1) // 2),
                      legend_at_bottom_columns=2, show_y_guides=False, show_x_guides=True, truncate_legend=-1)


def monthly_flow_print(months, year):
    """monthly_flow for the PDF: trajectories started and ended per month (None: hidden, not drawn)."""
    return _print_svg(pygal.Bar, _("Inflow and outflow per month, %(year)s") % {"year": year}, MONTHS, [
        (_("started"), [started for _month, started, _ended in months]),
        (_("ended"), [ended for _month, _started, ended in months])], height=330)


def five_year_trend(rows):
    """People followed and people to work per year: rows [(year, followed, to work)], None not drawn."""
    return _print_svg(pygal.Bar, _("People followed and people to work, %(first)s–%(last)s") % {
        "first": rows[0][0], "last": rows[-1][0]}, [year for year, _followed, _work in rows], [
        (_("people followed"), [followed for _year, followed, _work in rows]),
        (_("people to work"), [work for _year, _followed, work in rows])], height=330)
