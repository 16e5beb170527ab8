"""Learning from complaints on the whole demo council: every figure equals what `metrics`
computes for the KPI it breaks down (upheld by theme and by service add up to `upheld_pct`,
themes received to `complaints_received`, compliments to `compliments_received`), and a small
case by hand."""

from datetime import date

import polars as pl
import pytest

from metrics.compute import Query, compute
from metrics.learning_view import feedback_by, themes_against_upheld, upheld_by
from metrics.periods import period_totals
from tests.metrics.builders import complaint, complaints, run, sources

HALF = Query(first_month="2026-05", last_month="2026-10")


def _kpi(src, kpi: str, query: Query = HALF, by: tuple[str, ...] = ()) -> pl.DataFrame:
    long = compute(src, Query(by=by, first_month=query.first_month,
                              last_month=query.last_month, kpis=(kpi,)))
    return period_totals(long, list(by))


@pytest.mark.parametrize("by", ["category", "service"])
def test_upheld_by_theme_and_service_add_up_to_the_kpi(whole_demo, by):
    src, _, _ = whole_demo
    table = upheld_by(src, HALF, by)
    overall = _kpi(src, "upheld_pct").row(0, named=True)
    assert table["Upheld"].sum() == overall["numerator"] > 0
    assert table["Decided"].sum() == overall["denominator"]
    if by == "service":
        expected = _kpi(src, "upheld_pct", by=("service",))
        assert dict(zip(table["Service"], table["Upheld %"])) == pytest.approx(
            dict(zip(expected["service"], expected["value"].round(1))))


def test_themes_against_upheld_match_the_kpis_month_by_month(whole_demo):
    src, _, _ = whole_demo
    frame = themes_against_upheld(src, HALF)
    received = compute(src, Query(first_month=HALF.first_month, last_month=HALF.last_month,
                                  kpis=("complaints_received", "upheld_pct")))
    months = frame.group_by("Month").agg(pl.col("Received", "Upheld", "Decided").sum()).sort(
        "Month")
    for month, got_received, got_upheld, got_decided in months.iter_rows():
        rows = {r["kpi"]: r for r in received.filter(pl.col("month") == month).iter_rows(
            named=True)}
        assert got_received == rows["complaints_received"]["numerator"]
        assert (got_upheld, got_decided) == (rows["upheld_pct"]["numerator"],
                                             rows["upheld_pct"]["denominator"])


def test_compliments_and_comments_by_service_and_theme_add_up(whole_demo):
    src, _, _ = whole_demo
    compliments = _kpi(src, "compliments_received").row(0, named=True)["numerator"]
    for by in ("service", "category"):
        assert feedback_by(src.complaints, HALF, "compliment", by)["Compliments"].sum() == (
            compliments)
    comments = src.complaints.filter(
        (pl.col("kind") == "comment")
        & pl.col("received_on").is_between(date(2026, 5, 1), date(2026, 10, 31))).height
    assert feedback_by(src.complaints, HALF, "comment", "service")["Comments"].sum() == comments


def test_upheld_by_theme_by_hand():
    rows = complaints(
        complaint(date(2024, 3, 1), responded_on=date(2024, 3, 10), outcome="upheld",
                  category="delay"),
        complaint(date(2024, 3, 1), responded_on=date(2024, 3, 11), outcome="partly_upheld",
                  category="delay"),
        complaint(date(2024, 3, 2), responded_on=date(2024, 3, 12), outcome="not_upheld",
                  category="delay"),
        complaint(date(2024, 3, 2), responded_on=date(2024, 3, 12), outcome="withdrawn",
                  category="delay"),  # not decided
        complaint(date(2024, 3, 3), responded_on=date(2024, 3, 13), outcome="not_upheld"),
        complaint(date(2024, 2, 3), responded_on=date(2024, 4, 2), outcome="upheld",
                  category="policy"),  # decided in April: outside March
    )
    march = Query(first_month="2024-03", last_month="2024-03")
    assert upheld_by(sources(complaint_rows=rows), march, "category").rows() == [
        ("delay", 2, 3, 66.7), ("Not recorded", 0, 1, 0.0)]
    assert run(complaint_rows=rows, kpis=("upheld_pct",), first_month="2024-03",
               last_month="2024-03").select("numerator", "denominator").row(0) == (2, 4)
