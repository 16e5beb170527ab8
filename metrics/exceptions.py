"""The exception report of `docs/programme.md`: which milestones, risks, benefits and KPIs a
report for a period must list, and why. Pure: frames and settings in, a list out. The papers,
the Programme page and `python -m metrics exceptions` all print this one list.

A report covers a calendar month (the cabinet one-pager) or half (the committee pack) and is
judged at its **report date**: the period's last day, or the data horizon's date where that is
earlier. Items are taken as they stand now:

- a milestone neither complete nor cancelled is **slipping** when its forecast (else baseline)
  date is after its baseline date, else **overdue** when that date is before the report date
  (a milestone due on the report date is not overdue);
- an open risk is **above appetite** when its score (residual likelihood × impact where both
  are given, else likelihood × impact) is at least the appetite;
- a benefit is **below plan** (higher is better) or **above plan** (lower is better) when its
  actual, in the latest month of the period that has a plan, misses that plan by more than the
  tolerance share of it; without an actual it is not listed;
- a KPI is **red** when its council-wide value in the month of the report date misses its target
  by more than the amber tolerance, else **concern** when that month's point is an SPC concern.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

import polars as pl

from metrics.compute import Query, Sources, compute
from metrics.months import half_months, london_day, months_between
from metrics.registry import REGISTRY
from metrics.safe_csv import csv_text
from metrics.scorecard import series_spc
from metrics.targets import rag

KINDS = ("milestone", "risk", "benefit", "kpi")
REASONS = ("slipping", "overdue", "above appetite", "below plan", "above plan", "red", "concern")
NO_COMMENTARY = "no commentary yet"
DEFAULT_APPETITE = 15.0
DEFAULT_TOLERANCE_PCT = 10.0


@dataclass(frozen=True)
class Period:
    """A report's period: `YYYY-MM` (a month) or `YYYY-H1` / `YYYY-H2` (a half)."""

    name: str

    @property
    def months(self) -> list[str]:
        return half_months(self.name) if "-H" in self.name else [self.name]

    @property
    def last_day(self) -> date:
        year, month = map(int, self.months[-1].split("-"))
        following = date(year + month // 12, month % 12 + 1, 1)
        return following - timedelta(days=1)

    def report_date(self, sources: Sources) -> date:
        """The period's last day, or the data horizon's London date where that is earlier."""
        if sources.as_of is None:
            return self.last_day
        return min(self.last_day, london_day(sources.as_of))


# `fct_risk_scores`: each recording of a risk's scores, for its trend (`metrics.risk_trend`).
RISK_SCORES_SCHEMA = {"score_id": pl.Int64, "source_system": pl.String, "risk_id": pl.String,
                      "recorded_at": pl.Datetime("us", "UTC"), "likelihood": pl.Int64,
                      "impact": pl.Int64, "residual_likelihood": pl.Int64,
                      "residual_impact": pl.Int64, "recorded_by": pl.String,
                      "load_id": pl.Int64}


@dataclass(frozen=True)
class Programme:
    """The programme as the warehouse holds it (`data.programme`'s frames)."""

    milestones: pl.DataFrame
    benefits: pl.DataFrame
    risks: pl.DataFrame
    risk_scores: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=RISK_SCORES_SCHEMA))


@dataclass(frozen=True)
class Item:
    """One row of the exception list."""

    kind: str  # milestone, risk, benefit or kpi
    id: str
    title: str
    reason: str
    owner: str | None
    commentary: str | None = None  # the owner's approved commentary for the period

    def as_row(self) -> dict[str, str | None]:
        """The row `python -m metrics exceptions` writes (owner None where none is recorded)."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "reason": self.reason,
                "owner": self.owner or None}


def appetite(settings: dict[str, str]) -> float:
    return float(settings.get("risk_appetite") or DEFAULT_APPETITE)


def tolerance(settings: dict[str, str]) -> float:
    """The benefit tolerance as a share (0.10 for the default 10 %)."""
    return float(settings.get("benefit_tolerance_pct") or DEFAULT_TOLERANCE_PCT) / 100


def milestone_reason(status: str, baseline: date, forecast: date | None,
                     report_date: date) -> str | None:
    if status in ("complete", "cancelled"):
        return None
    due = forecast or baseline
    if due > baseline:
        return "slipping"
    return "overdue" if due < report_date else None


def milestone_state(row: dict, when: date) -> str:
    """`complete`, `cancelled`, `slipping`, `overdue` or `on course`, at the report date."""
    if row["status"] in ("complete", "cancelled"):
        return row["status"]
    return milestone_reason(row["status"], row["baseline_due_on"], row["forecast_due_on"],
                            when) or "on course"


def current_score(risk: dict) -> int:
    """A risk row's current score (`risk_score`)."""
    return risk_score(risk["likelihood"], risk["impact"], risk["residual_likelihood"],
                      risk["residual_impact"])


def risk_score(likelihood: int, impact: int, residual_likelihood: int | None,
               residual_impact: int | None) -> int:
    """The current score: after mitigation where both residual scores are given."""
    if residual_likelihood is not None and residual_impact is not None:
        return residual_likelihood * residual_impact
    return likelihood * impact


def benefit_reason(planned: float, actual: float | None, better: str,
                   share: float) -> str | None:
    """"below plan" / "above plan" when the actual misses the plan by more than `share` of it;
    a miss of exactly the tolerance (to binary rounding) is not listed."""
    if actual is None:
        return None
    allowed = abs(planned) * share
    if better == "lower":
        limit = planned + allowed
        missed = actual > limit and not math.isclose(actual, limit, rel_tol=1e-9)
        return "above plan" if missed else None
    limit = planned - allowed
    missed = actual < limit and not math.isclose(actual, limit, rel_tol=1e-9)
    return "below plan" if missed else None


def kpi_values(sources: Sources, last_month: str, kpi_ids: tuple[str, ...]) -> pl.DataFrame:
    """month, kpi, value: the council-wide monthly values of the KPIs up to `last_month`."""
    if not kpi_ids:
        return pl.DataFrame(schema={"month": pl.String, "kpi": pl.String, "value": pl.Float64})
    return compute(sources, Query(last_month=last_month, kpis=kpi_ids)).select(
        "month", "kpi", "value")


def benefit_actuals(benefits: pl.DataFrame, sources: Sources) -> pl.DataFrame:
    """The benefits' rows with `actual` filled from the KPI they name (council-wide value of
    that month), so that a benefit tied to a KPI is never typed in."""
    named = tuple(sorted(k for k in benefits.get_column("kpi").drop_nulls().unique()
                         if k in REGISTRY))
    if not named or benefits.height == 0:
        return benefits
    values = kpi_values(sources, benefits.get_column("month").max(), named).rename(
        {"value": "_kpi_value"})
    joined = benefits.join(values, on=["month", "kpi"], how="left")
    return joined.with_columns(pl.when(pl.col("kpi").is_not_null()).then(pl.col("_kpi_value"))
                               .otherwise(pl.col("actual")).alias("actual")).drop("_kpi_value")


def exception_list(programme: Programme, sources: Sources, period: Period,
                   targets: dict[str, tuple[float, float]], settings: dict[str, str],
                   owners: dict[str, str], commentary: dict[tuple[str, str], str]) -> list[Item]:
    """The period's exceptions: milestones, then risks, benefits and KPIs, each kind in id
    order (KPIs in the registry's). `commentary`: (kind, id) -> the approved text for the
    period."""
    when = period.report_date(sources)
    items: list[Item] = []
    for m in programme.milestones.sort("milestone_id").iter_rows(named=True):
        why = milestone_reason(m["status"], m["baseline_due_on"], m["forecast_due_on"], when)
        if why:
            items.append(Item("milestone", m["milestone_id"], m["title"], why, m["owner"]))
    limit = appetite(settings)
    for r in programme.risks.sort("risk_id").iter_rows(named=True):
        if r["status"] == "open" and current_score(r) >= limit:
            items.append(Item("risk", r["risk_id"], r["title"], "above appetite", r["owner"]))
    items += _benefits(programme.benefits, sources, period, tolerance(settings))
    items += _kpis(sources, when, targets, owners)
    return [Item(i.kind, i.id, i.title, i.reason, i.owner, commentary.get((i.kind, i.id)))
            for i in items]


def _benefits(benefits: pl.DataFrame, sources: Sources, period: Period,
              share: float) -> list[Item]:
    latest = (benefits.filter(pl.col("month").is_in(period.months))
              .sort("benefit_id", "month").group_by("benefit_id", maintain_order=True).last())
    items = []
    for b in benefit_actuals(latest, sources).sort("benefit_id").iter_rows(named=True):
        why = benefit_reason(b["planned"], b["actual"], b["better"], share)
        if why:
            items.append(Item("benefit", b["benefit_id"], b["title"], why, b["owner"]))
    return items


def _kpis(sources: Sources, when: date, targets: dict[str, tuple[float, float]],
          owners: dict[str, str]) -> list[Item]:
    month = f"{when:%Y-%m}"
    values = kpi_values(sources, month, tuple(REGISTRY)).filter(pl.col("value").is_not_null())
    items = []
    for kpi in REGISTRY.values():
        rows = values.filter(pl.col("kpi") == kpi.id)
        by_month = dict(rows.select("month", "value").iter_rows())
        if month not in by_month:
            continue
        target, amber = targets.get(kpi.id, (None, None)) if kpi.better else (None, None)
        status = rag(by_month[month], target, kpi.better, amber) if kpi.better else None
        series = months_between(min(by_month), month)
        spc = series_spc(kpi, series, [by_month.get(m) for m in series], target,
                         sources.change_points)
        why = ("red" if status is not None and status.status == "red"
               else "concern" if spc.signals[-1] == "concern" else None)
        if why:
            items.append(Item("kpi", kpi.id, kpi.worded(sources.standards).label, why,
                              owners.get(kpi.id)))
    return items


COLUMNS = ("kind", "id", "title", "reason", "owner")


def write_exceptions(items: list[Item], out: TextIO, fmt: str = "csv") -> None:
    """The list as `python -m metrics exceptions` writes it: CSV with a header row (an empty
    owner is an empty cell), or a JSON list of objects with the same keys (an empty owner is
    null)."""
    if fmt == "json":
        out.write(json.dumps([i.as_row() for i in items]) + "\n")
        return
    frame = pl.DataFrame([i.as_row() for i in items], schema={c: pl.String for c in COLUMNS})
    out.write(csv_text(frame))
