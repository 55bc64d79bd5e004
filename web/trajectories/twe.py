"""What the trajectory page shows of a TWE-OCMW: its phases as a dated timeline (DOMAIN.md, screening →
WEO → art. 60 §7 employment → guidance after), and the warnings a counsellor can act on. Read from
the trajectory and its prefetched placements, without a query of its own."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from trajectories.rules import TrajectoryType, TwePhase


@dataclass
class PhaseRow:
    """One line of the timeline: a phase (TwePhase value, or "end"), its dates and what it holds."""

    key: str
    label: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    current: bool = False
    placements: list = field(default_factory=list)
    missing: bool = False  # a date the phase starts with is not recorded yet


@dataclass
class TweOverview:
    phase: TwePhase
    rows: list
    last_day: datetime.date | None
    weo_missing: bool
    without_agreement: list
    lacks_workplace: bool


def twe_overview(trajectory, today=None, *, lacks_workplace=False):
    """The phases of a TWE as PhaseRows and its warnings; None for another type. `lacks_workplace`:
    the reminder rule "a running TWE without a workplace" finds it (reminders.engine, the one rule
    with its per-organisation number of days)."""
    if trajectory.type != TrajectoryType.TWE:
        return None
    today = today or timezone.localdate()
    placements = sorted(trajectory.placements.all(), key=lambda placement: (placement.start_date, placement.pk))
    phase = trajectory.twe_phase(today)
    first_work = placements[0].start_date if placements else None
    ended = [placement.end_date for placement in placements if placement.end_date]
    open_work = any(placement.end_date is None for placement in placements)
    last_work = max(ended) if ended and not open_work else None
    final = trajectory.is_final
    day_before = datetime.timedelta(days=1)

    # A WEO (or work) from the first day: the screening happened before the TWE was recorded.
    screening_end = trajectory.weo_signed_on or first_work
    screened_here = not screening_end or screening_end > trajectory.start_date
    rows = [
        PhaseRow(TwePhase.SCREENING, TwePhase.SCREENING.label, trajectory.start_date if screened_here else None,
                 screening_end - day_before if screening_end and screened_here else None),
        PhaseRow(TwePhase.WEO, TwePhase.WEO.label, trajectory.weo_signed_on,
                 first_work - day_before if first_work and trajectory.weo_signed_on
                 and first_work > trajectory.weo_signed_on else None,
                 missing=not trajectory.weo_signed_on),
        PhaseRow(TwePhase.EMPLOYMENT, TwePhase.EMPLOYMENT.label, first_work, last_work, placements=placements,
                 missing=not placements),
        PhaseRow(TwePhase.AFTER, TwePhase.AFTER.label, last_work + day_before if last_work else None,
                 trajectory.end_date if last_work else None, missing=not last_work),
    ]
    for row in rows:
        row.current = not final and row.key == phase
    rows.append(PhaseRow("end", "", trajectory.end_date or trajectory.planned_end_date, current=final))

    return TweOverview(
        phase=phase,
        rows=rows,
        last_day=trajectory.twe_last_day,
        # The WEO is signed at the latest on the employment's first day: asked once there is one.
        weo_missing=bool(placements) and not trajectory.weo_signed_on,
        without_agreement=[placement for placement in placements if placement.lacks_agreement],
        lacks_workplace=lacks_workplace,
    )
