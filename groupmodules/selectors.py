"""What pages show of group modules, read in a fixed number of queries."""

from django.db.models import Count, Prefetch, Q

from .models import Attendance, Enrolment, Session
from .rules import EnrolmentStatus


def client_modules(client):
    """The client's enrolments (newest first) with their module, edition and attendance counts
    (`attended`, `absent`, `unexcused`), and their attendances by session date: two queries."""
    return list(Enrolment.objects.of_client(client).select_related("edition__module", "edition__trainer")
                .with_attendance_counts()
                .prefetch_related("attendances__session").order_by("-edition__start_date", "-pk"))


def sessions_to_take(user, day):
    """The sessions on `day` (not cancelled) whose attendance `user` takes: as
    services.may_take_attendance, as a query (the trainer's editions, those without a trainer, all of
    them for the diensthoofd), with the number of participants and of marks so far."""
    sessions = Session.objects.visible_to(user).filter(date=day, cancelled=False)
    if not user.is_head:
        sessions = sessions.filter(Q(edition__trainer=user) | Q(edition__trainer__isnull=True))
    return list(sessions.select_related("edition__module", "edition__trainer").annotate(
        participants=Count("edition__enrolments", filter=Q(edition__enrolments__status=EnrolmentStatus.ENROLLED),
                           distinct=True),
        marked=Count("attendances", distinct=True)).order_by("start_time", "edition__module__title", "pk"))


def edition_participants(user, edition):
    """Everyone enrolled in the edition, on its waiting list (with their position) or left, with
    their attendance counts: one query. Returns (enrolled, waiting, left)."""
    enrolments = (Enrolment.objects.visible_to(user).filter(edition=edition).select_related("client")
                  .with_attendance_counts()
                  .order_by("created_at", "pk"))
    groups = {status: [] for status in EnrolmentStatus.values}
    for enrolment in enrolments:
        groups[enrolment.status].append(enrolment)
    for position, enrolment in enumerate(groups[EnrolmentStatus.WAITING], start=1):
        enrolment.position = position
    enrolled = sorted(groups[EnrolmentStatus.ENROLLED], key=lambda e: (e.client.last_name, e.client.first_name))
    return enrolled, groups[EnrolmentStatus.WAITING], groups[EnrolmentStatus.LEFT]


def attendance_sheet(user, session, enrolment=None):
    """The participants of a session's attendance sheet: everyone enrolled in its edition, and who
    left but was marked at it, by name, each with `.mark` (their Attendance at this session, or
    None): two queries, whatever the number of participants. With `enrolment` (a pk): that one
    participant's row only (what a tap swaps), or an empty list."""
    marks = Attendance.objects.visible_to(user).filter(session=session)
    enrolments = Enrolment.objects.visible_to(user).filter(edition_id=session.edition_id)
    if enrolment is not None:
        enrolments = enrolments.filter(pk=enrolment)
    else:
        enrolments = enrolments.filter(Q(status=EnrolmentStatus.ENROLLED) | Q(pk__in=marks.values("enrolment")))
    enrolments = list(enrolments.select_related("client")
                      .prefetch_related(Prefetch("attendances", queryset=marks, to_attr="marks"))
                      .order_by("client__last_name", "client__first_name", "pk"))
    for participant in enrolments:
        participant.mark = participant.marks[0] if participant.marks else None
    return enrolments
