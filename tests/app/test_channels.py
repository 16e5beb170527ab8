"""The channels, cost and carbon page in AppTest on the demo warehouse: it shows what
`metrics.channels_view` computes, with and without filters, and lets staff (only) edit the
assumptions, after which the money figures are priced with the new values."""


import pytest

from metrics.channels_view import (
    HEADLINE_KPIS,
    TREND_KPIS,
    channel_mix,
    cost_carbon_by_channel,
    digital_by_service,
    headline,
)
from metrics.compute import Query
from metrics.reads import sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.wording import format_value
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
    # One SPC trend per trend KPI (self-service share beside digital share), and the
    # assumptions with their sources.
    assert len([d for d in app.dataframe if "upper limit" in d.value.columns]) == len(
        TREND_KPIS) == 6
    assert "Source of the unit cost" in frame_with(app, "Source of the carbon factor").columns
    # Digital is not self-service: both, with the difference in words.
    labels = [m.label for m in app.metric]
    assert labels.index("Self-service share") == labels.index("Digital share") + 1
    captions = [c.value for c in app.caption]
    assert "Web and app only: residents served themselves, no staff needed." in captions
    # Every money figure with its price base; the saving as notional. The demo's unit costs
    # are all from 2008 sources, and no uplift is recorded.
    assert "At 2008 prices." in captions
    assert "At 2008 prices; notional: an avoided cost, not cash." in captions


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


def test_the_editor_is_for_analysts_only(app):
    open_page(app, "channels")
    assert "save_assumptions" not in [b.key for b in app.button]
    assert any("Editing assumptions: not available to your role." in i.value
               for i in app.info)
    # The assumptions themselves are not record-level: everyone sees them.
    assert len(frame_with(app, "Source of the unit cost")) == 9


@pytest.fixture
def own_warehouse(signed_out_app, warehouse_copy):
    """A copy of the demo warehouse for this test alone, so that edits stay here (after the app,
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


def test_a_staff_uplift_shows_the_money_at_later_prices(staff_app, own_warehouse):
    """Phone and web unit costs uplifted ×1.5 to 2025 prices: the money figures at the unit
    costs' own prices stay as they were (the export's definition), and beside them the cost at
    the later prices, which is the cost plus half the phone and web costs."""
    app = open_page(staff_app, "channels")
    before = shown_metrics(app)["Cost to serve"]
    for channel in ("phone", "web"):
        app.selectbox(key="assumption_channel").set_value(channel).run()
        app.number_input(key="assumption_uplift_factor").set_value(1.5)
        app.text_input(key="assumption_uplift_source").set_value("ONS CPIH, test index")
        app.number_input(key="assumption_uplift_year").set_value(2025)
        app.button(key="save_assumptions").click().run()
        assert not app.exception
        assert "now use the new values" in app.success[0].value, app.error
    assert shown_metrics(app)["Cost to serve"] == before
    src = sources_from_warehouse(own_warehouse)
    by_channel = cost_carbon_by_channel(src, Query(first_month=LATEST_MONTH,
                                                  last_month=LATEST_MONTH))
    cost = dict(by_channel.select("channel", "cost_to_serve_gbp").iter_rows())
    later = sum(cost.values()) + 0.5 * (cost["phone"] + cost["web"])
    expected = format_value(REGISTRY["cost_to_serve_gbp"], later)
    captions = [c.value for c in app.caption]
    prices = ("2008 prices (app, email, face to face, letter, other, social media, webchat) and "
              "2025 prices (phone, web)")
    assert (f"At 2008 prices. At {prices}: {expected} (×1.500 from 2008 to 2025 prices (ONS "
            "CPIH, test index) for phone, web).") in captions
    # A blank factor clears the uplift again, and the history says so.
    app.selectbox(key="assumption_channel").set_value("phone").run()
    app.number_input(key="assumption_uplift_factor").set_value(None)
    app.button(key="save_assumptions").click().run()
    assert not app.error and app.number_input(key="assumption_uplift_factor").value is None
    history = frame_with(app, "Old value")
    assert "(none)" in set(history["New value"])


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
