"""Reading the warehouse, through the queries of `data`: `Sources` for the KPIs (the contact
mart, complaint and survey facts, the reference data), one short read per table whatever the
warehouse size; the reference data and the record of loads that pages show; and which parts of
the warehouse (`data.versions`) each of those is read from, so that a cached figure can follow
exactly the writes that change it."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

import polars as pl
from sqlalchemy import Engine

import metrics.kpis  # noqa: F401  (registers every KPI)
from data import loads, programme
from data.connect import unavailable
from data.demo_builds import holds_demo_only
from data.edits import read_actions, read_change_points
from data.facts import data_horizon, read_table
from data.location import warehouse_url
from data.models import Complaint, ContactsMonthly, Enquiry, SurveyResponse
from data.reference import channel_assumptions as _channel_assumptions
from data.reference import read_settings
from data.reference import read_targets as _read_targets
from data.url import url_problem, without_password
from data.versions import CREATED, read_versions
from data.warehouse import get_engine
from metrics.compute import Sources, baseline_period, with_response_month
from metrics.exceptions import Item, Period, Programme, exception_list
from metrics.registry import REGISTRY, measure
from metrics.spc import ChangePoint
from transform.marts import Standards

__all__ = ["read_settings", "without_password"]

# The warehouse parts (`data.versions`) each input of the KPIs (`registry.Inputs`) is read
# from. The data horizon is read with the mart, which every load that moves it rebuilds.
INPUT_PARTS = {"parts": ("marts",), "complaints": ("complaints",),
               "responses": ("satisfaction",), "assumptions": ("assumptions",),
               "baseline": ("marts", "settings"), "enquiries": ("enquiries", "settings")}
# What `read_facts` reads, and what `sources_from_warehouse` reads in all (the change points
# place SPC's periods, not any KPI's value).
FACT_PARTS = ("marts", "complaints", "satisfaction", "enquiries")
SOURCE_PARTS = (*FACT_PARTS, "assumptions", "settings", "change_points", "actions")
FACTORS = ("channel", "unit_cost_gbp", "carbon_kg")
ASSUMPTION_COLUMNS = ("channel", "unit_cost_gbp", "cost_source", "cost_year", "carbon_kg",
                      "carbon_source", "carbon_year", "uplift_factor", "uplift_source",
                      "uplift_year")


def sources_from_warehouse(engine: Engine) -> Sources:
    """Everything the KPIs are computed from, as the warehouse holds it now."""
    return with_reference(read_facts(engine), assumption_factors(engine), read_settings(engine),
                          change_points(engine), read_actions(engine))


def read_facts(engine: Engine) -> Sources:
    """The large part of `Sources` (the mart, complaints, survey responses, enquiries and the
    data horizon), without the reference data (`with_reference` adds it)."""
    with engine.connect() as conn:
        parts = read_table(conn, ContactsMonthly.__table__, many=True)
        complaints = read_table(conn, Complaint.__table__, many=True)
        responses = read_table(conn, SurveyResponse.__table__, exclude=("comment",), many=True)
        enquiries = read_table(conn, Enquiry.__table__, many=True)
        as_of = data_horizon(conn)
    return Sources(parts=parts, complaints=complaints, enquiries=enquiries,
                   responses=with_response_month(responses),
                   assumptions=pl.DataFrame(schema={"channel": pl.String,
                                                    "unit_cost_gbp": pl.Float64,
                                                    "carbon_kg": pl.Float64}),
                   as_of=as_of, baseline=None)


def with_reference(facts: Sources, assumptions: pl.DataFrame, settings: dict[str, str],
                   changes: tuple[ChangePoint, ...] = (),
                   actions: pl.DataFrame | None = None) -> Sources:
    """`read_facts` with the channel assumptions, the baseline period and standards that the
    settings give, the change points SPC starts new periods at, and the actions taken against
    complaint themes (None: none)."""
    return replace(facts, assumptions=assumptions,
                   baseline=baseline_period(facts.parts, settings),
                   standards=Standards.from_settings(settings), change_points=changes,
                   **({} if actions is None else {"actions": actions}))


def change_points(engine: Engine) -> tuple[ChangePoint, ...]:
    """The change points analysts recorded and have not removed, by month."""
    return tuple(ChangePoint(r["month"], r["reason"], r["kpi"])
                 for r in read_change_points(engine).iter_rows(named=True))


def assumption_factors(engine: Engine) -> pl.DataFrame:
    """channel, unit_cost_gbp, carbon_kg: what the cost and carbon KPIs are priced with."""
    with engine.connect() as conn:
        return _channel_assumptions(conn, FACTORS)


def parts_read(kpi_ids: Iterable[str] | None = None) -> tuple[str, ...]:
    """The warehouse parts the given KPIs or headline-only counts (every KPI by default) are
    computed from."""
    kpis = REGISTRY.values() if kpi_ids is None else (measure(k) for k in kpi_ids)
    return tuple(sorted({part for kpi in kpis for need in kpi.needs
                         for part in INPUT_PARTS[need]}))


def warehouse_versions(engine: Engine) -> dict[str, int]:
    """Each part's version: a cached figure is stale once a part it was read from moves."""
    with engine.connect() as conn:
        return read_versions(conn)


def stamp(versions: dict[str, int], parts: Iterable[str]) -> tuple[int, ...]:
    """The versions of `parts` (and the warehouse's creation number): a cache key that changes
    with every write to those parts, and only with those."""
    return (versions.get(CREATED, 0), *(versions.get(p, 0) for p in parts))


def read_targets(engine: Engine) -> dict[str, tuple[float, float]]:
    """kpi -> (target, amber tolerance), as an analyst last set them."""
    with engine.connect() as conn:
        return _read_targets(conn)


def load_history(engine: Engine, limit: int = 500) -> pl.DataFrame:
    """The most recent loads, newest first."""
    with engine.connect() as conn:
        return loads.load_history(conn, limit)


def quarantine(engine: Engine, limit: int = 1000) -> pl.DataFrame:
    """Quarantined rows with the rules they broke, newest load first."""
    with engine.connect() as conn:
        return loads.quarantine_rows(conn, limit)


def open_warehouse() -> Engine:
    """The warehouse that `WAREHOUSE_URL` names (the embedded SQLite file by default)."""
    return get_engine()


def unreachable(error: BaseException) -> str | None:
    """The database's own first line, without the URL's password, when `error` says the
    warehouse could not be reached; None for any other error."""
    why = unavailable(error)
    return None if why is None else without_password(why)


def warehouse_problem() -> str | None:
    """Why `WAREHOUSE_URL` cannot name a warehouse, in words that never repeat it; None when it
    can."""
    return url_problem(warehouse_url())


def channel_assumptions(engine: Engine) -> pl.DataFrame:
    """Each channel's unit cost and carbon factor with their sources and years, and the uplift
    of its unit cost to a later year's prices where one is recorded."""
    with engine.connect() as conn:
        return _channel_assumptions(conn, ASSUMPTION_COLUMNS)


def latest_load_at(engine: Engine) -> datetime | None:
    """When the latest file offered to ingest finished."""
    with engine.connect() as conn:
        return loads.latest_load_at(conn)


# ---- the programme ----------------------------------------------------------------------------

# What the exception report reads besides the KPI sources.
PROGRAMME_PARTS = ("milestones", "benefits", "risks", "targets", "owners", "commentary")


def read_programme(engine: Engine) -> Programme:
    """The milestones, benefits and risks as they stand now, with each risk's recorded
    scores."""
    with engine.connect() as conn:
        return Programme(programme.read_milestones(conn), programme.read_benefits(conn),
                         programme.read_risks(conn), programme.read_risk_scores(conn))


def kpi_owners(engine: Engine) -> dict[str, str]:
    """kpi -> the officer who owns it."""
    with engine.connect() as conn:
        return programme.kpi_owners(conn)


def read_commentary(engine: Engine, period: str | None = None) -> pl.DataFrame:
    """Every version of the officers' commentary (of one period, if given), oldest first."""
    with engine.connect() as conn:
        return programme.commentary(conn, period)


def approved_commentary(versions: pl.DataFrame) -> dict[tuple[str, str], str]:
    """(kind, item id) -> the text of its latest approved version; a draft never counts."""
    approved = versions.filter(pl.col("status") == "approved").sort("commentary_id")
    return {(r["kind"], r["item_id"]): r["text"] for r in approved.iter_rows(named=True)}


def exceptions_from_warehouse(engine: Engine, period: str,
                              sources: Sources | None = None) -> list[Item]:
    """The exception list of `period` (`YYYY-MM` or `YYYY-Hn`), with each item's approved
    commentary for it."""
    settings = read_settings(engine)
    return exception_list(read_programme(engine), sources or sources_from_warehouse(engine),
                          Period(period), read_targets(engine), settings, kpi_owners(engine),
                          approved_commentary(read_commentary(engine, period)))


def demo_only(engine: Engine) -> bool:
    """Whether the warehouse holds the fictional demo council and nothing else (the demo
    switch opens every role only there)."""
    with engine.connect() as conn:
        return holds_demo_only(conn)
