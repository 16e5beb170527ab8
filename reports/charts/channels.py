"""Charts of the channels, cost and carbon page (frames in, plotly figures out).

The period and the baseline differ by fill pattern as well as colour, and every bar is labelled
with its figure, so no reading depends on colour alone.
"""

import plotly.graph_objects as go
import polars as pl

from metrics.labels import readable
from metrics.registry import REGISTRY
from metrics.wording import format_value
from reports.charts.base import PALETTE, bar_height, layout, percent_bars


def mix_chart(mix: pl.DataFrame) -> go.Figure:
    """Paired horizontal bars per channel: its share in the period and in the baseline
    (`metrics.channels_view.channel_mix`), largest share in the period at the top."""
    rows = mix.reverse()
    channels = [readable(c) for c in rows.get_column("channel")]
    figure = go.Figure()
    for column, name, colour, pattern in (
            ("baseline_share_pct", "Baseline", PALETTE[1], "/"),
            ("share_pct", "This period", PALETTE[0], "")):
        values = rows.get_column(column).to_list()
        figure.add_bar(x=values, y=channels, orientation="h", name=name,
                       marker={"color": colour, "pattern": {"shape": pattern}},
                       text=["" if v is None else f"{v:.1f} %" for v in values],
                       textposition="outside",
                       hovertemplate=f"%{{y}}, {name.lower()}: %{{x:.1f}} %<extra></extra>")
    figure.update_layout(barmode="group", legend={"traceorder": "reversed"})
    return layout(figure, "Channel mix: share of contacts, this period against the baseline",
                  height=bar_height(len(channels), 56)).update_xaxes(title_text="% of contacts")


def digital_chart(frame: pl.DataFrame) -> go.Figure:
    """Horizontal bars: digital take-up by service (`digital_by_service`), highest at the top."""
    figure = percent_bars(frame, "digital_pct", "service", ("digital_contacts", "contacts"),
                          "digital", PALETTE[2])
    return layout(figure, "Digital take-up by service",
                  height=bar_height(len(figure.data[0].y))).update_xaxes(
        title_text="% of contacts on a digital channel", range=[0, 110])


def by_channel_chart(frame: pl.DataFrame, column: str, title: str, unit: str) -> go.Figure:
    """Horizontal bars of one figure of `cost_carbon_by_channel` per channel, largest at the
    top; `unit` is "£" or "kg CO2e"."""
    rows = frame.sort(column, "channel", nulls_last=True).filter(pl.col(column).is_not_null())
    values = rows.get_column(column).to_list()
    text = [f"£{v:,.0f}" if unit == "£" else f"{v:,.0f} kg" for v in values]
    figure = go.Figure(go.Bar(
        x=values, y=[readable(c) for c in rows.get_column("channel")], orientation="h",
        marker={"color": PALETTE[0] if unit == "£" else PALETTE[2]}, text=text,
        textposition="outside", hovertemplate="%{y}: %{text}<extra></extra>"))
    return layout(figure, title, height=bar_height(rows.height)).update_xaxes(title_text=unit)


def mix_alt(mix: pl.DataFrame) -> str:
    """Text alternative for `mix_chart`."""
    text = "Share of contacts by channel in the period and in the baseline."
    if mix.height == 0:
        return text + " No contacts in the period."
    top = mix.row(0, named=True)
    text += f" Largest in the period: {readable(top['channel'])} at {top['share_pct']:.1f} %"
    if top["baseline_share_pct"] is None:
        return text + "."
    return text + f" (baseline {top['baseline_share_pct']:.1f} %)."


def digital_alt(digital: pl.DataFrame, period: str) -> str:
    """Text alternative for `digital_chart` (`digital` sorted highest first)."""
    text = f"Share of each service's contacts on a digital channel, {period}."
    rated = digital.filter(pl.col("digital_pct").is_not_null())
    if rated.height == 0:
        return text + " No contacts in the period."
    return text + (f" Highest: {readable(rated['service'][0])} at {rated['digital_pct'][0]:.1f} "
                   f"%; lowest: {readable(rated['service'][-1])} at "
                   f"{rated['digital_pct'][-1]:.1f} %.")


def largest_alt(frame: pl.DataFrame, column: str, what: str) -> str:
    """Text alternative for `by_channel_chart`: `frame` sorted by `column`, largest first."""
    kpi = REGISTRY[column]
    if frame.height == 0:
        return f"{what} by channel: no contacts in the period."
    top = frame.row(0, named=True)
    return (f"{what} by channel. Largest: {readable(top['channel'])}, "
            f"{format_value(kpi, top[column])}.")
