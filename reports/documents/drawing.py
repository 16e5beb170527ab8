"""Simple vector charts drawn from the data, without a browser: a list of shapes rendered as
SVG (the PDF, and Word 2016 or later) or as a PNG (Word's fallback for older readers).

Charts follow the dashboard's look (`reports.charts.base`): the Okabe–Ito palette, a dashed
target line, and values missing or not published left as gaps, never drawn as zero.
"""

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape

from reports.charts.base import CONCERN, GREY, IMPROVEMENT, NEITHER, PALETTE

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
# One family: weasyprint lays out each SVG text on its own, and a fallback list costs a
# font lookup every time.
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect", "line", "polyline", "polygon" (filled, outlined), "circle", "text"
    points: tuple[float, ...]  # rect: x, y, w, h; line: x1, y1, x2, y2; poly...: x, y, ...
    colour: str = GREY
    width: float = 1.0
    dash: bool = False
    text: str = ""
    size: float = 11
    anchor: str = "middle"  # text: "start", "middle" or "end"


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Limits:
    """One SPC period's centre line and process limits over chart slots first..last
    (inclusive), the limits already clipped to what the measure can take."""

    first: int
    last: int
    mean: float
    lower: float
    upper: float


# An SPC signal's mark: (legend words, colour, shape), as the dashboard's charts draw them.
MARKS = {"improvement": ("Improvement (special cause)", IMPROVEMENT, "up"),
         "concern": ("Concern (special cause)", CONCERN, "down"),
         "neither": ("Special cause, neither better nor worse", NEITHER, "diamond")}
LEGEND_ROW = 16


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / count if high > low else 1.0
    magnitude = 10 ** math.floor(math.log10(step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(int(math.ceil((high - first) / step)) + 1)]


def _tick_text(value: float, unit: str) -> str:
    if unit == "£":
        return f"£{value:,.0f}"
    if abs(value) >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def axis(values: list[float], bars: bool,
         bounds: tuple[float | None, float | None]) -> list[float]:
    """The y axis's ticks. Bars start at 0 (a bar's length is its value). Lines span what
    they draw, with a tenth of that range to spare either side, so that a change shows (a fall
    from 34.5 % to 25.1 % is not flattened on 0–100); never beyond what the measure can take."""
    low, high = min([*values, 0.0] if bars else values), max(values)
    if not bars:
        spare = (high - low) / 10 or abs(high) / 20 or 1.0
        low, high = low - spare, high + spare
    if bounds[0] is not None:
        low = max(low, bounds[0])
    if bounds[1] is not None:
        high = min(high, bounds[1])
    if high <= low:
        high = low + 1
    ticks = _ticks(low, high)
    return [t for t in ticks if (bounds[0] is None or t >= bounds[0])
            and (bounds[1] is None or t <= bounds[1])] or ticks


def _mark(kind: str, x: float, y: float) -> Shape:
    """A filled, outlined triangle (up, down) or diamond centred on (x, y)."""
    _, colour, shape = MARKS[kind]
    points = {"up": (x, y - 7, x - 6, y + 5, x + 6, y + 5),
              "down": (x, y + 7, x - 6, y - 5, x + 6, y - 5),
              "diamond": (x, y - 7, x + 6, y, x, y + 7, x - 6, y)}[shape]
    return Shape("polygon", points, colour)


def _value_axis(ticks: list[float], unit: str) -> tuple[Callable[[float], float], list[Shape]]:
    """The vertical scale from the lowest tick to the highest (a value to its height on the
    drawing), and its gridlines with their figures."""
    low, high, plot_bottom = ticks[0], ticks[-1], HEIGHT - BOTTOM

    def y(v: float) -> float:
        return TOP + (plot_bottom - TOP) * (high - v) / (high - low)

    shapes = []
    for tick in ticks:
        shapes.append(Shape("line", (LEFT, y(tick), WIDTH - RIGHT, y(tick)), "#e0e0e0"))
        shapes.append(Shape("text", (LEFT - 6, y(tick) + 4), "#1f1f1f",
                            text=_tick_text(tick, unit), size=10, anchor="end"))
    return y, shapes


def bar_or_line_chart(labels: list[str], values: list[float | None], unit: str, bars: bool,
                      target: float | None = None, limits: Sequence[Limits] = (),
                      marks: Sequence[str | None] = (),
                      bounds: tuple[float | None, float | None] = (None, None)) -> Drawing:
    """Bars (counts, money, carbon) or a line with markers (rates, scores) over `labels`;
    `limits` adds each SPC period's centre line and process limits, `marks` (per slot: a
    signal or None) marks the special causes by shape and colour; `bounds` is what the measure
    can take."""
    shown = [v for v in values if v is not None]
    levels = [*shown, *([target] if target is not None else []),
              *(x for period in limits for x in (period.mean, period.lower, period.upper))]
    ticks = axis(levels or [0.0], bars, bounds)
    plot_w = WIDTH - LEFT - RIGHT
    legend = _legend(bars, target is not None, bool(limits), [m for m in MARKS if m in marks])
    # Each legend row after the first makes the drawing taller.
    height = HEIGHT + int(max(s.points[1] for s in legend if s.kind == "text") - (HEIGHT - 14))
    plot_bottom = HEIGHT - BOTTOM
    y, shapes = _value_axis(ticks, unit)
    slot = plot_w / max(len(labels), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    # Every other label when crowded: each text costs layout time, and the table names them all.
    step = 2 if len(labels) > 8 else 1
    for x, label in list(zip(xs, labels))[::step]:
        shapes.append(Shape("text", (x, plot_bottom + 16), "#1f1f1f", text=label, size=10))
    for period in limits:
        left, right = LEFT + slot * period.first, LEFT + slot * (period.last + 1)
        if period.first > 0:
            shapes.append(Shape("line", (left, TOP, left, plot_bottom), GREY, dash=True))
            shapes.append(Shape("text", (left + 3, TOP + 9), GREY, text="New period", size=9,
                                anchor="start"))
        for level, dash in ((period.mean, False), (period.lower, True), (period.upper, True)):
            shapes.append(Shape("line", (left, y(level), right, y(level)), "#1f1f1f", dash=dash))
    if bars:
        for x, v in zip(xs, values):
            if v is not None:
                top, base = sorted((y(v), y(max(ticks[0], 0.0))))
                shapes.append(Shape("rect", (x - slot * 0.35, top, slot * 0.7, base - top),
                                    PALETTE[0]))
    else:
        run: list[float] = []
        for x, v in [*zip(xs, values), (None, None)]:
            if v is None:
                if len(run) >= 4:
                    shapes.append(Shape("polyline", tuple(run), PALETTE[0], width=2))
                run = []
            else:
                run += [x, y(v)]
        for x, v in zip(xs, values):
            if v is not None:
                shapes.append(Shape("circle", (x, y(v), 3.5), PALETTE[0]))
    for x, v, kind in zip(xs, values, marks):
        if v is not None and kind in MARKS:
            shapes.append(_mark(kind, x, y(v) - (9 if bars else 0)))
    if target is not None:
        shapes.append(Shape("line", (LEFT, y(target), WIDTH - RIGHT, y(target)), PALETTE[2],
                            width=2, dash=True))
    return Drawing(WIDTH, height, tuple(shapes + legend))


def _legend(bars: bool, target: bool, limits: bool, marks: list[str]) -> list[Shape]:
    """Legend entries in rows under the chart: a line sample, or a mark's shape."""
    items = [("Value", PALETTE[0], False, None)]
    items += [("Target", PALETTE[2], True, None)] if target else []
    items += [("Centre line and process limits (dotted)", "#1f1f1f", False, None)] if limits else []
    items += [(MARKS[m][0], MARKS[m][1], False, m) for m in marks]
    shapes, x, y = [], LEFT, HEIGHT - 14
    for name, colour, dash, mark in items:
        width = 40 + 6.5 * len(name)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = LEFT, y + LEGEND_ROW
        if mark:
            shapes.append(_mark(mark, x + 11, y - 4))
        else:
            shapes.append(Shape("line", (x, y - 4, x + 22, y - 4), colour, width=2, dash=dash))
        shapes.append(Shape("text", (x + 28, y), "#1f1f1f", text=name, size=10, anchor="start"))
        x += width
    return shapes


def svg(drawing: Drawing) -> str:
    """The drawing as a standalone SVG document."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{drawing.width}" '
             f'height="{drawing.height}" viewBox="0 0 {drawing.width} {drawing.height}" '
             f'font-family="{FONT}" aria-hidden="true">',
             f'<rect x="0" y="0" width="{drawing.width}" height="{drawing.height}" fill="#fff"/>']
    for s in drawing.shapes:
        p = [f"{v:.1f}" for v in s.points]
        dash = ' stroke-dasharray="5 4"' if s.dash else ""
        if s.kind == "rect":
            parts.append(f'<rect x="{p[0]}" y="{p[1]}" width="{p[2]}" height="{p[3]}" '
                         f'fill="{s.colour}"/>')
        elif s.kind == "line":
            parts.append(f'<line x1="{p[0]}" y1="{p[1]}" x2="{p[2]}" y2="{p[3]}" '
                         f'stroke="{s.colour}" stroke-width="{s.width}"{dash}/>')
        elif s.kind == "polyline":
            parts.append(f'<polyline points="{" ".join(p)}" fill="none" stroke="{s.colour}" '
                         f'stroke-width="{s.width}"{dash}/>')
        elif s.kind == "polygon":
            parts.append(f'<polygon points="{" ".join(p)}" fill="{s.colour}" '
                         f'stroke="#1f1f1f" stroke-width="1"/>')
        elif s.kind == "circle":
            parts.append(f'<circle cx="{p[0]}" cy="{p[1]}" r="{p[2]}" fill="{s.colour}"/>')
        else:
            parts.append(f'<text x="{p[0]}" y="{p[1]}" font-size="{s.size}" fill="{s.colour}" '
                         f'text-anchor="{s.anchor}">{escape(s.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def png(drawing: Drawing, scale: int = 2) -> bytes:
    """The same drawing rasterised, for readers that cannot show SVG."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415 (only for Word's fallback)

    image = Image.new("RGB", (drawing.width * scale, drawing.height * scale), "white")
    pen = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}
    for s in drawing.shapes:
        p = [v * scale for v in s.points]
        if s.kind == "rect":
            pen.rectangle((p[0], p[1], p[0] + p[2], p[1] + p[3]), fill=s.colour)
        elif s.kind in ("line", "polyline"):
            pen.line(p, fill=s.colour, width=max(1, int(s.width * scale)))
        elif s.kind == "polygon":
            pen.polygon(p, fill=s.colour, outline="#1f1f1f")
        elif s.kind == "circle":
            pen.ellipse((p[0] - p[2], p[1] - p[2], p[0] + p[2], p[1] + p[2]), fill=s.colour)
        else:
            font = fonts.setdefault(s.size, ImageFont.load_default(size=s.size * scale))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            pen.text((p[0], p[1]), s.text, fill=s.colour, font=font, anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# ---- the programme: the roadmap's timeline, and a benefit's plan against its actual ---------

LABEL_WIDTH = 232  # the milestones' titles, left of the timeline
ROW = 18
TITLE_CHARS = 40


def _diamond(x: float, y: float, colour: str, size: float = 6.5) -> Shape:
    return Shape("polygon", (x, y - size, x + size, y, x, y + size, x - size, y), colour)


def _square(x: float, y: float, colour: str, size: float = 3.5) -> Shape:
    return Shape("rect", (x - size, y - size, 2 * size, 2 * size), colour)


def _date_ticks(low: date, high: date) -> list[date]:
    """First days of years (over two years), else of quarters, from `low` to `high`."""
    step = 12 if (high - low).days > 730 else 3
    month = (low.year * 12 + low.month - 1) // step * step + step
    ticks = []
    while date(month // 12, month % 12 + 1, 1) <= high:
        ticks.append(date(month // 12, month % 12 + 1, 1))
        month += step
    return ticks


def timeline_chart(rows: Sequence[tuple[str, date, date]], report_date: date,
                   report_label: str) -> Drawing:
    """One row per milestone (title, baseline, forecast): a circle at the baseline date, a
    diamond at the forecast, a dotted line between them where they differ, and a dashed line
    down the chart at the report date."""
    days = [d for _, b, f in rows for d in (b, f)] + [report_date]
    low, high = min(days) - timedelta(days=30), max(days) + timedelta(days=30)
    left, right, top = LABEL_WIDTH + 8, WIDTH - RIGHT, TOP + 14
    bottom = top + ROW * len(rows)

    def x(day: date) -> float:
        return left + (right - left) * (day - low).days / (high - low).days

    shapes: list[Shape] = []
    for tick in _date_ticks(low, high):
        shapes.append(Shape("line", (x(tick), top, x(tick), bottom), "#e0e0e0"))
        words = f"{tick.year}" if tick.month == 1 else f"{tick:%b %Y}"
        shapes.append(Shape("text", (x(tick), bottom + 14), "#1f1f1f", text=words, size=10))
    for i, (title, baseline, forecast) in enumerate(rows):
        y = top + ROW * (i + 0.5)
        short = title if len(title) <= TITLE_CHARS else f"{title[:TITLE_CHARS - 1]}…"
        shapes.append(Shape("text", (LABEL_WIDTH, y + 3.5), "#1f1f1f", text=short, size=9,
                            anchor="end"))
        if forecast != baseline:
            shapes.append(Shape("line", (x(baseline), y, x(forecast), y), PALETTE[5],
                                width=2, dash=True))
        # The circle over the diamond: a forecast on its baseline shows both marks.
        shapes.append(_diamond(x(forecast), y, PALETTE[5]))
        shapes.append(Shape("circle", (x(baseline), y, 3.5), PALETTE[0]))
    shapes.append(Shape("line", (x(report_date), top - 4, x(report_date), bottom), GREY,
                        width=1.5, dash=True))
    shapes.append(Shape("text", (x(report_date), top - 7), GREY, text=report_label, size=9,
                        anchor="end" if x(report_date) > (left + right) / 2 else "start"))
    legend_y = bottom + 36
    shapes += [Shape("circle", (LEFT + 6, legend_y - 4, 3.5), PALETTE[0]),
               Shape("text", (LEFT + 16, legend_y), "#1f1f1f", text="Baseline (first agreed)",
                     size=10, anchor="start"),
               _diamond(LEFT + 196, legend_y - 4, PALETTE[5]),
               Shape("text", (LEFT + 208, legend_y), "#1f1f1f",
                     text="Forecast (now expected)", size=10, anchor="start"),
               Shape("line", (LEFT + 386, legend_y - 4, LEFT + 408, legend_y - 4), GREY,
                     width=1.5, dash=True),
               Shape("text", (LEFT + 414, legend_y), "#1f1f1f", text="Report date", size=10,
                     anchor="start")]
    return Drawing(WIDTH, int(legend_y + 10), tuple(shapes))


def plan_actual_chart(labels: list[str], planned: list[float | None],
                      actual: list[float | None], unit: str) -> Drawing:
    """A benefit's months: the plan as a dashed line with squares, the actual as a solid line
    with circles; a month without a figure is a gap."""
    levels = [v for v in (*planned, *actual) if v is not None]
    ticks = axis(levels or [0.0], False, (None, None))
    plot_bottom = HEIGHT - BOTTOM
    y, shapes = _value_axis(ticks, unit)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    for x, label in zip(xs, labels):
        shapes.append(Shape("text", (x, plot_bottom + 16), "#1f1f1f", text=label, size=10))
    for values, colour, dash, mark in ((planned, PALETTE[1], True, _square),
                                       (actual, PALETTE[0], False, None)):
        run: list[float] = []
        for x, v in [*zip(xs, values), (None, None)]:
            if v is None:
                if len(run) >= 4:
                    shapes.append(Shape("polyline", tuple(run), colour, width=2, dash=dash))
                run = []
            else:
                run += [x, y(v)]
        for x, v in zip(xs, values):
            if v is not None:
                shapes.append(mark(x, y(v), colour) if mark else
                              Shape("circle", (x, y(v), 3.5), colour))
    legend_y = HEIGHT - 14
    shapes += [Shape("line", (LEFT, legend_y - 4, LEFT + 22, legend_y - 4), PALETTE[1],
                     width=2, dash=True), _square(LEFT + 11, legend_y - 4, PALETTE[1]),
               Shape("text", (LEFT + 28, legend_y), "#1f1f1f", text="Plan", size=10,
                     anchor="start"),
               Shape("line", (LEFT + 90, legend_y - 4, LEFT + 112, legend_y - 4), PALETTE[0],
                     width=2), Shape("circle", (LEFT + 101, legend_y - 4, 3.5), PALETTE[0]),
               Shape("text", (LEFT + 118, legend_y), "#1f1f1f", text="Actual", size=10,
                     anchor="start")]
    return Drawing(WIDTH, HEIGHT, tuple(shapes))
