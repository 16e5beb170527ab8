"""The dashboard's pages run end to end in AppTest on a real warehouse, and show what `metrics`
computes."""

from data.warehouse import get_engine
from metrics.reads import read_targets, sources_from_warehouse
from metrics.scorecard import scorecard
from metrics.wording import format_value
from tests.app.conftest import open_page


def test_the_scorecard_shows_the_latest_month_as_metrics_computes_it(app, demo_url):
    app.run()
    assert not app.exception
    assert app.selectbox(key="month").value == "2023-12"
    engine = get_engine(demo_url)
    tiles = scorecard(sources_from_warehouse(engine), "2023-12", read_targets(engine))
    shown = {m.label: m.value for m in app.metric}
    for tile in tiles:
        assert shown[tile.kpi.label] == format_value(tile.kpi, tile.value)
    assert len(tiles) >= 20


def test_a_service_filter_changes_the_figures(app):
    app.run()
    everyone = {m.label: m.value for m in app.metric}["Contacts"]
    app.multiselect(key="filter_service").select("Council Tax").run()
    assert not app.exception
    council_tax = {m.label: m.value for m in app.metric}["Contacts"]
    assert int(council_tax.replace(",", "")) < int(everyone.replace(",", ""))


def test_the_data_quality_page_lists_every_load(app):
    open_page(app, "data_quality")
    assert not app.exception
    loads = app.dataframe[0].value
    # Six monthly files, the members' enquiries and the programme office's three sheets.
    assert len(loads) == 10
    assert set(loads["status"]) == {"loaded"}


def test_a_filter_the_scorecard_cannot_apply_to_every_kpi_is_explained(app):
    app.run()
    ward = app.multiselect(key="filter_ward").options[0]
    app.multiselect(key="filter_ward").select(ward).run()
    assert not app.exception
    assert [i.value for i in app.info] == [
        "Satisfaction figures are not defined by ward: survey responses carry no ward. Clear "
        "the ward filter in the sidebar to see them."]
    labels = {m.label for m in app.metric}
    assert "Satisfied residents" not in labels and "Contacts" in labels
