"""Five years at a glance for the yearly report: people followed and people to work, for the year and
the four before it, counted as reporting.yearly counts them (personen.gevolgd and personen.naar_werk:
each person once, whatever their number of trajectories)."""

from trajectories.models import Trajectory

from .suppression import Hidden, is_small, suppress_figure
from .yearly import year_sets

YEARS = 5


def five_years(organisation, year, years=YEARS):
    """[(year, people followed, people to work)] from year - 4 up to year, one query per year."""
    rows = []
    for shown_year in range(year - years + 1, year + 1):
        sets = year_sets(Trajectory.objects.of_organisation(organisation), shown_year)
        rows.append((shown_year, len(sets.people[organisation.pk]), len(sets.to_work[organisation.pk])))
    return rows


def hide_small_numbers(rows, threshold):
    """The rows as the council sees them (reporting.suppression, and as reporting.headline hides
    naar_werk): a count from 1 up to below the threshold is hidden, and so are the people to work when
    the people followed are shown and the others (followed minus to work) are such a count."""
    shown = []
    for year, followed, to_work in rows:
        people, work = suppress_figure(followed, threshold), suppress_figure(to_work, threshold)
        if not isinstance(people, Hidden) and not isinstance(work, Hidden) and is_small(followed - to_work, threshold):
            work = Hidden(threshold, secondary=True)
        shown.append((year, people, work))
    return shown
