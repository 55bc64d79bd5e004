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


def comparison(data):
    """Per member OCMW: clients followed (per type, added up) and clients who left for work."""
    return _svg(pygal.Bar, _("Followed and to work per OCMW, %(year)s") % {"year": data["year"]},
                tuple(organisation.name for organisation in data["organisations"]), (
                    (_("followed (per type)"), tuple(data["followed"])),
                    (_("to work (per type)"), tuple(data["to_work"]))))
