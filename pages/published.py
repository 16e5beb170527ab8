"""The monthly scorecard for the `public` role: published figures only
(`metrics.published_scorecard`), as tiles and as a table whose downloads hold the same."""

import streamlit as st

from metrics.published_scorecard import published_scorecard
from metrics.registry import THEMES
from metrics.scorecard import Tile
from pages.shared import figure_cells, settings, table
from reports.escape import md


def show_published(tiles: list[Tile], month: str) -> None:
    st.caption(f"{md(month)}. Published figures: a count from 1 to 4 reads <5, and a figure based "
               "on too few cases is not published, so that nobody can be identified. Trends and "
               "SPC readings are for signed-in users.")
    frame = published_scorecard(tiles, settings())
    for title in THEMES.values():
        rows = [r for r in frame.iter_rows(named=True) if r["Theme"] == title]
        if not rows:
            continue
        st.subheader(md(title))
        for cell, row in zip(figure_cells(len(rows), border=True), rows):
            with cell:
                st.metric(md(row["KPI"]), row["Value"], border=False)
                lines = [f"Last month: {row['Last month']}", f"A year ago: {row['A year ago']}"]
                if row["Target"]:
                    lines.insert(0, f"Target: {row['Target']}")
                for line in lines:
                    st.caption(md(line))
    with st.expander("Scorecard as a table"):
        table(frame, f"scorecard-published-{month}")
