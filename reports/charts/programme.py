"""Charts of the Programme page (frames in, plotly figures out): the roadmap's milestones,
baseline against forecast, each benefit's plan against its actual by month, and a risk's
current score at each recording against the appetite. Baseline and forecast, plan and actual
differ by marker shape and line style as well as colour."""

import plotly.graph_objects as go
import polars as pl

from reports.charts.base import GREY, PALETTE, bar_height, layout


def milestone_timeline(milestones: pl.DataFrame) -> go.Figure:
    """One row per milestone (`title`, `baseline_due_on`, `forecast_due_on` filled with the
    baseline): a circle at its baseline date, a diamond at its forecast, joined by a line where
    they differ."""
    titles = milestones.get_column("title").to_list()
    figure = go.Figure()
    for title, baseline, forecast in milestones.select(
            "title", "baseline_due_on", "forecast_due_on").iter_rows():
        if forecast != baseline:
            figure.add_trace(go.Scatter(x=[baseline, forecast], y=[title, title], mode="lines",
                                        line={"color": PALETTE[5], "width": 2, "dash": "dot"},
                                        showlegend=False, hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=milestones.get_column("baseline_due_on").to_list(), y=titles, mode="markers",
        name="Baseline (first agreed)", marker={"symbol": "circle", "size": 11,
                                               "color": PALETTE[0]}))
    figure.add_trace(go.Scatter(
        x=milestones.get_column("forecast_due_on").to_list(), y=titles, mode="markers",
        name="Forecast (now expected)", marker={"symbol": "diamond", "size": 12,
                                               "color": PALETTE[5]}))
    figure.update_yaxes(autorange="reversed")
    return layout(figure, "Milestones: baseline against forecast",
                  height=bar_height(max(len(titles), 3)))


def benefit_chart(rows: pl.DataFrame, title: str, unit: str | None) -> go.Figure:
    """One benefit's months (`month`, `planned`, `actual`): the plan as a dashed line with
    squares, the actual as a solid line with circles."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=rows.get_column("month").to_list(),
                                y=rows.get_column("planned").to_list(), name="Plan",
                                mode="lines+markers",
                                line={"color": PALETTE[1], "dash": "dash"},
                                marker={"symbol": "square", "size": 8}))
    figure.add_trace(go.Scatter(x=rows.get_column("month").to_list(),
                                y=rows.get_column("actual").to_list(), name="Actual",
                                mode="lines+markers", line={"color": PALETTE[0]},
                                marker={"symbol": "circle", "size": 8}))
    return layout(figure, f"{title}: plan and actual by month", y_title=unit or "")


def risk_score_chart(history: pl.DataFrame, title: str, appetite: float) -> go.Figure:
    """One risk's recordings (`recorded_at`, `score`): the current score each gave, held until
    the next (a step line with circles), and the appetite as a dashed line. Scores run from 1
    to 25, so the axis shows them all."""
    figure = go.Figure(go.Scatter(
        x=history.get_column("recorded_at").to_list(), y=history.get_column("score").to_list(),
        name="Current score", mode="lines+markers", line={"color": PALETTE[0], "shape": "hv"},
        marker={"symbol": "circle", "size": 9}))
    figure.add_hline(y=appetite, line={"color": GREY, "dash": "dash", "width": 1},
                     annotation_text=f"appetite {appetite:g}", annotation_position="top left")
    figure.update_yaxes(range=[0, 26])
    return layout(figure, f"{title}: score at each recording", y_title="likelihood × impact",
                  height=320)
