"""Data quality: every load with its counts and status, each source of the council's systems
with its last run and unmapped values, how fresh each feed is, the rules that quarantined rows
broke (rows themselves for analysts only), how much demand is classified, and the change points
where SPC starts a new period (recorded and removed by analysts)."""

from datetime import date

import polars as pl
import streamlit as st

from data.edits import read_change_points, record_change_point, remove_change_point
from metrics.compute import Query
from metrics.months import london_today
from metrics.quality import (
    FRESH_DAYS,
    STALE_DAYS,
    coverage_by_month,
    coverage_by_service,
    freshness,
    read_latest,
    read_quarantine_reasons,
    rule_counts,
    short_aliases,
)
from metrics.reads import load_history, parts_read, quarantine
from metrics.registry import headline_kpis
from metrics.sources_view import read_source_runs, source_status, unmapped_values
from pages.shared import (
    audit,
    cached,
    chart,
    download_buttons,
    editor,
    engine,
    for_role,
    months,
    safeguarding_apart,
    sidebar_filters,
    sources,
    table,
    targets,
    viewer,
    worded,
)
from reports.charts.quality import coverage_alt, coverage_chart
from reports.escape import md

EVERY = "every"  # a change point for every measure


@cached("loads", max_entries=8)
def _freshness(stamp, today: date) -> pl.DataFrame:
    return freshness(read_latest(engine()), today)


@cached("loads", max_entries=8)
def _rules(stamp) -> pl.DataFrame:
    return rule_counts(read_quarantine_reasons(engine()))


@cached(*parts_read(("classified_pct",)))
def _coverage(stamp, query: Query) -> tuple[pl.DataFrame, pl.DataFrame]:
    src = sources()
    return coverage_by_service(src, query), coverage_by_month(src, query)


st.title("Data quality")
selection = sidebar_filters(sources(), period=True)

st.subheader("Loads")
loads = load_history(engine())
st.dataframe(loads.drop("errors"), hide_index=True)
download_buttons(loads, "loads")

st.subheader("Sources")
runs = read_source_runs(engine())
if runs.height:
    st.caption("Each source of `python -m pipelines run` (the council's own systems): its last "
               "run and result, rows loaded (inserted or updated) and quarantined, how far an "
               "Open311 source has been pulled (watermark, UTC), and how many distinct values "
               "its mapping did not cover.")
    table(source_status(runs), "sources")
    missed = unmapped_values(runs)
    if missed.height:
        st.caption("Values the last run of each source could not map, with the rows that had "
                   "them: add them to the source's `values` or `classify` table "
                   "(docs/sources.md). An unmapped channel, demand type or other coded value "
                   "quarantines its row.")
        table(missed, "unmapped_values")
    else:
        st.success("Every value of the sources' last runs was mapped.", icon=":material/check:")
else:
    st.info("No source has been run yet. `python -m pipelines run` pulls the council's own "
            "systems (telephony, CRM, Open311, surveys) as `sources.toml` describes them; see "
            "docs/sources.md.")

st.subheader("Freshness")
today = london_today()
st.caption(f"Age on {md(today)} of each feed's newest record, by source system: ✔ Fresh up to "
           f"{FRESH_DAYS} days, ● Due up to {STALE_DAYS} days (a monthly file is expected), "
           f"▲ Stale over {STALE_DAYS} days (a monthly file missed). Not filtered by the sidebar.")
table(_freshness(today), "freshness")

st.subheader("Quarantine")
st.caption("Rows that broke a rule of the feed contract are kept, never loaded. Rows breaking "
           "each rule, by feed (a row breaking two rules counts under both):")
rules = _rules()
if rules.height:
    table(rules, "quarantine_rules")
else:
    st.success("No row has been quarantined.", icon=":material/check:")
if for_role("analyst", "Quarantined rows"):
    st.caption("Each row's original text (customer identifiers pseudonymised, shown as short "
               "aliases; comments masked), file, spreadsheet row number and every rule broken.")
    rows = quarantine(engine()).with_columns(short_aliases(pl.col("raw_text")))
    rows = safeguarding_apart(rows, "quarantined rows of contacts flagged safeguarding")
    audit("view", __file__, f"Quarantined rows: the latest {rows.height:,}")
    table(rows, "quarantine")

st.subheader("Classification coverage")
st.caption("Share of contacts with a demand type (value or failure): failure demand is only as "
           "good as the classification behind it.")
if selection is None:
    st.info("The warehouse has no contacts yet.")
else:
    by_service, by_month = _coverage(selection.query)
    target = targets().get("classified_pct", (None, None))[0]
    chart(coverage_chart(by_service, target), by_service,
          coverage_alt(by_service, selection.label, target), "classification_coverage",
          "Classification coverage by service")
    with st.expander("Classification coverage by service and month"):
        table(by_month, "classification_coverage_monthly")


def _record(who: str) -> None:
    kpi = st.session_state["change_point_kpi"]
    try:
        record_change_point(engine(), st.session_state["change_point_month"],
                            st.session_state["change_point_reason"], by=who,
                            kpi=None if kpi == EVERY else kpi)
    except ValueError as error:
        st.session_state["change_point_message"] = ("error", f"Not recorded. {error}")
        return
    audit("edit", __file__, f"Change point recorded: {st.session_state['change_point_month']}, "
                            f"{kpi}: {st.session_state['change_point_reason']}")
    st.session_state["change_point_reason"] = ""
    st.session_state["change_point_message"] = ("success", "Recorded: the SPC charts and "
                                                "verdicts now read it.")


def _remove(who: str) -> None:
    try:
        remove_change_point(engine(), st.session_state["change_point_remove"], by=who)
    except ValueError as error:
        st.session_state["change_point_message"] = ("error", f"Not removed. {error}")
        return
    audit("edit", __file__, f"Change point removed: {st.session_state['change_point_remove']}")
    st.session_state["change_point_message"] = ("success", "Removed (kept in the record).")


st.subheader("Change points for SPC")
st.caption("SPC reads each measure in periods, each with its own centre line and limits from "
           "its first 12 months. A new period starts after 7 or more months in a row on one "
           "side of the centre line, or at a change recorded here (the strategy's start, a new "
           "system), once 12 months of it exist.")
points = read_change_points(engine())
if points.height:
    table(points.with_columns(pl.col("kpi").fill_null("every measure")),
          "spc_change_points")
else:
    st.caption("No change has been recorded.")
if not viewer().has("analyst"):
    st.caption("Analysts record and remove change points.")
elif selection is not None:
    who = editor()
    with st.form("change_point_form"):
        st.selectbox("Month the change took effect", sorted(months(sources())),
                     key="change_point_month")
        st.selectbox("Measure", [EVERY, *(k.id for k in headline_kpis())],
                     format_func=lambda k: "Every measure" if k == EVERY else worded(k).label,
                     key="change_point_kpi")
        st.text_input("What changed", key="change_point_reason",
                      placeholder="e.g. the customer strategy starts")
        st.form_submit_button("Record the change point", on_click=_record, args=(who,),
                              key="record_change_point", icon=":material/flag:")
    if points.height:
        st.selectbox("Change point to remove", points.get_column("change_point_id").to_list(),
                     format_func=lambda i: " · ".join(str(v) for v in points.filter(
                         pl.col("change_point_id") == i).select("month", "reason").row(0)),
                     key="change_point_remove")
        st.button("Remove it", on_click=_remove, args=(who,), key="remove_change_point",
                  icon=":material/delete:")
    message = st.session_state.pop("change_point_message", None)
    if message:
        getattr(st, message[0])(message[1])
