"""Complaints and compliments: received, replies on time at each stage, overdue now, escalation,
upheld, themes over time, compliments; complaints per 1,000 contacts by service; and learning:
upheld by theme and service, themes against upheld, comments and compliments by theme and
service."""

import streamlit as st

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
from pages.shared import (
    cached,
    chart,
    metric_tiles,
    overdue_now,
    page_selection,
    sources,
    table,
)
from reports.charts.complaints import per_thousand_alt, per_thousand_chart, themes_alt, themes_chart
from reports.charts.learning import (
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
