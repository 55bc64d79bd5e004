"""Charts as SVG from pygal: the same chart on the dashboard page and in the PDF. No JavaScript
and nothing fetched (pygal's default tooltip script would come from the internet)."""

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


def _chart(kind, title):
    return kind(style=STYLE, js=[], disable_xml_declaration=True, width=720, height=300, title=title,
                legend_at_bottom=True, print_values=False, show_y_guides=True, explicit_size=False)


def monthly_flow(months, year):
    """Trajectories started and ended per month."""
    chart = _chart(pygal.Bar, _("Inflow and outflow per month, %(year)s") % {"year": year})
    chart.x_labels = MONTHS
    chart.add(_("started"), [started for _month, started, _ended in months])
    chart.add(_("ended"), [ended for _month, _started, ended in months])
    return _render(chart)


def outcomes(types, labels):
    """Outcomes of the year per outcome, all trajectory types together."""
    totals = [sum(t["outcomes"][index] for t in types if t["outcomes"]) for index in range(len(labels))]
    chart = _chart(pygal.HorizontalBar, _("Outcomes of the year"))
    chart.x_labels = [str(label) for label in labels]
    chart.add(_("clients"), totals)
    return _render(chart)


def comparison(data):
    """Per member OCMW: clients followed (per type, added up) and clients who left for work."""
    chart = _chart(pygal.Bar, _("Followed and to work per OCMW, %(year)s") % {"year": data["year"]})
    chart.x_labels = [organisation.name for organisation in data["organisations"]]
    chart.add(_("followed (per type)"), data["followed"])
    chart.add(_("to work (per type)"), data["to_work"])
    return _render(chart)
