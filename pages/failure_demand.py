"""Failure demand: how much contact the council causes itself, why, and where. Headline figures,
the Pareto of failure reasons, failure by service with a drill into one service's reasons,
channels, wards and teams, the SPC trend, and, for managers, the repeat-contact chains."""

import polars as pl
import streamlit as st

from metrics.chains import LIMIT, contact_chains, without_safeguarding
from metrics.compute import Query
from metrics.drill import breakdown, pareto, period_parts, ranking
from pages.shared import (
    audit,
    cached,
    chart,
    described,
    engine,
    for_role,
    headline_metrics,
    page_selection,
    scorecard_tiles,
    spc_trend,
    standards_words,
    table,
    viewer,
)
from reports.charts.failure import (
    DIMENSION_WORDS,
    PARTS_IN_WORDS,
    pareto_alt,
    pareto_chart,
    pareto_table,
    ranking_alt,
    ranking_chart,
    ranking_table,
)
from reports.escape import md

FAILURE = "failure_demand_pct"
HEADLINE = (FAILURE, "repeat_contact_pct")
# Failure demand by these; by reason, the Pareto of failure contacts instead (a reason is a
# failure reason or not, so its failure demand would read 100 % or 0 %).
DRILLS = ("channel", "ward", "team")
TABS = ("reason", *DRILLS)
PARETO_GROUPS = {"Failure type": ["failure_type"],
                 "Failure type and reason": ["failure_type", "reason"]}
PARETO_BARS = 15


@cached("contacts", "settings")
def _figures(stamp, query: Query) -> dict[str, pl.DataFrame]:
    parts = period_parts(engine(), query)
    return {
        "headline": breakdown(parts, [], HEADLINE),
        "by_service": ranking(breakdown(parts, ["service"], (FAILURE,)), FAILURE, "service"),
        **{f"pareto {name}": pareto(parts, by) for name, by in PARETO_GROUPS.items()},
        "reason": pareto(parts, ["reason"], within=["service"]),
        **{dim: breakdown(parts, ["service", dim], (FAILURE,)) for dim in DRILLS},
    }


@cached("contacts", "settings", max_entries=16)
def _chains(stamp, service: str, query: Query) -> pl.DataFrame:
    return contact_chains(engine(), service, query)


st.title("Failure demand")
selection = page_selection(HEADLINE)
first, last, filters = selection.first_month, selection.month, selection.filters
figures = _figures(selection.query)
st.caption(f"{md(selection.label)}. Failure demand is contact caused by a failure to do something, "
           "or to do it right, for the resident. Each figure adds up the period's contacts, "
           "then divides.")

headline_metrics(figures["headline"], HEADLINE, PARTS_IN_WORDS)

st.subheader("Why residents contact us when we fail")
grouping = st.radio("Group failure contacts by", list(PARETO_GROUPS), horizontal=True,
                    key="fd_pareto_by")
by = PARETO_GROUPS[grouping]
reasons = figures[f"pareto {grouping}"]
if reasons.height > PARETO_BARS:
    st.caption(f"The chart shows the {PARETO_BARS} biggest of {reasons.height:,}; the data table "
               "has them all.")
chart(pareto_chart(reasons.head(PARETO_BARS), by, f"Failure contacts by {grouping.lower()}"),
      pareto_table(reasons, by), pareto_alt(reasons, by), f"failure-pareto-{first}-{last}",
      "Failure reasons")

st.subheader("Failure demand by service")
by_service = figures["by_service"]
chart(ranking_chart(by_service, FAILURE, "service", "Failure demand by service, most failure "
                                                    "contacts first"),
      ranking_table(by_service, FAILURE, "service"), ranking_alt(by_service, FAILURE, "service"),
      f"failure-by-service-{first}-{last}", "Failure demand by service")

services = by_service.get_column("service").to_list()
if services:
    service = st.selectbox("Service to drill into", services, key="fd_service")
    tabs = dict(zip(TABS, st.tabs([f"By {DIMENSION_WORDS[d]}" for d in TABS])))
    with tabs["reason"]:
        reasons = figures["reason"].filter(pl.col("service") == service).drop("service")
        st.caption(f"{md(service)}: failure contacts by reason, biggest first, each with its share "
                   "of the service's failure contacts.")
        chart(pareto_chart(reasons.head(PARETO_BARS), ["reason"],
                           f"{service}: failure contacts by reason"),
              pareto_table(reasons, ["reason"]), pareto_alt(reasons, ["reason"]),
              f"failure-reason-{first}-{last}", f"{service} by reason")
    for dim in DRILLS:
        with tabs[dim]:
            drilled = ranking(figures[dim].filter(pl.col("service") == service), FAILURE, dim)
            chart(ranking_chart(drilled, FAILURE, dim,
                                f"{service}: failure demand by {DIMENSION_WORDS[dim]}"),
                  ranking_table(drilled, FAILURE, dim), ranking_alt(drilled, FAILURE, dim),
                  f"failure-{dim}-{first}-{last}", f"{service} by {DIMENSION_WORDS[dim]}")
else:
    service = None
    st.write("No contacts in the selection.")

st.subheader("Trend")
tile = next((t for t in scorecard_tiles(last, filters) if t.kpi.id == FAILURE), None)
if tile is not None:
    spc_trend(tile, f"failure-trend-{last}")

st.subheader("Repeat-contact chains")
if for_role("manager", "Contact chains") and service is not None:
    chains = _chains(service, selection.query)
    audit("view", __file__, f"Contact chains: {described(selection, service=service)}")
    if not viewer().has("safeguarding"):
        chains, withheld = without_safeguarding(chains)
        if withheld:
            st.info(f"{withheld:,} {'record' if withheld == 1 else 'records'} withheld: chains "
                    "with a contact flagged safeguarding are shown to the safeguarding role "
                    "only (they count in every figure above).", icon=":material/shield:")
    table(chains, f"chains-{first}-{last}",
          f"{service}, {selection.label}: residents' runs of contacts each within the repeat "
          f"window ({standards_words()['repeat_window']}) of the one before, longest first (at "
          f"most {LIMIT}), across every channel. Residents are shown by a short alias only.")
