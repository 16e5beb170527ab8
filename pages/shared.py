"""What every page shares: the warehouse, cached figures, the sidebar filters, and the way every
chart is shown (with its text alternative, its data table and downloads)."""

import io
import os
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from sqlalchemy.exc import OperationalError

from metrics.compute import Sources
from metrics.labels import readable
from metrics.months import LONDON, latest_complete_month, shift_month
from metrics.reads import (
    channel_assumptions,
    open_warehouse,
    read_targets,
    sources_from_warehouse,
    warehouse_version,
)
from metrics.registry import REGISTRY
from metrics.scorecard import Tile, scorecard
from metrics.wording import format_value
from reports.charts.base import spc_alt, spc_chart, spc_table


def _through_the_router() -> None:
    """Make sure pages run inside app.py's `st.navigation`, never on their own.

    Streamlit still has its old multipage mode for apps with a `pages/` folder: until app.py
    has called `st.navigation` once in a server process, a first visit straight to a page's URL
    runs that file alone, and the sidebar lists every file in `pages/` (this one included). Every
    page imports this module, so the first such run switches the old mode off and starts again
    through the router, which then opens the page that was asked for. When serve.py imports it
    before any visitor, the old mode is switched off before it was ever on.
    """
    from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415 (private API)

    was_on = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = False
    if was_on:
        st.rerun()


_through_the_router()

PERIODS = {1: "The month", 3: "3 months to the month", 6: "6 months to the month",
           12: "12 months to the month"}


@dataclass(frozen=True)
class Selection:
    """The sidebar's choice: the period (first to last month, inclusive) and the filters."""

    month: str  # the period's last month
    first_month: str
    filters: dict[str, tuple[str, ...]]

    @property
    def label(self) -> str:
        if self.first_month == self.month:
            return self.month
        return f"{self.first_month} to {self.month}"


@st.cache_resource
def engine():
    return open_warehouse()


def version() -> int:
    """The latest load's id: every cache below is keyed on it, so a new load is seen at once.
    Every page asks first, so a warehouse that cannot be reached is explained here."""
    try:
        return warehouse_version(engine())
    except OperationalError as error:
        st.error("The warehouse cannot be reached, so there is nothing to show. Check "
                 f"`WAREHOUSE_URL` and that the database is running.\n\n"
                 f"`{str(error.orig).splitlines()[0]}`", icon=":material/cloud_off:")
        st.stop()


@st.cache_resource(max_entries=2)
def _sources(load_version: int) -> Sources:
    return sources_from_warehouse(engine())


def sources() -> Sources:
    """The warehouse's KPI sources, read once per load (shared: never mutate)."""
    return _sources(version())


@st.cache_data(max_entries=4)
def targets(load_version: int) -> dict[str, tuple[float, float]]:
    return read_targets(engine())


@st.cache_data(max_entries=4)
def _assumptions(load_version: int) -> pl.DataFrame:
    return channel_assumptions(engine())


def assumptions() -> pl.DataFrame:
    """Each channel's unit cost and carbon factor, with their years and any uplift."""
    return _assumptions(version())


@st.cache_data(max_entries=64)
def _tiles(load_version: int, month: str, filters: dict[str, tuple[str, ...]]) -> list[Tile]:
    return scorecard(_sources(load_version), month, targets(load_version), filters)


def scorecard_tiles(month: str, filters: dict[str, tuple[str, ...]]) -> list[Tile]:
    """The month's scorecard, computed once per load, month and filter choice."""
    return _tiles(version(), month, filters)


def warm_caches() -> str | None:
    """Read what the opening scorecard shows, before the first visitor arrives (serve.py).
    Returns the month it opens on (None while the warehouse has no contacts)."""
    # Streamlit imports these the first time it draws a table: 0.5 s of the first visit here.
    import pandas  # noqa: F401, PLC0415
    import pyarrow  # noqa: F401, PLC0415

    # Not through version(): it explains an unreachable warehouse on a page, and there is no
    # page yet, so serve.py reports the error instead.
    load_version = warehouse_version(engine())
    src = _sources(load_version)
    if not src.parts.height:
        return None
    month = default_month(src)
    _tiles(load_version, month, {})
    _assumptions(load_version)
    return month


def default_month(src: Sources) -> str:
    available = months(src)
    complete = latest_complete_month(src.as_of) if src.as_of else available[0]
    return next((m for m in available if m <= complete), available[0])


def months(src: Sources) -> list[str]:
    return sorted(src.parts.get_column("month").unique().to_list(), reverse=True)


def is_staff() -> bool:
    """Record-level views (contact chains, comments, quarantined rows) are for signed-in staff.

    Signed in means `st.login` (OIDC, `[auth]` in `.streamlit/secrets.toml`). For the fictional
    demo council only, ONCE_AND_DONE_DEMO_STAFF=1 treats whoever opens the dashboard as staff.
    """
    return bool(st.user.get("is_logged_in")) or os.environ.get("ONCE_AND_DONE_DEMO_STAFF") == "1"


def editor() -> str:
    """Who is editing reference data: the signed-in e-mail or name; the demo's stand-in
    otherwise."""
    if st.user.get("is_logged_in"):
        return st.user.get("email") or st.user.get("name") or "signed-in staff"
    return "demo staff" if os.environ.get("ONCE_AND_DONE_DEMO_STAFF") == "1" else "unknown"


def edited() -> None:
    """After an edit of reference data: sources (and every figure cached from them) are keyed
    on the load version, which an edit does not move, so drop them all."""
    st.cache_data.clear()
    st.cache_resource.clear()


def staff_only(what: str) -> bool:
    """True for staff; otherwise explains why `what` is hidden and offers to sign in."""
    if is_staff():
        return True
    st.info(f"{what} are record-level data, shown to signed-in staff only.",
            icon=":material/lock:")
    if _auth_configured():
        st.button("Sign in", on_click=st.login, key=f"sign_in_{what}")
    else:
        st.caption("This deployment has no sign-in configured (`[auth]` in "
                   "`.streamlit/secrets.toml`, see the README).")
    return False


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sidebar_filters(src: Sources, period: bool = False) -> Selection | None:
    """The sidebar's month (and, where a page reads a period, how many months to it) and its
    service/channel/ward choices. None when the warehouse has no contacts yet."""
    available = months(src)
    with st.sidebar:
        if not available:
            return None
        month = st.selectbox("Month", available, index=available.index(default_month(src)),
                             key="month",
                             help="Opens on the latest month the data covers to its last day.")
        first = month
        if period:
            length = st.selectbox("Period", list(PERIODS), format_func=PERIODS.get, key="period")
            first = shift_month(month, -(length - 1))
        filters = {}
        for dim, label in (("service", "Service"), ("channel", "Channel"), ("ward", "Ward")):
            values = sorted(v for v in src.parts.get_column(dim).unique().to_list() if v)
            chosen = st.multiselect(label, values, key=f"filter_{dim}", format_func=readable,
                                    placeholder=f"All {label.lower()}s")
            if chosen:
                filters[dim] = tuple(chosen)
    return Selection(month, first, filters)


def no_data() -> None:
    st.info("The warehouse has no contacts yet. Load feeds with `python -m pipelines ingest` "
            "or build the demo with `python -m pipelines demo`.")
    st.stop()


def excel_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """The frame as an Excel workbook (one sheet), for the download buttons.

    Excel has no time zones: instants are written as Europe/London wall-clock time, as a
    council officer reads them."""
    local = frame.with_columns(
        pl.col(n).dt.convert_time_zone(LONDON).dt.replace_time_zone(None)
        for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone)
    buffer = io.BytesIO()
    local.write_excel(buffer, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()


def download_buttons(frame: pl.DataFrame, name: str) -> None:
    """CSV and Excel downloads of exactly the rows shown, built only when clicked."""
    left, right = st.columns(2, width=360)
    with left:
        st.download_button("Download CSV", lambda: frame.write_csv().encode(), f"{name}.csv",
                           "text/csv", key=f"download_{name}", icon=":material/download:",
                           on_click="ignore")
    with right:
        st.download_button(
            "Download Excel", lambda: excel_bytes(frame, name), f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"download_xlsx_{name}", icon=":material/download:", on_click="ignore")


def table(frame: pl.DataFrame, name: str, caption: str | None = None) -> None:
    """A data table with its downloads."""
    if caption:
        st.caption(caption)
    st.dataframe(frame, hide_index=True)
    download_buttons(frame, name)


def chart(figure: go.Figure, data: pl.DataFrame, alt: str, name: str, title: str) -> None:
    """A chart, never alone: its text alternative under it and its data table behind it.

    `alt` is a sentence or two saying what the chart shows (WCAG 1.1.1); the table gives every
    figure the chart draws, so nobody needs to read values off a picture.
    """
    st.plotly_chart(figure, key=f"chart_{name}", alt=alt,
                    config={"displaylogo": False, "responsive": True})
    st.caption(alt)
    with st.expander(f"{title}: data table"):
        table(data, name)


def spc_trend(tile: Tile, name: str) -> None:
    """A scorecard tile's last 24 months as an SPC chart, with its table and text alternative."""
    months, spc = tile.trend
    chart(spc_chart(tile.kpi, months, spc, tile.target),
          spc_table(tile.kpi, months, spc, tile.target),
          spc_alt(tile.kpi, months, spc), name, f"{tile.kpi.label} trend")


# Figures wrap to the width: three to a row at 1280 px with the sidebar open, two on a tablet
# (820 px), more on a wide screen. Narrower ones cut their labels and values short.
FIGURE_WIDTH = 230


def figure_cells(count: int, border: bool = False) -> list:
    """`count` side-by-side cells of FIGURE_WIDTH that wrap onto new rows as the width needs;
    with `border`, each is a bordered tile stretched to its row's height."""
    row = st.container(horizontal=True, gap="small")
    height = "stretch" if border else "content"
    return [row.container(width=FIGURE_WIDTH, border=border, height=height) for _ in range(count)]


def headline_metrics(frame: pl.DataFrame, kpi_ids: tuple[str, ...],
             words: dict[str, tuple[str, str]]) -> None:
    """One bordered metric per KPI from a frame of kpi, numerator, denominator, value, each with
    its parts in words under it ("4,897 failure contacts of 19,792 classified contacts")."""
    for column, kpi_id in zip(figure_cells(len(kpi_ids)), kpi_ids):
        kpi = REGISTRY[kpi_id]
        row = frame.filter(pl.col("kpi") == kpi_id).row(0, named=True)
        numerator, denominator = words[kpi_id]
        with column:
            st.metric(kpi.label, format_value(kpi, row["value"]), border=True,
                      help=f"{kpi.description} {kpi.formula}")
            st.caption(f"{row['numerator']:,.0f} {numerator} of {row['denominator']:,.0f} "
                       f"{denominator}")
