"""The yearly report for the council as a PDF (WeasyPrint) or JSON, from reporting.yearly only.
It holds no name, national number or case note: only the figures.

The PDF: a cover (the OCMW's name and logo, the year, the contents), the key figures (reporting.headline)
with a few sentences that say them (reporting.paragraph), the outcomes of the year in one table (outcome
by type of trajectory) with a chart, the types compared with the year before, the year month by month
and five years side by side, the group modules and the participation ladder, the partner employers.
Everything the council reads passes the small-number rule (reporting.suppression) first."""

import json

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from trajectories.models import Trajectory
from trajectories.rules import Outcome, TrajectoryType

from . import charts, headline, paragraph, trend
from .suppression import Hidden, for_chart, hide_employers, hide_modules, suppress, suppress_figure, threshold_of
from .yearly import (
    busiest,
    module_figures,
    module_sets,
    module_table,
    partner_employers,
    yearly_report_figures,
    yearly_report_figures_by_organisation,
    yearly_summary,
)


def report_context(organisation, year):
    """The exact figures of the report (the diensthoofd's record keeps `figures`); hide_small_numbers
    makes them what the council reads."""
    summary = yearly_summary(Trajectory.objects.of_organisation(organisation), year, organisation)
    figures, durations, months = summary["figures"], summary["durations"], summary["months"]
    employers = partner_employers(organisation, year)
    modules = module_sets([organisation], year)
    now = yearly_report_figures_by_organisation([organisation], year, sets=summary["sets"],
                                                modules=modules)[organisation.pk]
    previous = yearly_report_figures(organisation, year - 1)
    types = []
    for code, label in TrajectoryType.choices:
        this, before = figures["trajecten"][code], previous["trajecten"][code]
        types.append({
            "code": code, "label": label, "gevolgd": this["gevolgd"], "lopend": this["lopend"],
            "gevolgd_vorig_jaar": before["gevolgd"], "verschil": this["gevolgd"] - before["gevolgd"],
            "uitstroom": [(outcome_label, this["uitstroom"][outcome]) for outcome, outcome_label in Outcome.choices],
            "uitstroom_totaal": sum(this["uitstroom"].values()), "average_days": durations.get(code),
        })
    return {"organisation": organisation, "year": year, "figures": figures, "types": types,
            "headline": headline.headline(now), "headline_before": headline.headline(previous),
            "trend": trend.five_years(organisation, year),
            "employers_active": len(employers), "employers_new": sum(1 for row in employers if row["new"]),
            **dict(zip(("employers", "other_employers"), busiest(employers, 15), strict=True)),
            **module_figures(modules, organisation.pk), "modules": module_table(modules, organisation.pk),
            "months": months, "made_at": timezone.localtime()}


def _shown_rate(value):
    """A headline value as the PDF prints it: {"main": "37 %", "sub": "12 of 32"} for a rate, {"main": 83}
    for a count (a Hidden prints as "< 5" or "x")."""
    if isinstance(value, headline.Rate):
        return {"main": f"{value.percent} %" if value.percent is not None else "—",
                "sub": _("%(part)s of %(whole)s") % {"part": value.part, "whole": value.whole}}
    return {"main": value, "sub": ""}


def _short(label):
    """A type's label as a column heading: "TWE" for "tijdelijke werkervaring (TWE)" (and what it
    stands for), "voortraject" for "voortraject / groepsmodule"."""
    label = str(label)
    if label.endswith(")") and "(" in label:
        meaning, short = label[:-1].rsplit("(", 1)
        return short.strip(), meaning.strip()
    return label.split(" / ")[0], ""


def _matrix(types, threshold):
    """The outcomes of the year, one row per outcome and one column per type, with the total per
    outcome, the total ended per type and the grand total, small numbers hidden so that none follows
    from a shown total (the rows, the columns, and the totals adding up to the grand total)."""
    outcomes, codes = range(len(Outcome.values)), [t["code"] for t in types]
    cells = {(o, t): types[t]["uitstroom"][o][1] for o in outcomes for t in range(len(codes))}
    for o in outcomes:
        cells["row", o] = sum(cells[o, t] for t in range(len(codes)))
    for t in range(len(codes)):
        cells["column", t] = sum(cells[o, t] for o in outcomes)
    cells["grand"] = sum(cells["column", t] for t in range(len(codes)))
    lines = ([([(o, t) for t in range(len(codes))], ("row", o)) for o in outcomes]
             + [([(o, t) for o in outcomes], ("column", t)) for t in range(len(codes))]
             + [([("row", o) for o in outcomes], "grand"), ([("column", t) for t in range(len(codes))], "grand")])
    shown = suppress(cells, threshold, lines)
    rows = [{"label": label, "cells": [shown[o, t] for t in range(len(codes))], "total": shown["row", o]}
            for o, (_value, label) in zip(outcomes, Outcome.choices, strict=True)]
    total = {"label": _("Total ended"), "cells": [shown["column", t] for t in range(len(codes))],
             "total": shown["grand"]}
    return rows, total, cells["grand"]


def _per_type(types, threshold):
    """The types this year and the year before, with a total row: followed, running on 31/12."""
    cells, lines = {}, []
    for key, field in (("gevolgd", "gevolgd"), ("vorig", "gevolgd_vorig_jaar"), ("lopend", "lopend")):
        for t in types:
            cells[key, t["code"]] = t[field]
        cells[key] = sum(t[field] for t in types)
        lines.append(([(key, t["code"]) for t in types], key))
    shown = suppress(cells, threshold, lines)
    rows = []
    for t in types:
        followed, before = shown["gevolgd", t["code"]], shown["vorig", t["code"]]
        rows.append({
            "label": t["label"], "gevolgd": followed, "gevolgd_vorig_jaar": before,
            "lopend": shown["lopend", t["code"]],
            # An average over fewer ended trajectories than the threshold would tell of those few people.
            "average_days": t["average_days"] if t["uitstroom_totaal"] >= threshold else None,
            # The difference of a hidden count and a shown one would give the hidden one away.
            "verschil": None if isinstance(followed, Hidden) or isinstance(before, Hidden) else t["verschil"]})
    total = {"gevolgd": shown["gevolgd"], "gevolgd_vorig_jaar": shown["vorig"], "lopend": shown["lopend"]}
    total["verschil"] = (None if isinstance(total["gevolgd"], Hidden) or isinstance(total["gevolgd_vorig_jaar"], Hidden)
                         else total["gevolgd"] - total["gevolgd_vorig_jaar"])
    return rows, total, any(cells[key] for key in ("gevolgd", "vorig"))


def hide_small_numbers(context, threshold):
    """The report as the council reads it: no count from 1 up to below the organisation's threshold,
    and none recoverable from a total (reporting.suppression). context["figures"] stays exact: it is
    what the diensthoofd's record of the report keeps."""
    types = context["types"]
    matrix, matrix_total, ended = _matrix(types, threshold)
    per_type, per_type_total, any_followed = _per_type(types, threshold)
    now = headline.hide_small_numbers(context["headline"], threshold)
    before = headline.hide_small_numbers(context["headline_before"], threshold)
    key_figures = [{"label": item.label, "definition": item.definition, "now": _shown_rate(now[item.key]),
                    "before": _shown_rate(before[item.key])} for item in headline.items()]
    employers, other = hide_employers(context["employers"], context["other_employers"], threshold)
    figures, modules = hide_modules({"groepsmodules": context["groepsmodules"],
                                     "participatieladder": context["participatieladder"]},
                                    context["modules"], threshold)
    type_labels = [t["label"] for t in types]
    # A chart draws only what is shown: a hidden count is not drawn (a bar's height would show it).
    outcome_chart = charts.outcomes_per_type(
        [capfirst(short) for short, _meaning in map(_short, type_labels)], [row["label"] for row in matrix],
        [[for_chart(value) for value in row["cells"]] for row in matrix]) if ended else ""
    months = [(month, suppress_figure(started, threshold), suppress_figure(ended_count, threshold))
              for month, started, ended_count in context["months"]]
    drawn = [(month, for_chart(started), for_chart(ended_count)) for month, started, ended_count in months]
    flow_chart = charts.monthly_flow_print(drawn, context["year"]) if any(
        started or ended_count for _month, started, ended_count in drawn) else ""
    years = trend.hide_small_numbers(context["trend"], threshold)
    drawn = [(year, for_chart(followed), for_chart(work)) for year, followed, work in years]
    trend_chart = charts.five_year_trend(drawn) if any(followed or work for _year, followed, work in drawn) else ""
    return {**context, **figures, "threshold": threshold,
            "key_figures": key_figures, "paragraph": paragraph.paragraph(now, before, context["year"]),
            "matrix": matrix, "matrix_total": matrix_total, "ended": ended, "type_labels": type_labels,
            "short_type_labels": [short for short, _meaning in map(_short, type_labels)],
            "abbreviations": "; ".join(f"{short}: {meaning}" for short, meaning in map(_short, type_labels) if meaning),
            "outcome_chart": outcome_chart,
            "months_hidden": any(isinstance(value, Hidden) for row in months for value in row[1:]),
            "per_type": per_type, "per_type_total": per_type_total, "any_followed": any_followed,
            "flow_chart": flow_chart, "trend_chart": trend_chart, "trend_rows": years,
            "any_trend": any(followed for _year, followed, _work in context["trend"]),
            "trend_hidden": any(isinstance(value, Hidden) for row in years for value in row[1:]),
            "employers": employers, "other_employers": other, "modules": modules}


def report_html(organisation, year):
    """The report as the council reads it, in Dutch, as HTML (what render_pdf prints); and its context."""
    with translation.override("nl-be"):
        context = hide_small_numbers(report_context(organisation, year), threshold_of(organisation))
        return render_to_string("reporting/yearly_report.html", context), context


def render_pdf(organisation, year):
    return render_pdf_and_figures(organisation, year)[0]


def render_pdf_and_figures(organisation, year):
    """(PDF bytes, the CONTRACTS.md figures it shows), from one reading of the data."""
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    html, context = report_html(organisation, year)
    return HTML(string=html).write_pdf(), context["figures"]


def render_json(organisation, year):
    """The figures of CONTRACTS.md, version 2 (with personen and gpmi)."""
    return json.dumps(yearly_report_figures(organisation, year), ensure_ascii=False, indent=2).encode()
