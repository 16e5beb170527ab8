"""The channels, cost and carbon page in AppTest on the demo warehouse: it shows what
`metrics.channels_view` computes, with and without filters, and lets staff (only) edit the
assumptions, after which the money figures are priced with the new values."""


import pytest

from metrics.channels_view import HEADLINE_KPIS, channel_mix, digital_by_service, headline
from metrics.compute import Query
from metrics.reads import sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.scorecard import format_value
from tests.app.conftest import LATEST_MONTH, open_page


def shown_metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def frame_with(app, column: str):
    """The one table on the page with `column` (pandas, as AppTest gives it)."""
    found = [d.value for d in app.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in app.dataframe]
    return found[0]


def assert_shows(app, engine, first: str, last: str, filters: dict) -> None:
    src = sources_from_warehouse(engine)
    query = Query(first_month=first, last_month=last, filters=filters)
    expected = headline(src, query)
    shown = shown_metrics(app)
    for kpi_id in HEADLINE_KPIS:
        kpi = REGISTRY[kpi_id]
        assert shown[kpi.label] == format_value(kpi, expected[kpi_id]), kpi_id
    mix = channel_mix(src, query)
    table = frame_with(app, "baseline_share_pct")
    assert list(table["channel"]) == mix.get_column("channel").to_list()
    assert list(table["share_pct"]) == pytest.approx(mix.get_column("share_pct").to_list())
    digital = digital_by_service(src, query)
    table = frame_with(app, "digital_pct")
    assert list(table["service"]) == digital.get_column("service").to_list()
    assert list(table["digital_pct"]) == pytest.approx(digital.get_column("digital_pct").to_list())


def test_the_page_shows_the_latest_month_as_metrics_computes_it(app, demo_engine):
    open_page(app, "channels")
    assert not app.exception
    assert_shows(app, demo_engine, LATEST_MONTH, LATEST_MONTH, {})
    assert int(shown_metrics(app)["Contacts"].replace(",", "")) > 1000
    # One SPC trend per trend KPI, and the assumptions with their sources.
    assert len([d for d in app.dataframe if "upper limit" in d.value.columns]) == 5
    assert "Source of the unit cost" in frame_with(app, "Source of the carbon factor").columns


def test_filters_and_a_longer_period_change_the_figures(app, demo_engine):
    open_page(app, "channels")
    everyone = shown_metrics(app)["Cost to serve"]
    app.selectbox(key="period").set_value(3).run()
    app.multiselect(key="filter_service").select("Council Tax").run()
    assert not app.exception
    assert_shows(app, demo_engine, "2023-10", LATEST_MONTH, {"service": ("Council Tax",)})
    assert shown_metrics(app)["Cost to serve"] != everyone
    app.multiselect(key="filter_channel").select("phone").run()
    assert not app.exception
    assert_shows(app, demo_engine, "2023-10", LATEST_MONTH,
                 {"service": ("Council Tax",), "channel": ("phone",)})


def test_the_editor_is_for_staff_only(app):
    open_page(app, "channels")
    assert "save_assumptions" not in [b.key for b in app.button]
    assert any("Editing assumptions" in i.value for i in app.info)
    # The assumptions themselves are not record-level: everyone sees them.
    assert len(frame_with(app, "Source of the unit cost")) == 9


@pytest.fixture
def own_warehouse(app, warehouse_copy):
    """A copy of the demo warehouse for this test alone, so that edits stay here (after `app`,
    whose fixture points the app at the demo)."""
    return warehouse_copy


def test_a_staff_edit_reprices_the_cost_to_serve(staff_app, own_warehouse):
    app = open_page(staff_app, "channels")
    before = shown_metrics(app)["Cost to serve"]
    app.selectbox(key="assumption_channel").set_value("phone").run()
    assert app.number_input(key="assumption_unit_cost_gbp").value == 3.76
    app.number_input(key="assumption_unit_cost_gbp").set_value(5.0)
    app.text_input(key="assumption_cost_source").set_value("Our 2025 time-and-motion study")
    app.number_input(key="assumption_cost_year").set_value(2025)
    app.button(key="save_assumptions").click().run()
    assert not app.exception
    assert "now use the new values" in app.success[0].value
    after = shown_metrics(app)["Cost to serve"]
    assert after != before
    assert_shows(app, own_warehouse, LATEST_MONTH, LATEST_MONTH, {})
    src = sources_from_warehouse(own_warehouse)
    assert src.assumptions.filter(channel="phone")["unit_cost_gbp"].item() == 5.0
    history = frame_with(app, "Old value")
    assert sorted(history["Field"]) == ["cost_source", "cost_year", "unit_cost_gbp"]
    assert set(history["Who"]) == {"officer@example.com"}


def test_a_staff_edit_without_a_source_is_refused(staff_app, own_warehouse):
    app = open_page(staff_app, "channels")
    before = shown_metrics(app)["Cost to serve"]
    app.text_input(key="assumption_cost_source").set_value("  ")
    app.number_input(key="assumption_unit_cost_gbp").set_value(1.0)
    app.button(key="save_assumptions").click().run()
    assert not app.exception
    assert "Source of the unit cost" in app.error[0].value
    assert shown_metrics(app)["Cost to serve"] == before
    assert not [d for d in app.dataframe if "Old value" in d.value.columns]
