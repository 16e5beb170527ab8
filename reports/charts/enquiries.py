"""Charts of the Members' enquiries page (frames in, plotly figures out)."""

import plotly.graph_objects as go
import polars as pl

from reports.charts.base import PALETTE, layout

COUNT = "Enquiries received"


def wards_chart(table: pl.DataFrame) -> go.Figure:
    """Horizontal bars: enquiries received by ward (`enquiries_view.ward_table`), most at the
    top, each bar labelled with its figure."""
    rows = table.sort(COUNT, "Ward", descending=[False, True])
    figure = go.Figure(go.Bar(
        x=rows.get_column(COUNT).to_list(), y=rows.get_column("Ward").to_list(),
        orientation="h", marker={"color": PALETTE[0]},
        text=[f"{v:,}" for v in rows.get_column(COUNT)], textposition="outside",
        hovertemplate="%{y}: %{x:,} enquiries<extra></extra>"))
    return layout(figure, "Members' enquiries received, by ward", "",
                  height=max(320, 26 * rows.height + 120)).update_xaxes(title_text="enquiries")


def wards_alt(table: pl.DataFrame) -> str:
    """Text alternative for `wards_chart`: the total and the busiest and quietest wards."""
    if table.height == 0 or table.get_column(COUNT).sum() == 0:
        return "Members' enquiries by ward: none received in the period."
    rows = table.sort(COUNT, "Ward", descending=[True, False])
    high, low = rows.row(0, named=True), rows.row(-1, named=True)
    return (f"Members' enquiries received across {rows.height} wards, "
            f"{rows.get_column(COUNT).sum():,} in all: most from {high['Ward']} "
            f"({high[COUNT]:,}), fewest from {low['Ward']} ({low[COUNT]:,}).")
