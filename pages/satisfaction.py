"""Satisfaction: CSAT, net promoter score and effort by channel and by service over the period,
CSAT with its 95 % Wilson interval and every figure with its n; the CSAT trend (SPC); and, for
signed-in staff, the latest comments for one service."""

import streamlit as st

from metrics.registry import REGISTRY
from metrics.satisfaction_view import (
    COMMENTS_SHOWN,
    interval_text,
    latest_comments,
    satisfaction_by,
    shown_table,
)
from metrics.wording import format_value
from pages.shared import (
    chart,
    engine,
    figure_cells,
    no_data,
    scorecard_tiles,
    sidebar_filters,
    sources,
    spc_trend,
    staff_only,
    table,
    version,
)
from reports.charts.satisfaction import csat_interval_alt, csat_interval_chart


@st.cache_data(max_entries=64)
def _by(load_version: int, by: tuple[str, ...], first: str, last: str,
        filters: dict[str, tuple[str, ...]]):
    return satisfaction_by(sources(), by, first, last, filters)


@st.cache_data(max_entries=16)
def _comments(load_version: int, service: str, first: str, last: str,
              channels: tuple[str, ...]):
    with engine().connect() as conn:
        return latest_comments(conn, service, first, last, channels)


st.title("Satisfaction")
src = sources()
selection = sidebar_filters(src, period=True)
if selection is None:
    no_data()
if "ward" in selection.filters:
    st.info("Satisfaction figures are not defined by ward: survey responses carry no ward. "
            "Clear the ward filter in the sidebar to see them.", icon=":material/info:")
    st.stop()

first, last, filters = selection.first_month, selection.month, selection.filters
overall = _by(version(), (), first, last, filters).row(0, named=True)
st.caption(f"{selection.label}. Each figure adds up the months' responses, then divides. "
           "Satisfaction is shown with its 95 % Wilson interval; the net promoter score and "
           "effort are not proportions, so they are shown with their n only.")

shown = (("survey_responses", None, None), ("csat_pct", "csat_low", "csat_n"),
         ("nps", None, "nps_n"), ("ces_mean", None, "ces_n"))
for column, (kpi_id, low, n) in zip(figure_cells(len(shown)), shown):
    kpi = REGISTRY[kpi_id]
    value = overall["responses"] if kpi_id == "survey_responses" else overall[kpi_id]
    with column:
        st.metric(kpi.label, format_value(kpi, value), border=True,
                  help=f"{kpi.description} {kpi.formula}")
        if n:
            st.caption(interval_text(overall["csat_low"] if low else None,
                                     overall["csat_high"] if low else None, overall[n]))

st.subheader("By channel")
by_channel = _by(version(), ("channel",), first, last, filters)
chart(csat_interval_chart(by_channel, "channel", "Residents satisfied, by channel"),
      shown_table(by_channel, ("channel",)), csat_interval_alt(by_channel, "channel"),
      f"satisfaction-by-channel-{first}-{last}", "Satisfaction by channel")

st.subheader("By service")
by_service = _by(version(), ("service",), first, last, filters)
table(shown_table(by_service, ("service",)), f"satisfaction-by-service-{first}-{last}",
      "Satisfied % with its 95 % Wilson interval; n is the number of responses that answered "
      "each question.")

st.subheader("Trend")
csat = next((t for t in scorecard_tiles(last, filters) if t.kpi.id == "csat_pct"), None)
if csat is not None:
    spc_trend(csat, f"csat-trend-{last}")

st.subheader("Latest comments")
if staff_only("Survey comments"):
    services = by_service.filter(by_service["responses"] > 0).get_column("service").to_list()
    if services:
        service = st.selectbox("Service", services, key="comments_service")
        comments = _comments(version(), service, first, last, filters.get("channel", ()))
        table(comments, f"comments-{first}-{last}",
              f"The latest {COMMENTS_SHOWN} comments at most, newest first, for {service} "
              f"({selection.label}); e-mail addresses, phone numbers and postcodes were masked "
              "on the way in.")
    else:
        st.write("No survey responses in the period.")
