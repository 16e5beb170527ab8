"""Monthly KPIs by any combination of service, channel and ward, over any period.

`compute` is pure: it takes `Sources` (frames) and a `Query` and returns one row per month ×
group × KPI. `sources_from_facts` builds Sources from fact rows (tests, small data);
`metrics.reads.sources_from_warehouse` builds them from the warehouse's marts.
"""

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

import metrics.kpis  # noqa: F401  (registers every KPI)
from data.bulk import schema_of
from data.models import ComplaintAction, ContactsMonthly, Enquiry
from data.vocabulary import DIMENSIONS
from metrics.registry import HEADLINE_ONLY, REGISTRY, Inputs
from metrics.spc import ChangePoint
from transform.calendar import london_month, months_span, shift_month
from transform.marts import Standards, contact_parts, monthly_parts
from transform.matters import matter_neighbours

ALL = "All"
NOT_RECORDED = "Not recorded"
BASELINE_MONTHS = 12


@dataclass(frozen=True)
class Sources:
    """Everything the KPIs are computed from, for the whole warehouse."""

    parts: pl.DataFrame  # monthly contact parts by month, service, channel, ward
    complaints: pl.DataFrame
    responses: pl.DataFrame  # with a `month` column
    assumptions: pl.DataFrame  # channel, unit_cost_gbp, carbon_kg
    as_of: datetime | None
    baseline: tuple[str, str] | None  # first and last month
    standards: Standards = Standards()  # the configured service standards (ref_settings)
    # the changes analysts recorded, where SPC may start a new period
    change_points: tuple[ChangePoint, ...] = ()
    enquiries: pl.DataFrame = field(default_factory=lambda: empty_facts(Enquiry))
    # what the council changed because of complaints (`data.edits.read_actions`)
    actions: pl.DataFrame = field(default_factory=lambda: empty_facts(ComplaintAction))


@dataclass(frozen=True)
class Query:
    """What a figure is asked for: the groups, the London months first..last (None: no bound),
    the filters and the KPIs (None: every KPI). The one parameters object of the views."""

    by: tuple[str, ...] = ()
    first_month: str | None = None
    last_month: str | None = None
    # dimension -> values to keep; a missing dimension is not filtered
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # None: every KPI of the registry; named ids may include headline-only counts
    kpis: tuple[str, ...] | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions it groups or filters by: a KPI must be defined for all of them."""
        return tuple(d for d in DIMENSIONS if d in self.by or d in self.filters)

    @property
    def span(self) -> tuple[datetime, datetime]:
        """[start, end) of the months first..last, as UTC instants (both must be set)."""
        return months_span(self.first_month, self.last_month)


def compute(sources: Sources, query: Query) -> pl.DataFrame:
    """Long form: month, service, channel, ward, kpi, numerator, denominator, value.

    A dimension not grouped by reads `All`; KPIs not defined for the grouping or the filters
    (`Kpi.dimensions`: complaints by channel, satisfaction by ward) are left out.
    """
    by = [d for d in DIMENSIONS if d in query.by]
    inputs = _inputs(sources, query)
    frames = []
    chosen = (REGISTRY.values() if query.kpis is None else
              [k for k in (*REGISTRY.values(), *HEADLINE_ONLY.values()) if k.id in query.kpis])
    for kpi in chosen:
        if not kpi.defined_for(query.dimensions):
            continue
        frames.append(kpi.function(inputs, by).with_columns(pl.lit(kpi.id).alias("kpi"),
                                          _value(kpi.scale).alias("value")))
    if not frames:
        return _empty()
    long = pl.concat([_shape(f, by) for f in frames]).collect()
    if query.first_month:
        long = long.filter(pl.col("month") >= query.first_month)
    if query.last_month:
        long = long.filter(pl.col("month") <= query.last_month)
    return long.sort("month", "service", "channel", "ward", "kpi")


def compute_by_column(sources: Sources, query: Query, column: str) -> pl.DataFrame:
    """The query's KPIs (named in `query.kpis`) by a fact column that is not a dimension, such
    as a complaint's theme (`category`): month, `column` (null reads "Not recorded"), kpi,
    numerator, denominator, value. Each KPI's own function counts them, so the groups add up to
    its figure in `compute`; a KPI whose facts lack the column is left out."""
    inputs = _inputs(sources, query)
    frames = []
    for kpi in (REGISTRY[k] for k in query.kpis or ()):
        facts = {need: getattr(inputs, need) for need in kpi.needs}
        if not kpi.defined_for(query.dimensions) or not all(
                column in f.collect_schema().names() for f in facts.values()
                if isinstance(f, pl.LazyFrame)):
            continue
        frames.append(kpi.function(inputs, [column]).with_columns(
            pl.col(column).fill_null(NOT_RECORDED), pl.lit(kpi.id).alias("kpi"),
            _value(kpi.scale).alias("value")))
    schema = {"month": pl.String, column: pl.String, "kpi": pl.String,
              "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64}
    if not frames:
        return pl.DataFrame(schema=schema)
    long = pl.concat([f.select(*schema).cast(schema) for f in frames]).collect()
    if query.first_month:
        long = long.filter(pl.col("month") >= query.first_month)
    if query.last_month:
        long = long.filter(pl.col("month") <= query.last_month)
    return long.sort("month", column, "kpi")


def _value(scale: float | None) -> pl.Expr:
    if scale is None:
        return pl.col("numerator")
    return pl.when(pl.col("denominator") > 0).then(
        scale * pl.col("numerator") / pl.col("denominator"))


def _shape(frame: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    return frame.select(
        "month",
        *[pl.col(d).cast(pl.String) if d in by else pl.lit(ALL).alias(d) for d in DIMENSIONS],
        "kpi",
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
        pl.col("value").cast(pl.Float64))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"month": pl.String, **{d: pl.String for d in DIMENSIONS},
                                "kpi": pl.String, "numerator": pl.Float64,
                                "denominator": pl.Float64, "value": pl.Float64})


def _inputs(sources: Sources, query: Query) -> Inputs:
    def keep(frame: pl.DataFrame) -> pl.LazyFrame:
        return kept_facts(frame, query.filters)

    parts = keep(sources.parts)
    if sources.baseline:
        first, last = sources.baseline
        baseline = parts.filter(pl.col("month").is_between(pl.lit(first), pl.lit(last)))
    else:
        baseline = parts.clear()
    return Inputs(parts=parts, complaints=keep(sources.complaints),
                  responses=keep(sources.responses), assumptions=sources.assumptions,
                  baseline=baseline, as_of=sources.as_of, enquiries=keep(sources.enquiries),
                  standards=sources.standards)


def kept_facts(facts: pl.DataFrame, filters: dict[str, tuple[str, ...]]) -> pl.LazyFrame:
    """Fact or mart rows as `compute` reads them: a ward not recorded spelled as the mart spells
    it, then only the rows in the filters' groups (a filter on a column they lack is ignored)."""
    lazy = _ward_spelled(facts.lazy())
    for dim, values in filters.items():
        if dim in facts.columns:
            lazy = lazy.filter(pl.col(dim).is_in(values))
    return lazy


def _ward_spelled(facts: pl.LazyFrame) -> pl.LazyFrame:
    """The mart reads a ward not recorded as ''; complaints and enquiries store null. One
    spelling, so that by ward a complaint without a ward meets the contacts without one. Lazy,
    so that only the rows the filters keep are spelled."""
    if "ward" in facts.collect_schema().names():
        return facts.with_columns(pl.col("ward").fill_null(""))
    return facts


def empty_facts(model) -> pl.DataFrame:
    """No rows of a fact table, with its columns and types."""
    return pl.DataFrame(schema=schema_of(model.__table__))


def baseline_period(parts: pl.DataFrame, settings: dict[str, str]) -> tuple[str, str] | None:
    """The configured baseline months, else the 12 months from the first month with contacts."""
    if settings.get("baseline_from"):
        return settings["baseline_from"], settings.get("baseline_to") or shift_month(
            settings["baseline_from"], BASELINE_MONTHS - 1)
    months = parts.filter(pl.col("contacts") > 0).get_column("month")
    if months.len() == 0:
        return None
    return months.min(), shift_month(months.min(), BASELINE_MONTHS - 1)


def sources_from_facts(contacts: pl.DataFrame, complaints: pl.DataFrame,
                       responses: pl.DataFrame, assumptions: pl.DataFrame,
                       settings: dict[str, str] | None = None,
                       enquiries: pl.DataFrame | None = None) -> Sources:
    """Sources straight from fact rows, through the same per-contact definitions as the mart.

    contacts need customer_pseudonym (or customer_ref), service, received_at (UTC) and the
    other contact columns; matter neighbours are derived here.
    """
    settings = settings or {}
    if "customer_ref" in contacts.columns:
        contacts = contacts.rename({"customer_ref": "customer_pseudonym"})
    contacts = matter_neighbours(contacts)
    as_of = contacts.get_column("received_at").max() if contacts.height else None
    parts = (monthly_parts(contact_parts(contacts.lazy(), as_of, Standards.from_settings(settings)),
                           list(DIMENSIONS)).collect()
             if as_of else _empty_parts())
    return Sources(parts=parts, complaints=complaints,
                   responses=with_response_month(responses), assumptions=assumptions,
                   as_of=as_of, baseline=baseline_period(parts, settings),
                   standards=Standards.from_settings(settings),
                   enquiries=empty_facts(Enquiry) if enquiries is None else enquiries)


def with_response_month(responses: pl.DataFrame) -> pl.DataFrame:
    return responses.with_columns(london_month(pl.col("responded_at")).alias("month"))


def _empty_parts() -> pl.DataFrame:
    return empty_facts(ContactsMonthly)
