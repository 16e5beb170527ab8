"""Actions against complaint themes: each row of a form or sheet checked with a message naming
the row and the rule; each action's measure before and after equal to the KPI counted by hand
from the facts over the same months (on the whole demo)."""

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from data.models import ComplaintAction
from metrics.actions import (
    BEFORE_MONTHS,
    before_and_after,
    checked_actions,
    known,
    measure_by_month,
    sheet_rows,
)
from metrics.compute import empty_facts
from pipelines.demo.actions import ACTIONS
from pipelines.demo.calendar import demo_period
from transform.calendar import month_of_date, shift_month

THEMES, SERVICES = {"missed collection", "delay"}, {"Waste and Recycling"}
GOOD = {"complaint_theme": "missed collection", "service": "Waste and Recycling",
        "changed_on": "2025-02-03", "what_changed": "Crews photograph bins left",
        "changed_by": "Head of Waste", "kpi": "upheld_pct"}


@pytest.mark.parametrize(("change", "rule"), [
    ({"complaint_theme": "  "}, "complaint_theme is required"),
    ({"what_changed": "", "changed_by": None}, "what_changed, changed_by is required"),
    ({"complaint_theme": "potholes"}, "complaint_theme is not a theme of any complaint loaded"),
    ({"service": "Parking"}, "service is not a service of any complaint loaded"),
    ({"changed_on": "2025-02-30"}, "changed_on must be a real date written YYYY-MM-DD"),
    ({"changed_on": "03/02/2025"}, "changed_on must be a real date written YYYY-MM-DD"),
    ({"changed_on": "2025-2-3"}, "changed_on must be a real date written YYYY-MM-DD"),
    ({"kpi": "happiness_pct"}, "kpi is not a KPI id of the dashboard (see docs/kpis.md)"),
    ({"changed_by": "x" * 101},
     "what_changed is at most 2,000 characters, other fields at most 100"),
])
def test_a_bad_row_is_named_with_its_rule_and_the_good_rows_are_kept(change, rule):
    rows = [GOOD, {**GOOD, **change}, {**GOOD, "complaint_theme": "delay"}]
    good, errors = checked_actions(rows, THEMES, SERVICES, "actions.csv")
    assert errors == [f"actions.csv, row 3: {rule}"]
    assert [g["complaint_theme"] for g in good] == ["missed collection", "delay"]
    assert good[0]["changed_on"] == date(2025, 2, 3)


def test_a_sheet_is_read_as_text_rows_with_its_byte_order_mark():
    sheet = ("\ufeffcomplaint_theme,service,changed_on,what_changed,changed_by,kpi\n"
             'delay,Waste and Recycling,2025-02-03,"Replies tracked, daily",Ann,upheld_pct\n')
    rows = sheet_rows(sheet.encode("utf-8"))
    assert rows == [{**GOOD, "complaint_theme": "delay", "what_changed": "Replies tracked, daily",
                     "changed_by": "Ann"}]
    assert checked_actions(rows, THEMES, SERVICES, "s.csv")[1] == []


def _actions(*rows) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{"action_id": i, "recorded_by": "test", "recorded_at": None, **row}
         for i, row in enumerate(rows, start=1)])
    return frame.select(empty_facts(ComplaintAction).columns).cast(
        empty_facts(ComplaintAction).schema)


def _months(first: str, last: str) -> pl.Expr:
    return pl.col("month").is_between(pl.lit(first), pl.lit(last))


def _upheld_by_hand(complaints: pl.DataFrame, theme: str, service: str, first: str,
                    last: str) -> tuple[int, int]:
    rows = complaints.with_columns(month_of_date(pl.col("responded_on")).alias("month")).filter(
        (pl.col("kind") == "complaint") & (pl.col("category") == theme)
        & (pl.col("service") == service) & _months(first, last))
    upheld = rows.filter(pl.col("outcome").is_in(["upheld", "partly_upheld"])).height
    return upheld, rows.filter(
        pl.col("outcome").is_in(["upheld", "partly_upheld", "not_upheld"])).height


def _per_thousand_by_hand(sources, service: str, first: str, last: str) -> tuple[int, int]:
    complaints = sources.complaints.with_columns(
        month_of_date(pl.col("received_on")).alias("month")).filter(
        (pl.col("kind") == "complaint") & (pl.col("service") == service) & _months(first, last))
    contacts = sources.parts.filter((pl.col("service") == service) & _months(first, last))
    return 1000 * complaints.height, contacts.get_column("contacts").sum()


def test_before_and_after_are_the_kpi_counted_by_hand_over_the_same_months(whole_demo):
    sources = whole_demo[0]
    theme = {"complaint_theme": "missed collection", "service": "Waste and Recycling",
             "what_changed": "Crews photograph bins", "changed_by": "Head of Waste"}
    sources = replace(sources, actions=_actions(
        {**theme, "changed_on": date(2024, 11, 4), "kpi": "upheld_pct"},
        {**theme, "changed_on": date(2025, 3, 10), "kpi": "complaints_per_1000_contacts"},
        {**theme, "changed_on": date(2026, 9, 1), "kpi": "upheld_pct"}))
    measured = before_and_after(sources, sources.actions, "2026-06")
    assert measured.height == 2  # the third action comes after the last month asked for
    upheld, per_thousand = measured.rows(named=True)
    assert (upheld["before_first"], upheld["before_last"]) == (
        shift_month("2024-11", -BEFORE_MONTHS), "2024-10")
    assert (upheld["after_first"], upheld["after_last"]) == ("2024-11", "2026-06")
    assert upheld["measured_for"] == "theme in service"
    for side in ("before", "after"):
        num, den = _upheld_by_hand(sources.complaints, "missed collection",
                                   "Waste and Recycling", upheld[f"{side}_first"],
                                   upheld[f"{side}_last"])
        assert den > 20
        assert (upheld[f"{side}_numerator"], upheld[f"{side}_denominator"]) == (num, den)
        assert upheld[side] == pytest.approx(100 * num / den)
    assert per_thousand["measured_for"] == "service"
    for side in ("before", "after"):
        num, den = _per_thousand_by_hand(sources, "Waste and Recycling",
                                         per_thousand[f"{side}_first"],
                                         per_thousand[f"{side}_last"])
        assert per_thousand[side] == pytest.approx(1000 * (num / 1000) / den)
        assert per_thousand[f"{side}_denominator"] == den


def test_the_trend_marks_the_actions_month_in_its_table(whole_demo):
    sources = whole_demo[0]
    action = {"complaint_theme": "delay", "service": "Council Tax", "kpi": "upheld_pct",
              "changed_on": date(2025, 1, 13), "what_changed": "Named officer replies"}
    by_month = measure_by_month(sources, action)
    marked = by_month.filter(pl.col("Action") != "")
    assert marked.rows() == [("2025-01", *marked.row(0)[1:4],
                              "2025-01-13: Named officer replies")]
    num, den = _upheld_by_hand(sources.complaints, "delay", "Council Tax", "2025-01", "2025-01")
    assert marked.row(0)[2:4] == (num, den)


def test_an_action_may_name_the_themes_and_services_of_complaints_loaded(whole_demo):
    themes, services = known(whole_demo[0].complaints)
    assert "missed collection" in themes and "Council Tax" in services
    assert None not in themes


def test_a_forms_one_entry_is_named_without_a_row():
    errors = checked_actions([{**GOOD, "kpi": ""}], THEMES, SERVICES, "The form", False)[1]
    assert errors == ["The form: kpi is required"]


def test_the_demos_upheld_rate_actions_about_halve_their_themes_upheld_rate(whole_demo):
    sources = whole_demo[0]
    months = demo_period(36).months
    demo = [{"complaint_theme": theme, "service": service, "what_changed": what,
             "changed_by": who, "kpi": kpi,
             "changed_on": date.fromisoformat(str(months[index].start)).replace(day=day)}
            for index, day, theme, service, what, who, kpi in ACTIONS]
    measured = before_and_after(sources, _actions(*demo), "2026-10")
    upheld = measured.filter(pl.col("kpi") == "upheld_pct")
    assert upheld.height == 3
    for row in upheld.iter_rows(named=True):
        assert row["before_denominator"] >= 30 and row["after_denominator"] >= 90
        assert 40 < row["before"] < 70 and row["after"] < 0.6 * row["before"], row
    per_thousand, = measured.filter(pl.col("kpi") == "complaints_per_1000_contacts").rows(
        named=True)
    assert per_thousand["after"] < per_thousand["before"]
