"""What the council changed because of complaints: actions recorded against a complaint theme,
checked before they are saved, and each action's measure before and after it.

An action names a theme (a `category` of the complaints feed), the service, the date the change
took effect, what changed, who changed it and the KPI that should move. `checked_actions` checks
a form's entry or a sheet's rows one by one: good rows are kept, each bad row is named with the
rule it broke (row by row, so one bad row does not hold back the rest).

Before and after: the KPI over the `BEFORE_MONTHS` months before the action's month, and over
the months from the action's month to the last month asked for. A KPI that can be counted by
theme (the complaint KPIs) is counted for the action's theme in its service, through
`compute_by_column(..., "category")`; any other KPI for the action's service, through `compute`.
Each side adds up its months' counts, then divides, as every period figure does.
"""

import csv
import io
from datetime import date

import polars as pl

from data.edits import ACTION_FIELDS
from metrics.compute import Query, Sources, compute, compute_by_column
from metrics.periods import period_totals
from metrics.registry import REGISTRY
from transform.calendar import shift_month

BEFORE_MONTHS = 6
RESULT_COLUMNS = ("action_id", "complaint_theme", "service", "changed_on", "what_changed",
                  "changed_by", "kpi", "measured_for", "before_first", "before_last",
                  "before_numerator", "before_denominator", "before", "after_first",
                  "after_last", "after_numerator", "after_denominator", "after")


def sheet_rows(data: bytes) -> list[dict[str, str]]:
    """A sheet of actions (CSV, UTF-8, a header row naming `ACTION_FIELDS`) as rows of text."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def checked_actions(rows: list[dict], themes: set[str], services: set[str],
                    source: str = "form", numbered: bool = True) -> tuple[list[dict], list[str]]:
    """The rows that pass every rule (changed_on as a date) and one message per bad row, naming
    `source`, the row (as a spreadsheet numbers it: the header is row 1; unless not
    `numbered`, for a form's one entry) and the rule.

    Rules: every field of `ACTION_FIELDS` present and not blank; the theme one of `themes`; the
    service one of `services`; changed_on a real date written YYYY-MM-DD; kpi a KPI id of the
    registry."""
    good, errors = [], []
    for number, row in enumerate(rows, start=2):
        values = {name: str(row.get(name) or "").strip() for name in ACTION_FIELDS}
        broken = _broken(values, themes, services)
        if broken:
            errors.append(f"{source}, row {number}: {broken}" if numbered
                          else f"{source}: {broken}")
        else:
            good.append({**values, "changed_on": date.fromisoformat(values["changed_on"])})
    return good, errors


def _broken(values: dict[str, str], themes: set[str], services: set[str]) -> str | None:
    missing = [name for name, value in values.items() if not value]
    if missing:
        return f"{', '.join(missing)} is required"
    if values["complaint_theme"] not in themes:
        return "complaint_theme is not a theme of any complaint loaded"
    if values["service"] not in services:
        return "service is not a service of any complaint loaded"
    try:
        if len(values["changed_on"]) != 10:
            raise ValueError
        date.fromisoformat(values["changed_on"])
    except ValueError:
        return "changed_on must be a real date written YYYY-MM-DD"
    if values["kpi"] not in REGISTRY:
        return "kpi is not a KPI id of the dashboard (see docs/kpis.md)"
    if len(values["what_changed"]) > 2000 or max(
            len(values[n]) for n in ("complaint_theme", "service", "changed_by")) > 100:
        return "what_changed is at most 2,000 characters, other fields at most 100"
    return None


def before_and_after(sources: Sources, actions: pl.DataFrame, last_month: str) -> pl.DataFrame:
    """Each action whose month is no later than `last_month`, with its KPI before (the
    `BEFORE_MONTHS` months before its month) and after (its month to `last_month`): numerator,
    denominator and value of each side, and what it was measured for ("theme in service" or
    "service"). Columns `RESULT_COLUMNS`, by date."""
    rows = []
    for action in actions.sort("changed_on", "action_id").iter_rows(named=True):
        month = action["changed_on"].strftime("%Y-%m")
        if month > last_month:
            continue
        before = (shift_month(month, -BEFORE_MONTHS), shift_month(month, -1))
        after = (month, last_month)
        by_theme, (b_num, b_den, b_val) = _measure(sources, action, *before)
        _, (a_num, a_den, a_val) = _measure(sources, action, *after)
        rows.append({**{n: action[n] for n in ("action_id", *ACTION_FIELDS)},
                     "measured_for": "theme in service" if by_theme else "service",
                     "before_first": before[0], "before_last": before[1],
                     "before_numerator": b_num, "before_denominator": b_den, "before": b_val,
                     "after_first": after[0], "after_last": after[1],
                     "after_numerator": a_num, "after_denominator": a_den, "after": a_val})
    return pl.DataFrame(rows, schema=_SCHEMA)


def _measure(sources: Sources, action: dict, first: str, last: str) -> tuple[bool, tuple]:
    """(whether it was counted by theme, (numerator, denominator, value)) over first..last."""
    by_theme, long = _monthly(sources, action, first, last)
    totals = period_totals(long.select("kpi", "numerator", "denominator"))
    if totals.height == 0:
        return by_theme, (None, None, None)
    return by_theme, totals.select("numerator", "denominator", "value").row(0)


def _monthly(sources: Sources, action: dict, first: str | None,
             last: str | None) -> tuple[bool, pl.DataFrame]:
    """The action's KPI month by month (compute's long form), for its theme in its service if
    the KPI can be counted by theme, else for its service; and which of the two it is."""
    query = Query(first_month=first, last_month=last, kpis=(action["kpi"],),
                  filters={"service": (action["service"],)})
    by_theme = _by_theme(action["kpi"])
    long = (compute_by_column(sources, query, "category")
            .filter(pl.col("category") == action["complaint_theme"]) if by_theme
            else compute(sources, query))
    return by_theme, long


def measure_by_month(sources: Sources, action: dict) -> pl.DataFrame:
    """The action's measure in every month of the data: Month, the measure's label (its value),
    Counted, Out of, and Action (what changed, on the action's month only; else empty)."""
    _, long = _monthly(sources, action, None, None)
    month = action["changed_on"].strftime("%Y-%m")
    return long.sort("month").select(
        pl.col("month").alias("Month"),
        pl.col("value").round(1).alias(REGISTRY[action["kpi"]].label),
        pl.col("numerator").alias("Counted"), pl.col("denominator").alias("Out of"),
        pl.when(pl.col("month") == month)
        .then(pl.lit(f"{action['changed_on']}: {action['what_changed']}"))
        .otherwise(pl.lit("")).alias("Action"))


def _by_theme(kpi_id: str) -> bool:
    """Whether the KPI counts complaint facts only, so can be counted by theme."""
    return REGISTRY[kpi_id].needs == {"complaints"}


_SCHEMA = {"action_id": pl.Int64, "complaint_theme": pl.String, "service": pl.String,
           "changed_on": pl.Date, "what_changed": pl.String, "changed_by": pl.String,
           "kpi": pl.String, "measured_for": pl.String, "before_first": pl.String,
           "before_last": pl.String, "before_numerator": pl.Float64,
           "before_denominator": pl.Float64, "before": pl.Float64, "after_first": pl.String,
           "after_last": pl.String, "after_numerator": pl.Float64,
           "after_denominator": pl.Float64, "after": pl.Float64}


def known(complaints: pl.DataFrame) -> tuple[set[str], set[str]]:
    """The themes and the services of the complaints loaded: what an action may name."""
    rows = complaints.filter(pl.col("kind") == "complaint")
    return ({t for t in rows.get_column("category").unique().to_list() if t},
            {s for s in rows.get_column("service").unique().to_list() if s})


def actions_table(measured: pl.DataFrame) -> pl.DataFrame:
    """`before_and_after` as people read it: Date, Theme, Service, What changed, Changed by,
    Measure, Measured for, Before, Before months, After, After months."""
    labels = {k: REGISTRY[k].label for k in measured.get_column("kpi").unique().to_list()}
    return measured.select(
        pl.col("changed_on").alias("Date"), pl.col("complaint_theme").alias("Theme"),
        pl.col("service").alias("Service"), pl.col("what_changed").alias("What changed"),
        pl.col("changed_by").alias("Changed by"),
        pl.col("kpi").replace_strict(labels, return_dtype=pl.String).alias("Measure"),
        pl.col("measured_for").alias("Measured for"),
        pl.col("before").round(1).alias("Before"),
        pl.concat_str("before_first", pl.lit(" to "), "before_last").alias("Before months"),
        pl.col("after").round(1).alias("After"),
        pl.concat_str("after_first", pl.lit(" to "), "after_last").alias("After months"))
