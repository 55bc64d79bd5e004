"""The rules of group modules (DOMAIN.md: voortraject / groepsmodule, attendance per session; seed
001 and 003), over plain values, so forms, services, the demo and the figures ask the same ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Unexcused absences in a row (within one edition) that become a reminder for the counsellor.
UNEXCUSED_IN_A_ROW = 2


class ModuleKind(models.TextChoices):
    VOORTRAJECT = "voortraject", _("voortraject group")
    WORKSHOP = "workshop", _("workshop")
    LANGUAGE = "taal", _("language")
    SPORT = "sport", _("sport")
    JOB_CLUB = "jobclub", _("job-search club")
    OTHER = "andere", _("other")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "ingeschreven", _("enrolled")
    WAITING = "wachtlijst", _("waiting list")
    LEFT = "uitgeschreven", _("left")


class Presence(models.TextChoices):
    """One tap per person in the room."""

    PRESENT = "aanwezig", _("present")
    LATE = "te_laat", _("late")
    EXCUSED = "verwittigd", _("absent, excused")
    UNEXCUSED = "onverwittigd", _("absent, unexcused")
    ILL = "ziek", _("absent, ill")


ATTENDED = (Presence.PRESENT, Presence.LATE)
ABSENT = (Presence.EXCUSED, Presence.UNEXCUSED, Presence.ILL)


def is_full(enrolled, capacity):
    """Whether `enrolled` participants fill `capacity` places (no capacity: no limit)."""
    return capacity is not None and enrolled >= capacity


def status_for_new_enrolment(enrolled, capacity):
    """A new enrolment takes a place while the edition has one, else it joins the waiting list."""
    return EnrolmentStatus.WAITING if is_full(enrolled, capacity) else EnrolmentStatus.ENROLLED


def unexcused_in_a_row(presences):
    """How many of the latest `presences` (oldest first) in a row were unexcused absences."""
    count = 0
    for presence in reversed(presences):
        if presence != Presence.UNEXCUSED:
            break
        count += 1
    return count
