"""Charts of the complaints and compliments page (frames in, plotly figures out).

Categories differ by fill pattern as well as colour, and every bar carries its figure in the
hover text, so no reading depends on colour alone.
"""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from reports.charts.base import PALETTE, layout

PATTERNS = ("", "/", "\\", "x", ".", "+", "-", "|")


def per_thousand_chart(table: pl.DataFrame) -> go.Figure:
    """Horizontal bars: complaints per 1,000 contacts by service (`service_table`'s columns),
    highest at the top, so small services are read on the same scale as big ones."""
    rows = table.filter(pl.col("Per 1,000 contacts").is_not_null()).sort(
        "Per 1,000 contacts", "Service")
    figure = go.Figure(go.Bar(
        x=rows.get_column("Per 1,000 contacts").to_list(),
        y=[readable(s) for s in rows.get_column("Service")], orientation="h",
        marker={"color": PALETTE[0]},
        text=[f"{v:,.1f}" for v in rows.get_column("Per 1,000 contacts")],
        textposition="outside",
        customdata=rows.select("Complaints received", "Contacts").rows(),
        hovertemplate="%{y}: %{x:,.1f} per 1,000 contacts<br>%{customdata[0]:,} complaints, "
                      "%{customdata[1]:,} contacts<extra></extra>"))
    return layout(figure, "Complaints per 1,000 contacts, by service", "",
                  height=max(320, 34 * rows.height + 120)).update_xaxes(
        title_text="complaints per 1,000 contacts")


def themes_chart(themes: pl.DataFrame) -> go.Figure:
    """Stacked bars: complaints received each month by category (`themes_by_month`)."""
    figure = go.Figure()
    categories = themes.group_by("category").agg(pl.col("complaints").sum()).sort(
        "complaints", "category", descending=[True, False]).get_column("category").to_list()
    for i, category in enumerate(categories):
        rows = themes.filter(pl.col("category") == category).sort("month")
        figure.add_bar(
            x=rows.get_column("month").to_list(), y=rows.get_column("complaints").to_list(),
            name=readable(category),
            marker={"color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": PATTERNS[i % len(PATTERNS)], "fgcolor": "#1f1f1f",
                                "solidity": 0.3},
                    "line": {"width": 1, "color": "#1f1f1f"}},
            # The trace's name, not its text: a template is markup, a name is escaped as text.
            hovertemplate="%{fullData.name}, %{x}: %{y:,} complaints<extra></extra>")
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category")
    return layout(figure, "Complaint themes by month received", "complaints")


def per_thousand_alt(table: pl.DataFrame) -> str:
    """Text alternative for `per_thousand_chart`: the highest and lowest services."""
    rows = table.filter(pl.col("Per 1,000 contacts").is_not_null()).sort(
        "Per 1,000 contacts", "Service", descending=[True, False])
    if rows.height == 0:
        return "Complaints per 1,000 contacts: no contacts in the period."
    high, low = rows.row(0, named=True), rows.row(-1, named=True)
    return (f"Complaints per 1,000 contacts across {rows.height} services: highest "
            f"{readable(high['Service'])} at {high['Per 1,000 contacts']:,.1f}, lowest "
            f"{readable(low['Service'])} at {low['Per 1,000 contacts']:,.1f}.")


def themes_alt(themes: pl.DataFrame) -> str:
    """Text alternative for `themes_chart`: the commonest themes over the period."""
    if themes.height == 0:
        return "Complaint themes: no complaints received in the period."
    totals = themes.group_by("category").agg(pl.col("complaints").sum()).sort(
        "complaints", "category", descending=[True, False])
    top = ", ".join(f"{readable(c)} {n:,}" for c, n in totals.head(3).iter_rows())
    months = themes.get_column("month")
    return (f"Complaints received by theme from {months.min()} to {months.max()}, "
            f"{totals.get_column('complaints').sum():,} in all; the commonest: {top}.")
