"""Short lists on overview pages (the home page, search): the first rows and how many there are."""

from dataclasses import dataclass

from django.db.models import Count, Window


@dataclass
class FirstRows:
    rows: list
    count: int


def first_rows(queryset, shown=10):
    """The first `shown` rows and the number of rows in all, in one query (a window count)."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:shown])
    return FirstRows(rows, rows[0].rows_in_all if rows else 0)
