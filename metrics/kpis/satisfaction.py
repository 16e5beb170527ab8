"""Satisfaction KPIs (`docs/kpis.md`, Satisfaction): month of `responded_at`, grouped by the
responses' own service and channel."""

from functools import partial

import polars as pl

from metrics.registry import Inputs, kpi, ratio

satisfaction_kpi = partial(kpi, feed="satisfaction", needs=("responses",),
                           dimensions=("service", "channel"),
                           why_not={"ward": "survey responses carry no ward"})


def _rate(inputs: Inputs, by: list[str], numerator: pl.Expr, denominator: pl.Expr | None):
    return ratio(inputs.responses, by, numerator, denominator)


@satisfaction_kpi("survey_responses", "Survey responses", "count", None, "satisfaction",
     "How many residents answered a satisfaction survey.")
def survey_responses(inputs: Inputs, by: list[str]):
    """numerator: responses. No denominator."""
    return _rate(inputs, by, pl.lit(1), None)


@satisfaction_kpi("csat_pct", "Satisfied residents", "%", "higher", "satisfaction",
     "Share of residents rating their contact 4 or 5 out of 5.", scale=100)
def csat_pct(inputs: Inputs, by: list[str]):
    """100 × responses with csat 4 or 5 ÷ responses with a csat."""
    return _rate(inputs, by, (pl.col("csat") >= 4).fill_null(False),
                 pl.col("csat").is_not_null())


@satisfaction_kpi("nps", "Net promoter score", "score", "higher", "satisfaction",
     "Promoters (9–10) minus detractors (0–6), as a share of everyone who answered: −100 to "
     "100.", scale=100, bounds=(-100.0, 100.0))
def nps(inputs: Inputs, by: list[str]):
    """100 × (responses with nps 9–10 − responses with nps 0–6) ÷ responses with an nps."""
    score = pl.col("nps")
    return _rate(inputs, by,
                 pl.when(score >= 9).then(1).when(score <= 6).then(-1).otherwise(0),
                 score.is_not_null())


@satisfaction_kpi("ces_mean", "Customer effort", "score", "higher", "satisfaction",
     "Average ease of getting things done, from 1 (very difficult) to 7 (very easy).", scale=1,
     bounds=(1.0, 7.0))
def ces_mean(inputs: Inputs, by: list[str]):
    """sum of ces ÷ responses with a ces."""
    return _rate(inputs, by, pl.col("ces").fill_null(0), pl.col("ces").is_not_null())
