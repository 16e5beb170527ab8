"""Cost and carbon KPIs (`docs/kpis.md`, Cost and carbon), worked by hand with the default
assumptions:

    channel        £ per contact   kg CO2e per contact
    face_to_face   9.34            1.2112
    phone          3.76            0
    web            0.27            0
    letter         12.10           0.0529016

The baseline is the 12 months from the first month with contacts: 2024-01 to 2024-12 here.
"""

import pytest

from tests.metrics.builders import contact, contacts, figure, run, utc

JAN_24 = utc(2024, 1, 10, 12)
JAN_25 = utc(2025, 1, 10, 12)
COST_KPIS = ("cost_to_serve_gbp", "channel_shift_saving_gbp", "carbon_kg", "carbon_saving_kg")


def _many(when, service, **counts):
    return [contact(when, channel, service) for channel, n in counts.items() for _ in range(n)]


# Waste, 2024-01 (baseline): 2 face_to_face, 1 phone, 1 letter -> shares 1/2, 1/4, 1/4.
# Waste, 2025-01: 1 face_to_face, 1 phone, 2 web (4 contacts).
# Housing, 2024-01: 1 phone, 1 web -> shares 1/2, 1/2. Housing, 2025-01: 2 web.
WASTE = _many(JAN_24, "Waste", face_to_face=2, phone=1, letter=1) + _many(
    JAN_25, "Waste", face_to_face=1, phone=1, web=2)
HOUSING = _many(JAN_24, "Housing", phone=1, web=1) + _many(JAN_25, "Housing", web=2)

CASES = {
    # Waste alone.
    # cost 2024-01 = 2 × 9.34 + 3.76 + 12.10 = 34.54; carbon = 2 × 1.2112 + 0.0529016 = 2.4753016
    # cost 2025-01 = 9.34 + 3.76 + 2 × 0.27 = 13.64; carbon = 1.2112
    # saving 2025-01: expected = share × 4 = f2f 2, phone 1, letter 1, web 0
    #   = (2 − 1) × 9.34 + (1 − 1) × 3.76 + (1 − 0) × 12.10 + (0 − 2) × 0.27 = 20.90
    #   carbon = (2 − 1) × 1.2112 + (1 − 0) × 0.0529016 = 1.2641016
    # saving 2024-01 (a baseline month, the only one with contacts): its own mix -> 0.
    "one service": (WASTE, (), "All", {
        "2024-01": (34.54, 0.0, 2.4753016, 0.0),
        "2025-01": (13.64, 20.90, 1.2112, 1.2641016)}),
    # Both services, all together. Baseline 2024-01: f2f 2, phone 2, letter 1, web 1 of 6.
    # cost 2024-01 = 34.54 + 3.76 + 0.27 = 38.57; 2025-01 = 13.64 + 2 × 0.27 = 14.18.
    # saving 2025-01 (6 contacts: f2f 1, phone 1, web 4): expected f2f 2, phone 2, letter 1, web 1
    #   = (2 − 1) × 9.34 + (2 − 1) × 3.76 + (1 − 0) × 12.10 + (1 − 4) × 0.27 = 24.39
    #   carbon = 1 × 1.2112 + 1 × 0.0529016 = 1.2641016
    "two services, all together": (WASTE + HOUSING, (), "All", {
        "2024-01": (38.57, 0.0, 2.4753016, 0.0),
        "2025-01": (14.18, 24.39, 1.2112, 1.2641016)}),
    # By service, Waste against its own mix: the same figures as Waste alone.
    "by service: Waste": (WASTE + HOUSING, ("service",), "Waste", {
        "2024-01": (34.54, 0.0, 2.4753016, 0.0),
        "2025-01": (13.64, 20.90, 1.2112, 1.2641016)}),
    # Housing against its own mix (phone 1/2, web 1/2): 2025-01 has 2 web, expected phone 1,
    # web 1 -> saving = (1 − 0) × 3.76 + (1 − 2) × 0.27 = 3.49; carbon 0.
    # cost 2024-01 = 3.76 + 0.27 = 4.03; 2025-01 = 2 × 0.27 = 0.54.
    "by service: Housing": (WASTE + HOUSING, ("service",), "Housing", {
        "2024-01": (4.03, 0.0, 0.0, 0.0),
        "2025-01": (0.54, 3.49, 0.0, 0.0)}),
}


@pytest.mark.parametrize(("rows", "by", "service", "expected"), CASES.values(), ids=CASES.keys())
def test_cost_carbon_and_savings(rows, by, service, expected):
    result = run(contacts(*rows), by=by)
    for month, values in expected.items():
        for kpi, value in zip(COST_KPIS, values):
            numerator, denominator, shown = figure(result, kpi, month, service=service)
            assert numerator == pytest.approx(value, rel=1e-9, abs=1e-12), (month, kpi)
            assert denominator is None
            assert shown == numerator


def test_a_configured_baseline_period():
    # Baseline 2025-01 only: Waste's mix is f2f 1/4, phone 1/4, web 2/4. In 2024-01 (4 contacts)
    # expected f2f 1, phone 1, web 2, letter 0:
    # saving = (1 − 2) × 9.34 + (1 − 1) × 3.76 + (2 − 0) × 0.27 + (0 − 1) × 12.10 = −20.90
    # carbon = (1 − 2) × 1.2112 + (0 − 1) × 0.0529016 = −1.2641016
    result = run(contacts(*WASTE), settings={"baseline_from": "2025-01", "baseline_to": "2025-01"})
    assert figure(result, "channel_shift_saving_gbp", "2024-01")[0] == pytest.approx(-20.90)
    assert figure(result, "carbon_saving_kg", "2024-01")[0] == pytest.approx(-1.2641016)
    assert figure(result, "channel_shift_saving_gbp", "2025-01")[0] == pytest.approx(0, abs=1e-9)


def test_a_service_absent_from_the_baseline_has_no_savings():
    # Parking first has contacts in 2025-01 (3 phone), after the 2024 baseline.
    parking = _many(JAN_25, "Parking", phone=3)
    by_service = run(contacts(*WASTE, *parking), by=("service",))
    # Cost and carbon are still there: 3 × 3.76 = 11.28 £, 0 kg.
    assert figure(by_service, "cost_to_serve_gbp", "2025-01", "Parking") == pytest.approx(
        (11.28, None, 11.28))
    assert figure(by_service, "carbon_kg", "2025-01", "Parking") == (0, None, 0)
    assert figure(by_service, "channel_shift_saving_gbp", "2025-01", "Parking") is None
    assert figure(by_service, "carbon_saving_kg", "2025-01", "Parking") is None
    assert figure(by_service, "channel_shift_saving_gbp", "2025-01", "Waste")[0] == \
        pytest.approx(20.90)
    # All services together: baseline mix f2f 1/2, phone 1/4, letter 1/4 (Waste's); 2025-01 has
    # 7 contacts (f2f 1, phone 4, web 2) -> expected f2f 3.5, phone 1.75, letter 1.75, web 0:
    # (3.5 − 1) × 9.34 + (1.75 − 4) × 3.76 + 1.75 × 12.10 + (0 − 2) × 0.27
    #   = 23.35 − 8.46 + 21.175 − 0.54 = 35.525
    everything = run(contacts(*WASTE, *parking))
    assert figure(everything, "channel_shift_saving_gbp", "2025-01")[0] == pytest.approx(35.525)


def test_cost_by_channel_and_savings_omitted_by_channel():
    result = run(contacts(*WASTE), by=("channel",))
    # 2024-01: face_to_face 2 × 9.34 = 18.68 £ and 2 × 1.2112 = 2.4224 kg; letter 12.10 £ and
    # 0.0529016 kg; phone 3.76 £ and 0 kg.
    assert figure(result, "cost_to_serve_gbp", "2024-01", channel="face_to_face")[0] == \
        pytest.approx(18.68)
    assert figure(result, "carbon_kg", "2024-01", channel="face_to_face")[0] == \
        pytest.approx(2.4224)
    assert figure(result, "cost_to_serve_gbp", "2024-01", channel="letter")[0] == \
        pytest.approx(12.10)
    assert figure(result, "carbon_kg", "2024-01", channel="letter")[0] == pytest.approx(0.0529016)
    assert figure(result, "cost_to_serve_gbp", "2024-01", channel="phone")[0] == \
        pytest.approx(3.76)
    # 2025-01 web: 2 × 0.27 = 0.54.
    assert figure(result, "cost_to_serve_gbp", "2025-01", channel="web")[0] == pytest.approx(0.54)
    kpis = set(result.get_column("kpi"))
    assert {"cost_to_serve_gbp", "carbon_kg"} <= kpis
    assert not kpis & {"channel_shift_saving_gbp", "carbon_saving_kg"}
    also = run(contacts(*WASTE), by=("service", "channel"))
    assert not set(also.get_column("kpi")) & {"channel_shift_saving_gbp", "carbon_saving_kg"}


@pytest.mark.parametrize(("query", "settings"), [
    ({"filters": {"service": ("Parking",)}}, None),  # only Parking, which has no baseline
    ({}, {"baseline_from": "2023-01", "baseline_to": "2023-12"}),  # a baseline without contacts
])
def test_no_baseline_mix_means_no_savings_not_minus_the_cost(query, settings):
    result = run(contacts(*WASTE, *_many(JAN_25, "Parking", phone=3)), settings=settings, **query)
    kpis = set(result.get_column("kpi"))
    assert "cost_to_serve_gbp" in kpis
    assert not kpis & {"channel_shift_saving_gbp", "carbon_saving_kg"}


def test_filtered_to_one_service_savings_use_its_own_mix():
    result = run(contacts(*WASTE, *HOUSING), filters={"service": ("Housing",)})
    # As Housing by service: 3.49 (see CASES).
    assert figure(result, "channel_shift_saving_gbp", "2025-01")[0] == pytest.approx(3.49)
