"""The failure demand page, end to end on the demo warehouse: its figures are what
`metrics.drill` computes (and what the mart gives), with and without filters; the contact
chains are for signed-in staff only."""

from dataclasses import replace

import polars as pl
import pytest

from metrics.chains import contact_chains
from metrics.compute import Query, compute
from metrics.drill import breakdown, period_parts
from metrics.reads import sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page

HEADLINE = ("failure_demand_pct", "repeat_contact_pct")
LATEST = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH)


def expected_headline(engine, filters: dict) -> dict[str, str]:
    """Label -> shown value, from the drill and, independently, from the monthly mart."""
    latest = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH, filters=filters)
    drilled = breakdown(period_parts(engine, latest), [], HEADLINE)
    mart = compute(sources_from_warehouse(engine), replace(latest, kpis=HEADLINE))
    shown = {}
    for kpi_id in HEADLINE:
        kpi = REGISTRY[kpi_id]
        value = drilled.filter(pl.col("kpi") == kpi_id).item(0, "value")
        assert value == pytest.approx(mart.filter(pl.col("kpi") == kpi_id).item(0, "value"))
        shown[kpi.label] = format_value(kpi, value)
    return shown


def shown_metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def tables(app) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in app.dataframe]


def test_the_headline_is_what_metrics_computes(app, demo_engine):
    open_page(app, "failure_demand")
    assert not app.exception
    assert shown_metrics(app) == expected_headline(demo_engine, {})
    by_service = next(t for t in tables(app) if t.columns[0] == "service")
    drilled = breakdown(period_parts(demo_engine, LATEST), ["service"], ["failure_demand_pct"])
    assert by_service.get_column("failure contacts").sum() == drilled.get_column(
        "numerator").sum() > 0
    # most failure contacts first
    assert by_service.get_column("failure contacts").to_list() == sorted(
        by_service.get_column("failure contacts").to_list(), reverse=True)


@pytest.mark.parametrize(("key", "value", "filters"), [
    ("filter_service", "Council Tax", {"service": ("Council Tax",)}),
    ("filter_channel", "phone", {"channel": ("phone",)}),
])
def test_a_filter_gives_the_filtered_figures(app, demo_engine, key, value, filters):
    open_page(app, "failure_demand")
    everyone = shown_metrics(app)
    app.multiselect(key=key).select(value).run()
    assert not app.exception
    shown = shown_metrics(app)
    assert shown == expected_headline(demo_engine, filters)
    assert shown != everyone


def test_drilling_into_a_service_and_grouping_by_reason(app):
    open_page(app, "failure_demand")
    services = app.selectbox(key="fd_service").options
    app.selectbox(key="fd_service").select(services[-1]).run()
    app.radio(key="fd_pareto_by").set_value("Failure type and reason").run()
    assert not app.exception
    pareto = tables(app)[0]
    assert pareto.columns[:2] == ["failure type", "reason"]
    assert pareto.get_column("cumulative share %").max() == pytest.approx(100, abs=0.1)


def test_a_services_reasons_are_counts_and_shares_of_its_failure(app, demo_engine):
    """By reason the page showed failure demand of 100.0 % or 0.0 % (a reason is a failure
    reason or not). It shows each reason's failure contacts and share of the service's failure
    contacts, biggest first, adding up to the service's failure contacts and to 100 %."""
    open_page(app, "failure_demand")
    service = app.selectbox(key="fd_service").value
    reasons = next(t for t in tables(app) if t.columns[0] == "reason")
    assert reasons.columns == ["reason", "failure contacts", "share of failure %",
                               "cumulative share %"]
    counts = reasons.get_column("failure contacts").to_list()
    assert counts == sorted(counts, reverse=True)
    drilled = breakdown(period_parts(demo_engine, Query(
        first_month=LATEST_MONTH, last_month=LATEST_MONTH, filters={"service": (service,)})),
        [], ["failure_demand_pct"])
    assert sum(counts) == drilled.item(0, "numerator") > 0
    # Each share is shown to 0.1, so their sum is 100 within 0.05 a row.
    assert reasons.get_column("share of failure %").sum() == pytest.approx(
        100, abs=0.05 * reasons.height)
    first = reasons.row(0, named=True)
    assert first["share of failure %"] == round(100 * first["failure contacts"] / sum(counts), 1)
    assert not any("Failure demand %" in t.columns and "reason" in t.columns
                   for t in tables(app))


def test_contact_chains_are_hidden_from_members(app):
    open_page(app, "failure_demand")
    assert not app.exception
    assert not any("alias" in t.columns for t in tables(app))
    assert any("Contact chains: not available to your role." in i.value for i in app.info)


def test_contact_chains_are_shown_to_managers_and_above(staff_app, demo_engine):
    open_page(staff_app, "failure_demand")
    assert not staff_app.exception
    service = staff_app.selectbox(key="fd_service").value
    chains = next(t for t in tables(staff_app) if "alias" in t.columns)
    expected = contact_chains(demo_engine, service, LATEST)
    assert chains.height == expected.height > 0
    assert chains.get_column("alias").to_list() == expected.get_column("alias").to_list()
    assert chains.get_column("alias").str.contains(r"^R-[0-9a-f]{6}$").all()
