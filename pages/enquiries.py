"""Members' enquiries: what ward councillors raised on residents' behalf, by ward; how quickly
they were acknowledged and answered, by service; open and overdue now by ward, member and
service; enquiries about a matter already raised; the SPC trend of replies on time."""

import streamlit as st

from metrics.compute import Query
from metrics.enquiries_view import (
    ANSWERED,
    ENQUIRY_KPIS,
    OPEN_BY,
    OUT_OF,
    enquiry_totals,
    open_now,
    overdue_count,
    repeat_enquiries,
    service_table,
    ward_table,
)
from metrics.reads import parts_read
from pages.shared import (
    cached,
    chart,
    metric_tiles,
    overdue_now,
    page_selection,
    scorecard_tiles,
    sources,
    spc_trend,
    standards_words,
    table,
)
from reports.charts.enquiries import wards_alt, wards_chart
from reports.escape import md

# Open and overdue are counted at the data horizon, which is read with the mart.
READS = tuple(sorted({*parts_read(ENQUIRY_KPIS), "marts"}))


@cached(*READS)
def _totals(stamp, query: Query, by: tuple[str, ...]):
    return enquiry_totals(sources(), query, by)


@cached(*READS)
def _open(stamp, filters: dict[str, tuple[str, ...]], by: str):
    src = sources()
    return open_now(src.enquiries, src.as_of, src.standards, filters, by)


@cached(*READS)
def _overdue(stamp, filters: dict[str, tuple[str, ...]]) -> int:
    src = sources()
    return overdue_count(src.enquiries, src.as_of, src.standards, filters)


@cached("enquiries")
def _repeats(stamp, query: Query):
    return repeat_enquiries(sources().enquiries, query)


st.title("Members' enquiries")
selection = page_selection(ENQUIRY_KPIS)
first, last, filters, query = (selection.first_month, selection.month, selection.filters,
                               selection.query)
words = standards_words()
st.caption(f"{md(selection.label)}. Enquiries ward councillors raised on residents' behalf: "
           f"acknowledged within {md(words['enquiry_acknowledgement_standard'])} and answered "
           f"within {md(words['enquiry_response_standard'])} (or by a date agreed with the "
           "member) is on time. Each figure adds up the months' counts, then divides.")

overall = _totals(query, ()).row(0, named=True)
metric_tiles([(k, overall[k], f"out of {overall[f'{k}_n']:,.0f} {OUT_OF[k]}"
               if k in OUT_OF and overall[f"{k}_n"] is not None else None)
              for k in ENQUIRY_KPIS])

st.subheader("Enquiries by ward")
wards = ward_table(_totals(query, ("ward",)))
chart(wards_chart(wards), wards, wards_alt(wards), f"enquiries-by-ward-{first}-{last}",
      "Enquiries by ward")

st.subheader("On time, by service")
table(service_table(_totals(query, ("service",))), f"enquiries-by-service-{first}-{last}",
      "Acknowledged on time counts enquiries by the month received; answered on time by the "
      "month answered. A reply sent without an acknowledgement first counts as both.")

st.subheader("Open and overdue now")
overdue_now("enquiries", _overdue(filters))
for tab, by in zip(st.tabs([md(f"By {label.lower()}") for label in OPEN_BY.values()]), OPEN_BY):
    with tab:
        table(_open(filters, by), f"enquiries-open-by-{by}",
              f"Enquiries with no reply yet by {OPEN_BY[by].lower()}, the most overdue first.")

st.subheader("Enquiries about a matter already raised")
table(_repeats(query), f"enquiries-repeats-{first}-{last}",
      "The same resident about the same service again: each enquiry after the first of its "
      "matter is a repeat (the first may have come before the period). Enquiries without a "
      "resident recorded cannot be matched and are left out.")

st.subheader("Trend")
tile = next((t for t in scorecard_tiles(last, filters) if t.kpi.id == ANSWERED), None)
if tile is not None:
    spc_trend(tile, f"enquiries-trend-{last}")
