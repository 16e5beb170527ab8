"""What every page shares: the warehouse, caches that follow its writes, the sidebar filters,
the row of headline figures, who is looking and with which roles (`pages.access`), and the way
every chart is shown (with its text alternative, its data table and downloads)."""

import functools
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from sqlalchemy.exc import OperationalError

from data.audit import record_event
from data.edits import read_actions
from metrics.applicability import applicable, left_out
from metrics.complaints_view import as_of_date
from metrics.compute import Query, Sources
from metrics.labels import readable
from metrics.months import LONDON, latest_complete_month, shift_month
from metrics.reads import (
    FACT_PARTS,
    SOURCE_PARTS,
    assumption_factors,
    change_points,
    channel_assumptions,
    demo_only,
    open_warehouse,
    read_facts,
    read_settings,
    read_targets,
    stamp,
    warehouse_problem,
    warehouse_versions,
    with_reference,
    without_password,
)
from metrics.registry import Kpi, measure, standard_words
from metrics.safe_csv import csv_bytes
from metrics.safeguarding import without_flagged
from metrics.scorecard import Tile, scorecard
from metrics.wording import format_value
from pages.access import Access, Viewer, parse_access, viewer_for
from pages.site import title_of
from reports.charts.base import spc_alt, spc_chart, spc_table
from reports.escape import escaped_figure, md


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

    @property
    def query(self) -> Query:
        """The period and filters, as the views of `metrics` take them."""
        return Query(first_month=self.first_month, last_month=self.month, filters=self.filters)


@st.cache_resource
def engine():
    """The connection pool, one per server: not data, so no version or ttl applies to it."""
    return open_warehouse()


# A backstop: every cached figure is read again at least this often, whatever the versions say
# (a write that moved no version, say a fact table edited by hand).
TTL = timedelta(hours=1)


def versions() -> dict[str, int]:
    """Each part of the warehouse's version (`data.versions`). Every page asks first, so a
    warehouse that cannot be reached is explained here."""
    try:
        if problem := warehouse_problem():
            raise _Unusable(problem)
        return warehouse_versions(engine())
    except (OperationalError, _Unusable) as error:
        # The database's own first line, never the URL's password.
        why = without_password(str(getattr(error, "orig", error)).splitlines()[0])
        st.error("The warehouse cannot be reached, so there is nothing to show. Check "
                 f"`WAREHOUSE_URL` and that the database is running.\n\n{md(why)}",
                 icon=":material/cloud_off:")
        st.stop()


class _Unusable(Exception):
    """WAREHOUSE_URL cannot name a warehouse (`metrics.reads.warehouse_problem`)."""


def cached(*parts: str, resource: bool = False, max_entries: int = 32, **options):
    """Cache a function's result until a write moves the version of one of `parts` (the parts
    of the warehouse it reads), or for `TTL` at most.

    The function takes the versions of those parts as its first argument, `stamp` (its cache
    key), and is called without it. `resource=True` keeps one shared object (never mutate it)
    rather than a copy per call, for large frames.
    """
    def decorate(function):
        store = st.cache_resource if resource else st.cache_data
        cache = store(ttl=TTL, max_entries=max_entries, **options)(function)

        @functools.wraps(function)
        def call(*args, **kwargs):
            return cache(stamp(versions(), parts), *args, **kwargs)

        call.at = lambda known, *args, **kwargs: cache(stamp(known, parts), *args, **kwargs)
        return call

    return decorate


@cached(*FACT_PARTS, resource=True, max_entries=2)
def _facts(stamp) -> Sources:
    return read_facts(engine())


@cached("assumptions", max_entries=4)
def _assumptions(stamp) -> pl.DataFrame:
    return assumption_factors(engine())


@cached("settings", max_entries=4)
def settings(stamp) -> dict[str, str]:
    """The warehouse's settings (`ref_settings`)."""
    return read_settings(engine())


@cached("change_points", max_entries=4)
def _change_points(stamp):
    return change_points(engine())


@cached("actions", max_entries=4)
def _actions(stamp) -> pl.DataFrame:
    return read_actions(engine())


@cached(*SOURCE_PARTS, resource=True, max_entries=2)
def _sources(stamp) -> Sources:
    return with_reference(_facts(), _assumptions(), settings(), _change_points(), _actions())


def sources() -> Sources:
    """The warehouse's KPI sources (shared: never mutate). An edit of the assumptions, the
    settings or the change points re-reads only those; the facts are read again after a load or
    a refresh."""
    return _sources()


@cached("targets", max_entries=4)
def targets(stamp) -> dict[str, tuple[float, float]]:
    return read_targets(engine())


@cached("assumptions", max_entries=4)
def assumptions(stamp) -> pl.DataFrame:
    """Each channel's unit cost and carbon factor, with their sources, years and any uplift."""
    return channel_assumptions(engine())


@cached(*SOURCE_PARTS, "targets", max_entries=64)
def scorecard_tiles(stamp, month: str, filters: dict[str, tuple[str, ...]]) -> list[Tile]:
    """The month's scorecard, computed once per month and filter choice until the sources or
    the targets change."""
    return scorecard(sources(), month, targets(), filters)


def warm_caches() -> str | None:
    """Read what the opening scorecard shows, before the first visitor arrives (serve.py).
    Returns the month it opens on (None while the warehouse has no contacts)."""
    # Streamlit imports these the first time it draws a table: 0.5 s of the first visit here.
    import pandas  # noqa: F401, PLC0415
    import pyarrow  # noqa: F401, PLC0415

    # Not through versions(): it explains an unreachable warehouse on a page, and there is no
    # page yet, so serve.py reports the error instead.
    known = warehouse_versions(engine())
    src = _sources.at(known)
    if not src.parts.height:
        return None
    month = default_month(src)
    scorecard_tiles.at(known, month, {})
    assumptions.at(known)
    return month


def default_month(src: Sources) -> str:
    available = months(src)
    complete = latest_complete_month(src.as_of) if src.as_of else available[0]
    return next((m for m in available if m <= complete), available[0])


def months(src: Sources) -> list[str]:
    return sorted(src.parts.get_column("month").unique().to_list(), reverse=True)


DEMO_SWITCH = "ONCE_AND_DONE_DEMO"
DEMO_BANNER = "Fictional demo council"


def access() -> Access:
    """The `[access]` configuration (`pages.access`); raises AccessError if it cannot be used."""
    return parse_access(_secret("access"))


def auth_configured() -> bool:
    return _secret("auth") is not None


def _secret(section: str):
    try:
        return st.secrets.get(section)
    except FileNotFoundError:  # no secrets file at all
        return None


@cached("loads", max_entries=4)
def _demo_only(stamp) -> bool:
    return demo_only(engine())


def demo_switch() -> bool | None:
    """The demo switch: None when off; True when on and the warehouse holds the demo council
    only; False when on but refused (any other warehouse)."""
    if os.environ.get(DEMO_SWITCH) != "1":
        return None
    return _demo_only()


def viewer() -> Viewer:
    """Who is looking, and with which roles (`pages.access`)."""
    signed_in = bool(auth_configured() and st.user.get("is_logged_in"))
    claims = st.user.to_dict() if signed_in else None
    who = (st.user.get("email") or st.user.get("name") or "signed-in user") if signed_in else None
    return viewer_for(access(), claims, who, demo=bool(demo_switch()))


def signed_in_as() -> str | None:
    """Who is signed in (`st.login`, OIDC): their e-mail, else their name; None if nobody."""
    return viewer().who


def editor() -> str:
    """The name an edit, a view or a download is recorded under: who is signed in, else the
    demo's visitor or a visitor who is not signed in."""
    return viewer().who or ("demo council visitor" if demo_switch() else
                            "visitor (not signed in)")


PAGE_KEY = "_once_and_done_page"  # the title of the page being run (app.py sets it)
AUDITED_KEY = "_once_and_done_audited"  # the views this session has recorded already


def audit(action: str, page_file: str, detail: str) -> None:
    """Record in the audit trail (`data.audit`) that this visitor did `action` on the page of
    `page_file` (its `__file__`). A view is recorded once a session for the same page and
    detail: a rerun is not another look."""
    page = title_of(page_file)
    if action == "view":
        done = st.session_state.setdefault(AUDITED_KEY, set())
        if (page, detail) in done:
            return
        done.add((page, detail))
    record_event(engine(), editor(), action, page, detail)


def described(selection: "Selection", **chosen: str) -> str:
    """What a record-level view shows, in words: the choices and the period, then the
    sidebar's filters ("service Waste; 2023-12; ward Abbey")."""
    parts = [f"{k} {v}" for k, v in chosen.items()]
    parts.append(selection.label)
    parts += [f"{k} {', '.join(v)}" for k, v in selection.filters.items()]
    return "; ".join(parts)


def for_role(role: str, what: str) -> bool:
    """True when the viewer holds `role`; otherwise says that `what` is not available to their
    role (offering to sign in to a visitor who is not signed in) and returns False."""
    seen = viewer()
    if seen.has(role):
        return True
    st.info(f"{md(what)}: not available to your role.", icon=":material/lock:")
    if seen.who is None and auth_configured():
        st.button("Sign in", on_click=st.login, key=f"sign_in_{what}")
    return False


def safeguarding_apart(records: pl.DataFrame, what: str, note: str = "") -> pl.DataFrame:
    """The records this viewer may see, which the page then shows and offers for download: all
    of them, flag included, to the `safeguarding` role; to anyone else those not flagged, and
    how many were withheld (`what` says which, `note` adds a sentence's end)."""
    if viewer().has("safeguarding"):
        return records
    kept, withheld = without_flagged(records)
    if withheld:
        st.info(f"{withheld:,} {'record' if withheld == 1 else 'records'} withheld: {md(what)} "
                f"are shown to the safeguarding role only{md(note)}.", icon=":material/shield:")
    return kept


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
            chosen = st.multiselect(md(label), values, key=f"filter_{dim}", format_func=readable,
                                    placeholder=f"All {label.lower()}s")
            if chosen:
                filters[dim] = tuple(chosen)
    return Selection(month, first, filters)


def page_selection(kpi_ids: Sequence[str] = (), period: bool = True) -> Selection:
    """The sidebar's choice for a page about `kpi_ids`. While the warehouse has no contacts the
    page says how to load some and stops; each of its KPIs that the filters leave out is
    explained (`explain_left_out`), and when they leave out every one the page stops there."""
    selection = sidebar_filters(sources(), period)
    if selection is None:
        no_data()
    if kpi_ids and not explain_left_out(kpi_ids, selection.filters):
        st.stop()
    return selection


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


def audited(build: Callable[[], bytes], file: str) -> Callable[[], bytes]:
    """`build` for a download button, recording the download of `file` in the audit trail
    when it runs (on the click)."""
    where, who, warehouse = st.session_state.get(PAGE_KEY, ""), editor(), engine()

    def build_and_record() -> bytes:
        content = build()
        record_event(warehouse, who, "download", where, file)
        return content
    return build_and_record


def download_buttons(frame: pl.DataFrame, name: str) -> None:
    """CSV and Excel downloads of exactly the rows shown, built only when clicked, each
    recorded in the audit trail."""
    left, right = st.columns(2, width=360)
    with left:
        st.download_button("Download CSV", audited(lambda: csv_bytes(frame), f"{name}.csv"),
                           f"{name}.csv",
                           "text/csv", key=f"download_{name}", icon=":material/download:",
                           on_click="ignore")
    with right:
        st.download_button(
            "Download Excel", audited(lambda: excel_bytes(frame, name), f"{name}.xlsx"),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"download_xlsx_{name}", icon=":material/download:", on_click="ignore")


def table(frame: pl.DataFrame, name: str, caption: str | None = None) -> None:
    """A data table with its downloads."""
    if caption:
        st.caption(md(caption))
    st.dataframe(frame, hide_index=True)
    download_buttons(frame, name)


def chart(figure: go.Figure, data: pl.DataFrame, alt: str, name: str, title: str) -> None:
    """A chart, never alone: its text alternative under it and its data table behind it.

    `alt` is a sentence or two saying what the chart shows (WCAG 1.1.1); the table gives every
    figure the chart draws, so nobody needs to read values off a picture.
    """
    st.plotly_chart(escaped_figure(figure), key=f"chart_{name}", alt=alt,
                    config={"displaylogo": False, "responsive": True})
    st.caption(md(alt))
    with st.expander(f"{md(title)}: data table"):
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


def overdue_now(what: str, count: int) -> None:
    """The count of open `what` ("complaints") overdue now, at the data horizon's date, with
    that date under it."""
    day = as_of_date(sources().as_of)
    st.metric(md(f"Open {what} overdue"), f"{count:,}", border=True,
              help=md(f"Open {what} whose due date is before the data horizon's date, "
                      "whatever period is chosen."))
    st.caption(f"As of {day:%-d %B %Y}, the date of the latest contact loaded." if day else
               "No contacts loaded: no data horizon.")


def worded(kpi_id: str) -> Kpi:
    """A KPI (or headline-only count) with its label, description and formula stating the
    configured standards."""
    return measure(kpi_id).worded(sources().standards)


def standards_words() -> dict[str, str]:
    """The configured standards in words: repeat_window ("7 days"), answer_standard,
    written_standard."""
    return standard_words(sources().standards)


def metric_tiles(figures: Sequence[tuple[str, float | None, str | None]]) -> None:
    """A row of headline figures (wrapping to the width): for each (kpi id, value, caption), a
    bordered metric with the KPI's label, its value as the KPI formats it and its description
    and formula as help, and the caption, if any, under it."""
    for cell, (kpi_id, value, caption) in zip(figure_cells(len(figures)), figures):
        kpi = worded(kpi_id)
        with cell:
            st.metric(kpi.label, format_value(kpi, value), border=True,
                      help=f"{kpi.description} {kpi.formula}")
            if caption:
                st.caption(md(caption))


def headline_metrics(frame: pl.DataFrame, kpi_ids: tuple[str, ...],
                     words: dict[str, tuple[str, str]]) -> None:
    """`metric_tiles` from a frame of kpi, numerator, denominator, value, each with its parts
    in words under it ("4,897 failure contacts of 19,792 classified contacts")."""
    rows = {r["kpi"]: r for r in frame.iter_rows(named=True)}
    metric_tiles([(k, rows[k]["value"], f"{rows[k]['numerator']:,.0f} {words[k][0]} of "
                                        f"{rows[k]['denominator']:,.0f} {words[k][1]}")
                  for k in kpi_ids])


def explain_left_out(kpi_ids: Sequence[str], filters: dict[str, tuple[str, ...]]) -> bool:
    """A notice for each group of `kpi_ids` that the sidebar's filters leave out, saying why
    (from the KPIs' declarations); True when any of them is left to show."""
    for gap in left_out(kpi_ids, filters):
        many = len(gap.kpis) > 1 or gap.whole_feed
        st.info(f"{md(gap.sentence)} Clear the {md(gap.dimension)} filter in the sidebar to see "
                f"{'them' if many else 'it'}.",
                icon=":material/info:")
    return bool(applicable(kpi_ids, filters))
