"""Small numbers: what a schepen, a welzijnsregio or the council may see of a count.

The one rule (DOMAIN.md, Reporting): a count from 1 up to below the organisation's threshold is
shown as "< N" (primary suppression); a zero points to nobody and is shown. Then, wherever cells add
up to a shown total, no hidden cell may be recoverable by subtracting the other shown cells from it:
a line (cells with their total) with exactly one hidden cell gets a second one, its smallest shown
non-zero cell, or, if it has none, its total hidden (secondary suppression), until nothing changes.

The figures themselves (reporting.yearly, the JSON) stay exact; this is applied on presentation.
"""

DEFAULT_THRESHOLD = 5


class Hidden:
    """A suppressed count. It keeps no value, so a template cannot show it by mistake: "< N" when
    the count itself is small, "x" when it is hidden only to protect a small one (secondary)."""

    __slots__ = ("threshold", "secondary")

    def __init__(self, threshold, secondary=False):
        self.threshold = threshold
        self.secondary = secondary

    def __str__(self):
        return "x" if self.secondary else f"< {self.threshold}"

    def __html__(self):
        return "x" if self.secondary else f"&lt; {self.threshold}"

    def __repr__(self):
        return f"Hidden({self.threshold}{', secondary=True' if self.secondary else ''})"

    def __eq__(self, other):
        return isinstance(other, Hidden) and (other.threshold, other.secondary) == (self.threshold, self.secondary)

    def __hash__(self):
        return hash(("Hidden", self.threshold, self.secondary))


def threshold_of(organisation):
    return getattr(organisation, "small_number_threshold", None) or DEFAULT_THRESHOLD


def is_small(value, threshold):
    return isinstance(value, int) and 0 < value < threshold


def suppress(cells, threshold, lines=()):
    """cells: {key: count}; lines: [(keys of the parts, key of their total)], the total being a
    cell too. Returns {key: count or Hidden}."""
    hidden = {key for key, value in cells.items() if is_small(value, threshold)}
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if total in hidden:
                continue
            inside = [key for key in parts if key in hidden]
            if len(inside) != 1:
                continue
            shown = [key for key in parts if key not in hidden and cells[key] > 0]
            hidden.add(min(shown, key=lambda key: cells[key]) if shown else total)
            changed = True
    return {key: Hidden(threshold, secondary=not is_small(value, threshold)) if key in hidden else value
            for key, value in cells.items()}


def suppress_figure(value, threshold):
    """A lone count."""
    return Hidden(threshold) if is_small(value, threshold) else value


def suppress_rate(numerator, denominator, threshold):
    """A share (numerator of denominator) in whole percent, or None when there is nothing to divide
    (denominator 0) or when it would tell of a small group: the numerator, the denominator or the
    rest (their difference) a count from 1 up to below the threshold."""
    parts = (numerator, denominator, denominator - numerator)
    if not denominator or any(is_small(value, threshold) for value in parts):
        return None
    return round(100 * numerator / denominator)


def suppress_counts(values, threshold, total=None):
    """A list of counts, with their total if it is shown: (values, total)."""
    cells = {index: value for index, value in enumerate(values)}
    lines = []
    if total is not None:
        cells["total"] = total
        lines.append((list(range(len(values))), "total"))
    shown = suppress(cells, threshold, lines)
    return [shown[index] for index in range(len(values))], shown.get("total")


def suppress_table(rows, threshold, row_totals=None, column_totals=None):
    """Rows of counts, with the totals per row and per column that are shown (or None):
    (rows, row_totals, column_totals), each cell a count or Hidden."""
    width = len(rows[0]) if rows else 0
    cells = {(r, c): value for r, row in enumerate(rows) for c, value in enumerate(row)}
    lines = []
    if row_totals is not None:
        for r, total in enumerate(row_totals):
            cells[("row", r)] = total
            lines.append(([(r, c) for c in range(width)], ("row", r)))
    if column_totals is not None:
        for c, total in enumerate(column_totals):
            cells[("column", c)] = total
            lines.append(([(r, c) for r in range(len(rows))], ("column", c)))
    shown = suppress(cells, threshold, lines)
    return ([[shown[(r, c)] for c in range(width)] for r in range(len(rows))],
            None if row_totals is None else [shown[("row", r)] for r in range(len(rows))],
            None if column_totals is None else [shown[("column", c)] for c in range(width)])


def for_chart(value):
    """A count as a chart may draw it: nothing for a hidden one."""
    return None if isinstance(value, Hidden) else value


def hide_employers(employers, other, threshold):
    """The partner-employer rows (and the rest added up, or None) with small counts hidden:
    clients at work and of whom to work, per employer."""
    rows = list(employers) + ([other] if other else [])
    shown, _row_totals, _column_totals = suppress_table(
        [[row["placed"], row["to_work"]] for row in rows], threshold)
    rows = [{**row, "placed": placed, "to_work": to_work} for row, (placed, to_work) in zip(rows, shown, strict=True)]
    return (rows[:-1], rows[-1]) if other else (rows, None)


def hide_modules(figures, modules, threshold):
    """module_figures and module_table with small counts hidden: participants and sessions per module
    (the sessions adding up to the shown total), the people counted in the figures."""
    sessions, total_sessions = suppress_counts(
        [module["sessions"] for module in modules], threshold, figures["groepsmodules"]["sessies"])
    participants, _none = suppress_counts([module["participants"] for module in modules], threshold)
    attended, total_attended = suppress_counts(
        [module["attended"] for module in modules], threshold, figures["groepsmodules"]["aanwezigheden"])
    absent, total_absent = suppress_counts(
        [module["absent"] for module in modules], threshold, figures["groepsmodules"]["afwezigheden"])
    groups, ladder = figures["groepsmodules"], figures["participatieladder"]
    hidden_figures = {
        "groepsmodules": {**groups, "deelnemers": suppress_figure(groups["deelnemers"], threshold),
                          "sessies": total_sessions, "aanwezigheden": total_attended, "afwezigheden": total_absent},
        "participatieladder": {key: suppress_figure(value, threshold) for key, value in ladder.items()},
    }
    hidden_modules = [{**module, "participants": participants[index], "sessions": sessions[index],
                       "attended": attended[index], "absent": absent[index],
                       # A rate of a module with few participants would point to them.
                       "rate": module["rate"] if not isinstance(participants[index], Hidden) else None}
                      for index, module in enumerate(modules)]
    return hidden_figures, hidden_modules
