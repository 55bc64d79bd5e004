"""The yearly report's few sentences in plain language: what the headline figures say, with the year
before beside them (in the way a schepen tells the council: "In 2018 volgden 83 leefloners het traject
nazorg; 46 van hen vonden vast werk ...").

The figures are the headline's as the council sees them (reporting.headline.hide_small_numbers): a
count is a number or Hidden, and the text says "fewer than 5" or "a number not shown" for a hidden one,
never the number. Each sentence is one translatable message with named placeholders."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .headline import Rate
from .suppression import Hidden


def _n(value):
    """The number a plural form is chosen by: a hidden count is several."""
    return value.threshold if isinstance(value, Hidden) else value


def count(value):
    """A count on its own ("46", "fewer than 5", "a number not shown")."""
    if isinstance(value, Hidden):
        if value.secondary:
            return _("a number not shown")
        return _("fewer than %(threshold)s") % {"threshold": value.threshold}
    return str(value)


def people(value):
    """A count of people ("83 people", "1 person", "fewer than 5 people", "nobody")."""
    if isinstance(value, Hidden):
        if value.secondary:
            return _("a number of people not shown")
        return _("fewer than %(threshold)s people") % {"threshold": value.threshold}
    if value == 0:
        return _("nobody")
    return ngettext("%(count)s person", "%(count)s people", value) % {"count": value}


def share(rate):
    """A Rate as a share: "37 %", or the part when there is no percentage to show ("fewer than 5"; "all
    but fewer than 5" for a part hidden because the rest is small, reporting.headline)."""
    if rate.percent is not None:
        return f"{rate.percent} %"
    if isinstance(rate.part, Hidden) and rate.part.secondary and not isinstance(rate.whole, Hidden):
        return _("all but fewer than %(threshold)s") % {"threshold": rate.part.threshold}
    return count(rate.part)


def _compared(now, before, year_before):
    """The year before, beside the people followed and to work."""
    if before["gevolgd"] == 0:
        return _("while in %(year)s it followed nobody") % {"year": year_before}
    return _("against %(followed)s and %(work)s to work in %(year)s") % {
        "followed": people(before["gevolgd"]), "work": count(before["naar_werk"]), "year": year_before}


def _followed(now, before, year):
    values = {"year": year, "year_before": year - 1}
    if now["gevolgd"] == 0:
        if before["gevolgd"] == 0:
            return _("In %(year)s, as in %(year_before)s, the OCMW followed nobody in a trajectory.") % values
        return _("In %(year)s the OCMW followed nobody in a trajectory, against %(followed)s in %(year_before)s.") % {
            **values, "followed": people(before["gevolgd"])}
    values.update(followed=people(now["gevolgd"]), compared=_compared(now, before, year - 1))
    work = now["naar_werk"]
    if work == 0:
        return _("In %(year)s the OCMW followed %(followed)s in a trajectory; none of them left a trajectory for "
                 "work in the year, %(compared)s.") % values
    values.update(work=count(work))
    if isinstance(now["naar_werk_per_100"], Rate) and now["naar_werk_per_100"].percent is not None:
        values["percent"] = now["naar_werk_per_100"].percent
        return ngettext(
            "In %(year)s the OCMW followed %(followed)s in a trajectory; %(work)s of them found work "
            "(%(percent)s per 100), %(compared)s.",
            "In %(year)s the OCMW followed %(followed)s in a trajectory; %(work)s of them found work "
            "(%(percent)s per 100), %(compared)s.", _n(work)) % values
    return ngettext(
        "In %(year)s the OCMW followed %(followed)s in a trajectory; %(work)s of them found work, %(compared)s.",
        "In %(year)s the OCMW followed %(followed)s in a trajectory; %(work)s of them found work, %(compared)s.",
        _n(work)) % values


def _left_leefloon(now, before, year):
    left, values = now["leefloon_verlaten"], {"year_before": year - 1, "before": count(before["leefloon_verlaten"])}
    if left == 0:
        return _("Nobody left the leefloon after a trajectory that ended in the year (%(before)s in "
                 "%(year_before)s).") % values
    return ngettext(
        "%(people)s left the leefloon after a trajectory, for work or for unemployment benefit (%(before)s in "
        "%(year_before)s).",
        "%(people)s left the leefloon after a trajectory, for work or for unemployment benefit (%(before)s in "
        "%(year_before)s).", _n(left)) % {**values, "people": people(left)}


def _activation(now, before, year):
    leefloners = now["leefloners"]
    if leefloners == 0:
        return _("The OCMW had no leefloners in %(year)s.") % {"year": year}
    if isinstance(leefloners, Hidden):
        return _("The OCMW had %(leefloners)s leefloners in %(year)s: too few to show what share of them was "
                 "in activation.") % {"leefloners": count(leefloners), "year": year}
    values = {"leefloners": leefloners, "year": year, "active": share(now["activeringsgraad"]),
              "covered": share(now["gpmi_dekking"])}
    previous = before["activeringsgraad"]
    if isinstance(previous, Rate) and previous.percent is not None:
        values.update(active_before=share(previous), year_before=year - 1)
        return ngettext(
            "Of the %(leefloners)s leefloner of %(year)s, %(active)s was in activation (a trajectory, a GPMI or "
            "a group module; %(active_before)s in %(year_before)s) and %(covered)s had a GPMI signed or an "
            "exemption.",
            "Of the %(leefloners)s leefloners of %(year)s, %(active)s were in activation (a trajectory, a GPMI "
            "or a group module; %(active_before)s in %(year_before)s) and %(covered)s had a GPMI signed or an "
            "exemption.", leefloners) % values
    return ngettext(
        "Of the %(leefloners)s leefloner of %(year)s, %(active)s was in activation (a trajectory, a GPMI or a "
        "group module) and %(covered)s had a GPMI signed or an exemption.",
        "Of the %(leefloners)s leefloners of %(year)s, %(active)s were in activation (a trajectory, a GPMI or "
        "a group module) and %(covered)s had a GPMI signed or an exemption.", leefloners) % values


def _modules(now, before, year):
    participants = now["deelnemers"]
    values = {"year": year, "year_before": year - 1, "before": count(before["deelnemers"])}
    if participants == 0:
        return _("Nobody took part in a group module in %(year)s (%(before)s in %(year_before)s).") % values
    return ngettext(
        "%(people)s took part in a group module (%(before)s in %(year_before)s).",
        "%(people)s took part in a group module (%(before)s in %(year_before)s).",
        _n(participants)) % {**values, "people": people(participants)}


def paragraph(now, before, year):
    """The sentences for the headline of `year` (now) and of the year before (before), both as
    reporting.headline.hide_small_numbers gives them."""
    sentences = [_followed(now, before, year), _left_leefloon(now, before, year), _activation(now, before, year),
                 _modules(now, before, year)]
    return " ".join(sentence[:1].upper() + sentence[1:] for sentence in sentences)
