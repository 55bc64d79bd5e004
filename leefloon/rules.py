"""The legal deadline that counts from a leefloon decision (DOMAIN.md, "The GPMI"), as functions over
plain values, so the models, the import, the reminders, the figures and the demo use the same ones.

Every decision has a GPMI deadline, 3 months after its date. It is met by a GPMI or an accepted
exemption that is in force at some point between the decision and the deadline: signed (accepted)
on or before the deadline, and not ended before the decision. A renewal of a running leefloon with
a running GPMI is therefore met at once, and a leefloon that ended before its deadline needs none."""

from dateutil.relativedelta import relativedelta

# A GPMI is drawn up within 3 months of the leefloon decision (law of 26 May 2002, art. 11 §1).
GPMI_MONTHS = 3


def gpmi_deadline(decided_on):
    """The decision date plus 3 months: the same day three months later, or that month's last day
    (31 January → 30 April; 30 November → 28 or 29 February)."""
    return decided_on + relativedelta(months=GPMI_MONTHS)


def in_force(start, end, day):
    """A period from `start` to `end` (None: open) includes `day`."""
    return start is not None and start <= day and (end is None or end >= day)


def covers(decided_on, start, end, *, by=None):
    """Whether a GPMI or exemption running from `start` to `end` (None: open) answers a decision of
    `decided_on` by the day `by`: its deadline by default (on time), or today (answered, late or not)."""
    by = by or gpmi_deadline(decided_on)
    return start is not None and start <= by and (end is None or end >= decided_on)


def needs_gpmi(decided_on, leefloon_end):
    """A decision whose leefloon ended before its deadline needs no GPMI any more."""
    return leefloon_end is None or leefloon_end >= gpmi_deadline(decided_on)
