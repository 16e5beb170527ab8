"""Drill-down figures below the mart's grain, on nine January contacts worked out by hand.

The contacts (UTC; London = UTC in January), Waste unless said, an anchor contact on 31 March
setting the data horizon so every January contact's follow-up window has passed:

    #  customer  when          channel  demand   failure_type    reason     team  status
    1  c1        Jan 2 10:00   phone    failure  not done        missed bin A     first; 2 after 2 d
    2  c1        Jan 4 10:00   web      failure  not done        missed bin A     repeat of 1
    3  c1        Jan 5 22:00   phone    failure  chasing         missed bin B     repeat of 2
    4  c2        Jan 10 09:00  email    value    -               new bin    A     first; 5 10 d on
    5  c2        Jan 20 09:00  phone    failure  chasing         missed bin -     first; 9 after 1 d
    6  -         Jan 15 12:00  phone    -        -               -          -     no customer
    7  c3 Hsg    Jan 12 10:00  phone    failure  unclear letter  rent       -     first, unresolved
    8  c3 Hsg    Jan 12 18:00  webchat  value    -               rent       -     repeat of 7
    9  c2        Jan 21 09:00  phone    value    -               missed bin B     repeat of 5

Contact 4 is in ward North; the others have no ward.
"""

import polars as pl
import pytest

from metrics.compute import Query, compute
from metrics.drill import (
    CONTACT_KPIS,
    GAP_BUCKETS,
    NOT_RECORDED,
    breakdown,
    channel_bounce,
    channel_changed_pct,
    contact_facts,
    drill_parts,
    follow_up_gaps,
    matter_contacts,
    pareto,
    period_parts,
    ranking,
)
from metrics.reads import sources_from_warehouse
from pipelines.ingest import ingest_file
from reports.charts.failure import (
    bounce_alt,
    bounce_heatmap,
    bounce_matrix,
    gap_alt,
    pareto_alt,
    pareto_chart,
    ranking_alt,
    ranking_chart,
)
from tests.metrics.builders import contact, contacts, months, sources, utc, write_csv
from transform.marts import Standards
from transform.matters import matter_neighbours

ROWS = [
    (contact(utc(2024, 1, 2, 10), "phone", customer_ref="c1", demand_type="failure"),
     "missed bin", "not done", "A"),
    (contact(utc(2024, 1, 4, 10), "web", customer_ref="c1", demand_type="failure"),
     "missed bin", "not done", "A"),
    (contact(utc(2024, 1, 5, 22), "phone", customer_ref="c1", demand_type="failure"),
     "missed bin", "chasing", "B"),
    (contact(utc(2024, 1, 10, 9), "email", customer_ref="c2", demand_type="value", ward="North"),
     "new bin", None, "A"),
    (contact(utc(2024, 1, 20, 9), "phone", customer_ref="c2", demand_type="failure"),
     "missed bin", "chasing", None),
    (contact(utc(2024, 1, 15, 12), "phone"), None, None, None),
    (contact(utc(2024, 1, 12, 10), "phone", "Housing", "c3", demand_type="failure",
             resolved_at_first_point=False), "rent", "unclear letter", None),
    (contact(utc(2024, 1, 12, 18), "webchat", "Housing", "c3", demand_type="value"),
     "rent", None, None),
    (contact(utc(2024, 1, 21, 9), "phone", customer_ref="c2", demand_type="value"),
     "missed bin", None, "B"),
    (contact(utc(2024, 3, 31, 12), "other", "Anchor"), None, None, None),
]
AS_OF = utc(2024, 3, 31, 12)


def input_rows() -> pl.DataFrame:
    """The contacts as a feed carries them (customer_ref, reason, failure_type, team)."""
    return contacts(*(r[0] for r in ROWS)).with_columns(
        pl.Series("reason", [r[1] for r in ROWS], pl.String),
        pl.Series("failure_type", [r[2] for r in ROWS], pl.String),
        pl.Series("team", [r[3] for r in ROWS], pl.String))


def facts() -> pl.DataFrame:
    """The same rows as the warehouse holds them (pseudonym, matter neighbours)."""
    return matter_neighbours(input_rows().rename({"customer_ref": "customer_pseudonym"}))


def january() -> pl.DataFrame:
    return drill_parts(facts(), AS_OF, Standards()).filter(pl.col("month") == "2024-01")


def figures(frame: pl.DataFrame, kpi: str, **group) -> tuple:
    rows = frame.filter(pl.col("kpi") == kpi, *[pl.col(k) == v for k, v in group.items()])
    assert rows.height == 1, rows
    return rows.select("numerator", "denominator", "value").row(0)


def test_breakdown_for_all_contacts():
    result = breakdown(january(), [])
    assert figures(result, "contacts") == (9, None, 9)
    assert figures(result, "failure_demand_pct") == (5, 8, 62.5)  # 1,2,3,5,7 of 8 classified
    assert figures(result, "repeat_contact_pct") == (4, 8, 50.0)  # 2,3,8,9 of 8 with a ref
    assert figures(result, "right_first_time_pct") == (1, 4, 25.0)  # only 4 of 1,4,5,7


def test_breakdown_by_service_team_and_reason():
    result = breakdown(january(), ["service"], ["failure_demand_pct", "right_first_time_pct"])
    assert figures(result, "failure_demand_pct", service="Waste") == (4, 6, 100 * 4 / 6)
    assert figures(result, "right_first_time_pct", service="Waste") == (1, 3, 100 * 1 / 3)
    assert figures(result, "failure_demand_pct", service="Housing") == (1, 2, 50.0)
    by_team = breakdown(january(), ["team"], ["failure_demand_pct"])
    assert figures(by_team, "failure_demand_pct", team="A") == (2, 3, 100 * 2 / 3)  # 1,2 of 1,2,4
    assert figures(by_team, "failure_demand_pct", team="B") == (1, 2, 50.0)  # 3 of 3,9
    # 5, 7, 8 have no team; 6 is not classified
    assert figures(by_team, "failure_demand_pct", team=NOT_RECORDED) == (2, 3, 100 * 2 / 3)
    by_reason = breakdown(january(), ["service", "reason"], ["contacts"])
    assert figures(by_reason, "contacts", service="Waste", reason="missed bin") == (5, None, 5)
    assert figures(by_reason, "contacts", service="Waste", reason=NOT_RECORDED)[0] == 1
    by_ward = breakdown(january(), ["ward"], ["contacts"])
    assert dict(by_ward.select("ward", "value").iter_rows()) == {"North": 1, NOT_RECORDED: 8}


def test_ranking_puts_the_most_failure_first():
    result = ranking(breakdown(january(), ["service"]), "failure_demand_pct", "service")
    assert result.rows() == [("Waste", 4, 6, 100 * 4 / 6), ("Housing", 1, 2, 50.0)]


@pytest.mark.parametrize("by", [(), ("service",), ("channel",), ("service", "channel")])
def test_breakdown_over_one_month_equals_compute(by):
    expected = (compute(sources(input_rows()), Query(by=by, first_month="2024-01",
                                                     last_month="2024-01", kpis=CONTACT_KPIS))
                .select(*by, "kpi", "numerator", "denominator", "value").sort(*by, "kpi"))
    assert expected.height >= len(CONTACT_KPIS)
    assert breakdown(january(), list(by)).equals(expected)


def test_breakdown_refuses_a_kpi_that_is_not_about_contacts():
    with pytest.raises(ValueError, match="csat_pct"):
        breakdown(january(), [], ["csat_pct"])


def test_pareto_of_failure_types():
    # chasing 3 and 5, not done 1 and 2, unclear letter 7: 5 failure contacts
    assert pareto(january()).rows() == [("chasing", 2, 40.0, 40.0), ("not done", 2, 40.0, 80.0),
                                        ("unclear letter", 1, 20.0, 100.0)]
    by_reason = pareto(january(), ["failure_type", "reason"])
    assert by_reason.columns == ["failure_type", "reason", "failure_contacts", "share_pct",
                                 "cumulative_pct"]
    assert by_reason.get_column("failure_contacts").sum() == 5


def test_pareto_of_reasons_within_each_service():
    # Waste: 4 failure contacts, all "missed bin" (rows 1, 2, 3, 5); Housing: 1, "rent".
    # Each reason's share is of its own service's failure, not of everyone's.
    assert pareto(january(), ["reason"], within=["service"]).rows() == [
        ("Housing", "rent", 1, 100.0, 100.0), ("Waste", "missed bin", 4, 100.0, 100.0)]
    # Waste: missed bin 3, bulky 1 (the value contact is not failure); Housing: rent 2, repair 2
    # (a tie: by name).
    parts = pl.DataFrame({
        "service": ["Waste"] * 5 + ["Housing"] * 4,
        "reason": ["missed bin"] * 3 + ["bulky", "bulky", "rent", "rent", "repair", "repair"],
        "failure": [True, True, True, True, False, True, True, True, True]})
    assert pareto(parts, ["reason"], within=["service"]).rows() == [
        ("Housing", "rent", 2, 50.0, 50.0), ("Housing", "repair", 2, 50.0, 100.0),
        ("Waste", "missed bin", 3, 75.0, 75.0), ("Waste", "bulky", 1, 25.0, 100.0)]


def test_follow_up_gaps_of_eligible_first_contacts():
    # 1 -> 2 after 2 d, 4 -> 5 after 10 d, 5 -> 9 after 1 d, 7 -> 8 after 8 h
    result = follow_up_gaps(january(), AS_OF)
    assert result.get_column("bucket").to_list() == list(GAP_BUCKETS)
    assert dict(result.select("bucket", "first_contacts").iter_rows()) == {
        "under 1 day": 1, "1 to under 3 days": 2, "3 to 7 days": 0, "over 7 to 14 days": 1,
        "over 14 to 31 days": 0, "none within 31 days": 0, "none yet (under 31 days seen)": 0}
    assert result.get_column("share_pct").to_list() == [25.0, 50.0, 0, 25.0, 0, 0, 0]


def test_a_first_contact_without_a_follow_up_is_known_only_after_31_days():
    # Contact 4 alone in its matter, 20 days before the horizon, then exactly 31 days before it
    alone = matter_neighbours(input_rows().rename({"customer_ref": "customer_pseudonym"})
                              .filter(pl.col("customer_pseudonym") == "c2").head(1))
    for as_of, bucket in ((utc(2024, 1, 30, 9), "none yet (under 31 days seen)"),
                          (utc(2024, 2, 10, 9), "none within 31 days")):
        result = follow_up_gaps(drill_parts(alone, as_of, Standards()), as_of)
        assert result.filter(pl.col("first_contacts") > 0).get_column("bucket").to_list() == [
            bucket]


def test_channel_bounce_pairs_each_repeat_with_the_channel_it_repeats():
    result = channel_bounce(january(), facts())
    assert sorted(result.select("previous_channel", "channel", "repeat_contacts").rows()) == [
        ("phone", "phone", 1), ("phone", "web", 1), ("phone", "webchat", 1),
        ("web", "phone", 1)]
    assert result.get_column("share_pct").sum() == pytest.approx(100)
    assert channel_changed_pct(result) == 75.0  # all but 5 -> 9


def test_readers_filter_in_sql_and_agree_with_the_mart(engine, tmp_path):
    ingest_file(engine, "contacts", write_csv(input_rows(), tmp_path / "contacts.csv"))
    assert contact_facts(engine, months("2024-01")).height == 9
    assert contact_facts(engine, months("2024-01", "2024-03")).height == 10
    assert contact_facts(engine, months("2024-01", service=("Housing",))).height == 2
    assert contact_facts(engine, months("2024-01", channel=("phone",))).height == 6
    assert contact_facts(engine, months("2024-01", ward=("North",))).height == 1
    assert contact_facts(engine, months("2024-01", ward=("",))).height == 8
    assert contact_facts(engine, months("2024-01", service=("Waste",), channel=())).height == 0
    with pytest.raises(ValueError, match="team"):
        contact_facts(engine, months("2024-01", team=("A",)))

    parts = period_parts(engine, months("2024-01"))
    mart = compute(sources_from_warehouse(engine),
                   Query(by=("service",), first_month="2024-01", last_month="2024-01",
                         kpis=CONTACT_KPIS))
    assert breakdown(parts, ["service"]).equals(
        mart.select("service", "kpi", "numerator", "denominator", "value").sort("service", "kpi"))

    # Filtered to phone, the repeats are 3 and 9; 3 repeats a web contact all the same.
    phone = period_parts(engine, months("2024-01", channel=("phone",)))
    bounce = channel_bounce(phone, matter_contacts(engine, months("2024-01")))
    assert sorted(bounce.select("previous_channel", "channel", "repeat_contacts").rows()) == [
        ("phone", "phone", 1), ("web", "phone", 1)]
    assert matter_contacts(engine, months("2024-01", service=("Housing",))).height == 2


def test_text_alternatives_say_what_the_charts_show():
    parts = january()
    assert pareto_alt(pareto(parts), ["failure_type"]) == (
        "5 failure contacts in 3 failure types. The biggest, Chasing, is 2 (40.0 % of all "
        "failure); the first 2 make up 80.0 %.")
    assert gap_alt(follow_up_gaps(parts, AS_OF)).startswith(
        "Of 4 eligible first contacts, the next contact of the same matter came: under 1 day 1 "
        "(25.0 %); 1 to under 3 days 2 (50.0 %);")
    bounce = channel_bounce(parts, facts())
    assert bounce_alt(bounce, channel_changed_pct(bounce)).endswith(
        "75.0 % came back on a different channel.")
    ranked = ranking(breakdown(parts, ["service"]), "failure_demand_pct", "service")
    assert ranking_alt(ranked, "failure_demand_pct", "service") == (
        "Failure demand by service for 2 services, most failure contacts first. First: Waste "
        "with 4 failure contacts of 6 classified contacts (66.7 %). Highest rate Waste at "
        "66.7 %, lowest Housing at 50.0 %.")
    assert bounce_matrix(bounce).rows() == [("phone", 1, 1, 1), ("web", 1, 0, 0)]


def test_the_failure_charts_draw_codes_as_words_and_their_tables_keep_the_codes():
    reasons = pl.DataFrame({"failure_type": ["progress_chasing", "not_done_right"],
                            "reason": ["missed_bin", "Council Tax bill"],
                            "failure_contacts": [3, 1], "share_pct": [75.0, 25.0],
                            "cumulative_pct": [75.0, 100.0]})
    by = ["failure_type", "reason"]
    assert list(pareto_chart(reasons, by, "Pareto").data[0].x) == [
        "Progress chasing / Missed bin", "Not done right / Council Tax bill"]
    assert "The biggest, Progress chasing / Missed bin, is 3" in pareto_alt(reasons, by)
    ranked = pl.DataFrame({"channel": ["face_to_face", "web"], "numerator": [3, 1],
                           "denominator": [4, 4], "value": [75.0, 25.0]})
    bars = ranking_chart(ranked, "failure_demand_pct", "channel", "By channel").data[0]
    assert list(bars.y) == ["Face to face", "Web"]
    assert ranking_alt(ranked, "failure_demand_pct", "channel").startswith(
        "Failure demand by channel for 2 channels, most failure contacts first. First: Face to "
        "face with 3 failure contacts")
    bounce = pl.DataFrame({"previous_channel": ["face_to_face", "web"],
                           "channel": ["social_media", "face_to_face"],
                           "repeat_contacts": [2, 1], "share_pct": [200 / 3, 100 / 3]})
    heatmap = bounce_heatmap(bounce, "Bounce").data[0]
    assert list(heatmap.x) == ["Face to face", "Social media"]
    assert list(heatmap.y) == ["Face to face", "Web"]
    assert ("paths from the previous contact's channel: Face to face to Social media 2 (66.7 %)"
            in bounce_alt(bounce, 100.0))
    # The table beside the heat map keeps the feed's codes, so it joins back to the data.
    assert bounce_matrix(bounce).columns == ["previous channel", "face_to_face", "social_media"]
    assert bounce_matrix(bounce).get_column("previous channel").to_list() == [
        "face_to_face", "web"]
