"""The GPMI's rules as functions over plain values (DOMAIN.md, "The GPMI"): when it ends, when the next
evaluation is due by the organisation's cadence, and whether a GPMI year kept the cadence. The
models, the reminders, the deadline view, the figures and the demo all use these."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

# Defaults of the organisation's cadence (Organisation.gpmi_evaluations_per_year, ..._in_person).
EVALUATIONS_PER_YEAR = 3
IN_PERSON_PER_YEAR = 2


def planned_end(signed_on, duration_months):
    """The last day of a GPMI signed on `signed_on` for `duration_months` (None: no end set)."""
    if signed_on is None or not duration_months:
        return None
    return signed_on + relativedelta(months=duration_months) - datetime.timedelta(days=1)


def end_date(signed_on, duration_months, ended_on):
    """The day the GPMI ends or ended: an early end, else its planned end."""
    return ended_on or planned_end(signed_on, duration_months)


def evaluation_interval(per_year):
    """The time between evaluations for `per_year` a year: whole months where it divides a year
    (3 a year: every 4 months), days otherwise."""
    if 12 % per_year == 0:
        return relativedelta(months=12 // per_year)
    return relativedelta(days=round(365 / per_year))


def next_evaluation_due(signed_on, last_evaluation, per_year):
    """The day the next evaluation is due: one interval after the last evaluation, or after the
    signing when there was none."""
    return (last_evaluation or signed_on) + evaluation_interval(per_year)


@dataclass(frozen=True)
class GpmiYear:
    """One year of a GPMI, counted from its signing, with the evaluations held in it."""

    number: int
    first_day: datetime.date
    last_day: datetime.date
    held: int
    in_person: int
    required: int
    required_in_person: int

    @property
    def kept(self):
        return self.held >= self.required and self.in_person >= self.required_in_person


def gpmi_years(signed_on, last_day, evaluations, *, per_year, in_person_per_year):
    """The GPMI years from `signed_on` until `last_day` (its end, or today), each with the number of
    evaluations held and held in person. `evaluations`: (date, in_person) pairs."""
    years, number = [], 0
    while True:
        first = signed_on + relativedelta(years=number)
        if first > last_day:
            return years
        last = signed_on + relativedelta(years=number + 1) - datetime.timedelta(days=1)
        inside = [in_person for day, in_person in evaluations if first <= day <= last]
        years.append(GpmiYear(number + 1, first, last, len(inside), sum(inside), per_year, in_person_per_year))
        number += 1
