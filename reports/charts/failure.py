"""Charts, their text alternatives and their data tables for the failure demand and right first
time pages. Pure functions: frames from `metrics.drill` in, plotly figures, sentences and
frames out. Every bar carries its number as text, so no figure is read from colour or length
alone.
"""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from metrics.registry import REGISTRY
from reports.charts.base import GREY, PALETTE, layout

# kpi -> (numerator, denominator) in words, for tables and sentences
PARTS_IN_WORDS = {
    "contacts": ("contacts", None),
    "failure_demand_pct": ("failure contacts", "classified contacts"),
    "classified_pct": ("classified contacts", "contacts"),
    "repeat_contact_pct": ("repeat contacts", "contacts with a customer reference"),
    "right_first_time_pct": ("right first time", "eligible first contacts"),
}
DIMENSION_WORDS = {"service": "service", "reason": "reason", "channel": "channel",
                   "ward": "ward", "team": "team", "failure_type": "failure type"}


def _plural(word: str, n: int) -> str:
    return word if n == 1 else f"{word}s"


def _bar_text(value: float | None, numerator: float, denominator: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:.1f} % ({numerator:,.0f} of {denominator:,.0f})"


# ---- a KPI ranked by group --------------------------------------------------------------------

def ranking_table(ranked: pl.DataFrame, kpi_id: str, by: str) -> pl.DataFrame:
    """A `metrics.drill.ranking` frame with its columns named in words."""
    numerator, denominator = PARTS_IN_WORDS[kpi_id]
    return ranked.select(
        pl.col(by).alias(DIMENSION_WORDS[by]),
        pl.col("numerator").cast(pl.Int64).alias(numerator),
        pl.col("denominator").cast(pl.Int64).alias(denominator),
        pl.col("value").round(1).alias(f"{REGISTRY[kpi_id].label} %"))


def ranking_chart(ranked: pl.DataFrame, kpi_id: str, by: str, title: str) -> go.Figure:
    """Horizontal bars of the KPI per group, in the ranking's order from the top, each labelled
    with its rate and its numerator of denominator."""
    kpi = REGISTRY[kpi_id]
    rows = ranked.rows(named=True)
    figure = go.Figure(go.Bar(
        x=[r["value"] for r in rows], y=[readable(str(r[by])) for r in rows], orientation="h",
        marker={"color": PALETTE[0]}, name=kpi.label,
        text=[_bar_text(r["value"], r["numerator"], r["denominator"]) for r in rows],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    figure.update_yaxes(autorange="reversed", title_text=DIMENSION_WORDS[by])
    layout(figure, title, height=max(260, 80 + 34 * len(rows)))
    figure.update_xaxes(title_text=f"{kpi.label} (%)", range=[0, 118])
    figure.update_layout(margin={"l": 160, "r": 40})
    return figure


def ranking_alt(ranked: pl.DataFrame, kpi_id: str, by: str, order: str = "numerator") -> str:
    """Text alternative: how many groups, the first in the ranking's order (`order` as in
    `metrics.drill.ranking`), and the highest and lowest rates."""
    kpi = REGISTRY[kpi_id]
    numerator, denominator = PARTS_IN_WORDS[kpi_id]
    word = DIMENSION_WORDS[by]
    rated = ranked.filter(pl.col("value").is_not_null())
    if rated.height == 0:
        return f"{kpi.label} by {word}: no data for the selection."
    top = ranked.row(0, named=True)
    high = rated.sort("value", descending=True).row(0, named=True)
    low = rated.sort("value").row(0, named=True)
    first = numerator if order == "numerator" else denominator
    return (f"{kpi.label} by {word} for {ranked.height} {_plural(word, ranked.height)}, "
            f"most {first} first. First: {readable(top[by])} with {top['numerator']:,.0f} "
            f"{numerator} of {top['denominator']:,.0f} {denominator} ({_pct(top['value'])}). "
            f"Highest rate {readable(high[by])} at {high['value']:.1f} %, lowest "
            f"{readable(low[by])} at {low['value']:.1f} %.")


def _pct(value: float | None) -> str:
    return "no data" if value is None else f"{value:.1f} %"


# ---- Pareto of failure reasons ----------------------------------------------------------------

def pareto_label(frame: pl.DataFrame, by: list[str]) -> list[str]:
    return [" / ".join(readable(str(v)) for v in row) for row in frame.select(by).rows()]


def pareto_chart(frame: pl.DataFrame, by: list[str], title: str) -> go.Figure:
    """Bars: failure contacts per group, biggest first; line (right axis, diamond markers):
    the cumulative share of all failure; a dotted line at 80 %."""
    labels = pareto_label(frame, by)
    figure = go.Figure()
    figure.add_bar(x=labels, y=frame.get_column("failure_contacts").to_list(),
                   name="Failure contacts", marker={"color": PALETTE[0]},
                   text=[f"{n:,}" for n in frame.get_column("failure_contacts")],
                   textposition="outside", cliponaxis=False)
    figure.add_scatter(x=labels, y=frame.get_column("cumulative_pct").to_list(),
                       name="Cumulative share of failure (%)", yaxis="y2",
                       mode="lines+markers+text", line={"color": PALETTE[5], "width": 2},
                       marker={"symbol": "diamond", "size": 9, "color": PALETTE[5]},
                       text=[f"{v:.0f} %" for v in frame.get_column("cumulative_pct")],
                       textposition="top center")
    layout(figure, title, "failure contacts", height=420)
    figure.update_layout(yaxis2={"title": {"text": "cumulative share (%)"}, "overlaying": "y",
                                 "side": "right", "range": [0, 110], "showgrid": False})
    figure.add_hline(y=80, yref="y2", line={"color": GREY, "dash": "dot", "width": 1},
                     annotation_text="80 %", annotation_position="right")
    figure.update_layout(margin={"r": 70})
    return figure


def pareto_table(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return frame.select(
        *[pl.col(c).alias(DIMENSION_WORDS[c]) for c in by],
        pl.col("failure_contacts").alias("failure contacts"),
        pl.col("share_pct").round(1).alias("share of failure %"),
        pl.col("cumulative_pct").round(1).alias("cumulative share %"))


def pareto_alt(frame: pl.DataFrame, by: list[str]) -> str:
    """Text alternative: the total, the biggest group, and how many groups make up 80 %."""
    words = " and ".join(DIMENSION_WORDS[c] for c in by)
    if frame.height == 0:
        return f"No failure contacts in the selection, so no {words} to show."
    total = frame.get_column("failure_contacts").sum()
    top = frame.row(0, named=True)
    label = pareto_label(frame, by)[0]
    groups = _plural(words, frame.height) if len(by) == 1 else f"combinations of {words}"
    eighty = min(frame.filter(pl.col("cumulative_pct") < 80).height + 1, frame.height)
    return (f"{total:,} failure contacts in {frame.height} {groups}. "
            f"The biggest, {label}, is {top['failure_contacts']:,} ({top['share_pct']:.1f} % of "
            f"all failure); the first {eighty} make up "
            f"{frame.get_column('cumulative_pct')[eighty - 1]:.1f} %.")


# ---- follow-up gaps ---------------------------------------------------------------------------

def gap_chart(frame: pl.DataFrame, title: str) -> go.Figure:
    """Bars of eligible first contacts by how long until the resident came back."""
    rows = frame.rows(named=True)
    figure = go.Figure(go.Bar(
        x=[r["bucket"] for r in rows], y=[r["first_contacts"] for r in rows],
        marker={"color": PALETTE[0]}, name="First contacts",
        text=[f"{r['first_contacts']:,} ({_pct(r['share_pct'])})" for r in rows],
        textposition="outside", cliponaxis=False))
    layout(figure, title, "eligible first contacts", height=400)
    figure.update_xaxes(title_text="time until the next contact of the same matter")
    return figure


def gap_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("bucket").alias("next contact of the same matter"),
                        pl.col("first_contacts").alias("eligible first contacts"),
                        pl.col("share_pct").round(1).alias("share %"))


def gap_alt(frame: pl.DataFrame) -> str:
    """Text alternative: the total, each bucket's share, the commonest."""
    total = frame.get_column("first_contacts").sum()
    if not total:
        return "No eligible first contacts in the selection."
    parts = "; ".join(f"{r['bucket']} {r['first_contacts']:,} ({r['share_pct']:.1f} %)"
                      for r in frame.iter_rows(named=True))
    return (f"Of {total:,} eligible first contacts, the next contact of the same matter came: "
            f"{parts}.")


# ---- channel bounce ---------------------------------------------------------------------------

def bounce_matrix(frame: pl.DataFrame) -> pl.DataFrame:
    """Repeat contacts as a grid: one row per previous channel, one column per channel of the
    repeat (0 where none)."""
    if frame.height == 0:
        return pl.DataFrame({"previous channel": []}, schema={"previous channel": pl.String})
    channels = sorted(set(frame.get_column("channel")))
    grid = (frame.pivot(on="channel", index="previous_channel", values="repeat_contacts")
            .fill_null(0).sort("previous_channel"))
    return grid.select(pl.col("previous_channel").alias("previous channel"), *channels)


def bounce_heatmap(frame: pl.DataFrame, title: str) -> go.Figure:
    """Heat map of repeat contacts, previous channel (rows) to this channel (columns), with the
    count written in every cell: colour only repeats what the numbers say."""
    grid = bounce_matrix(frame)
    channels = grid.columns[1:]
    z = [list(row[1:]) for row in grid.rows()]
    figure = go.Figure(go.Heatmap(
        z=z, x=[readable(c) for c in channels],
        y=[readable(c) for c in grid.get_column("previous channel")],
        text=[[f"{v:,}" for v in row] for row in z], texttemplate="%{text}",
        textfont={"size": 14}, colorscale="Blues", colorbar={"title": {"text": "repeats"}},
        hovertemplate="from %{y} to %{x}: %{text} repeat contacts<extra></extra>"))
    layout(figure, title, "previous contact's channel", height=max(320, 120 + 45 * len(z)))
    figure.update_xaxes(title_text="repeat contact's channel", side="bottom")
    figure.update_yaxes(autorange="reversed")
    return figure


def bounce_alt(frame: pl.DataFrame, changed_pct: float | None) -> str:
    """Text alternative: the total, the commonest paths, and how many changed channel."""
    if frame.height == 0:
        return "No repeat contacts in the selection."
    total = frame.get_column("repeat_contacts").sum()
    top = "; ".join(f"{readable(r['previous_channel'])} to {readable(r['channel'])} "
                    f"{r['repeat_contacts']:,} ({r['share_pct']:.1f} %)"
                    for r in frame.head(3).iter_rows(named=True))
    return (f"{total:,} repeat contacts. Commonest paths from the previous contact's channel: "
            f"{top}. {_pct(changed_pct)} came back on a different channel.")
