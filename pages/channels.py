"""Channels, cost and carbon: the channel mix against the baseline, digital take-up by service,
cost to serve and carbon with the savings from channel shift, their 24-month trends, and the
assumptions behind the money and carbon figures (editable by analysts, every edit kept)."""

from datetime import UTC, datetime

import polars as pl
import streamlit as st

from data.edits import read_assumptions, read_changes, update_assumption
from metrics.applicability import left_out
from metrics.channels_view import (
    BY_CHANNEL_KPIS,
    HEADLINE_KPIS,
    MONEY_KPIS,
    TREND_KPIS,
    channel_mix,
    cost_carbon_by_channel,
    digital_by_service,
    headline,
)
from metrics.compute import Query
from metrics.prices import NOTIONAL, has_uplift, prices_text, uplift_text, uplifted
from metrics.reads import parts_read
from metrics.registry import REGISTRY
from metrics.wording import format_value
from pages.shared import (
    assumptions,
    audit,
    cached,
    chart,
    editor,
    engine,
    for_role,
    metric_tiles,
    page_selection,
    scorecard_tiles,
    sources,
    spc_trend,
    table,
)
from reports.charts.channels import (
    by_channel_chart,
    digital_alt,
    digital_chart,
    largest_alt,
    mix_alt,
    mix_chart,
)
from reports.escape import md

# form widget key -> assumption field
UPLIFT_FIELDS = ("uplift_factor", "uplift_source", "uplift_year")
FORM_FIELDS = {f"assumption_{f}": f for f in (
    "unit_cost_gbp", "cost_source", "cost_year", "carbon_kg", "carbon_source", "carbon_year",
    *UPLIFT_FIELDS)}
ASSUMPTION_LABELS = {
    "channel": "Channel", "unit_cost_gbp": "Unit cost (£ per contact)",
    "cost_source": "Source of the unit cost", "cost_year": "Year of the unit cost",
    "carbon_kg": "Carbon factor (kg CO2e per contact)",
    "carbon_source": "Source of the carbon factor", "carbon_year": "Year of the carbon factor",
    "uplift_factor": "Uplift to later prices (× the unit cost; blank: none)",
    "uplift_source": "Source of the uplift (the price index)",
    "uplift_year": "Year of the uplifted prices",
    "updated_by": "Updated by", "updated_at": "Updated at (UTC)"}
# Plain words under the headline figures that need them.
HEADLINE_NOTES = {
    "digital_pct": "Online: web and app, and also e-mail, webchat and social media, which "
                   "still need a member of staff.",
    "self_service_pct": "Web and app only: residents served themselves, no staff needed.",
}


@cached(*parts_read((*HEADLINE_KPIS, *BY_CHANNEL_KPIS)))
def _figures(stamp, query: Query) -> tuple:
    src = sources()
    priced = assumptions()
    later = (headline(uplifted(src, priced), query, MONEY_KPIS) if has_uplift(priced) else {})
    return (headline(src, query), later, channel_mix(src, query), digital_by_service(src, query),
            cost_carbon_by_channel(src, query))


def _money_note(kpi_id: str, later: dict[str, float | None]) -> str:
    """The price base beside a money figure; a saving is notional; any uplifted figure."""
    priced = assumptions()
    text = f"At {prices_text(priced)}"
    text += f"; {NOTIONAL}." if kpi_id == "channel_shift_saving_gbp" else "."
    if kpi_id in later:
        text += (f" At {prices_text(priced, uplifted=True)}: "
                 f"{format_value(REGISTRY[kpi_id], later[kpi_id])} ({uplift_text(priced)}).")
    return text


def _fill_form() -> None:
    """Put the chosen channel's stored values into the form's widgets."""
    channel = st.session_state["assumption_channel"]
    row = read_assumptions(engine()).filter(pl.col("channel") == channel).row(0, named=True)
    for key, field in FORM_FIELDS.items():
        st.session_state[key] = row[field]
    st.session_state["assumption_filled_for"] = channel


def _save(who: str) -> None:
    channel = st.session_state["assumption_channel"]
    values = {field: st.session_state[key] for key, field in FORM_FIELDS.items()}
    # A blank uplift factor means no uplift: whatever the other two uplift fields hold.
    clear = values["uplift_factor"] is None
    if clear:
        values = {f: v for f, v in values.items() if f not in UPLIFT_FIELDS}
    try:
        changed = update_assumption(engine(), channel, by=who, clear_uplift=clear, **values)
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        st.session_state["assumption_message"] = (
            "error", f"Not saved. {ASSUMPTION_LABELS.get(field, field)}: {reason}")
        return
    if not changed:
        st.session_state["assumption_message"] = ("info", "Nothing changed: nothing saved.")
        return
    audit("edit", __file__, f"Assumptions of {channel}: " + ", ".join(
        f"{f} {values.get(f)}" for f in changed))
    # The edit moved the version of the assumptions (a trigger in the warehouse): the figures
    # priced with them are computed again on the next run, and nothing else is.
    _fill_form()
    st.session_state["assumption_message"] = (
        "success", f"Saved {channel}: {', '.join(ASSUMPTION_LABELS[f].lower() for f in changed)}"
                   ". Cost and carbon figures now use the new values.")


st.title("Channels, cost and carbon")
selection = page_selection(HEADLINE_KPIS)
first, month, filters = selection.first_month, selection.month, selection.filters
figures, later, mix, digital, per_channel = _figures(selection.query)

st.caption(f"{md(selection.label)}. Money and carbon are priced with the assumptions at the "
           "foot of the page; savings compare each month with the baseline channel mix.")
metric_tiles([(kpi_id, figures[kpi_id],
               _money_note(kpi_id, later) if kpi_id in MONEY_KPIS else HEADLINE_NOTES.get(kpi_id))
              for kpi_id in HEADLINE_KPIS])

st.subheader("Channel mix against the baseline")
baseline = sources().baseline
if baseline:
    st.caption(f"Baseline: {md(baseline[0])} to {md(baseline[1])}, with the same filters. A "
               "positive change means the channel carries a larger share of contacts than then.")
else:
    st.caption("No baseline period: the warehouse has no contacts in it.")
shown = mix.filter((pl.col("contacts") > 0) | (pl.col("baseline_contacts") > 0))
chart(mix_chart(shown), shown, mix_alt(shown), "channel_mix", "Channel mix")

st.subheader("Digital take-up by service")
chart(digital_chart(digital), digital, digital_alt(digital, selection.label),
      "digital_by_service", "Digital take-up by service")

st.subheader("Cost to serve and carbon by channel")
st.caption("Contacts × each channel's unit cost and carbon factor. "
           + " ".join(md(gap.sentence) for gap in left_out(HEADLINE_KPIS, ("channel",))))
left, right = st.columns(2)
with left:
    chart(by_channel_chart(per_channel, "cost_to_serve_gbp", "Cost to serve by channel", "£"),
          per_channel, largest_alt(per_channel, "cost_to_serve_gbp", "Cost to serve"),
          "cost_by_channel", "Cost to serve by channel")
with right:
    carbon = per_channel.sort("carbon_kg", "channel", descending=[True, False], nulls_last=True)
    chart(by_channel_chart(per_channel, "carbon_kg", "Carbon from contact by channel",
                           "kg CO2e"), carbon,
          largest_alt(carbon, "carbon_kg", "Carbon from contact"), "carbon_by_channel",
          "Carbon by channel")

st.subheader("Trends: 24 months to " + md(month))
tiles = {t.kpi.id: t for t in scorecard_tiles(month, filters)}
trends = [tiles[k] for k in TREND_KPIS if k in tiles]
for tab, tile in zip(st.tabs([t.kpi.label for t in trends]), trends):
    with tab:
        spc_trend(tile, f"trend_{tile.kpi.id}")

st.subheader("Assumptions")
st.caption("Every money and carbon figure uses these per-contact unit costs and carbon factors. "
           "Each shows where it comes from and its year; every edit is kept below.")
stored = read_assumptions(engine())
table(stored.rename(ASSUMPTION_LABELS), "channel_assumptions")

if for_role("analyst", "Editing assumptions"):
    who = editor()
    st.selectbox("Channel to edit", stored.get_column("channel").to_list(),
                 key="assumption_channel", on_change=_fill_form)
    if (st.session_state.get("assumption_filled_for") != st.session_state["assumption_channel"]
            or any(key not in st.session_state for key in FORM_FIELDS)):
        _fill_form()
    next_year = datetime.now(UTC).year + 1
    with st.form("assumption_form"):
        cost, carbon_column = st.columns(2)
        with cost:
            st.number_input(ASSUMPTION_LABELS["unit_cost_gbp"], min_value=0.0, step=0.01,
                            format="%.4f", key="assumption_unit_cost_gbp")
            st.text_input(ASSUMPTION_LABELS["cost_source"], key="assumption_cost_source")
            st.number_input(ASSUMPTION_LABELS["cost_year"], min_value=1990,
                            max_value=next_year, step=1, key="assumption_cost_year")
            st.number_input(ASSUMPTION_LABELS["uplift_factor"], min_value=0.0, step=0.01,
                            # None: a blank box, which clears the uplift.
                            format="%.4f", value=None, key="assumption_uplift_factor",
                            help="To show money at a later year's prices: the price index of "
                                 "that year ÷ the index of the unit cost's year.")
            st.text_input(ASSUMPTION_LABELS["uplift_source"], key="assumption_uplift_source")
            st.number_input(ASSUMPTION_LABELS["uplift_year"], min_value=1990,
                            max_value=next_year, step=1, value=None,
                            key="assumption_uplift_year")
        with carbon_column:
            st.number_input(ASSUMPTION_LABELS["carbon_kg"], min_value=0.0, step=0.001,
                            format="%.7f", key="assumption_carbon_kg")
            st.text_input(ASSUMPTION_LABELS["carbon_source"], key="assumption_carbon_source")
            st.number_input(ASSUMPTION_LABELS["carbon_year"], min_value=1990,
                            max_value=next_year, step=1, key="assumption_carbon_year")
        st.form_submit_button("Save assumptions", on_click=_save, args=(who,),
                              key="save_assumptions", icon=":material/save:")
    st.caption(f"Saved as {md(who)}, with the time; the old and new values go to the change "
               "history.")
    message = st.session_state.pop("assumption_message", None)
    if message:
        getattr(st, message[0])(message[1])

st.subheader("Change history")
changes = read_changes(engine())
if changes.height:
    table(changes.rename({"change_id": "Change", "changed_at": "When (UTC)", "changed_by": "Who",
                          "channel": "Channel", "field": "Field", "old_value": "Old value",
                          "new_value": "New value"}), "assumption_changes")
else:
    st.caption("No edits yet: the values are the defaults of the KPI definitions.")
