"""Group modules: enrolment limits, the waiting list, attendance rules (issue 19)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from groupmodules import services
from groupmodules.models import Attendance, Edition, Enrolment, Module, Session
from groupmodules.rules import EnrolmentStatus, Presence, status_for_new_enrolment, unexcused_in_a_row

from .factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_new_enrolment_takes_a_place_while_there_is_one():
    assert status_for_new_enrolment(1, 2) == EnrolmentStatus.ENROLLED
    assert status_for_new_enrolment(2, 2) == EnrolmentStatus.WAITING
    assert status_for_new_enrolment(50, None) == EnrolmentStatus.ENROLLED


def test_unexcused_absences_in_a_row_count_from_the_latest():
    assert unexcused_in_a_row([Presence.UNEXCUSED, Presence.PRESENT, Presence.UNEXCUSED, Presence.UNEXCUSED]) == 2
    assert unexcused_in_a_row([Presence.UNEXCUSED, Presence.ILL]) == 0
    assert unexcused_in_a_row([]) == 0


@pytest.fixture
def edition(world):
    module = services.module_save(Module(organisation=world.menen, title="Sollicitatietraining", kind="jobclub",
                                         capacity=2))
    return services.edition_save(Edition(module=module, name="Voorjaar", start_date=TODAY - datetime.timedelta(days=30),
                                         trainer=world.alice))


def test_a_full_edition_puts_the_next_one_on_the_waiting_list_and_moves_them_up(world, edition):
    clients = [ClientFactory(organisation=world.menen, counsellor=world.alice) for _ in range(3)]
    first, second, third = (services.enrol(client=client, edition=edition, by=world.alice) for client in clients)
    assert [e.status for e in (first, second, third)] == ["ingeschreven", "ingeschreven", "wachtlijst"]
    moved = services.leave(enrolment=first, by=world.alice)
    assert moved == third and Enrolment.objects.unscoped().get(pk=third.pk).status == "ingeschreven"
    with pytest.raises(ValidationError):
        services.enrol(client=clients[1], edition=edition, by=world.alice)  # already enrolled
    again = services.enrol(client=clients[0], edition=edition, by=world.alice)  # a place? no: full again
    assert again.pk == first.pk and again.status == "wachtlijst"


def test_only_the_counsellor_or_the_trainer_enrols(world, edition):
    other_counsellor = UserFactory(organisation=world.menen)
    client = ClientFactory(organisation=world.menen, counsellor=other_counsellor)
    assert services.enrol(client=client, edition=edition, by=world.alice).status == "ingeschreven"  # the trainer
    stranger = ClientFactory(organisation=world.menen, counsellor=other_counsellor)
    with pytest.raises(ValidationError):
        services.enrol(client=stranger, edition=edition, by=UserFactory(organisation=world.menen))
    foreign = ClientFactory(organisation=world.wervik)
    with pytest.raises(ValidationError):
        services.enrol(client=foreign, edition=edition, by=world.alice)


def test_attendance_is_taken_by_the_trainer_on_or_after_the_day_for_enrolled_people(world, edition):
    client = ClientFactory(organisation=world.menen, counsellor=world.alice)
    enrolment = services.enrol(client=client, edition=edition, by=world.alice)
    past = services.session_save(Session(edition=edition, date=TODAY - datetime.timedelta(days=7)))
    future = services.session_save(Session(edition=edition, date=TODAY + datetime.timedelta(days=7)))
    services.attendance_mark(session=past, enrolment=enrolment, presence=Presence.LATE, by=world.alice)
    services.attendance_mark(session=past, enrolment=enrolment, presence=Presence.PRESENT, by=world.alice)
    assert list(Attendance.objects.unscoped().values_list("presence", flat=True)) == ["aanwezig"]  # one per session
    with pytest.raises(ValidationError) as error:
        services.attendance_mark(session=future, enrolment=enrolment, presence=Presence.PRESENT, by=world.alice)
    assert "presence" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.attendance_mark(session=past, enrolment=enrolment, presence=Presence.PRESENT,
                                 by=UserFactory(organisation=world.menen))  # not the trainer
    services.attendance_mark(session=past, enrolment=enrolment, presence=Presence.ILL, by=world.hilde)  # the head


def test_a_session_falls_within_its_edition(world, edition):
    with pytest.raises(ValidationError) as error:
        services.session_save(Session(edition=edition, date=edition.start_date - datetime.timedelta(days=1)))
    assert "date" in error.value.message_dict
