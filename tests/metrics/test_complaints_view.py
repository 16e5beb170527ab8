"""The complaints page's figures on tiny inputs worked out by hand.

Working days are England and Wales ones: 25 and 26 December 2023 and 1 January 2024 are bank
holidays.
"""

from datetime import date

import polars as pl
import pytest

from metrics.complaints_view import (
    NOT_RECORDED,
    as_of_date,
    complaint_figures,
    overdue_by_service,
    service_table,
    themes_by_month,
)
from metrics.periods import period_totals, wide
from reports.charts.complaints import themes_alt, themes_chart
from tests.metrics.builders import (
    complaint,
    complaints,
    contact,
    contacts,
    months,
    run,
    sources,
    utc,
)


def long_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"month": pl.String, "service": pl.String, "kpi": pl.String,
                                      "numerator": pl.Float64, "denominator": pl.Float64},
                        orient="row")


def test_period_totals_add_the_parts_then_divide():
    # 3/4 = 75 % and 1/6 = 16.7 %: over both months 4/10 = 40 %, not their average 45.8 %.
    long = long_frame([("2024-01", "Waste", "stage1_on_time_pct", 3, 4),
                       ("2024-02", "Waste", "stage1_on_time_pct", 1, 6),
                       ("2024-01", "Waste", "complaints_received", 5, None),
                       ("2024-02", "Waste", "complaints_received", 2, None)])
    totals = period_totals(long, ["service"])
    assert totals.rows() == [("Waste", "complaints_received", 7.0, None, 7.0),
                             ("Waste", "stage1_on_time_pct", 4.0, 10.0, 40.0)]


def test_period_totals_by_nothing_add_up_every_group():
    long = long_frame([("2024-01", "Waste", "upheld_pct", 1, 2),
                       ("2024-01", "Parking", "upheld_pct", 0, 2),
                       ("2024-02", "Parking", "upheld_pct", 0, 0)])
    assert period_totals(long).rows() == [("upheld_pct", 1.0, 4.0, 25.0)]
    # A group whose denominator adds up to 0 has no value.
    by_service = wide(period_totals(long, ["service"]), ["service"], ["upheld_pct"])
    assert by_service.rows() == [("Parking", 0.0), ("Waste", 50.0)]
    only_zero = long_frame([("2024-02", "Parking", "upheld_pct", 0, 0)])
    assert period_totals(only_zero).get_column("value").to_list() == [None]


def test_period_totals_refuse_an_unknown_kpi():
    with pytest.raises(KeyError):
        period_totals(long_frame([("2024-01", "Waste", "no_such_kpi", 1, 1)]))


def on_time_rows() -> pl.DataFrame:
    # Mon 8 Jan 2024 + 10 working days = Mon 22 Jan; Thu 1 Feb + 10 = Thu 15 Feb.
    january = [complaint(date(2024, 1, 8), responded_on=date(2024, 1, 10))] * 3 + [
        complaint(date(2024, 1, 8), responded_on=date(2024, 1, 23))]
    february = [complaint(date(2024, 2, 1), responded_on=date(2024, 2, 15))] + [
        complaint(date(2024, 2, 1), responded_on=date(2024, 2, 16))] * 5
    return complaints(*january, *february)


def test_stage1_on_time_over_two_months_is_4_out_of_10():
    src = sources(complaint_rows=on_time_rows())
    by_month = run(complaint_rows=on_time_rows(), kpis=("stage1_on_time_pct",))
    assert by_month.select("month", "numerator", "denominator").rows() == [
        ("2024-01", 3.0, 4.0), ("2024-02", 1.0, 6.0)]
    figures = complaint_figures(src, months("2024-01", "2024-02"))
    assert figures.overall["stage1_on_time_pct"].item() == pytest.approx(40.0)
    assert figures.overall["stage1_on_time_pct_n"].item() == 10
    assert figures.overall["complaints_received"].item() == 10
    waste = figures.by_service.filter(pl.col("service") == "Waste")
    assert waste["stage1_on_time_pct"].item() == pytest.approx(40.0)
    # The period is honoured: February alone is 1 out of 6.
    february = complaint_figures(src, months("2024-02"))
    assert february.overall["stage1_on_time_pct"].item() == pytest.approx(100 / 6)


def test_complaints_per_1000_contacts_by_service():
    # Waste: 1 complaint, 4 contacts -> 250; Parking: 1 complaint, 2 contacts -> 500;
    # Libraries: 2 contacts, no complaint -> 0; all services: 2 / 8 × 1000 = 250. The small
    # service's 500 shows, where the total alone would hide it.
    rows = contacts(*[contact(utc(2024, 1, 9, 10 + i), service="Waste") for i in range(4)],
                    *[contact(utc(2024, 1, 9, 10 + i), service="Parking") for i in range(2)],
                    *[contact(utc(2024, 1, 9, 10 + i), service="Libraries") for i in range(2)])
    found = complaints(complaint(date(2024, 1, 10), service="Waste"),
                       complaint(date(2024, 1, 11), service="Parking"))
    figures = complaint_figures(sources(rows, found), months("2024-01"))
    assert figures.overall["complaints_per_1000_contacts"].item() == pytest.approx(250.0)
    table = service_table(figures)
    assert table.select("Service", "Complaints received", "Contacts",
                        "Per 1,000 contacts").rows() == [
        ("Parking", 1, 2, 500.0), ("Waste", 1, 4, 250.0), ("Libraries", 0, 2, 0.0)]


def test_overall_per_1000_adds_every_service():
    rows = contacts(*[contact(utc(2024, 1, 9, 10 + i), service="Waste") for i in range(4)],
                    *[contact(utc(2024, 1, 9, 10 + i), service="Parking") for i in range(2)])
    found = complaints(complaint(date(2024, 1, 10), service="Waste"),
                       complaint(date(2024, 1, 11), service="Parking"))
    figures = complaint_figures(sources(rows, found), months("2024-01"))
    assert figures.overall["complaints_per_1000_contacts"].item() == pytest.approx(2000 / 6)
    assert figures.overall["complaints_per_1000_contacts_n"].item() == 6


def test_complaint_figures_are_not_defined_by_channel():
    src = sources(complaint_rows=on_time_rows())
    assert complaint_figures(src, months("2024-01", "2024-02", channel=("phone",))) is None


def overdue_rows() -> pl.DataFrame:
    return complaints(
        # Mon 8 Jan + 10 working days = Mon 22 Jan, before 23 Jan: overdue.
        complaint(date(2024, 1, 8), service="Waste"),
        # Tue 9 Jan + 10 = Tue 23 Jan, the as_of date itself: not yet overdue.
        complaint(date(2024, 1, 9), service="Waste"),
        # Received Fri 5 Jan, acknowledged Mon 8 Jan: the clock starts on the 8th, due 22 Jan.
        complaint(date(2024, 1, 5), service="Waste", acknowledged_on=date(2024, 1, 8)),
        # Tue 2 Jan + 10 = 16 Jan, but an extension to 31 Jan was agreed: not overdue.
        complaint(date(2024, 1, 2), service="Waste", extended_due_on=date(2024, 1, 31)),
        # Stage 2 from Fri 15 Dec 2023 + 20 working days, skipping 25, 26 Dec and 1 Jan:
        # 18-22 Dec (5), 27-29 (8), 2-5 Jan (12), 8-12 (17), 15-17 (20) -> due Wed 17 Jan.
        complaint(date(2023, 12, 15), stage=2, service="Parking"),
        # Answered: closed, never overdue, however late.
        complaint(date(2023, 12, 1), service="Parking", responded_on=date(2024, 1, 20)),
        # A compliment is not a complaint.
        complaint(date(2023, 12, 1), kind="compliment", service="Parking"))


def test_overdue_now_counts_open_complaints_due_before_the_as_of_date():
    as_of = utc(2024, 1, 23, 12)
    overdue = overdue_by_service(overdue_rows(), as_of, {})
    assert overdue.rows() == [("Waste", 2, 0, 2, date(2024, 1, 22)),
                              ("Parking", 0, 1, 1, date(2024, 1, 17))]
    # A day earlier, 22 Jan is not yet before the as_of date: only Parking's stage 2.
    assert overdue_by_service(overdue_rows(), utc(2024, 1, 22, 12), {}).rows() == [
        ("Parking", 0, 1, 1, date(2024, 1, 17))]
    parking = overdue_by_service(overdue_rows(), as_of, {"service": ("Parking",)})
    assert parking.get_column("service").to_list() == ["Parking"]


def test_overdue_now_with_no_contacts_is_empty():
    assert overdue_by_service(overdue_rows(), None, {}).height == 0


def test_the_as_of_date_is_the_london_date():
    assert as_of_date(utc(2024, 1, 22, 23, 30)) == date(2024, 1, 22)  # GMT
    assert as_of_date(utc(2024, 7, 1, 23, 30)) == date(2024, 7, 2)  # 00:30 BST
    assert as_of_date(None) is None


def test_themes_count_complaint_rows_by_category_and_month_received():
    rows = complaints(
        complaint(date(2024, 1, 3)), complaint(date(2024, 1, 4)),
        complaint(date(2024, 1, 5), stage=2), complaint(date(2024, 1, 31)),
        complaint(date(2024, 2, 1)),
        complaint(date(2024, 1, 6), kind="compliment"),
        complaint(date(2024, 3, 1)),  # outside the period
    ).with_columns(pl.Series("category", ["delay", "delay", "delay", None, "policy", "delay",
                                          "delay"]))
    themes = themes_by_month(rows, months("2024-01", "2024-02"))
    assert themes.rows() == [("2024-01", NOT_RECORDED, 1), ("2024-01", "delay", 3),
                             ("2024-02", "policy", 1)]
    # Each month's themes add up to complaints received.
    received = run(complaint_rows=rows, kpis=("complaints_received",))
    for month, total in themes.group_by("month").agg(pl.col("complaints").sum()).iter_rows():
        assert received.filter(pl.col("month") == month)["numerator"].item() == total
    assert themes_by_month(rows, months("2024-01", "2024-02", service=("Parking",))).height == 0


def test_the_themes_chart_tells_categories_apart_by_pattern_too():
    themes = pl.DataFrame({"month": ["2024-01", "2024-01", "2024-02"],
                           "category": ["delay", "policy", "delay"], "complaints": [3, 1, 2]})
    traces = themes_chart(themes).data
    assert [t.name for t in traces] == ["Delay", "Policy"]  # commonest first
    assert len({t.marker.pattern.shape for t in traces}) == 2
    assert list(traces[0].y) == [3, 2]
    assert themes_alt(themes) == ("Complaints received by theme from 2024-01 to 2024-02, 6 in "
                                  "all; the commonest: Delay 5, Policy 1.")


def test_the_themes_chart_and_its_alternative_name_a_theme_code_in_words():
    themes = pl.DataFrame({"month": ["2024-01"], "category": ["staff_conduct"],
                           "complaints": [2]})
    bars = themes_chart(themes).data[0]
    assert bars.name == "Staff conduct"
    # The hover starts with the trace's name, the theme in words (escaped with the figure).
    assert bars.hovertemplate.startswith("%{fullData.name}, ")
    assert themes_alt(themes).endswith("the commonest: Staff conduct 2.")
