"""The satisfaction page's figures on tiny inputs worked out by hand, and the bounded comments
read on a real warehouse (SQLite and PostgreSQL)."""

from datetime import timedelta

import polars as pl
import pytest

from data.bulk import insert_frame
from data.models import SurveyResponse
from metrics.satisfaction_view import interval_text, latest_comments, satisfaction_by
from reports.charts.satisfaction import csat_interval_alt, csat_interval_chart
from tests.metrics.builders import months, response, responses, sources, utc


def eight_of_ten() -> pl.DataFrame:
    # January 4 of 5 satisfied, February 4 of 5: over both months 8 of 10.
    january = [response(utc(2024, 1, 10 + i), csat=s) for i, s in enumerate((5, 4, 4, 5, 2))]
    february = [response(utc(2024, 2, 10 + i), csat=s) for i, s in enumerate((4, 1, 5, 4, 4))]
    return responses(*january, *february)


def test_csat_over_a_period_with_its_wilson_interval():
    # p = 0.8, n = 10, z = 1.959964, z²/n = 0.384146:
    # centre = (0.8 + 0.192073) / 1.384146 = 0.716740
    # half = 1.959964 / 1.384146 × sqrt(0.8 × 0.2 / 10 + 3.841459 / 400) = 1.416008 × 0.160011
    #      = 0.226577 -> 49.0 % to 94.3 %.
    overall = satisfaction_by(sources(response_rows=eight_of_ten()),
                              months("2024-01", "2024-02")).row(0, named=True)
    assert overall["csat_pct"] == pytest.approx(80.0)
    assert overall["csat_n"] == 10
    assert overall["responses"] == 10
    assert overall["csat_low"] == pytest.approx(49.016, abs=1e-3)
    assert overall["csat_high"] == pytest.approx(94.332, abs=1e-3)
    assert (interval_text(overall["csat_low"], overall["csat_high"], overall["csat_n"])
            == "95 % interval 49.0 % to 94.3 %, n = 10")


def test_nps_and_effort_come_with_their_n_and_no_interval():
    # NPS: promoters 10, 9; passive 7; detractor 3 -> 100 × (2 − 1) / 4 = 25, n = 4.
    # Effort: 7 and 5 -> 6.0, n = 2. No csat given: csat has n = 0 and no value.
    rows = responses(response(utc(2024, 1, 10), nps=10, ces=7), response(utc(2024, 1, 11), nps=9),
                     response(utc(2024, 1, 12), nps=7, ces=5), response(utc(2024, 1, 13), nps=3))
    overall = satisfaction_by(sources(response_rows=rows), months("2024-01")).row(0, named=True)
    assert (overall["nps"], overall["nps_n"]) == (pytest.approx(25.0), 4)
    assert (overall["ces_mean"], overall["ces_n"]) == (pytest.approx(6.0), 2)
    assert (overall["csat_pct"], overall["csat_low"], overall["csat_n"]) == (None, None, 0)
    assert interval_text(None, None, 4) == "n = 4"


def test_satisfaction_by_channel_and_service():
    rows = responses(response(utc(2024, 1, 10), "phone", "Waste", csat=5),
                     response(utc(2024, 1, 11), "phone", "Parking", csat=2),
                     response(utc(2024, 1, 12), "web", "Waste", csat=4),
                     response(utc(2024, 1, 13), "web", "Waste", csat=4))
    src = sources(response_rows=rows)
    by_channel = satisfaction_by(src, months("2024-01", by=("channel",)))
    assert by_channel.select("channel", "csat_pct", "csat_n").rows() == [
        ("phone", 50.0, 2), ("web", 100.0, 2)]
    # 2 of 2: Wilson keeps the upper bound at 100 % and the lower one well below it.
    web = by_channel.filter(pl.col("channel") == "web").row(0, named=True)
    assert web["csat_high"] == pytest.approx(100.0)
    assert web["csat_low"] == pytest.approx(34.24, abs=0.01)
    waste = satisfaction_by(src, months("2024-01", by=("service",), service=("Waste",)))
    assert waste.select("service", "responses", "csat_pct").rows() == [
        ("Waste", 3, pytest.approx(100.0))]


def test_satisfaction_is_not_defined_by_ward():
    src = sources(response_rows=eight_of_ten())
    assert satisfaction_by(src, months("2024-01", "2024-02", ward=("Abbey",))) is None


def stored(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema={"responded_at": pl.Datetime("us", "UTC"),
                                       "service": pl.String, "channel": pl.String,
                                       "comment": pl.String}, orient="row")
    return frame.with_columns(
        pl.lit("canonical").alias("source_system"),
        pl.format("r{}", pl.int_range(pl.len())).alias("response_id"),
        pl.lit(1, pl.Int64).alias("load_id"))


def test_latest_comments_are_the_newest_50_for_the_service_in_the_period(engine):
    start = utc(2024, 1, 1, 9)
    rows = [{"responded_at": start + timedelta(hours=i), "service": "Waste", "channel": "phone",
             "comment": f"comment {i}"} for i in range(55)]
    rows += [
        {"responded_at": utc(2024, 1, 20), "service": "Parking", "channel": "phone",
         "comment": "another service"},
        {"responded_at": utc(2024, 2, 1), "service": "Waste", "channel": "phone",
         "comment": "after the period"},
        {"responded_at": utc(2024, 1, 21), "service": "Waste", "channel": "web",
         "comment": ""},
        {"responded_at": utc(2024, 1, 22), "service": "Waste", "channel": "web",
         "comment": None},
        {"responded_at": utc(2024, 1, 23), "service": "O'Brien's; --", "channel": "web",
         "comment": "a name that would break SQL built from text"},
    ]
    with engine.begin() as conn:
        insert_frame(conn, SurveyResponse.__table__, stored(rows))
    january = months("2024-01")
    latest = latest_comments(engine, "Waste", january)
    odd = latest_comments(engine, "O'Brien's; --", january)
    web_only = latest_comments(engine, "Waste", months("2024-01", channel=("web",)))
    assert latest.height == 50
    assert latest.get_column("comment").to_list() == [f"comment {i}" for i in range(54, 4, -1)]
    assert odd.get_column("comment").to_list() == ["a name that would break SQL built from text"]
    assert web_only.height == 0


def test_a_period_without_responses_reads_zero_responses_and_no_rates():
    whole = satisfaction_by(sources(), months("2024-01"))
    assert whole.select("responses", "csat_pct", "csat_n", "nps", "nps_n").rows() == [
        (0, None, 0, None, 0)]
    assert satisfaction_by(sources(), months("2024-01", by=("channel",))).height == 0


def test_the_csat_chart_draws_each_interval_around_its_value():
    by_channel = satisfaction_by(sources(response_rows=eight_of_ten()),
                                 months("2024-01", "2024-02", by=("channel",)))
    trace = csat_interval_chart(by_channel, "channel", "CSAT").data[0]
    assert list(trace.y) == ["Phone (n = 10)"]
    assert trace.error_x.array[0] == pytest.approx(94.332 - 80.0, abs=1e-3)
    assert trace.error_x.arrayminus[0] == pytest.approx(80.0 - 49.016, abs=1e-3)
    assert "49.0 % to 94.3 %, n = 10" in csat_interval_alt(by_channel, "channel")


def test_the_csat_chart_and_its_alternative_name_a_channel_in_words():
    rows = responses(*[response(utc(2024, 1, 10 + i), "face_to_face", csat=5) for i in range(4)])
    by_channel = satisfaction_by(sources(response_rows=rows), months("2024-01", by=("channel",)))
    assert list(csat_interval_chart(by_channel, "channel", "CSAT").data[0].y) == [
        "Face to face (n = 4)"]
    assert "highest Face to face 100.0 %" in csat_interval_alt(by_channel, "channel")
    assert by_channel.get_column("channel").to_list() == ["face_to_face"]
