"""Each risk's trend: its current score against the score recorded before it.

A risk's scores are recorded (`fct_risk_scores`) whenever a load or a staff edit changes them.
The **current score** is `docs/programme.md`'s: residual likelihood × residual impact where
both are given, else likelihood × impact, from the register as it stands now. The **previous
score** is that of the latest recording whose four scores differ from the current ones (a
re-scoring to the same product, 2 × 3 after 3 × 2, reads "steady"); a risk with no such
recording is "new". Pure: frames in, frames out.
"""

import polars as pl

from metrics.exceptions import risk_score
from metrics.wording import risk_trend

SCORES = ("likelihood", "impact", "residual_likelihood", "residual_impact")


def _score(row: dict) -> int:
    return risk_score(*(row[s] for s in SCORES))


def risk_trends(risks: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """source_system, risk_id, current_score, previous_score (null: none recorded before),
    trend ("rising ▲", "falling ▼", "steady ▶" or "new"), one row per risk of `risks`."""
    earlier: dict[tuple[str, str], list[dict]] = {}
    for row in history.sort("score_id").iter_rows(named=True):
        earlier.setdefault((row["source_system"], row["risk_id"]), []).append(row)
    out = []
    for risk in risks.iter_rows(named=True):
        now = tuple(risk[s] for s in SCORES)
        before = [r for r in earlier.get((risk["source_system"], risk["risk_id"]), [])
                  if tuple(r[s] for s in SCORES) != now]
        current = _score(risk)
        previous = _score(before[-1]) if before else None
        out.append({"source_system": risk["source_system"], "risk_id": risk["risk_id"],
                    "current_score": current, "previous_score": previous,
                    "trend": risk_trend(previous, current)})
    return pl.DataFrame(out, schema={"source_system": pl.String, "risk_id": pl.String,
                                     "current_score": pl.Int64, "previous_score": pl.Int64,
                                     "trend": pl.String})


def score_history(history: pl.DataFrame, source_system: str, risk_id: str) -> pl.DataFrame:
    """One risk's recordings in the order written: recorded_at, recorded_by, the four scores
    and the current score each gave (`score`)."""
    rows = history.filter((pl.col("source_system") == source_system)
                          & (pl.col("risk_id") == risk_id)).sort("score_id")
    scores = [_score(r) for r in rows.iter_rows(named=True)]
    return rows.with_columns(pl.Series("score", scores, dtype=pl.Int64)).select(
        "recorded_at", "recorded_by", *SCORES, "score")
