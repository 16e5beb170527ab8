"""Right first time: how often a resident's first contact settles the matter, by service and by
channel; how soon those who came back did so; which channel they came back on; and the trend."""

import streamlit as st

from metrics.compute import Query
from metrics.drill import (
    breakdown,
    channel_bounce,
    channel_changed_pct,
    follow_up_gaps,
    horizon,
    matter_contacts,
    period_parts,
    ranking,
)
from pages.shared import (
    cached,
    chart,
    engine,
    headline_metrics,
    page_selection,
    scorecard_tiles,
    spc_trend,
    standards_words,
)
from reports.charts.failure import (
    PARTS_IN_WORDS,
    bounce_alt,
    bounce_heatmap,
    bounce_matrix,
    gap_alt,
    gap_chart,
    gap_table,
    ranking_alt,
    ranking_chart,
    ranking_table,
)
from reports.escape import md

RFT = "right_first_time_pct"
HEADLINE = (RFT, "repeat_contact_pct")
# Ranked by how many eligible first contacts each rate is about.
ORDER = "denominator"


@cached("contacts", "settings")
def _figures(stamp, query: Query) -> dict:
    warehouse = engine()
    parts = period_parts(warehouse, query)
    bounce = channel_bounce(parts, matter_contacts(warehouse, query))
    return {
        "headline": breakdown(parts, [], HEADLINE),
        **{dim: ranking(breakdown(parts, [dim], (RFT,)), RFT, dim, ORDER)
           for dim in ("service", "channel")},
        "gaps": follow_up_gaps(parts, horizon(warehouse)),
        "bounce": bounce,
        "changed": channel_changed_pct(bounce),
    }


st.title("Right first time")
selection = page_selection(HEADLINE)
first, last, filters = selection.first_month, selection.month, selection.filters
figures = _figures(selection.query)
st.caption(f"{md(selection.label)}. A first contact is right first time when it was resolved at "
           "the first point and the resident did not contact us again about the same service "
           f"within the repeat window ({md(standards_words()['repeat_window'])}); only contacts "
           "whose window has fully passed count. Matters are matched across channels.")

headline_metrics(figures["headline"], HEADLINE, PARTS_IN_WORDS)

for dim, title in (("service", "By service"), ("channel", "By channel")):
    st.subheader(md(title))
    ranked = figures[dim]
    chart(ranking_chart(ranked, RFT, dim, f"Right first time by {dim}, most eligible first "
                                          "contacts first"),
          ranking_table(ranked, RFT, dim), ranking_alt(ranked, RFT, dim, ORDER),
          f"rft-by-{dim}-{first}-{last}", f"Right first time by {dim}")

st.subheader("How soon residents came back")
gaps = figures["gaps"]
chart(gap_chart(gaps, "Eligible first contacts by time until the next contact of the same "
                      "matter"),
      gap_table(gaps), gap_alt(gaps), f"rft-gaps-{first}-{last}", "Follow-up gaps")

st.subheader("Which channel they came back on")
bounce = figures["bounce"]
if bounce.height:
    chart(bounce_heatmap(bounce, "Repeat contacts: previous contact's channel to this one"),
          bounce_matrix(bounce), bounce_alt(bounce, figures["changed"]),
          f"rft-bounce-{first}-{last}", "Channel bounce")
else:
    st.write(md(bounce_alt(bounce, None)))

st.subheader("Trend")
tile = next((t for t in scorecard_tiles(last, filters) if t.kpi.id == RFT), None)
if tile is not None:
    spc_trend(tile, f"rft-trend-{last}")
