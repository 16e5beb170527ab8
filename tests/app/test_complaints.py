"""The complaints and compliments page in AppTest on the demo warehouse: it opens with and
without filters and shows what `metrics.complaints_view` computes."""

from metrics.complaints_view import (
    HEADLINE_KPIS,
    complaint_figures,
    overdue_by_service,
    service_table,
    themes_by_month,
)
from metrics.compute import Query
from metrics.reads import sources_from_warehouse
from metrics.registry import measure
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page


def shown_metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def expected_metrics(engine, first: str, last: str, filters: dict) -> dict[str, str]:
    src = sources_from_warehouse(engine)
    overall = complaint_figures(src, Query(first_month=first, last_month=last,
                                               filters=filters)).overall.row(0, named=True)
    expected = {measure(k).label: format_value(measure(k), overall[k]) for k in HEADLINE_KPIS}
    overdue = overdue_by_service(src.complaints, src.as_of, filters)
    expected["Open complaints overdue"] = f"{overdue.get_column('overdue').sum():,}"
    return expected


def frame_with(app, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_the_page_shows_the_months_figures_as_metrics_computes_them(app, demo_engine):
    open_page(app, "complaints")
    assert not app.exception
    shown = shown_metrics(app)
    assert shown == expected_metrics(demo_engine, LATEST_MONTH, LATEST_MONTH, {})
    # New complaints and escalations apart, never complaint rows headlined as complaints; the
    # two add up to the complaint rows of the export's complaints_received.
    assert "Complaints received" not in shown
    rows = complaint_figures(sources_from_warehouse(demo_engine), Query(
        first_month=LATEST_MONTH, last_month=LATEST_MONTH)).overall.row(0, named=True)
    assert int(shown["Stage 1 complaints received"]) + int(
        shown["Escalations to stage 2"]) == rows["complaints_received"] > 0
    src = sources_from_warehouse(demo_engine)
    latest = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH)
    by_service = service_table(complaint_figures(src, latest))
    shown = frame_with(app, "Per 1,000 contacts")
    assert shown["Service"].tolist() == by_service["Service"].to_list()
    assert shown["Complaints received"].tolist() == by_service["Complaints received"].to_list()
    themes = themes_by_month(src.complaints, latest)
    assert frame_with(app, "category")["complaints"].tolist() == themes["complaints"].to_list()
    overdue = overdue_by_service(src.complaints, src.as_of, {})
    assert frame_with(app, "oldest due date")["overdue"].tolist() == overdue["overdue"].to_list()
    assert int(shown_metrics(app)["Open complaints overdue"]) > 0


def test_a_longer_period_adds_up_both_demo_months(app, demo_engine):
    open_page(app, "complaints")
    app.selectbox(key="period").select(3).run()
    assert not app.exception
    assert shown_metrics(app) == expected_metrics(demo_engine, "2023-10", LATEST_MONTH, {})
    both = expected_metrics(demo_engine, "2023-11", LATEST_MONTH, {})
    one = expected_metrics(demo_engine, LATEST_MONTH, LATEST_MONTH, {})
    assert int(both["Stage 1 complaints received"]) > int(one["Stage 1 complaints received"])


def test_a_service_filter_narrows_every_figure(app, demo_engine):
    open_page(app, "complaints")
    app.multiselect(key="filter_service").select("Council Tax").run()
    assert not app.exception
    filters = {"service": ("Council Tax",)}
    assert shown_metrics(app) == expected_metrics(demo_engine, LATEST_MONTH, LATEST_MONTH,
                                                  filters)
    assert frame_with(app, "Per 1,000 contacts")["Service"].tolist() == ["Council Tax"]


def test_a_channel_filter_explains_instead_of_showing_figures(app):
    open_page(app, "complaints")
    app.multiselect(key="filter_channel").select("phone").run()
    assert not app.exception
    assert not app.metric
    assert any("not defined by channel" in i.value for i in app.info)


def test_the_due_date_rules_are_in_plain_english(app):
    open_page(app, "complaints")
    rules = " ".join(m.value for m in app.markdown)
    assert "10 working days" in rules and "20 working days" in rules
