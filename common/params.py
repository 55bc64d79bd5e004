"""Numbers that come from outside, read in one place: a query-string or hand-read POST parameter
(`?jaar=`, `?begeleider=`, ...) and a code in an imported file or a typed search.

Only the ASCII digits 0-9 count. `str.isdigit()` is also true for "²", which `int()` refuses (a
500), and `int()` reads Arabic-Indic "١٢" as 12: neither is a number a person means on our pages.
Anything else answers the default, so a page with a wrong parameter is the page without it."""

MAX_DIGITS = 18  # fits a PostgreSQL bigint, and a 10,000-digit parameter is never handed to int()


def is_ascii_digits(text):
    """True when `text` is a string of one or more of the digits 0-9 and nothing else."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def ascii_int(text, *, default=None, minimum=None, maximum=None):
    """`text` as a whole number when it is ASCII digits only (no sign, no spaces, at most
    MAX_DIGITS) and within `minimum`..`maximum`; `default` for anything else, None included."""
    if not (is_ascii_digits(text) and len(text) <= MAX_DIGITS):
        return default
    number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number


def query_int(request, name, **bounds):
    """The number in the query-string parameter `name`, by ascii_int's rules (same keywords)."""
    return ascii_int(request.GET.get(name), **bounds)
