"""Charts of the data-quality page (frames in, plotly figures out)."""

import plotly.graph_objects as go
import polars as pl

from metrics.charts.base import GREY, PALETTE, layout


def coverage_chart(frame: pl.DataFrame, target: float | None) -> go.Figure:
    """Horizontal bars: classified_pct by service over the period (`coverage_by_service`),
    lowest at the top, with the target as a labelled dashed line."""
    rows = frame.filter(pl.col("classified_pct").is_not_null()).reverse()
    values = rows.get_column("classified_pct").to_list()
    figure = go.Figure(go.Bar(
        x=values, y=rows.get_column("service").to_list(), orientation="h",
        marker={"color": PALETTE[0]}, text=[f"{v:.1f} %" for v in values],
        textposition="outside",
        customdata=rows.select("classified", "contacts").rows(),
        hovertemplate="%{y}: %{x:.1f} % classified<br>%{customdata[0]:,.0f} of "
                      "%{customdata[1]:,.0f} contacts<extra></extra>"))
    if target is not None:
        figure.add_vline(x=target, line={"color": GREY, "dash": "dash", "width": 2},
                         annotation_text=f"Target {target:.0f} %",
                         annotation_position="top")
    return layout(figure, "Contacts with a demand type (value or failure), by service",
                  height=max(320, 34 * rows.height + 140)).update_xaxes(
        title_text="% of contacts classified", range=[0, 110])
