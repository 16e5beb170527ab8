"""Satisfaction: CSAT, net promoter score and effort by channel and by service over the period,
CSAT with its 95 % Wilson interval and every figure with its n; the CSAT trend (SPC); and, for
managers, the latest comments for one service."""

from dataclasses import replace

import streamlit as st

from metrics.compute import Query
from metrics.reads import parts_read
from metrics.satisfaction_view import (
    COMMENTS_SHOWN,
    SATISFACTION_KPIS,
    interval_text,
    latest_comments,
    satisfaction_by,
    shown_table,
)
from pages.shared import (
    audit,
    cached,
    chart,
    described,
    engine,
    for_role,
    metric_tiles,
    page_selection,
    safeguarding_apart,
    scorecard_tiles,
    sources,
    spc_trend,
    table,
)
from reports.charts.satisfaction import csat_interval_alt, csat_interval_chart
from reports.escape import md


@cached(*parts_read(SATISFACTION_KPIS), max_entries=64)
def _by(stamp, query: Query):
    return satisfaction_by(sources(), query)


@cached("satisfaction", max_entries=16)
def _comments(stamp, service: str, query: Query):
    return latest_comments(engine(), service, query)


st.title("Satisfaction")
selection = page_selection(SATISFACTION_KPIS)

first, last, filters = selection.first_month, selection.month, selection.filters
query = selection.query
overall = _by(query).row(0, named=True)
st.caption(f"{md(selection.label)}. Each figure adds up the months' responses, then divides. "
           "Satisfaction is shown with its 95 % Wilson interval; the net promoter score and "
           "effort are not proportions, so they are shown with their n only.")

csat_interval = interval_text(overall["csat_low"], overall["csat_high"], overall["csat_n"])
metric_tiles([("survey_responses", overall["responses"], None),
              ("csat_pct", overall["csat_pct"], csat_interval),
              ("nps", overall["nps"], interval_text(None, None, overall["nps_n"])),
              ("ces_mean", overall["ces_mean"], interval_text(None, None, overall["ces_n"]))])

st.subheader("By channel")
by_channel = _by(replace(query, by=("channel",)))
chart(csat_interval_chart(by_channel, "channel", "Residents satisfied, by channel"),
      shown_table(by_channel, ("channel",)), csat_interval_alt(by_channel, "channel"),
      f"satisfaction-by-channel-{first}-{last}", "Satisfaction by channel")

st.subheader("By service")
by_service = _by(replace(query, by=("service",)))
table(shown_table(by_service, ("service",)), f"satisfaction-by-service-{first}-{last}",
      "Satisfied % with its 95 % Wilson interval; n is the number of responses that answered "
      "each question.")

st.subheader("Trend")
csat = next((t for t in scorecard_tiles(last, filters) if t.kpi.id == "csat_pct"), None)
if csat is not None:
    spc_trend(csat, f"csat-trend-{last}")

st.subheader("Latest comments")
if for_role("manager", "Survey comments"):
    services = by_service.filter(by_service["responses"] > 0).get_column("service").to_list()
    if services:
        service = st.selectbox("Service", services, key="comments_service")
        comments = safeguarding_apart(_comments(service, query),
                                      "comments rating a contact flagged safeguarding",
                                      " (their scores count in every figure)")
        audit("view", __file__, f"Latest comments: {described(selection, service=service)}")
        table(comments, f"comments-{first}-{last}",
              f"The latest {COMMENTS_SHOWN} comments at most, newest first, for {service} "
              f"({selection.label}); e-mail addresses, phone numbers and postcodes were masked "
              "on the way in.")
    else:
        st.write("No survey responses in the period.")
