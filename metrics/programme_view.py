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
from metrics.risk_trend import risk_trends


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


def risk_register(risks: pl.DataFrame, settings: dict[str, str],
                  history: pl.DataFrame) -> pl.DataFrame:
    """Each risk with its score before and after mitigation, its current score against the
    previous recorded one and the trend in words and symbol (`metrics.risk_trend`), and where it
    stands against the appetite."""
    limit = appetite(settings)
    scores = [current_score(r) for r in risks.iter_rows(named=True)]
    trends = risk_trends(risks, history).select("source_system", "risk_id", "previous_score",
                                                "trend")
    # The current score, its trend and the appetite first: what a reader looks for, in view
    # without scrolling the table.
    return risks.join(trends, on=["source_system", "risk_id"], how="left",
                      maintain_order="left").with_columns(
        (pl.col("likelihood") * pl.col("impact")).alias("score_before"),
        (pl.col("residual_likelihood") * pl.col("residual_impact")).alias("score_after"),
        pl.Series("current_score", scores, dtype=pl.Int64),
    ).with_columns(
        pl.when(pl.col("status") == "closed").then(pl.lit("closed"))
        .when(pl.col("current_score") >= limit).then(pl.lit("at or above appetite"))
        .otherwise(pl.lit("below appetite")).alias("against_appetite"),
    ).select("risk_id", "title", "owner", "current_score", "previous_score", "trend",
             "against_appetite", "likelihood", "impact", "score_before",
             "residual_likelihood", "residual_impact", "score_after",
             "review_on", "status", "mitigation", "edited_by", "edited_at")


def risk_history_words(title: str, history: pl.DataFrame, register_row: dict,
                       limit: float) -> str:
    """The text alternative of a risk's score chart, from the recordings it draws and the
    register's row of that risk (the previous and current score and the trend shown there)."""
    scores = history.get_column("score").to_list()
    first, last = history.item(0, "recorded_at"), history.item(-1, "recorded_at")
    previous = register_row["previous_score"]
    compared = (f"{register_row['current_score']} now against {previous} before "
                f"({register_row['trend']})" if previous is not None
                else f"{register_row['current_score']} now, its first score recorded (new)")
    return (f"Step chart of the current score of {title} (likelihood × impact, after "
            f"mitigation where assessed) at each of its {len(scores)} "
            f"{'recording' if len(scores) == 1 else 'recordings'}, from {first:%-d %B %Y} to "
            f"{last:%-d %B %Y}, with the appetite of {limit:g} as a dashed line: {compared}; "
            f"highest {max(scores)}, lowest {min(scores)}.")
