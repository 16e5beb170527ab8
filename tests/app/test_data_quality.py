"""The data-quality page in AppTest on the demo warehouse: loads, freshness, rules broken and
classification coverage as `metrics` computes them; quarantined rows for staff only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from data.bulk import insert_frame
from data.models import QuarantineRow
from metrics.compute import Query
from metrics.quality import (
    coverage_by_service,
    freshness,
    read_latest,
    read_quarantine_reasons,
    rule_counts,
)
from metrics.reads import sources_from_warehouse
from pipelines.sources.config import read_config
from pipelines.sources.run import run_source
from tests.app.conftest import LATEST_MONTH, open_page, sign_in

PSEUDONYM = "ab12cd34" + "9f" * 28


def frame_with(app, *columns: str):
    """The one table on the page with exactly these columns (pandas, as AppTest gives it)."""
    found = [d.value for d in app.dataframe if list(d.value.columns) == list(columns)]
    assert len(found) == 1, [list(d.value.columns) for d in app.dataframe]
    return found[0]


def tables_with(app, column: str) -> list:
    return [d.value for d in app.dataframe if column in d.value.columns]


def assert_coverage(app, engine, first: str, last: str, filters: dict) -> None:
    expected = coverage_by_service(sources_from_warehouse(engine),
                                   Query(first_month=first, last_month=last, filters=filters))
    shown = frame_with(app, *expected.columns)
    assert list(shown["service"]) == expected.get_column("service").to_list()
    assert list(shown["classified_pct"]) == pytest.approx(
        expected.get_column("classified_pct").to_list())
    assert list(shown["contacts"]) == expected.get_column("contacts").to_list()


def test_every_load_freshness_and_coverage_as_metrics_computes_them(app, demo_engine):
    open_page(app, "data_quality")
    assert not app.exception
    loads = tables_with(app, "rows_read")[0]
    # Six monthly files, the members' enquiries and the programme office's three sheets.
    assert len(loads) == 10
    assert set(loads["status"]) == {"loaded"}
    today = datetime.now(ZoneInfo("Europe/London")).date()
    expected = freshness(read_latest(demo_engine), today)
    shown = frame_with(app, *expected.columns)
    assert list(shown["feed"]) == ["complaints", "contacts", "enquiries", "satisfaction"]
    assert list(shown["status"]) == expected.get_column("status").to_list()
    assert list(shown["days_since"]) == expected.get_column("days_since").to_list()
    # The demo's records are from 2023: stale by any reckoning.
    assert all(s.startswith("▲ Stale") for s in shown["status"])
    assert "No row has been quarantined." in [s.value for s in app.success]
    assert_coverage(app, demo_engine, LATEST_MONTH, LATEST_MONTH, {})


def test_coverage_follows_the_sidebar(app, demo_engine):
    open_page(app, "data_quality")
    app.selectbox(key="period").set_value(3).run()
    app.multiselect(key="filter_service").select("Council Tax").select("Parking").run()
    assert not app.exception
    assert_coverage(app, demo_engine, "2023-10", LATEST_MONTH,
                    {"service": ("Council Tax", "Parking")})
    assert len(tables_with(app, "rows_read")[0]) == 10  # loads are not filtered


@pytest.fixture
def quarantined(signed_out_app, warehouse_copy):
    """A copy of the demo warehouse with three quarantined contact rows."""
    engine = warehouse_copy
    rows = pl.DataFrame({
        "load_id": [2, 2, 2], "feed": ["contacts"] * 3, "source_system": ["canonical"] * 3,
        "file_name": ["contacts-2023-11.csv"] * 3, "row_number": [5, 9, 12],
        "record_id": ["C5", "C9", "C12"],
        "raw_text": [f"C5,2023-11-31,phone,{PSEUDONYM}", "C9,,fax", "C12,2023-11-02,fax"],
        "reasons": ['["received_at: not a timestamp"]',
                    '["received_at: required", "channel: not a channel"]',
                    '["channel: not a channel"]']})
    with engine.begin() as conn:
        insert_frame(conn, QuarantineRow.__table__, rows)
    return engine


def test_rules_broken_are_shown_to_members_and_rows_to_analysts_only(app, quarantined):
    open_page(app, "data_quality")
    assert not app.exception
    expected = rule_counts(read_quarantine_reasons(quarantined))
    shown = frame_with(app, "feed", "rule", "rows")
    assert list(shown.itertuples(index=False, name=None)) == expected.rows()
    assert expected.rows()[0] == ("contacts", "channel: not a channel", 2)
    assert not tables_with(app, "raw_text")
    assert any("Quarantined rows: not available to your role." in i.value for i in app.info)


def test_staff_see_the_quarantined_rows_with_short_aliases(staff_app, quarantined):
    app = open_page(staff_app, "data_quality")
    assert not app.exception
    rows = tables_with(app, "raw_text")
    assert len(rows) == 1 and len(rows[0]) == 3
    text = " ".join(rows[0]["raw_text"])
    assert "ab12cd34…" in text and PSEUDONYM not in text


def test_staff_record_and_remove_a_change_point_everyone_sees_it(staff_app, warehouse_copy):
    app = open_page(staff_app, "data_quality")
    assert any("No change has been recorded." in c.value for c in app.caption)
    app.selectbox(key="change_point_month").set_value("2023-12")
    app.selectbox(key="change_point_kpi").set_value("answered_in_60s_pct")
    app.text_input(key="change_point_reason").set_value("New phone system")
    app.button(key="record_change_point").click().run()
    assert not app.exception
    assert any("now read it" in m.value for m in app.success)
    shown = frame_with(app, "change_point_id", "month", "kpi", "reason", "recorded_by",
                       "recorded_at")
    assert shown[["month", "kpi", "reason", "recorded_by"]].values.tolist() == [
        ["2023-12", "answered_in_60s_pct", "New phone system", "officer@example.com"]]
    assert [(c.month, c.kpi, c.reason) for c in
            sources_from_warehouse(warehouse_copy).change_points] == [
        ("2023-12", "answered_in_60s_pct", "New phone system")]
    app.button(key="remove_change_point").click().run()
    assert not app.exception
    assert any("Removed" in m.value for m in app.success)
    assert sources_from_warehouse(warehouse_copy).change_points == ()


def test_a_change_point_without_a_reason_is_refused_and_members_cannot_record(staff_app,
                                                                               warehouse_copy):
    app = open_page(staff_app, "data_quality")
    app.button(key="record_change_point").click().run()
    assert any("Not recorded. reason: say what changed" in m.value for m in app.error)
    assert sources_from_warehouse(warehouse_copy).change_points == ()
    sign_in(staff_app, "Councillors")
    open_page(staff_app, "data_quality")
    assert "record_change_point" not in [b.key for b in staff_app.button]
    assert any("Analysts record and remove change points." == c.value
               for c in staff_app.caption)


def test_the_sources_view_says_when_no_source_has_run(app):
    open_page(app, "data_quality")
    assert any("No source has been run yet" in i.value for i in app.info)
    assert not tables_with(app, "unmapped_values")


def test_the_sources_view_shows_each_source_and_its_mapping_gaps(app, warehouse_copy, tmp_path):
    """A real run of a CSV source with an unmapped channel, loaded into a copy of the demo."""
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "crm"\nfeed = "contacts"\nadapter = "csv"\npath = "cases.csv"\n'
        'constants = { service = "Waste" }\n'
        'columns = { contact_id = "Ref", received_at = "Opened", channel = "Origin" }\n')
    (tmp_path / "cases.csv").write_text("Ref,Opened,Origin\nX1,2023-12-01 09:00,Phone\n"
                                        "X2,2023-12-01 09:05,Telex\nX3,2023-12-01 09:10,Telex\n")
    result = run_source(warehouse_copy, read_config(tmp_path / "sources.toml").sources[0])
    assert (result.rows_inserted, result.rows_quarantined) == (1, 2)

    open_page(app, "data_quality")
    assert not app.exception
    shown = frame_with(app, "source", "adapter", "feed", "result", "last_run", "rows_loaded",
                       "rows_unchanged", "rows_quarantined", "watermark", "unmapped_values",
                       "problem")
    assert list(shown.itertuples(index=False, name=None))[0][:4] == (
        "crm", "csv", "contacts", "✔ Loaded")
    assert (shown["rows_loaded"][0], shown["rows_quarantined"][0],
            shown["unmapped_values"][0]) == (1, 2, 1)
    gaps = frame_with(app, "source", "column", "value", "rows")
    assert list(gaps.itertuples(index=False, name=None)) == [("crm", "channel", "Telex", 2)]
