"""The channels page's figures, worked by hand on a tiny council with the default assumptions
(face_to_face £9.34 and 1.2112 kg, phone £3.76 and 0 kg, web £0.27 and 0 kg).

Baseline: the 12 months from the first month with contacts, 2024-01 to 2024-12.
2024-01: 2 phone, 1 face_to_face, 1 web (Waste); shares 50 %, 25 %, 25 %.
2025-01: 1 phone, 3 web (Waste); 2025-02: 2 web (Housing), 2 phone (Waste).
"""

import polars as pl
import pytest

from metrics.channels_view import channel_mix, cost_carbon_by_channel, digital_by_service, headline
from tests.metrics.builders import contact, contacts, months, sources, utc


def _many(when, service, **counts):
    return [contact(when, channel, service) for channel, n in counts.items() for _ in range(n)]


SRC = sources(contacts(
    *_many(utc(2024, 1, 10, 12), "Waste", phone=2, face_to_face=1, web=1),
    *_many(utc(2025, 1, 10, 12), "Waste", phone=1, web=3),
    *_many(utc(2025, 2, 10, 12), "Housing", web=2),
    *_many(utc(2025, 2, 11, 12), "Waste", phone=2)))


def test_channel_mix_in_a_period_against_the_baseline():
    # 2025-01..02: web 5 of 8 = 62.5 %, phone 3 of 8 = 37.5 %, face_to_face 0.
    mix = channel_mix(SRC, months("2025-01", "2025-02"))
    assert mix.rows() == [
        ("web", 5.0, 62.5, 1.0, 25.0, 37.5),
        ("phone", 3.0, 37.5, 2.0, 50.0, -12.5),
        ("face_to_face", 0.0, 0.0, 1.0, 25.0, -25.0),
    ]
    assert mix.columns == ["channel", "contacts", "share_pct", "baseline_contacts",
                           "baseline_share_pct", "change_points"]


def test_channel_mix_with_a_filter_uses_the_filtered_baseline_too():
    # Housing has no baseline contacts: its baseline shares are empty, not zero.
    mix = channel_mix(SRC, months("2025-02", service=("Housing",)))
    assert mix.rows() == [("web", 2.0, 100.0, 0.0, None, None)]


def test_digital_take_up_by_service_adds_the_months_before_dividing():
    # Waste: 2025-01 3 of 4 web, 2025-02 0 of 2 -> 3 / 6 = 50 % (not the 37.5 % mean of 75 and 0).
    frame = digital_by_service(SRC, months("2025-01", "2025-02"))
    assert frame.rows() == [("Housing", 2.0, 2.0, 100.0), ("Waste", 3.0, 6.0, 50.0)]


def test_cost_and_carbon_by_channel_over_a_period():
    frame = cost_carbon_by_channel(SRC, months("2024-01", "2025-02"))
    assert frame.rows() == [
        # phone 5 × 3.76 = 18.80; face_to_face 1 × 9.34; web 6 × 0.27 = 1.62
        ("phone", 5.0, 3.76, pytest.approx(18.80), 0.0, 0.0),
        ("face_to_face", 1.0, 9.34, pytest.approx(9.34), 1.2112, pytest.approx(1.2112)),
        ("web", 6.0, 0.27, pytest.approx(1.62), 0.0, 0.0),
    ]


def test_headline_figures_sum_money_and_carbon_over_the_period():
    # 2025-01: cost 3.76 + 3 × 0.27 = 4.57; expected at the baseline mix of 4 contacts: phone 2,
    #   f2f 1, web 1 -> saving (2 − 1) × 3.76 + 1 × 9.34 + (1 − 3) × 0.27 = 12.56; carbon saved
    #   1 × 1.2112.
    # 2025-02: cost 2 × 0.27 + 2 × 3.76 = 8.06; expected of 4: phone 2, f2f 1, web 1 -> saving
    #   0 × 3.76 + 9.34 + (1 − 2) × 0.27 = 9.07; carbon saved 1.2112.
    figures = headline(SRC, months("2025-01", "2025-02"))
    assert figures["contacts"] == 8
    assert figures["digital_pct"] == pytest.approx(62.5)
    assert figures["cost_to_serve_gbp"] == pytest.approx(4.57 + 8.06)
    assert figures["channel_shift_saving_gbp"] == pytest.approx(12.56 + 9.07)
    assert figures["carbon_kg"] == pytest.approx(0.0)
    assert figures["carbon_saving_kg"] == pytest.approx(2 * 1.2112)


def test_a_period_without_contacts_has_no_figures():
    assert channel_mix(SRC, months("2030-01")).filter(pl.col("contacts") > 0).height == 0
    assert headline(SRC, months("2030-01"))["cost_to_serve_gbp"] is None


def test_the_channel_charts_text_alternatives_name_the_largest():
    from reports.charts.channels import digital_alt, largest_alt, mix_alt

    mix = pl.DataFrame({"channel": ["phone", "web"], "share_pct": [62.5, 37.5],
                        "baseline_share_pct": [25.0, 50.0]})
    assert mix_alt(mix) == ("Share of contacts by channel in the period and in the baseline. "
                            "Largest in the period: Phone at 62.5 % (baseline 25.0 %).")
    digital = pl.DataFrame({"service": ["Waste", "Parking"], "digital_pct": [80.0, 12.5]})
    assert digital_alt(digital, "2024-01") == (
        "Share of each service's contacts on a digital channel, 2024-01. Highest: Waste at "
        "80.0 %; lowest: Parking at 12.5 %.")
    cost = pl.DataFrame({"channel": ["phone", "web"], "cost_to_serve_gbp": [18.8, 0.54]})
    assert largest_alt(cost, "cost_to_serve_gbp", "Cost to serve") == (
        "Cost to serve by channel. Largest: Phone, £19.")


def test_the_channel_charts_draw_codes_as_words_and_their_data_keep_the_codes():
    from reports.charts.channels import by_channel_chart, largest_alt, mix_alt, mix_chart

    # 2024-01: phone 50 %, face_to_face 25 %, web 25 %; drawn bottom to top.
    mix = channel_mix(SRC, months("2024-01"))
    assert [list(bars.y) for bars in mix_chart(mix).data] == [["Web", "Face to face", "Phone"]] * 2
    assert mix.get_column("channel").to_list() == ["phone", "face_to_face", "web"]
    first = pl.DataFrame({"channel": ["face_to_face"], "share_pct": [60.0],
                          "baseline_share_pct": [None]}, schema_overrides={
                              "baseline_share_pct": pl.Float64})
    assert mix_alt(first).endswith("Largest in the period: Face to face at 60.0 %.")
    # Only face_to_face carries carbon (1 × 1.2112 kg), so it is the largest, drawn at the top.
    per_channel = cost_carbon_by_channel(SRC, months("2024-01", "2025-02"))
    carbon = per_channel.sort("carbon_kg", "channel", descending=[True, False])
    assert list(by_channel_chart(per_channel, "carbon_kg", "Carbon", "kg CO2e").data[0].y) == [
        "Phone", "Web", "Face to face"]
    assert largest_alt(carbon, "carbon_kg", "Carbon from contact") == (
        "Carbon from contact by channel. Largest: Face to face, 1 kg CO2e.")
    assert carbon.get_column("channel")[0] == "face_to_face"


def test_the_digital_chart_draws_a_service_code_as_words_and_a_name_as_it_is():
    from reports.charts.channels import digital_alt, digital_chart

    digital = pl.DataFrame({"service": ["street_cleansing", "Council Tax"],
                            "digital_contacts": [4.0, 1.0], "contacts": [5.0, 4.0],
                            "digital_pct": [80.0, 25.0]})
    # Highest first in the frame, so drawn at the top: last in the list.
    assert list(digital_chart(digital).data[0].y) == ["Council Tax", "Street cleansing"]
    assert digital_alt(digital, "2024-01").endswith(
        "Highest: Street cleansing at 80.0 %; lowest: Council Tax at 25.0 %.")


def test_the_longest_bars_figure_is_drawn_past_the_plot_edge_not_cut_off():
    from reports.charts.channels import by_channel_chart, mix_chart

    per_channel = cost_carbon_by_channel(SRC, months("2024-01", "2025-02"))
    for figure in (mix_chart(channel_mix(SRC, months("2024-01"))),
                   by_channel_chart(per_channel, "cost_to_serve_gbp", "Cost", "£")):
        assert all(bars.textposition == "outside" and bars.cliponaxis is False
                   for bars in figure.data)
        assert figure.layout.margin.r >= 100  # room for "41.7 %" or "£23,696" beyond the axis
