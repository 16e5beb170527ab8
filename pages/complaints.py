"""Complaints and compliments: received, replies on time at each stage, overdue now, escalation,
upheld, themes over time, compliments; complaints per 1,000 contacts by service; and learning:
upheld by theme and service, themes against upheld, comments and compliments by theme and
service."""

import polars as pl
import streamlit as st

from data.edits import ACTION_FIELDS, record_actions
from metrics.actions import (
    BEFORE_MONTHS,
    actions_table,
    before_and_after,
    checked_actions,
    known,
    measure_by_month,
    sheet_rows,
)
from metrics.complaints_view import (
    COMPLAINT_KPIS,
    DUE_DATE_RULES,
    HEADLINE_KPIS,
    OUT_OF,
    ComplaintFigures,
    as_of_date,
    complaint_figures,
    overdue_by_service,
    service_table,
    themes_by_month,
)
from metrics.compute import Query
from metrics.learning_view import feedback_by, themes_against_upheld, upheld_by
from metrics.reads import parts_read
from metrics.registry import REGISTRY
from pages.shared import (
    audit,
    cached,
    chart,
    editor,
    engine,
    metric_tiles,
    overdue_now,
    page_selection,
    sources,
    table,
    viewer,
)
from reports.charts.complaints import per_thousand_alt, per_thousand_chart, themes_alt, themes_chart
from reports.charts.learning import (
    action_alt,
    action_chart,
    themes_upheld_alt,
    themes_upheld_chart,
    upheld_alt,
    upheld_chart,
)
from reports.escape import md

# Overdue is counted at the data horizon, which is read with the mart.
READS = parts_read(COMPLAINT_KPIS)


@cached(*READS)
def _figures(stamp, query: Query) -> ComplaintFigures | None:
    return complaint_figures(sources(), query)


@cached("complaints")
def _themes(stamp, query: Query):
    return themes_by_month(sources().complaints, query)


@cached(*READS)
def _overdue(stamp, filters: dict[str, tuple[str, ...]]):
    return overdue_by_service(sources().complaints, sources().as_of, filters)


@cached(*READS)
def _upheld(stamp, query: Query, by: str):
    return upheld_by(sources(), query, by)


@cached(*READS)
def _themes_upheld(stamp, query: Query):
    return themes_against_upheld(sources(), query)


@cached(*READS, "actions")
def _measured(stamp, last_month: str):
    return before_and_after(sources(), sources().actions, last_month)


@cached(*READS, "actions")
def _by_month(stamp, action_id: int):
    action = sources().actions.filter(pl.col("action_id") == action_id).row(0, named=True)
    return measure_by_month(sources(), action)


def _save(rows: list[dict], source: str, numbered: bool = True) -> None:
    """Check the rows, save the good ones (row by row) and say what became of each."""
    good, errors = checked_actions(rows, *known(sources().complaints), source, numbered)
    if good:
        record_actions(engine(), good, by=editor())
        audit("edit", __file__, f"Actions recorded from {source}: {len(good)}")
    st.session_state["action_message"] = (len(good), errors)


def _entered() -> None:
    state = st.session_state
    _save([{**{f: state.get(f"action_{f}") for f in ACTION_FIELDS},
            "changed_on": str(state.get("action_changed_on") or "")}], "The form", False)


def _imported() -> None:
    sheet = st.session_state.get("action_sheet")
    if sheet is None:
        st.session_state["action_message"] = (0, ["Choose a CSV sheet of actions first."])
        return
    try:
        rows = sheet_rows(sheet.getvalue())
    except UnicodeDecodeError:
        st.session_state["action_message"] = (0, [f"{sheet.name}: not UTF-8 text (save it as "
                                                  "CSV UTF-8)"])
        return
    _save(rows, sheet.name)


@cached("complaints")
def _feedback(stamp, query: Query, kind: str, by: str):
    return feedback_by(sources().complaints, query, kind, by)


st.title("Complaints and compliments")
selection = page_selection(COMPLAINT_KPIS)

first, last, filters = selection.first_month, selection.month, selection.filters
figures = _figures(selection.query)
overall = figures.overall.row(0, named=True)
st.caption(f"{md(selection.label)}. Each figure adds up the months' counts, then divides. New "
           "complaints (stage 1) and escalations to stage 2 are counted apart: an escalation "
           "is a complaint already counted, taken further.")

metric_tiles([(kpi_id, overall[kpi_id],
               f"out of {overall[f'{kpi_id}_n']:,.0f} {OUT_OF[kpi_id]}"
               if kpi_id in OUT_OF and overall[f"{kpi_id}_n"] is not None else None)
              for kpi_id in HEADLINE_KPIS])

st.subheader("Overdue now")
overdue = _overdue(filters)
overdue_now("complaints", overdue.get_column("overdue").sum())
day = as_of_date(sources().as_of)
with st.expander("How due dates are set"):
    st.write(DUE_DATE_RULES)
if overdue.height:
    table(overdue, f"complaints-overdue-{day}", "Overdue complaints by service, with the "
          "oldest due date among them.")

st.subheader("Complaints per 1,000 contacts, by service")
by_service = service_table(figures)
chart(per_thousand_chart(by_service), by_service, per_thousand_alt(by_service),
      f"complaints-by-service-{first}-{last}", "Complaints by service")

st.subheader("Themes over time")
themes = _themes(selection.query)
chart(themes_chart(themes), themes, themes_alt(themes), f"complaint-themes-{first}-{last}",
      "Complaint themes")

st.header("Learning from complaints, comments and compliments")
st.caption("Upheld counts complaints decided in the period (by the month of the reply), in "
           "whole or in part, out of those upheld, partly upheld or not upheld.")
for by, label in (("category", "Theme"), ("service", "Service")):
    upheld = _upheld(selection.query, by)
    chart(upheld_chart(upheld, label), upheld, upheld_alt(upheld, label),
          f"complaints-upheld-by-{by}-{first}-{last}", f"Complaints upheld by {label.lower()}")

st.subheader("Themes over time against upheld")
against = _themes_upheld(selection.query)
chart(themes_upheld_chart(against), against, themes_upheld_alt(against),
      f"complaint-themes-upheld-{first}-{last}", "Themes against upheld")

st.subheader("Comments and compliments")
for kind, what in (("comment", "Comments"), ("compliment", "Compliments")):
    for by in ("category", "service"):
        table(_feedback(selection.query, kind, by), f"{kind}s-by-{by}-{first}-{last}",
              f"{what} received in the period, by {'theme' if by == 'category' else by}.")

st.header("What we changed")
st.caption(md(f"Each action the council took because of a theme of complaint, with the "
              f"measure that should move: before is the {BEFORE_MONTHS} months before the "
              f"action's month, after is its month to {last}. A complaint measure is counted "
              f"for the theme in the action's service, any other measure for the service."))
measured = _measured(last)
if measured.height == 0:
    st.caption("No action has been recorded against a complaint theme up to this month.")
else:
    table(actions_table(measured), f"complaint-actions-{last}",
          "Actions against complaint themes, with their measure before and after.")
    rows = {r["action_id"]: r for r in measured.iter_rows(named=True)}
    chosen = st.selectbox("Action to show on its measure's trend", list(rows),
                          format_func=lambda i: f"{rows[i]['changed_on']}: "
                                                f"{rows[i]['complaint_theme']}, "
                                                f"{rows[i]['service']}",
                          key="action_shown")
    action = rows[chosen]
    measure = REGISTRY[action["kpi"]].label
    subject = (f"{action['complaint_theme']} in {action['service']}"
               if action["measured_for"] == "theme in service" else action["service"])
    by_month = _by_month(chosen)
    chart(action_chart(by_month, measure, action, subject), by_month,
          action_alt(by_month, measure, action, subject, action["before"], action["after"]),
          f"complaint-action-{chosen}", f"{measure} and the action")
if not viewer().has("analyst"):
    st.caption("Analysts record actions, one at a time or from a sheet.")
else:
    themes, services = known(sources().complaints)
    with st.form("action_form"):
        st.selectbox("Complaint theme", sorted(themes), key="action_complaint_theme")
        st.selectbox("Service", sorted(services), key="action_service")
        st.date_input("Date the change took effect", key="action_changed_on", value=None,
                      format="YYYY-MM-DD")
        st.text_area("What changed", key="action_what_changed")
        st.text_input("Changed by (who made the change)", key="action_changed_by")
        st.selectbox("Measure that should move", sorted(REGISTRY), key="action_kpi",
                     format_func=lambda k: REGISTRY[k].label)
        st.form_submit_button("Record the action", on_click=_entered, key="record_action",
                              icon=":material/task_alt:")
    st.file_uploader(f"Or import a sheet of actions: CSV with the columns "
                     f"{', '.join(ACTION_FIELDS)}; changed_on as YYYY-MM-DD, kpi a KPI id",
                     type="csv", key="action_sheet")
    st.button("Import the sheet", on_click=_imported, key="import_actions",
              icon=":material/upload_file:")
    message = st.session_state.pop("action_message", None)
    if message:
        saved, errors = message
        if saved:
            st.success(md(f"{saved} action(s) recorded."))
        for error in errors:
            st.error(md(f"Not recorded: {error}"))
