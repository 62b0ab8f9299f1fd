"""The status page's charts as inline SVG, drawn on the server so they need no JavaScript.

Pure: plain series in, markup out. Every text placed in the markup is escaped here, though the
labels are the page's own words and dates. A missing day or month is a gap in the drawing
(the line breaks, the bar is absent and marked "no data"), never a zero.

Each plotted value is also an element with ``data-*`` attributes (``circle.point``,
``rect.bar``), so a reader's browser tools, and the tests, can read what was drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # the page's own words
    color: str  # a CSS colour the page chose
    values: Mapping[date, float]  # only the days that have data


@dataclass(frozen=True, slots=True)
class MonthBars:
    label: str  # "2026-11"
    values: tuple[float | None, ...]  # one per bar series, in percent; None: no data


def line_chart(title: str, start: date, end: date, series: Sequence[Series]) -> str:
    """A line per series over the days from ``start`` to ``end``; a line breaks where a day
    has no data."""
    span = max(1, (end - start).days)
    top = _nice_top(max((v for s in series for v in s.values.values()), default=0.0))

    def x(day: date) -> float:
        return LEFT + PLOT_W * (day - start).days / span

    def y(value: float) -> float:
        return TOP + PLOT_H * (1 - value / top)

    parts = [_frame(title, top, suffix=""), _day_ticks(start, end, x)]
    for s in series:
        segments: list[str] = []
        points: list[str] = []
        previous: date | None = None
        for day in sorted(d for d in s.values if start <= d <= end):
            value = s.values[day]
            command = "L" if previous is not None and day - previous == timedelta(days=1) else "M"
            segments.append(f"{command}{x(day):.1f},{y(value):.1f}")
            previous = day
            points.append(
                f'<circle class="point" cx="{x(day):.1f}" cy="{y(value):.1f}" r="2.5" '
                f'fill="{escape(s.color)}" data-series="{escape(s.name)}" '
                f'data-day="{day.isoformat()}" data-value="{_number(value)}">'
                f"<title>{escape(s.name)} {day.isoformat()}: {_number(value)}</title></circle>"
            )
        if segments:
            parts.append(
                f'<path class="line" d="{" ".join(segments)}" fill="none" '
                f'stroke="{escape(s.color)}" stroke-width="2" data-series="{escape(s.name)}"/>'
            )
        parts.extend(points)
    parts.append(_legend([(s.name, s.color) for s in series]))
    return _svg(title, parts)


def month_chart(title: str, names: Sequence[tuple[str, str]], months: Sequence[MonthBars]) -> str:
    """Grouped bars in percent, one group per month; a month without data is marked so."""
    group = PLOT_W / max(1, len(months))
    bar = group * 0.8 / max(1, len(names))
    parts = [_frame(title, 100.0, suffix="%")]
    for index, month in enumerate(months):
        left = LEFT + index * group + group * 0.1
        parts.append(
            f'<text x="{left + group * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" class="tick">{escape(month.label[2:])}</text>'
        )
        if all(v is None for v in month.values):
            parts.append(
                f'<text class="gap" x="{left + group * 0.4:.1f}" y="{TOP + PLOT_H - 4}" '
                f'text-anchor="middle" data-month="{escape(month.label)}">no data</text>'
            )
            continue
        for n, ((name, color), value) in enumerate(zip(names, month.values, strict=True)):
            if value is None:
                continue
            height = PLOT_H * max(0.0, min(value, 100.0)) / 100
            parts.append(
                f'<rect class="bar" x="{left + n * bar:.1f}" y="{TOP + PLOT_H - height:.1f}" '
                f'width="{bar * 0.9:.1f}" height="{height:.1f}" fill="{escape(color)}" '
                f'data-series="{escape(name)}" data-month="{escape(month.label)}" '
                f'data-value="{_number(value)}">'
                f"<title>{escape(name)} {escape(month.label)}: {_number(value)}%</title></rect>"
            )
    parts.append(_legend(list(names)))
    return _svg(title, parts)


def bar_chart(title: str, color: str, bars: Sequence[tuple[str, int]]) -> str:
    """One bar per (label, count)."""
    top = _nice_top(float(max((count for _, count in bars), default=0)))
    slot = PLOT_W / max(1, len(bars))
    parts = [_frame(title, top, suffix="")]
    for index, (label, count) in enumerate(bars):
        shown = label.replace("_", " ")  # the stored "over_180d" reads "over 180d"
        left = LEFT + index * slot + slot * 0.15
        height = PLOT_H * count / top
        parts.append(
            f'<rect class="bar" x="{left:.1f}" y="{TOP + PLOT_H - height:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{escape(color)}" '
            f'data-label="{escape(label)}" data-value="{count}">'
            f"<title>{escape(shown)}: {count}</title></rect>"
            f'<text x="{left + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" class="tick">{escape(shown)}</text>'
        )
    return _svg(title, parts)


def _svg(title: str, parts: Sequence[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def _frame(title: str, top: float, *, suffix: str) -> str:
    lines = []
    for step in range(5):
        value = top * step / 4
        y = TOP + PLOT_H * (1 - step / 4)
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{_number(value)}{escape(suffix)}</text>"
        )
    return "".join(lines)


def _day_ticks(start: date, end: date, x: Callable[[date], float]) -> str:
    # Five dates along the axis: the first, the last and three between.
    span = (end - start).days
    days = sorted({start + timedelta(days=round(span * k / 4)) for k in range(5)})
    anchors = {days[0]: "start", days[-1]: "end"}
    return "".join(
        f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 14}" '
        f'text-anchor="{anchors.get(day, "middle")}" class="tick">{day.isoformat()[5:]}</text>'
        for day in days
    )


def _legend(names: Sequence[tuple[str, str]]) -> str:
    out = []
    for index, (name, color) in enumerate(names):
        x = LEFT + index * 150
        out.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{escape(color)}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 5}" class="legend">{escape(name)}</text>'
        )
    return "".join(out)


def _nice_top(value: float) -> float:
    """The axis's top: the smallest of 1, 2, 5 times a power of ten above ``value`` (at least 4)."""
    top = 4.0
    scale = 1.0
    while top < value:
        for step in (1, 2, 5):
            if step * scale * 4 >= value:
                return step * scale * 4
        scale *= 10
        top = scale * 4
    return top


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
