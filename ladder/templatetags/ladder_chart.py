"""The participation ladder as a small chart: the geometry of an inline SVG (no script, no
library), computed here so the template only draws it."""

from django import template

from ladder.models import Rung

register = template.Library()

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 22, 10, 10, 24
RUNGS = len(Rung)


def _y(rung):
    step = (HEIGHT - TOP - BOTTOM) / (RUNGS - 1)
    return round(TOP + (RUNGS - rung) * step, 1)


@register.simple_tag
def ladder_chart(measurements):
    """The chart of `measurements` (oldest first): a point per measurement at its rung, spaced by
    date, joined by a line; a line and a number per rung; the first and last date below."""
    measurements = list(measurements)
    # Drawn at 1.5 times on a wide screen, shrunk to the card on a phone (mw-100 h-auto).
    chart = {"width": WIDTH, "height": HEIGHT, "display_width": WIDTH * 3 // 2, "display_height": HEIGHT * 3 // 2,
             "left": LEFT, "right": WIDTH - RIGHT, "baseline": HEIGHT - 6,
             "grid": [{"rung": rung.value, "y": _y(rung.value)} for rung in Rung], "points": [], "line": "",
             "dates": []}
    if not measurements:
        return chart
    first, last = measurements[0].date, measurements[-1].date
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT

    def x(date):
        return round(LEFT + inner / 2 if span == 0 else LEFT + inner * (date - first).days / span, 1)

    points = [{"x": x(m.date), "y": _y(m.rung), "measurement": m} for m in measurements]
    dates = [{"x": LEFT, "anchor": "start", "date": first}]
    if span:
        dates.append({"x": WIDTH - RIGHT, "anchor": "end", "date": last})
    else:
        dates = [{"x": LEFT + inner / 2, "anchor": "middle", "date": first}]
    chart.update(points=points, dates=dates, line=" ".join(f"{point['x']},{point['y']}" for point in points))
    return chart
