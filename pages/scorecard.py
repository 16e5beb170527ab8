"""Monthly scorecard for cabinet members: every headline KPI against its target, its trend, and
whether a change is real (SPC) or noise."""

import polars as pl
import streamlit as st

from metrics.registry import REGISTRY, THEMES
from metrics.scorecard import Tile, change_text, format_value
from metrics.spc import assurance_label, variation_label
from pages.shared import (
    figure_cells,
    page_selection,
    scorecard_tiles,
    table,
)


def show_tile(tile: Tile) -> None:
    kpi = tile.kpi
    st.metric(kpi.label, format_value(kpi, tile.value),
              change_text(kpi, tile.value, tile.last_month),
              delta_description="on last month",
              # Up is not always good (failure demand): the words say which way it moved
              # and the RAG and SPC lines say whether that is good, never the colour alone.
              delta_color="off", help=kpi.description,
              chart_data=[v for _, v in tile.history if v is not None], chart_type="line")
    if tile.rag:
        st.markdown(f"**{tile.rag.icon} {tile.rag.words}** · target "
                    f"{format_value(kpi, tile.target)}")
    # One caption, not four: fewer elements draw sooner (bench/dashboard_bench.py).
    year = change_text(kpi, tile.value, tile.last_year)
    symbol, words = variation_label(tile.spc)
    lines = [f"{year} on a year ago"] if year else []
    lines.append(f"{symbol} {words}")
    if tile.spc.assurance:
        lines.append(" ".join(assurance_label(tile.spc)))
    st.caption("  \n".join(lines) + "\n\n" + tile.sentence)


def scorecard_table(tiles: list[Tile]) -> pl.DataFrame:
    return pl.DataFrame({
        "Theme": [THEMES[t.kpi.theme] for t in tiles],
        "KPI": [t.kpi.label for t in tiles],
        "Value": [format_value(t.kpi, t.value) for t in tiles],
        "Target": [format_value(t.kpi, t.target) if t.target is not None else "" for t in tiles],
        "RAG": [t.rag.words if t.rag else "" for t in tiles],
        "Last month": [format_value(t.kpi, t.last_month) for t in tiles],
        "A year ago": [format_value(t.kpi, t.last_year) for t in tiles],
        "Variation (SPC)": [variation_label(t.spc)[1] for t in tiles],
        "Assurance (SPC)": [assurance_label(t.spc)[1] if t.spc.assurance else "" for t in tiles],
        "Reading": [t.sentence for t in tiles],
    })


st.title("Monthly scorecard")
selection = page_selection(tuple(REGISTRY), period=False)
month = selection.month
tiles = scorecard_tiles(month, selection.filters)
st.caption(f"{month}. Each figure against the council's target (RAG in words and symbol), its "
           "last 24 months as a sparkline, and its variation read with SPC (NHS Making Data "
           "Count): a change is called real only when it is a signal, not noise.")
for theme, title in THEMES.items():
    themed = [t for t in tiles if t.kpi.theme == theme]
    if not themed:
        continue
    st.subheader(title)
    for cell, tile in zip(figure_cells(len(themed), border=True), themed):
        with cell:
            show_tile(tile)

# Drawn only when opened: a table's first draw loads the grid's code in the browser, which
# would hold back the tiles (bench/dashboard_bench.py).
table_view = st.expander("Scorecard as a table", key="scorecard_table", on_change="rerun")
if table_view.open:
    with table_view:
        table(scorecard_table(tiles), f"scorecard-{month}")
