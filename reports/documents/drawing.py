"""Simple vector charts drawn from the data, without a browser: a list of shapes rendered as
SVG (the PDF, and Word 2016 or later) or as a PNG (Word's fallback for older readers).

Charts follow the dashboard's look (`reports.charts.base`): the Okabe–Ito palette, a dashed
target line, and values missing or not published left as gaps, never drawn as zero.
"""

import io
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reports.charts.base import GREY, PALETTE

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
# One family: weasyprint lays out each SVG text on its own, and a fallback list costs a
# font lookup every time.
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect", "line", "polyline", "circle", "text"
    points: tuple[float, ...]  # rect: x, y, w, h; line: x1, y1, x2, y2; polyline: x, y, ...
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


def bar_or_line_chart(labels: list[str], values: list[float | None], unit: str, bars: bool,
                      target: float | None = None,
                      limits: tuple[float, float, float] | None = None) -> Drawing:
    """Bars (counts, money, carbon) or a line with markers (rates, scores) over `labels`;
    `limits` (mean, lower, upper) adds the SPC centre line and process limits."""
    shown = [v for v in values if v is not None]
    extra = [target] if target is not None else []
    extra += list(limits) if limits else []
    low = min([0.0, *shown, *extra]) if bars or unit == "%" else min([*shown, *extra], default=0)
    high = max([*shown, *extra], default=1.0)
    if unit == "%":
        low, high = min(low, 0.0), max(high, 100.0)
    if high == low:
        high = low + 1
    ticks = _ticks(low, high)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / (high - low)

    shapes: list[Shape] = []
    for tick in ticks:
        shapes.append(Shape("line", (LEFT, y(tick), WIDTH - RIGHT, y(tick)), "#e0e0e0"))
        shapes.append(Shape("text", (LEFT - 6, y(tick) + 4), "#1f1f1f",
                            text=_tick_text(tick, unit), size=10, anchor="end"))
    slot = plot_w / max(len(labels), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    # Every other label when crowded: each text costs layout time, and the table names them all.
    step = 2 if len(labels) > 8 else 1
    for x, label in list(zip(xs, labels))[::step]:
        shapes.append(Shape("text", (x, HEIGHT - BOTTOM + 16), "#1f1f1f", text=label, size=10))
    if limits:
        mean, lower, upper = limits
        for level, dash in ((mean, False), (lower, True), (upper, True)):
            shapes.append(Shape("line", (LEFT, y(level), WIDTH - RIGHT, y(level)), "#1f1f1f",
                                dash=dash))
    if bars:
        for x, v in zip(xs, values):
            if v is not None:
                top, base = sorted((y(v), y(max(low, 0.0))))
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
    if target is not None:
        shapes.append(Shape("line", (LEFT, y(target), WIDTH - RIGHT, y(target)), PALETTE[2],
                            width=2, dash=True))
    shapes += _legend(bars, target is not None, limits is not None)
    return Drawing(WIDTH, HEIGHT, tuple(shapes))


def _legend(bars: bool, target: bool, limits: bool) -> list[Shape]:
    items = [("Value", PALETTE[0], False)]
    items += [("Target", PALETTE[2], True)] if target else []
    items += [("Mean and process limits (dotted)", "#1f1f1f", False)] if limits else []
    shapes, x, y = [], LEFT, HEIGHT - 14
    for name, colour, dash in items:
        shapes.append(Shape("line", (x, y - 4, x + 22, y - 4), colour, width=2, dash=dash))
        shapes.append(Shape("text", (x + 28, y), "#1f1f1f", text=name, size=10, anchor="start"))
        x += 40 + 6.5 * len(name)
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
                         f'stroke-width="{s.width}"/>')
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
        elif s.kind == "circle":
            pen.ellipse((p[0] - p[2], p[1] - p[2], p[0] + p[2], p[1] + p[2]), fill=s.colour)
        else:
            font = fonts.setdefault(s.size, ImageFont.load_default(size=s.size * scale))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            pen.text((p[0], p[1]), s.text, fill=s.colour, font=font, anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
