"""The right first time page, end to end on the demo warehouse: its figures are what
`metrics.drill` computes (and what the mart gives), with and without filters, and its
follow-up gaps and channel bounce add up to the headline's parts."""

import polars as pl
import pytest

from metrics.compute import Query, compute
from metrics.drill import breakdown, period_parts, ranking
from metrics.reads import sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page

RFT = "right_first_time_pct"
HEADLINE = (RFT, "repeat_contact_pct")


def drilled(engine, filters: dict, by: list[str] = ()) -> pl.DataFrame:
    latest = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH, filters=filters)
    return breakdown(period_parts(engine, latest), by, HEADLINE)


def item(frame: pl.DataFrame, kpi_id: str, column: str):
    return frame.filter(pl.col("kpi") == kpi_id).item(0, column)


def tables(app) -> dict[str, pl.DataFrame]:
    """Data tables by their first column's name."""
    return {d.value.columns[0]: pl.from_pandas(d.value) for d in app.dataframe}


@pytest.mark.parametrize(("key", "value", "filters"), [
    (None, None, {}),
    ("filter_service", "Council Tax", {"service": ("Council Tax",)}),
    ("filter_channel", "phone", {"channel": ("phone",)}),
])
def test_figures_are_what_metrics_computes(app, demo_engine, key, value, filters):
    open_page(app, "right_first_time")
    if key:
        app.multiselect(key=key).select(value).run()
    assert not app.exception
    expected = drilled(demo_engine, filters)
    mart = compute(sources_from_warehouse(demo_engine), Query(
        first_month=LATEST_MONTH, last_month=LATEST_MONTH, filters=filters, kpis=HEADLINE))
    shown = {m.label: m.value for m in app.metric}
    for kpi_id in HEADLINE:
        assert item(expected, kpi_id, "value") == pytest.approx(item(mart, kpi_id, "value"))
        assert shown[REGISTRY[kpi_id].label] == format_value(REGISTRY[kpi_id],
                                                             item(expected, kpi_id, "value"))

    shown_tables = tables(app)
    by_service = ranking(drilled(demo_engine, filters, ["service"]), RFT, "service",
                         "denominator")
    assert shown_tables["service"].get_column("service").to_list() == by_service.get_column(
        "service").to_list()
    assert (shown_tables["service"].get_column("right first time").to_list()
            == by_service.get_column("numerator").cast(pl.Int64).to_list())
    # Every eligible first contact is in one gap bucket; every repeat in one cell of the grid.
    gaps = shown_tables["next contact of the same matter"]
    assert gaps.get_column("eligible first contacts").sum() == item(expected, RFT, "denominator")
    grid = shown_tables["previous channel"]
    assert grid.drop("previous channel").sum_horizontal().sum() == item(
        expected, "repeat_contact_pct", "numerator") > 0


def test_a_longer_period_opens(app):
    open_page(app, "right_first_time")
    app.selectbox(key="period").select(3).run()
    assert not app.exception
    assert app.metric[0].value != "no data"
