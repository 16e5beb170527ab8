"""The Programme page's tables, from the programme and its exception list: what each milestone,
benefit and risk stands at on the report date, in the words of `docs/programme.md`."""

from datetime import date

import polars as pl

from metrics.exceptions import (
    NO_COMMENTARY,
    Item,
    appetite,
    benefit_reason,
    current_score,
    milestone_state,
    tolerance,
)


def exceptions_frame(items: list[Item]) -> pl.DataFrame:
    """kind, id, title, reason, owner, commentary ("no commentary yet" where none is approved)."""
    return pl.DataFrame([{**i.as_row(), "commentary": i.commentary or NO_COMMENTARY}
                         for i in items],
                        schema={c: pl.String for c in ("kind", "id", "title", "reason", "owner",
                                                       "commentary")})


def milestones_frame(milestones: pl.DataFrame, when: date) -> pl.DataFrame:
    """Each milestone with its forecast (the baseline where none is given) and where it stands
    on `when`, earliest baseline first."""
    rows = milestones.with_columns(pl.col("forecast_due_on").fill_null(pl.col("baseline_due_on")))
    states = [milestone_state(m, when) for m in milestones.iter_rows(named=True)]
    return rows.with_columns(pl.Series("at_report_date", states, dtype=pl.String)).select(
        "milestone_id", "workstream", "title", "owner", "baseline_due_on", "forecast_due_on",
        "completed_on", "status", "at_report_date", "rag_reason", "edited_by", "edited_at")


def benefits_frame(benefits: pl.DataFrame, settings: dict[str, str]) -> pl.DataFrame:
    """Each benefit's months with plan, actual (its KPI's value where it names one) and how the
    actual stands against the plan."""
    share = tolerance(settings)
    verdicts = ["no actual yet" if b["actual"] is None else
                benefit_reason(b["planned"], b["actual"], b["better"], share) or "within tolerance"
                for b in benefits.iter_rows(named=True)]
    return benefits.with_columns(pl.Series("against_plan", verdicts, dtype=pl.String)).select(
        "benefit_id", "month", "title", "kind", "better", "unit", "owner", "kpi", "planned",
        "actual", "against_plan")


def risk_register(risks: pl.DataFrame, settings: dict[str, str]) -> pl.DataFrame:
    """Each risk with its score before and after mitigation and against the appetite."""
    limit = appetite(settings)
    scores = [current_score(r) for r in risks.iter_rows(named=True)]
    return risks.with_columns(
        (pl.col("likelihood") * pl.col("impact")).alias("score_before"),
        (pl.col("residual_likelihood") * pl.col("residual_impact")).alias("score_after"),
        pl.Series("current_score", scores, dtype=pl.Int64),
    ).with_columns(
        pl.when(pl.col("status") == "closed").then(pl.lit("closed"))
        .when(pl.col("current_score") >= limit).then(pl.lit("at or above appetite"))
        .otherwise(pl.lit("below appetite")).alias("against_appetite"),
    ).select("risk_id", "title", "owner", "likelihood", "impact", "score_before",
             "residual_likelihood", "residual_impact", "score_after", "against_appetite",
             "review_on", "status", "mitigation", "edited_by", "edited_at")
