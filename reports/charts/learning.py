"""Charts of learning from complaints on the complaints page (frames in, plotly figures out).

Each bar carries its rate and the counts behind it; each theme's line has its own marker shape
as well as colour, so no reading depends on colour alone.
"""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from reports.charts.base import PALETTE, layout

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")


def upheld_chart(table: pl.DataFrame, by: str) -> go.Figure:
    """Horizontal bars: the upheld rate by theme or service (`learning_view.upheld_by`), each
    labelled "58.4 % (111 of 190)", highest at the top."""
    rows = table.filter(pl.col("Upheld %").is_not_null()).sort("Upheld %", by)
    figure = go.Figure(go.Bar(
        x=rows.get_column("Upheld %").to_list(),
        y=[readable(v) for v in rows.get_column(by)], orientation="h",
        marker={"color": PALETTE[5]},
        text=[f"{p:.1f} % ({u:,} of {d:,})" for p, u, d in
              rows.select("Upheld %", "Upheld", "Decided").iter_rows()],
        textposition="outside",
        hovertemplate="%{y}: %{text}<extra></extra>"))
    return layout(figure, f"Complaints upheld, by {by.lower()}", "",
                  height=max(320, 34 * rows.height + 120)).update_xaxes(
        title_text="% of decided complaints upheld", range=[0, 115])


def upheld_alt(table: pl.DataFrame, by: str) -> str:
    """Text alternative for `upheld_chart`: the highest and lowest rates with their counts."""
    rows = table.filter(pl.col("Upheld %").is_not_null()).sort(
        "Upheld %", by, descending=[True, False])
    if rows.height == 0:
        return f"Complaints upheld by {by.lower()}: no complaints decided in the period."
    high, low = rows.row(0, named=True), rows.row(-1, named=True)
    return (f"Complaints upheld across {rows.height} {by.lower()}s: highest "
            f"{readable(high[by])} at {high['Upheld %']:.1f} % ({high['Upheld']:,} of "
            f"{high['Decided']:,} decided), lowest {readable(low[by])} at "
            f"{low['Upheld %']:.1f} % ({low['Upheld']:,} of {low['Decided']:,}).")


def themes_upheld_chart(frame: pl.DataFrame) -> go.Figure:
    """Lines: each theme's upheld rate by month (`learning_view.themes_against_upheld`)."""
    figure = go.Figure()
    for i, theme in enumerate(sorted(frame.get_column("Theme").unique().to_list())):
        rows = frame.filter(pl.col("Theme") == theme).sort("Month")
        figure.add_scatter(
            x=rows.get_column("Month").to_list(), y=rows.get_column("Upheld %").to_list(),
            name=readable(theme), mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)]},
            marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8},
            customdata=rows.select("Received", "Upheld", "Decided").rows(),
            hovertemplate=f"{readable(theme)}, %{{x}}: %{{y:.1f}} % upheld (%{{customdata[1]}} "
                          "of %{customdata[2]}); %{customdata[0]} received<extra></extra>")
    figure.update_xaxes(type="category")
    return layout(figure, "Complaints upheld by theme, month by month", "% upheld").update_yaxes(
        range=[0, 100])


def themes_upheld_alt(frame: pl.DataFrame) -> str:
    """Text alternative for `themes_upheld_chart`: each theme's totals over the months."""
    if frame.height == 0:
        return "Complaints upheld by theme: no complaints in the period."
    totals = frame.group_by("Theme").agg(pl.col("Received", "Upheld", "Decided").sum()).sort(
        "Received", "Theme", descending=[True, False])
    parts = "; ".join(
        f"{readable(t)} {r:,} received, {u:,} of {d:,} decided upheld"
        for t, r, u, d in totals.iter_rows())
    months = frame.get_column("Month")
    return f"Complaints by theme from {months.min()} to {months.max()}: {parts}."


def action_chart(frame: pl.DataFrame, measure: str, action: dict, subject: str) -> go.Figure:
    """The action's measure month by month (`metrics.actions.measure_by_month`), with a dashed
    vertical line at the action's month, labelled with its date in words as well as drawn."""
    figure = go.Figure(go.Scatter(
        x=frame.get_column("Month").to_list(), y=frame.get_column(measure).to_list(),
        name=measure, mode="lines+markers", line={"color": PALETTE[0]},
        marker={"symbol": "circle", "size": 8},
        hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_xaxes(type="category")
    month = action["changed_on"].strftime("%Y-%m")
    if month in frame.get_column("Month").to_list():
        figure.add_vline(x=month, line={"dash": "dash", "color": "#1f1f1f", "width": 2})
        figure.add_annotation(x=month, y=1, yref="paper", yanchor="bottom", showarrow=False,
                              text=f"Action, {action['changed_on']}", xanchor="left")
    return layout(figure, f"{measure}: {subject}", measure)


def action_alt(frame: pl.DataFrame, measure: str, action: dict, subject: str,
               before: float | None, after: float | None) -> str:
    """Text alternative for `action_chart`: the action's date and the measure before and after."""
    said = (f"{before:.1f} before it and {after:.1f} from it on"
            if before is not None and after is not None else "not measured both before and after")
    return (f"{measure} month by month for {subject}, {frame.height} months; the action on "
            f"{action['changed_on']} "
            f"is marked by a dashed line: {said}.")
