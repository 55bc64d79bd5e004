"""Every change to group modules goes through here: enrolment with its waiting list, leaving (the
first on the waiting list moves up), attendance. Each write is validated by its model."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attendance, Edition, Enrolment
from .rules import EnrolmentStatus, is_full, status_for_new_enrolment


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def may_take_attendance(user, edition):
    """The edition's trainer and the diensthoofd take attendance; so does a counsellor of the
    organisation for an edition without a trainer."""
    if not user.works_with_case_files or user.organisation_id != edition.module.organisation_id:
        return False
    return user.is_head or edition.trainer_id in (None, user.pk)


def may_enrol(user, client, edition):
    """The client's counsellor (or the diensthoofd), or the edition's trainer for their edition."""
    if client.organisation_id != edition.module.organisation_id:
        return False
    return user.can_edit_client(client) or (edition.trainer_id == user.pk and not client.anonymised_at)


def module_save(module):
    return _saved(module)


def edition_save(edition):
    return _saved(edition)


def session_save(session):
    return _saved(session)


def _enrolled_count(edition):
    return Enrolment.objects.of_organisation(edition.module.organisation_id).filter(edition=edition).enrolled().count()


def edition_is_full(edition):
    return is_full(_enrolled_count(edition), edition.places)


def _locked(edition):
    """The edition, locked while places are counted: two enrolments at once cannot both take the
    last place."""
    return Edition.objects.of_organisation(edition.module.organisation_id).select_for_update().get(pk=edition.pk)


@transaction.atomic
def enrol(*, client, edition, by, on=None, trajectory=None, gpmi=None):
    """Enrol a client: a place while there is one, else the waiting list. Enrolling again after
    leaving takes up the same enrolment again."""
    if not may_enrol(by, client, edition):
        raise ValidationError(_("You may enrol only your own clients, or anyone in an edition you give."))
    edition = _locked(edition)
    on = on or timezone.localdate()
    enrolled = _enrolled_count(edition)
    existing = Enrolment.objects.of_client(client).filter(edition=edition).first()
    if existing and existing.status != EnrolmentStatus.LEFT:
        raise ValidationError(_("%(client)s is already %(status)s in this edition.") % {
            "client": client, "status": existing.get_status_display()})
    enrolment = existing or Enrolment(edition=edition, client=client)
    enrolment.status = status_for_new_enrolment(enrolled, edition.places)
    enrolment.enrolled_on, enrolment.left_on, enrolment.by = on, None, by
    enrolment.trajectory, enrolment.gpmi = trajectory, gpmi
    try:
        with transaction.atomic():
            return _saved(enrolment)
    except IntegrityError:  # enrolled a moment ago by a colleague
        raise ValidationError(_("%(client)s is already enrolled in this edition.") % {"client": client}) from None


@transaction.atomic
def leave(*, enrolment, by, on=None):
    """A participant leaves (or is taken off the waiting list); a place that frees up goes to the
    first on the waiting list. Returns the enrolment that moved up, or None."""
    edition = _locked(enrolment.edition)
    had_place = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status, enrolment.left_on = EnrolmentStatus.LEFT, on or timezone.localdate()
    _saved(enrolment)
    if not had_place:
        return None
    return _move_up(edition, by)


def _move_up(edition, by):
    waiting = (Enrolment.objects.of_organisation(edition.module.organisation_id)
               .filter(edition=edition, status=EnrolmentStatus.WAITING).order_by("created_at", "pk").first())
    if waiting is None:
        return None
    if is_full(_enrolled_count(edition), edition.places):
        return None
    waiting.status = EnrolmentStatus.ENROLLED
    return _saved(waiting)


@transaction.atomic
def attendance_mark(*, session, enrolment, presence, by):
    """Mark one participant at one session (one tap): a second tap changes the mark."""
    if not may_take_attendance(by, session.edition):
        raise ValidationError(_("Only the trainer of this edition or the head of service takes attendance."))
    attendance = Attendance.objects.of_organisation(session.edition.module.organisation_id).filter(
        session=session, enrolment=enrolment).first()
    attendance = attendance or Attendance(session=session, enrolment=enrolment)
    attendance.presence, attendance.by = presence, by
    return _saved(attendance)

