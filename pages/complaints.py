"""Complaints and compliments: received, replies on time at each stage, overdue now, escalation,
upheld, themes over time, compliments; complaints per 1,000 contacts by service."""

import streamlit as st

from metrics.complaints_view import (
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
from metrics.registry import measure
from metrics.wording import format_value
from pages.shared import chart, figure_cells, no_data, sidebar_filters, sources, table, version
from reports.charts.complaints import per_thousand_alt, per_thousand_chart, themes_alt, themes_chart


@st.cache_data(max_entries=32)
def _figures(load_version: int, first: str, last: str,
             filters: dict[str, tuple[str, ...]]) -> ComplaintFigures | None:
    return complaint_figures(sources(), first, last, filters)


@st.cache_data(max_entries=32)
def _themes(load_version: int, first: str, last: str, filters: dict[str, tuple[str, ...]]):
    return themes_by_month(sources().complaints, first, last, filters)


@st.cache_data(max_entries=32)
def _overdue(load_version: int, filters: dict[str, tuple[str, ...]]):
    return overdue_by_service(sources().complaints, sources().as_of, filters)


st.title("Complaints and compliments")
src = sources()
selection = sidebar_filters(src, period=True)
if selection is None:
    no_data()
if "channel" in selection.filters:
    st.info("Complaint figures are not defined by channel: a complaint is counted against its "
            "service, not the channel of a contact. Clear the channel filter in the sidebar to "
            "see them.", icon=":material/info:")
    st.stop()

first, last, filters = selection.first_month, selection.month, selection.filters
figures = _figures(version(), first, last, filters)
overall = figures.overall.row(0, named=True)
st.caption(f"{selection.label}. Each figure adds up the months' counts, then divides. New "
           "complaints (stage 1) and escalations to stage 2 are counted apart: an escalation "
           "is a complaint already counted, taken further.")

for column, kpi_id in zip(figure_cells(len(HEADLINE_KPIS)), HEADLINE_KPIS):
    kpi = measure(kpi_id)
    with column:
        st.metric(kpi.label, format_value(kpi, overall[kpi_id]), border=True,
                  help=f"{kpi.description} {kpi.formula}")
        if kpi_id in OUT_OF and overall[f"{kpi_id}_n"] is not None:
            st.caption(f"out of {overall[f'{kpi_id}_n']:,.0f} {OUT_OF[kpi_id]}")

st.subheader("Overdue now")
overdue = _overdue(version(), filters)
day = as_of_date(src.as_of)
st.metric("Open complaints overdue", f"{overdue.get_column('overdue').sum():,}", border=True,
          help="Open complaints whose due date is before the data horizon's date, whatever "
               "period is chosen.")
st.caption(f"As of {day:%-d %B %Y}, the date of the latest contact loaded." if day else
           "No contacts loaded: no data horizon.")
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
themes = _themes(version(), first, last, filters)
chart(themes_chart(themes), themes, themes_alt(themes), f"complaint-themes-{first}-{last}",
      "Complaint themes")
