"""Charts of the data-quality page (frames in, plotly figures out)."""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from reports.charts.base import GREY, PALETTE, bar_height, layout, percent_bars


def coverage_chart(frame: pl.DataFrame, target: float | None) -> go.Figure:
    """Horizontal bars: classified_pct by service over the period (`coverage_by_service`),
    lowest at the top, with the target as a labelled dashed line."""
    figure = percent_bars(frame, "classified_pct", "service", ("classified", "contacts"),
                          "classified", PALETTE[0])
    if target is not None:
        figure.add_vline(x=target, line={"color": GREY, "dash": "dash", "width": 2},
                         annotation_text=f"Target {target:.0f} %",
                         annotation_position="top")
    return layout(figure, "Contacts with a demand type (value or failure), by service",
                  height=bar_height(len(figure.data[0].y))).update_xaxes(
        title_text="% of contacts classified", range=[0, 110])


def coverage_alt(frame: pl.DataFrame, period: str, target: float | None) -> str:
    """Text alternative for `coverage_chart` (`frame` lowest classified_pct first)."""
    rated = frame.filter(pl.col("classified_pct").is_not_null())
    text = f"Contacts classified by service, {period}."
    if rated.height:
        text += (f" Lowest: {readable(rated['service'][0])} at "
                 f"{rated['classified_pct'][0]:.1f} %; highest: "
                 f"{readable(rated['service'][-1])} at {rated['classified_pct'][-1]:.1f} %.")
    if target is not None:
        below = rated.filter(pl.col("classified_pct") < target).height
        text += f" {below} of {rated.height} services below the target of {target:.0f} %."
    return text
