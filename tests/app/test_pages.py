"""The dashboard's pages run end to end in AppTest on a real warehouse, and show what `metrics`
computes."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.warehouse import get_engine
from metrics.reads import read_targets, sources_from_warehouse
from metrics.scorecard import format_value, scorecard
from pipelines.demo import build_demo

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """Two months of the demo council in a SQLite warehouse."""
    folder = tmp_path_factory.mktemp("app")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    build_demo(get_engine(url), folder / "feeds", months=2)
    return url


@pytest.fixture
def app(demo_url, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_URL", demo_url)
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60)


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
    app.run()
    app.switch_page("pages/data_quality.py").run()
    assert not app.exception
    loads = app.dataframe[0].value
    assert len(loads) == 6
    assert set(loads["status"]) == {"loaded"}
