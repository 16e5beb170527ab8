"""The KPI registry: every figure of `docs/kpis.md`, declared once.

Each KPI is a pure polars function from the month's inputs to one row per month and group with a
numerator and a denominator; its docstring holds the formula. Pages, exports and the committee
pack all read these declarations (label, unit, direction, plain-English description, theme, the
feed it counts and the dimensions it is defined for, with the reason for any other).

A label, description or formula that states a configurable service standard names it in braces
(`{repeat_window}`, `{answer_standard}`, `{written_standard}`); `Kpi.worded` fills them in with
the configured standards, so that nothing on screen or on paper states a default that an
analyst has changed.

Headlines for councillors show a few counts in place of a KPI they would misread (stage 1
complaints and escalations to stage 2 rather than complaint rows, which count an escalation
twice). Those are declared here too, with the KPI they replace (`HEADLINE_ONLY`): computed when
asked for by name, never exported, so `metrics export` stays as `kpis.md` defines it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

from data.vocabulary import DIMENSIONS
from transform.marts import Standards

THEMES = {
    "right_first_time": "Right first time",
    "front_doors": "Front doors and channel shift",
    "efficient": "Efficient and environmentally positive",
    "accountability": "Accountability and complaints",
    "members": "Members' enquiries",
    "satisfaction": "Satisfaction",
}


@dataclass(frozen=True)
class Inputs:
    """What the KPI functions read, already filtered to the groups and period asked for.

    parts: monthly contact parts (month, service, channel, ward and the columns of
      `mart_contacts_monthly`); complaints, responses and enquiries: fact rows; assumptions:
      channel, unit_cost_gbp, carbon_kg; baseline: the monthly parts of the baseline period
      (unfiltered by month); as_of: the data horizon; standards: the configured service
      standards (the enquiry KPIs read theirs here; the mart was counted with the others).
    """

    parts: pl.LazyFrame
    complaints: pl.LazyFrame
    responses: pl.LazyFrame
    assumptions: pl.DataFrame
    baseline: pl.LazyFrame
    as_of: datetime | None
    enquiries: pl.LazyFrame = field(default_factory=pl.LazyFrame)
    standards: Standards = Standards()


# (inputs, group columns) -> month, *groups, numerator, denominator
KpiFunction = Callable[[Inputs, list[str]], pl.LazyFrame]

# feed -> how its figures are named in a sentence ("Complaint figures are not defined by ...")
FEEDS = {"contacts": "Contact", "complaints": "Complaint", "satisfaction": "Satisfaction",
         "enquiries": "Members' enquiry"}
NEEDS = ("parts", "complaints", "responses", "assumptions", "baseline", "enquiries")


def standard_words(standards: Standards) -> dict[str, str]:
    """The phrases that the braces of labels, descriptions and formulas stand for."""
    def days(n: int, kind: str = "") -> str:
        return f"{n} {kind}day{'' if n == 1 else 's'}"

    return {"repeat_window": days(standards.repeat_window_days),
            "answer_standard": f"{standards.answer_standard_seconds} seconds",
            "written_standard": days(standards.written_standard_working_days, "working "),
            "enquiry_acknowledgement_standard": days(
                standards.enquiry_acknowledgement_working_days, "working "),
            "enquiry_response_standard": days(standards.enquiry_response_working_days,
                                              "working ")}


@dataclass(frozen=True)
class Kpi:
    id: str
    label: str
    unit: str  # "%", "count", "£", "kg CO2e", "score", "per 1,000 contacts"
    better: str | None  # "higher", "lower" or None
    theme: str
    description: str
    function: KpiFunction
    feed: str  # the feed whose rows it counts, and whose month it is counted in
    needs: frozenset[str]  # the fields of `Inputs` the function reads
    # the dimensions it may be grouped or filtered by: a figure by any other would mislead
    dimensions: tuple[str, ...]
    scale: float | None = None  # value = scale × numerator ÷ denominator; None: value = numerator
    # what the measure can take (None: unbounded), for drawing limits: 0–100 for a share
    bounds: tuple[float | None, float | None] = (None, None)
    replaces: str | None = None  # a headline count shown in place of this KPI
    # dimension it is not defined for -> why, in words that finish "not defined by <dimension>: "
    why_not: dict[str, str] = field(default_factory=dict, hash=False)
    formula: str = ""  # the function's docstring on one line

    @property
    def has_denominator(self) -> bool:
        return self.scale is not None

    def defined_for(self, dimensions) -> bool:
        """Whether the KPI means something when grouped or filtered by all of `dimensions`."""
        return set(dimensions) <= set(self.dimensions)

    def worded(self, standards: Standards) -> "Kpi":
        """This KPI with its label, description and formula stating the given standards."""
        words = standard_words(standards)
        return replace(self, label=self.label.format_map(words),
                       description=self.description.format_map(words),
                       formula=self.formula.format_map(words))


REGISTRY: dict[str, Kpi] = {}
# Counts shown in headlines in place of the KPI each `replaces`; never exported.
HEADLINE_ONLY: dict[str, Kpi] = {}
# What a measure can take, by unit, unless it declares otherwise.
UNIT_BOUNDS = {"%": (0.0, 100.0), "count": (0.0, None), "£": (0.0, None),
               "kg CO2e": (0.0, None), "per 1,000 contacts": (0.0, None)}


def kpi(id: str, label: str, unit: str, better: str | None, theme: str, description: str, *,
        feed: str, needs: tuple[str, ...], dimensions: tuple[str, ...],
        why_not: dict[str, str] | None = None, scale: float | None = None,
        bounds: tuple[float | None, float | None] | None = None,
        replaces: str | None = None) -> Callable[[KpiFunction], KpiFunction]:
    """Register a KPI function under `id` (order of registration is the order of display),
    declaring the feed it counts, the inputs it reads, the dimensions it is defined for and,
    for the others, why not; with `replaces`, a headline count shown in that KPI's place (and
    never exported)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme}")
    if feed not in FEEDS or not set(needs) <= set(NEEDS) or not set(dimensions) <= set(DIMENSIONS):
        raise ValueError(f"KPI {id}: unknown feed, input or dimension")
    if set(why_not or {}) & set(dimensions) or not set(why_not or {}) <= set(DIMENSIONS):
        raise ValueError(f"KPI {id}: a reason is given for a dimension it is defined for")

    def register(function: KpiFunction) -> KpiFunction:
        home = HEADLINE_ONLY if replaces else REGISTRY
        if id in REGISTRY or id in HEADLINE_ONLY:
            raise ValueError(f"KPI {id} registered twice")
        home[id] = Kpi(id, label, unit, better, theme, description, function, feed,
                       frozenset(needs), tuple(dimensions), scale,
                       bounds if bounds is not None else UNIT_BOUNDS.get(unit, (None, None)),
                       replaces, dict(why_not or {}),
                       " ".join((function.__doc__ or "").split()))
        return function

    return register


def measure(id: str) -> Kpi:
    """A KPI of the registry or a headline-only count, by id."""
    return REGISTRY[id] if id in REGISTRY else HEADLINE_ONLY[id]


def headline_kpis() -> tuple[Kpi, ...]:
    """What headlines show, in display order: every KPI, except that one with headline counts
    declared in its place shows those instead."""
    shown = []
    for kpi in REGISTRY.values():
        instead = [h for h in HEADLINE_ONLY.values() if h.replaces == kpi.id]
        shown += instead or [kpi]
    return tuple(shown)


def kpis_of(feed: str, needs: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The ids of the KPIs counting `feed` (and, if given, reading exactly `needs`)."""
    return tuple(k.id for k in REGISTRY.values()
                 if k.feed == feed and (needs is None or k.needs == frozenset(needs)))


def ratio(frame: pl.LazyFrame, by: list[str], numerator: pl.Expr,
          denominator: pl.Expr | None) -> pl.LazyFrame:
    """Sum a numerator (and denominator) per month and group.

    The expressions are evaluated per row first, so that a literal (`pl.lit(1)`) counts rows:
    summed directly inside the aggregation a literal is one scalar, whatever the group's size.
    """
    rows = frame.with_columns(
        numerator.cast(pl.Float64).alias("_numerator"),
        (denominator if denominator is not None else pl.lit(None)).cast(pl.Float64)
        .alias("_denominator"))
    return rows.group_by("month", *by).agg(
        pl.col("_numerator").sum().alias("numerator"),
        (pl.col("_denominator").sum() if denominator is not None
         else pl.lit(None, pl.Float64)).alias("denominator"))
