"""The yearly report for the council as a PDF (WeasyPrint) or JSON, from reporting.yearly only.
It holds no name, national number or case note: only the figures."""

import json

from django.template.loader import render_to_string
from django.utils import timezone, translation

from trajectories.models import Trajectory
from trajectories.rules import Outcome, TrajectoryType

from . import charts
from .suppression import Hidden, for_chart, hide_employers, hide_modules, suppress, suppress_figure, threshold_of
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
            "months": months, "made_at": timezone.localtime()}


def hide_small_numbers(context, threshold):
    """The report as the council reads it: no count from 1 up to below the organisation's threshold,
    and none recoverable from a total (reporting.suppression). context["figures"] stays exact: it is
    what the diensthoofd's record of the report keeps."""
    types, outcomes = context["types"], Outcome.values
    werk = outcomes.index(Outcome.WERK)
    cells = {"followed": context["followed"], "to_work": context["to_work"]}
    lines = [([("gevolgd", t["code"]) for t in types], "followed"),
             ([("uitstroom", t["code"], werk) for t in types], "to_work")]
    for t in types:
        cells[("gevolgd", t["code"])] = t["gevolgd"]
        cells[("vorig", t["code"])] = t["gevolgd_vorig_jaar"]
        cells[("lopend", t["code"])] = t["lopend"]
        cells[("totaal", t["code"])] = t["uitstroom_totaal"]
        for index, (_label, count) in enumerate(t["uitstroom"]):
            cells[("uitstroom", t["code"], index)] = count
        lines.append(([("uitstroom", t["code"], index) for index in range(len(outcomes))], ("totaal", t["code"])))
    left = context["left_leefloon"]
    cells.update({("left", key): value for key, value in left.items()})
    cells["left_total"] = left["werk"] + left["uitkering"]
    lines.append(([("left", "werk"), ("left", "uitkering")], "left_total"))
    shown = suppress(cells, threshold, lines)
    hidden_types = []
    for t in types:
        followed, before = shown[("gevolgd", t["code"])], shown[("vorig", t["code"])]
        hidden_types.append({
            **t, "gevolgd": followed, "gevolgd_vorig_jaar": before, "lopend": shown[("lopend", t["code"])],
            "gevolgd_hidden": isinstance(followed, Hidden),
            # An average over fewer ended trajectories than the threshold would tell of those few people.
            "average_days": t["average_days"] if t["uitstroom_totaal"] >= threshold else None,
            # The difference of a hidden count and a shown one would give the hidden one away.
            "verschil": None if isinstance(followed, Hidden) or isinstance(before, Hidden) else t["verschil"],
            "uitstroom": [(label, shown[("uitstroom", t["code"], index)])
                          for index, (label, _count) in enumerate(t["uitstroom"])],
            "uitstroom_totaal": shown[("totaal", t["code"])]})
    employers, other = hide_employers(context["employers"], context["other_employers"], threshold)
    figures, modules = hide_modules({"groepsmodules": context["groepsmodules"],
                                     "participatieladder": context["participatieladder"]},
                                    context["modules"], threshold)
    # The chart draws the months; a hidden count is not drawn (a bar's height would show it).
    flow_chart = charts.monthly_flow([
        (month, for_chart(suppress_figure(started, threshold)), for_chart(suppress_figure(ended, threshold)))
        for month, started, ended in context["months"]], context["year"])
    return {**context, **figures, "types": hidden_types, "flow_chart": flow_chart,
            "followed": shown["followed"], "to_work": shown["to_work"],
            "left_leefloon": {key: shown[("left", key)] for key in left}, "left_leefloon_total": shown["left_total"],
            "employers": employers, "other_employers": other, "modules": modules, "threshold": threshold}


def render_pdf(organisation, year):
    return render_pdf_and_figures(organisation, year)[0]


def render_pdf_and_figures(organisation, year):
    """(PDF bytes, the CONTRACTS.md figures it shows), from one reading of the data."""
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    with translation.override("nl-be"):
        context = hide_small_numbers(report_context(organisation, year), threshold_of(organisation))
        html = render_to_string("reporting/yearly_report.html", context)
    return HTML(string=html).write_pdf(), context["figures"]


def render_json(organisation, year):
    """The figures of CONTRACTS.md, version 2 (with personen and gpmi)."""
    return json.dumps(yearly_report_figures(organisation, year), ensure_ascii=False, indent=2).encode()
