"""The look every chart shares, and the XmR (SPC) chart of one KPI.

Accessibility (WCAG 2.2 AA): colours come from the Okabe–Ito palette, which stays distinct
under the common colour-vision deficiencies, and meaning never rests on colour alone: SPC
signals also differ by marker shape and are named in the hover text and the legend.
"""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from metrics.registry import Kpi
from metrics.spc import SpcResult
from metrics.wording import bounded, format_value, period_words, spc_reading

# Okabe & Ito (2008), "Color universal design".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
GREY = "#595959"  # 7:1 on white: readable text and lines
IMPROVEMENT = "#0072B2"  # blue, as Making Data Count
CONCERN = "#D55E00"  # orange, as Making Data Count
NEITHER = "#CC79A7"
SIGNAL_STYLE = {  # signal -> (legend name, colour, marker symbol)
    "improvement": ("Improvement (special cause)", IMPROVEMENT, "triangle-up"),
    "concern": ("Concern (special cause)", CONCERN, "triangle-down"),
    "neither": ("Special cause, neither better nor worse", NEITHER, "diamond"),
}


def layout(figure: go.Figure, title: str, y_title: str = "", height: int = 360) -> go.Figure:
    """Titles, readable fonts, a white background and no clutter."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white", height=height, colorway=PALETTE,
        font={"size": 14, "color": "#1f1f1f"},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        hoverlabel={"font_size": 14})
    figure.update_yaxes(title_text=y_title, gridcolor="#e0e0e0", zerolinecolor="#bdbdbd")
    figure.update_xaxes(gridcolor="#f0f0f0")
    # A figure written past the end of the longest bar would be cut off at the plot's edge.
    labelled_bars = {"type": "bar", "orientation": "h", "textposition": "outside"}
    if any(True for _ in figure.select_traces(selector=labelled_bars)):
        figure.update_traces(cliponaxis=False, selector=labelled_bars)
        figure.update_layout(margin_r=110)
    return figure


def bar_height(rows: int, per_row: int = 34) -> int:
    """A horizontal bar chart tall enough for every label."""
    return max(320, per_row * rows + 140)


def percent_bars(frame: pl.DataFrame, value: str, label: str, parts: tuple[str, str],
                 what: str, colour: str) -> go.Figure:
    """Horizontal bars of a percentage per `label`, last row at the top, each bar labelled with
    its figure and its hover giving the parts ("{x} % {what}: n of d contacts")."""
    rows = frame.filter(pl.col(value).is_not_null()).reverse()
    values = rows.get_column(value).to_list()
    return go.Figure(go.Bar(
        x=values, y=[readable(v) for v in rows.get_column(label)], orientation="h",
        marker={"color": colour}, text=[f"{v:.1f} %" for v in values],
        textposition="outside", customdata=rows.select(*parts).rows(),
        hovertemplate=f"%{{y}}: %{{x:.1f}} % {what}<br>%{{customdata[0]:,.0f}} of "
                      "%{customdata[1]:,.0f} contacts<extra></extra>"))


def axis_title(kpi: Kpi) -> str:
    return kpi.unit if kpi.unit != "count" else "count"


def _period_lines(kpi: Kpi, spc: SpcResult) -> dict[str, list[float | None]]:
    """Per month, its period's centre line and limits, the limits clipped to what the measure
    can take (a percentage never beyond 0–100)."""
    lines: dict[str, list[float | None]] = {"centre": [], "lower": [], "upper": []}
    for i in range(len(spc.values)):
        period = spc.period_at(i)
        lines["centre"].append(period.mean if period else None)
        lines["lower"].append(bounded(kpi, period.lower) if period else None)
        lines["upper"].append(bounded(kpi, period.upper) if period else None)
    return lines


def spc_chart(kpi: Kpi, months: list[str], spc: SpcResult, target: float | None = None,
              title: str | None = None) -> go.Figure:
    """XmR chart: the values; each period's centre line and process limits (from its first 12
    points, the limits clipped to what the measure can take), stepping where a new period
    starts; the target; and each special-cause point marked by colour and shape."""
    figure = go.Figure()
    figure.add_scatter(x=months, y=spc.values, mode="lines+markers", name=kpi.label,
                       line={"color": GREY, "width": 2}, marker={"size": 7, "color": GREY})
    if spc.periods:
        lines = _period_lines(kpi, spc)
        for key, name, dash in (("centre", "Centre line", "solid"),
                                ("upper", "Upper process limit", "dot"),
                                ("lower", "Lower process limit", "dot")):
            figure.add_scatter(x=months, y=lines[key], mode="lines", name=name,
                               line={"color": "#1f1f1f" if key == "centre" else GREY,
                                     "width": 1, "dash": dash, "shape": "hv"}, hoverinfo="skip")
        for period in spc.periods[1:] if spc.periods[0].start == 0 else spc.periods:
            # A shape and a note of their own: add_vline cannot place its note on these months.
            month = months[period.start]
            figure.add_shape(type="line", x0=month, x1=month, y0=0, y1=1, xref="x",
                             yref="paper", line={"color": GREY, "dash": "dash", "width": 1})
            figure.add_annotation(x=month, y=1, xref="x", yref="paper", text="New period",
                                  showarrow=False, xanchor="left", yanchor="bottom",
                                  font={"color": GREY})
    if target is not None:
        figure.add_scatter(x=months, y=[target] * len(months), mode="lines", name="Target",
                           line={"color": PALETTE[2], "width": 2, "dash": "dash"},
                           hoverinfo="skip")
    for signal, (name, colour, symbol) in SIGNAL_STYLE.items():
        points = [(m, v) for m, v, s in zip(months, spc.values, spc.signals) if s == signal]
        if points:
            figure.add_scatter(x=[m for m, _ in points], y=[v for _, v in points],
                               mode="markers", name=name,
                               marker={"size": 13, "color": colour, "symbol": symbol,
                                       "line": {"width": 1, "color": "#1f1f1f"}})
    return layout(figure, title or f"{kpi.label}: monthly, with SPC limits", axis_title(kpi))


def spc_table(kpi: Kpi, months: list[str], spc: SpcResult,
              target: float | None = None) -> pl.DataFrame:
    """The data behind `spc_chart`: one row per month, with its period's first month, centre
    line and limits (as drawn) and any special cause."""
    lines = _period_lines(kpi, spc)
    starts = [spc.period_at(i) for i in range(len(months))]
    return pl.DataFrame({
        "month": months,
        kpi.label: spc.values,
        "period from": [months[p.start] if p else None for p in starts],
        "centre line": lines["centre"],
        "lower limit": lines["lower"],
        "upper limit": lines["upper"],
        "target": [target] * len(months),
        "signal": [SIGNAL_STYLE[s][0] if s else ("" if p is None else "common cause")
                   for s, p in zip(spc.signals, starts)],
        "rules": [", ".join(sorted(r)) for r in spc.rules],
    }, schema_overrides={"centre line": pl.Float64, "lower limit": pl.Float64,
                         "upper limit": pl.Float64, "target": pl.Float64, kpi.label: pl.Float64,
                         "period from": pl.String})


def signal_words(months: list[str], spc: SpcResult) -> str:
    """"2 special-cause months: improvement in 2026-05 and 2026-06." or "no special-cause
    months."."""
    marked = [(m, s) for m, s in zip(months, spc.signals) if s]
    if not marked:
        return "no special-cause months."
    groups = []
    for signal in ("improvement", "concern", "neither"):
        found = [m for m, s in marked if s == signal]
        if found:
            kind = "neither better nor worse" if signal == "neither" else signal
            groups.append(f"{kind} in {_listed(found)}")
    count = len(marked)
    return f"{count} special-cause month{'s' if count != 1 else ''}: {'; '.join(groups)}."


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def spc_alt(kpi: Kpi, months: list[str], spc: SpcResult) -> str:
    """A text alternative for `spc_chart`: the range, the periods and their limits, the
    special-cause months and the reading of the latest."""
    shown = [(m, v) for m, v in zip(months, spc.values) if v is not None]
    if not shown:
        return f"{kpi.label}: no data in the months shown."
    low = min(shown, key=lambda p: p[1])
    high = max(shown, key=lambda p: p[1])
    text = (f"{kpi.label} from {shown[0][0]} to {shown[-1][0]}: lowest "
            f"{format_value(kpi, low[1])} in {low[0]}, highest {format_value(kpi, high[1])} in "
            f"{high[0]}, latest {format_value(kpi, shown[-1][1])}.")
    if not spc.periods:
        return text + " Fewer than 12 months: no process limits yet."
    periods = "; ".join(
        f"{period_words(p, months[p.start])}, centre {format_value(kpi, p.mean)} and process "
        f"limits {format_value(kpi, bounded(kpi, p.lower))} to "
        f"{format_value(kpi, bounded(kpi, p.upper))}" for p in spc.periods)
    signals = signal_words(months, spc)
    return (f"{text} SPC periods: {periods}. {signals[0].upper()}{signals[1:]} "
            f"{spc_reading(spc, f'The latest month, {shown[-1][0]},')}.")
