"""Charts of the satisfaction page (frames in, plotly figures out)."""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from reports.charts.base import GREY, PALETTE, layout


def csat_interval_chart(frame: pl.DataFrame, dim: str, title: str) -> go.Figure:
    """Dots with error bars: CSAT by `dim` (`satisfaction_by`'s columns) with its 95 % Wilson
    interval; each row's label carries its n, so a wide bar is read as a small sample."""
    rows = frame.filter(pl.col("csat_pct").is_not_null()).sort("csat_pct", dim)
    labels = [f"{readable(v)} (n = {n:,})" for v, n in rows.select(dim, "csat_n").iter_rows()]
    values = rows.get_column("csat_pct").to_list()
    figure = go.Figure(go.Scatter(
        x=values, y=labels, mode="markers",
        marker={"size": 11, "color": PALETTE[0], "symbol": "diamond",
                "line": {"width": 1, "color": "#1f1f1f"}},
        error_x={"type": "data", "symmetric": False, "color": GREY, "thickness": 2,
                 "array": [h - v for h, v in zip(rows.get_column("csat_high"), values)],
                 "arrayminus": [v - lo for lo, v in zip(rows.get_column("csat_low"), values)]},
        customdata=rows.select("csat_low", "csat_high").rows(),
        hovertemplate="%{y}: %{x:.1f} % satisfied (95 % interval %{customdata[0]:.1f} % to "
                      "%{customdata[1]:.1f} %)<extra></extra>",
        name="Satisfied (4 or 5 out of 5), with 95 % interval"))
    figure.update_xaxes(title_text="% satisfied", range=[0, 100])
    figure.update_layout(showlegend=True)
    return layout(figure, title, "", height=max(320, 36 * rows.height + 140))


def csat_interval_alt(frame: pl.DataFrame, dim: str) -> str:
    """Text alternative for `csat_interval_chart`: the highest and lowest with their intervals."""
    rows = frame.filter(pl.col("csat_pct").is_not_null()).sort("csat_pct", dim,
                                                                descending=[True, False])
    if rows.height == 0:
        return "Satisfaction: no survey responses with a rating in the period."

    def one(row: dict) -> str:
        return (f"{readable(row[dim])} {row['csat_pct']:.1f} % (95 % interval "
                f"{row['csat_low']:.1f} % to {row['csat_high']:.1f} %, n = {row['csat_n']:,})")

    return (f"Share of residents satisfied by {dim} across {rows.height} groups: highest "
            f"{one(rows.row(0, named=True))}, lowest {one(rows.row(-1, named=True))}.")
