"""The headline figures of a year: people, each counted once whatever their number of trajectories,
and the rates a council and a welzijnsregio compare. Taken from the yearly report's figures
(reporting.yearly.yearly_report_figures) only, so the dashboard, the PDF, the region view and its
CSV say the same thing:

- gevolgd: people with any trajectory counting in the year (personen.gevolgd);
- naar_werk: people with a trajectory that ended in the year with outcome werk; naar_werk_per_100:
  of the people followed, how many went to work, per 100;
- leefloon_verlaten: people whose latest trajectory ended in the year left the leefloon for work
  or for unemployment benefit (leefloon_verlaten.werk + uitkering);
- activeringsgraad: of the leefloners of the year, the share in activation (a trajectory counting
  in the year, a GPMI in force on a day of it, or a group module attended in it);
- gpmi_dekking: of the leefloners of the year, the share with a GPMI signed or an exemption accepted
  by 31 December;
- evaluaties: of the GPMI years that ended in the year, the share with the evaluations the
  organisation asks (per year and in person);
- deelnemers: people present at a group-module session held in the year;
- ladder: of the people measured on the participation ladder in the year, the share who moved up.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .suppression import Hidden, is_small, suppress_figure, suppress_rate


@dataclass(frozen=True)
class Rate:
    """`part` of `whole`, and the whole percentage (None when there is nothing to divide or, as a
    schepen sees it, when it would tell of a small group)."""

    part: object  # a count, or Hidden
    whole: object
    percent: int | None


def rate(part, whole):
    return Rate(part, whole, round(100 * part / whole) if whole else None)


def headline(figures):
    """{key: count or Rate} of one organisation's yearly_report_figures (see the module's docstring)."""
    people, gpmi = figures["personen"], figures["gpmi"]
    left, years = figures["leefloon_verlaten"], figures["gpmi_jaren"]
    ladder = figures["participatieladder"]
    return {
        "gevolgd": people["gevolgd"],
        "naar_werk": people["naar_werk"],
        "naar_werk_per_100": rate(people["naar_werk"], people["gevolgd"]),
        "leefloon_verlaten": left["werk"] + left["uitkering"],
        "leefloners": people["leefloners"],
        "activeringsgraad": rate(people["in_activering"], people["leefloners"]),
        "gpmi_dekking": rate(gpmi["ondertekend"] + gpmi["vrijgesteld"], people["leefloners"]),
        "evaluaties": rate(years["in_orde"], years["afgelopen"]),
        "deelnemers": figures["groepsmodules"]["deelnemers"],
        "ladder": rate(ladder["gestegen"], ladder["gemeten"]),
    }


# The counts that are also a rate's part or whole: {rate: (count of its part, count of its whole)}.
SAME_COUNT = {"naar_werk_per_100": ("naar_werk", "gevolgd"), "activeringsgraad": (None, "leefloners"),
              "gpmi_dekking": (None, "leefloners")}


def hide_small_numbers(figures, threshold):
    """headline() as a schepen or a welzijnsregio sees it (reporting.suppression): a count from 1 up
    to below the threshold reads "< N"; a rate shows no percentage when its part, its whole or the
    rest is such a count, and a part whose rest is small is hidden too when the whole is shown ("x":
    the whole minus the part would give the small rest away). A count shown on its own that is also a rate's part or
    whole (SAME_COUNT) is hidden wherever it is hidden once: 42 people followed and 40 to work,
    both shown on their own, would tell the 2 the rate hides."""
    shown = {}
    for key, value in figures.items():
        if isinstance(value, Rate):
            part, whole = suppress_figure(value.part, threshold), suppress_figure(value.whole, threshold)
            if not isinstance(part, Hidden) and not isinstance(whole, Hidden) and is_small(
                    value.whole - value.part, threshold):
                part = Hidden(threshold, secondary=True)
            shown[key] = Rate(part, whole, suppress_rate(value.part, value.whole, threshold))
        else:
            shown[key] = suppress_figure(value, threshold)
    for rate, counts in SAME_COUNT.items():
        if rate not in shown:
            continue
        for side, count in zip(("part", "whole"), counts, strict=True):
            if count is None:
                continue
            in_rate = getattr(shown[rate], side)
            if isinstance(in_rate, Hidden):
                shown[count] = in_rate
            elif isinstance(shown[count], Hidden):
                shown[rate] = Rate(**{**shown[rate].__dict__, side: shown[count], "percent": None})
    return shown


@dataclass(frozen=True)
class Item:
    """One headline figure as a page or the PDF shows it: what it is called, how it is read, and
    the lists behind it on the diensthoofd's dashboard (reporting.behind: the count's, or a rate's
    part and whole)."""

    key: str
    label: str
    definition: str
    behind: tuple


def items():
    """The headline figures in the order they are shown, in the active language."""
    return [
        Item("gevolgd", _("people followed"),
             _("people with a trajectory in the year, each counted once whatever their number of trajectories"),
             ("personen",)),
        Item("naar_werk", _("people to work"), _("people with a trajectory that ended in the year in work"),
             ("naar_werk",)),
        Item("naar_werk_per_100", _("to work per 100 followed"), _("of the people followed, those to work"),
             ("naar_werk", "personen")),
        Item("leefloon_verlaten", _("left the leefloon"),
             _("people whose latest trajectory of the year ended the leefloon, for work or for unemployment "
               "benefit"), ("leefloon_verlaten",)),
        Item("activeringsgraad", _("activation rate"),
             _("of the leefloners of the year, those with a trajectory, a GPMI or a group module in the year"),
             ("in_activering", "leefloners")),
        Item("gpmi_dekking", _("GPMI coverage"),
             _("of the leefloners of the year, those with a GPMI signed or an exemption accepted by 31 December"),
             ("gpmi_gedekt", "leefloners")),
        Item("evaluaties", _("GPMI evaluations kept"),
             _("of the GPMI years that ended in the year, those with every evaluation asked"),
             ("gpmi_jaren_in_orde", "gpmi_jaren")),
        Item("deelnemers", _("group-module participants"),
             _("people present at a group-module session held in the year"), ("deelnemers",)),
        Item("ladder", _("participation ladder: moved up"),
             _("of the people measured on the participation ladder in the year, those a rung higher"),
             ("gestegen", "gemeten")),
    ]


def shown(figures):
    """[(Item, value)] of headline() (or its hidden form), in the order of items()."""
    return [(item, figures[item.key]) for item in items()]
