"""The satisfaction page in AppTest on the demo warehouse: it opens with and without filters,
shows what `metrics.satisfaction_view` computes, and shows comments to signed-in staff only."""

from metrics.compute import Query
from metrics.reads import sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.satisfaction_view import interval_text, latest_comments, satisfaction_by
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page


def shown_metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def overall(engine, first: str, last: str, filters: dict) -> dict:
    return satisfaction_by(sources_from_warehouse(engine), Query(
        first_month=first, last_month=last, filters=filters)).row(0, named=True)


def expected_metrics(figures: dict) -> dict[str, str]:
    return {REGISTRY["survey_responses"].label: f"{figures['responses']:,}",
            **{REGISTRY[k].label: format_value(REGISTRY[k], figures[k])
               for k in ("csat_pct", "nps", "ces_mean")}}


def frame_with(app, column: str):
    return next((d.value for d in app.dataframe if column in d.value.columns), None)


def test_the_page_shows_the_months_figures_as_metrics_computes_them(app, demo_engine):
    open_page(app, "satisfaction")
    assert not app.exception
    figures = overall(demo_engine, LATEST_MONTH, LATEST_MONTH, {})
    assert shown_metrics(app) == expected_metrics(figures)
    captions = [c.value for c in app.caption]
    assert interval_text(figures["csat_low"], figures["csat_high"], figures["csat_n"]) in captions
    assert f"n = {figures['nps_n']:,}" in captions
    by_channel = satisfaction_by(sources_from_warehouse(demo_engine), Query(
        by=("channel",), first_month=LATEST_MONTH, last_month=LATEST_MONTH)).sort("channel")
    shown = frame_with(app, "Channel").sort_values("Channel")
    assert shown["Satisfaction n"].tolist() == by_channel["csat_n"].to_list()
    assert shown["Satisfied %"].tolist() == by_channel["csat_pct"].round(1).to_list()
    assert shown["95 % interval from"].tolist() == by_channel["csat_low"].round(1).to_list()
    assert frame_with(app, "Satisfied residents") is not None  # the SPC trend's table


def test_a_service_filter_narrows_every_figure(app, demo_engine):
    open_page(app, "satisfaction")
    app.multiselect(key="filter_service").select("Council Tax").run()
    assert not app.exception
    filters = {"service": ("Council Tax",)}
    assert shown_metrics(app) == expected_metrics(
        overall(demo_engine, LATEST_MONTH, LATEST_MONTH, filters))
    assert frame_with(app, "Service")["Service"].tolist() == ["Council Tax"]


def test_a_two_month_period_adds_up_both_months(app, demo_engine):
    open_page(app, "satisfaction")
    app.selectbox(key="period").select(3).run()
    assert not app.exception
    assert shown_metrics(app) == expected_metrics(
        overall(demo_engine, "2023-10", LATEST_MONTH, {}))


def test_a_ward_filter_explains_instead_of_showing_figures(app):
    open_page(app, "satisfaction")
    ward = app.multiselect(key="filter_ward").options[0]
    app.multiselect(key="filter_ward").select(ward).run()
    assert not app.exception
    assert not app.metric
    assert any("not defined by ward" in i.value for i in app.info)


def test_comments_are_hidden_from_members(app):
    open_page(app, "satisfaction")
    assert not app.exception
    assert frame_with(app, "comment") is None
    assert any("Survey comments: not available to your role." in i.value for i in app.info)


def test_staff_see_the_latest_comments_for_a_chosen_service(staff_app, demo_engine):
    open_page(staff_app, "satisfaction")
    staff_app.selectbox(key="comments_service").select("Council Tax").run()
    assert not staff_app.exception
    expected = latest_comments(demo_engine, "Council Tax",
                               Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH))
    shown = frame_with(staff_app, "comment")
    assert 0 < len(shown) <= 50
    assert shown["comment"].tolist() == expected["comment"].to_list()
