"""What every page shares: the warehouse, cached figures and the sidebar filters."""

import polars as pl
import streamlit as st

from data.warehouse import get_engine
from metrics.compute import Sources
from metrics.reads import read_targets, sources_from_warehouse, warehouse_version
from metrics.scorecard import Tile, scorecard


@st.cache_resource
def engine():
    return get_engine()


def version() -> int:
    return warehouse_version(engine())


@st.cache_resource(max_entries=2)
def _sources(load_version: int) -> Sources:
    return sources_from_warehouse(engine())


def sources() -> Sources:
    """The warehouse's KPI sources, read once per load (shared: never mutate)."""
    return _sources(version())


@st.cache_data(max_entries=4)
def targets(load_version: int) -> dict[str, tuple[float, float]]:
    return read_targets(engine())


@st.cache_data(max_entries=64)
def _tiles(load_version: int, month: str, filters: dict[str, tuple[str, ...]]) -> list[Tile]:
    return scorecard(_sources(load_version), month, targets(load_version), filters)


def scorecard_tiles(month: str, filters: dict[str, tuple[str, ...]]) -> list[Tile]:
    """The month's scorecard, computed once per load, month and filter choice."""
    return _tiles(version(), month, filters)


def months(src: Sources) -> list[str]:
    return sorted(src.parts.get_column("month").unique().to_list(), reverse=True)


def sidebar_filters(src: Sources) -> tuple[str | None, dict[str, tuple[str, ...]]]:
    """The sidebar's month and service/channel/ward choices."""
    available = months(src)
    with st.sidebar:
        month = st.selectbox("Month", available, key="month") if available else None
        filters = {}
        for dim, label in (("service", "Service"), ("channel", "Channel"), ("ward", "Ward")):
            values = sorted(v for v in src.parts.get_column(dim).unique().to_list() if v)
            chosen = st.multiselect(label, values, key=f"filter_{dim}",
                                    placeholder=f"All {label.lower()}s")
            if chosen:
                filters[dim] = tuple(chosen)
    return month, filters


def download_buttons(frame: pl.DataFrame, name: str) -> None:
    st.download_button("Download CSV", frame.write_csv().encode(), f"{name}.csv", "text/csv",
                       key=f"download_{name}")
