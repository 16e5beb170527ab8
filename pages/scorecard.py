"""Monthly scorecard for cabinet members: every headline KPI against its target."""

import polars as pl
import streamlit as st

from metrics.registry import THEMES
from metrics.scorecard import format_value
from pages.shared import download_buttons, no_data, scorecard_tiles, sidebar_filters, sources

st.title("Monthly scorecard")
selection = sidebar_filters(sources())
if selection is None:
    no_data()
month, filters = selection.month, selection.filters

tiles = scorecard_tiles(month, filters)
st.caption(f"{month}. RAG against the council's targets; variation read with SPC (Making Data "
           "Count): a change is called real only when it is a signal, not noise.")
for theme, title in THEMES.items():
    themed = [t for t in tiles if t.kpi.theme == theme]
    if not themed:
        continue
    st.subheader(title)
    columns = st.columns(4)
    for i, tile in enumerate(themed):
        with columns[i % 4]:
            delta = None
            if tile.value is not None and tile.last_month is not None:
                delta = f"{tile.value - tile.last_month:+,.1f} on last month"
            st.metric(tile.kpi.label, format_value(tile.kpi, tile.value), delta,
                      delta_color="off", border=True,
                      help=tile.kpi.description)
            if tile.rag:
                st.caption(f"{tile.rag.icon} {tile.rag.words} (target "
                           f"{format_value(tile.kpi, tile.target)})")
            st.caption(tile.sentence)

table = pl.DataFrame({
    "KPI": [t.kpi.label for t in tiles],
    "Value": [format_value(t.kpi, t.value) for t in tiles],
    "Target": [format_value(t.kpi, t.target) if t.target is not None else "" for t in tiles],
    "RAG": [t.rag.words if t.rag else "" for t in tiles],
    "Reading": [t.sentence for t in tiles],
})
with st.expander("Scorecard as a table"):
    st.dataframe(table, hide_index=True)
    download_buttons(table, f"scorecard-{month}")
