"""Monthly scorecard for cabinet members: every headline KPI against its target, its trend, and
whether a change is real (SPC) or noise."""

import polars as pl
import streamlit as st

from metrics.prices import NOTIONAL, prices_text
from metrics.registry import THEMES, headline_kpis
from metrics.scorecard import Tile
from metrics.spc import assurance_label, variation_label
from metrics.wording import change, format_value, rag_line
from pages.published import show_published
from pages.shared import (
    assumptions,
    figure_cells,
    page_selection,
    scorecard_tiles,
    table,
    viewer,
)
from reports.escape import md

# What a money figure needs beside it: its price base, and for a saving that it is notional.
PRICED = {"cost_to_serve_gbp": "", "channel_shift_saving_gbp": f"; {NOTIONAL}"}


def show_tile(tile: Tile, prices: str) -> None:
    kpi = tile.kpi
    moved = change(kpi, tile.value, tile.last_month)
    st.metric(kpi.label, format_value(kpi, tile.value), moved.text if moved else None,
              delta_description="on last month",
              # The arrow follows the change shown (never Streamlit's reading of its text). Up
              # is not always good (failure demand): the words say whether it is better, and
              # the RAG and SPC lines say how it stands, never the colour alone.
              delta_arrow=moved.metric_arrow if moved else "auto", delta_color="off",
              help=kpi.description,
              chart_data=[v for _, v in tile.history if v is not None], chart_type="line")
    if tile.rag:
        verdict, _, target = rag_line(kpi, tile.rag, tile.target).partition(" · ")
        st.markdown(f"**{md(verdict)}** · {md(target)}")
    # One caption, not four: fewer elements draw sooner (bench/dashboard_bench.py).
    symbol, words = variation_label(tile.spc)
    lines = [tile.sentence, f"{symbol} {words}"]
    if tile.spc.assurance:
        lines.append(" ".join(assurance_label(tile.spc)))
    if tile.note:
        lines.append(tile.note)
    if kpi.id in PRICED:
        lines.append(f"At {prices}{PRICED[kpi.id]}.")
    st.caption("  \n".join(md(line) for line in lines))


def scorecard_table(tiles: list[Tile]) -> pl.DataFrame:
    def moved(tile: Tile, before: float | None) -> str:
        found = change(tile.kpi, tile.value, before)
        return f"{found.arrow} {found.text}" if found else ""

    return pl.DataFrame({
        "Theme": [THEMES[t.kpi.theme] for t in tiles],
        "KPI": [t.kpi.label for t in tiles],
        "Value": [format_value(t.kpi, t.value) for t in tiles],
        "Target": [format_value(t.kpi, t.target) if t.target is not None else "" for t in tiles],
        "RAG": [t.rag.words if t.rag else "" for t in tiles],
        "Last month": [format_value(t.kpi, t.last_month) for t in tiles],
        "Change on last month": [moved(t, t.last_month) for t in tiles],
        "A year ago": [format_value(t.kpi, t.last_year) for t in tiles],
        "Change on a year ago": [moved(t, t.last_year) for t in tiles],
        "Variation (SPC)": [variation_label(t.spc)[1] for t in tiles],
        "Assurance (SPC)": [assurance_label(t.spc)[1] if t.spc.assurance else "" for t in tiles],
        "Why RAG and assurance differ": [t.note or "" for t in tiles],
        "Reading": [t.sentence for t in tiles],
    })


st.title("Monthly scorecard")
selection = page_selection(tuple(k.id for k in headline_kpis()), period=False)
month = selection.month
tiles = scorecard_tiles(month, selection.filters)
if viewer().published_only:
    show_published(tiles, month)
    st.stop()
st.caption(f"{md(month)}. Each figure against the council's target (RAG in words and symbol, "
           "judged on the figure as shown), its change on last month and a year ago, its last 24 "
           "months as a sparkline, and its variation read with SPC (NHS Making Data Count), "
           "against the limits of its current period: a change is called real only when it is "
           "a signal, not noise.")
prices = prices_text(assumptions())
for theme, title in THEMES.items():
    themed = [t for t in tiles if t.kpi.theme == theme]
    if not themed:
        continue
    st.subheader(md(title))
    for cell, tile in zip(figure_cells(len(themed), border=True), themed):
        with cell:
            show_tile(tile, prices)

# Drawn only when opened: a table's first draw loads the grid's code in the browser, which
# would hold back the tiles (bench/dashboard_bench.py).
table_view = st.expander("Scorecard as a table", key="scorecard_table", on_change="rerun")
if table_view.open:
    with table_view:
        table(scorecard_table(tiles), f"scorecard-{month}")
