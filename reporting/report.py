"""The yearly report for the council as a PDF (WeasyPrint) or JSON, from reporting.yearly only.
It holds no name, national number or case note: only the figures."""

import json

from django.template.loader import render_to_string
from django.utils import timezone, translation

from trajectories.models import Trajectory
from trajectories.rules import Outcome, TrajectoryType

from . import charts
from .yearly import (
    busiest,
    module_figures,
    module_sets,
    module_table,
    partner_employers,
    yearly_figures,
    yearly_report_figures,
    yearly_summary,
)


def report_context(organisation, year):
    summary = yearly_summary(Trajectory.objects.of_organisation(organisation), year, organisation)
    figures, durations, months = summary["figures"], summary["durations"], summary["months"]
    previous = yearly_figures(organisation, year - 1)
    employers = partner_employers(organisation, year)
    modules = module_sets([organisation], year)
    types = []
    for code, label in TrajectoryType.choices:
        now, before = figures["trajecten"][code], previous["trajecten"][code]
        types.append({
            "code": code, "label": label, "gevolgd": now["gevolgd"], "lopend": now["lopend"],
            "gevolgd_vorig_jaar": before["gevolgd"], "verschil": now["gevolgd"] - before["gevolgd"],
            "uitstroom": [(outcome_label, now["uitstroom"][outcome]) for outcome, outcome_label in Outcome.choices],
            "uitstroom_totaal": sum(now["uitstroom"].values()), "average_days": durations.get(code),
        })
    return {"organisation": organisation, "year": year, "figures": figures, "types": types,
            "flow_chart": charts.monthly_flow(months, year),
            "followed": sum(t["gevolgd"] for t in types), "to_work": sum(
                figures["trajecten"][code]["uitstroom"][Outcome.WERK] for code in TrajectoryType.values),
            "left_leefloon": summary["left_leefloon"],
            "employers_active": len(employers), "employers_new": sum(1 for row in employers if row["new"]),
            **dict(zip(("employers", "other_employers"), busiest(employers, 15), strict=True)),
            **module_figures(modules, organisation.pk), "modules": module_table(modules, organisation.pk),
            "made_at": timezone.localtime()}


def render_pdf(organisation, year):
    return render_pdf_and_figures(organisation, year)[0]


def render_pdf_and_figures(organisation, year):
    """(PDF bytes, the CONTRACTS.md figures it shows), from one reading of the data."""
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    with translation.override("nl-be"):
        context = report_context(organisation, year)
        html = render_to_string("reporting/yearly_report.html", context)
    return HTML(string=html).write_pdf(), context["figures"]


def render_json(organisation, year):
    """The figures of CONTRACTS.md, version 2 (with personen and gpmi)."""
    return json.dumps(yearly_report_figures(organisation, year), ensure_ascii=False, indent=2).encode()
