"""The warehouse's version: each part moves with every write to it, and only with those, on
both backends; hand edits of reference tables (plain SQL from another connection) included."""

import subprocess
import sys

from sqlalchemy import create_engine, text

from data.edits import record_change_point, remove_change_point, update_assumption
from data.versions import CREATED, HAND_EDITED, install, moved, read_versions
from data.warehouse import make_engine
from tests.data.helpers import statements
from tests.pipelines.helpers import csv_text, load
from transform.marts import refresh_contact_marts

CONTACTS = ["contact_id", "received_at", "channel", "service", "customer_ref"]


def versions(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return read_versions(conn)


def moves(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """part -> how far it moved, for the parts that moved (a trigger moves its part once per
    row written)."""
    return {p: v - before.get(p, 0) for p, v in after.items() if v != before.get(p, 0)}


def test_a_new_warehouse_has_a_version_for_each_hand_edited_part(engine):
    found = versions(engine)
    assert {"settings", "targets", "assumptions", CREATED} <= set(found)
    assert found[CREATED] > 0
    # Opening the warehouse again keeps its counters and its creation number.
    again = make_engine(engine.url.render_as_string(hide_password=False))
    assert versions(again) == found
    again.dispose()


def test_plain_sql_from_another_connection_moves_only_the_part_it_writes(engine,
                                                                          warehouse_url):
    analyst = create_engine(warehouse_url)  # not ours: no listeners, no make_engine
    try:
        for statement, part in [
            ("UPDATE ref_kpi_targets SET target = 50 WHERE kpi = 'csat_pct'", "targets"),
            ("UPDATE ref_settings SET value = '14' WHERE key = 'repeat_window_days'", "settings"),
            ("DELETE FROM ref_kpi_targets WHERE kpi = 'nps'", "targets"),
            ("INSERT INTO ref_settings (key, value, updated_by, updated_at) "
             "VALUES ('note', 'x', 'me', '2026-01-01 00:00:00')", "settings"),
        ]:
            before = versions(engine)
            with analyst.begin() as conn:
                conn.execute(text(statement))
            assert moves(before, versions(engine)) == {part: 1}, statement
    finally:
        analyst.dispose()


def test_a_statement_that_changes_no_row_moves_nothing(engine):
    before = versions(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ref_kpi_targets SET target = 1 WHERE kpi = 'no such kpi'"))
    assert versions(engine) == before


def test_an_assumption_edit_moves_only_the_assumptions(engine):
    before = versions(engine)
    update_assumption(engine, "phone", by="officer@example.com", unit_cost_gbp=4.0)
    assert set(moves(before, versions(engine))) == {"assumptions"}


def test_recording_and_removing_a_change_point_moves_only_the_change_points(engine):
    before = versions(engine)
    point = record_change_point(engine, "2025-04", "The strategy starts", by="analyst")
    assert moves(before, versions(engine)) == {"change_points": 1}
    before = versions(engine)
    remove_change_point(engine, point, by="analyst")
    assert moves(before, versions(engine)) == {"change_points": 1}


def test_an_edit_rolled_back_moves_nothing(engine):
    before = versions(engine)
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(text("UPDATE ref_kpi_targets SET target = 50 WHERE kpi = 'csat_pct'"))
        transaction.rollback()
    assert versions(engine) == before


def test_loads_move_the_load_log_their_feed_and_the_marts(engine, tmp_path):
    before = versions(engine)
    rows = [["C1", "2024-01-10T09:00:00Z", "phone", "Waste", "R1"]]
    load(engine, "contacts", tmp_path, "c.csv", csv_text(CONTACTS, rows))
    # A contacts load rebuilds the marts and records their horizon in ref_settings (one row
    # inserted: one move).
    assert moves(before, after := versions(engine)) == {
        "loads": 1, "contacts": 1, "marts": 1, "settings": 1}
    load(engine, "contacts", tmp_path, "c.csv", csv_text(CONTACTS, rows))  # skipped
    assert moves(after, after := versions(engine)) == {"loads": 1}
    load(engine, "complaints", tmp_path, "k.csv", csv_text(
        ["complaint_id", "stage", "received_on", "service"], [["K1", "1", "2024-01-10", "Waste"]]))
    assert moves(after, after := versions(engine)) == {"loads": 1, "complaints": 1}
    load(engine, "complaints", tmp_path, "bad.csv", "no,header,we,know\n")  # rejected
    assert moves(after, after := versions(engine)) == {"loads": 1}
    with engine.begin() as conn:
        refresh_contact_marts(conn)
    # The horizon's row replaced: deleted and inserted again.
    assert moves(after, versions(engine)) == {"marts": 1, "settings": 2}


def test_moved_counts_a_part_never_seen_before(engine):
    with engine.begin() as conn:
        moved(conn, "enquiries")
        moved(conn, "enquiries", "loads")
    assert versions(engine)["enquiries"] == 2


def test_an_edit_in_another_process_is_seen(sqlite_engine):
    """What a running dashboard relies on: another process's commit moves the version."""
    before = versions(sqlite_engine)
    database = sqlite_engine.url.database
    subprocess.run([sys.executable, "-c", (
        "import sqlite3, sys\n"
        "with sqlite3.connect(sys.argv[1]) as db:\n"
        "    db.execute(\"UPDATE ref_kpi_targets SET target = 42 WHERE kpi = 'nps'\")\n"),
        database], check=True)
    assert moves(before, versions(sqlite_engine)) == {"targets": 1}


def test_an_older_warehouse_gains_its_versions_and_triggers_when_opened(engine, warehouse_url):
    """A warehouse made before versions existed: opening it adds them, and hand edits move
    them from then on; opening a complete one only reads."""
    with engine.begin() as conn:
        for name in HAND_EDITED:
            for kind in ("insert", "update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}_{kind}_moves_version"
                                  + (f" ON {name}" if conn.dialect.name == "postgresql"
                                     else "")))
        conn.execute(text("DELETE FROM warehouse_versions"))
    reopened = make_engine(warehouse_url)
    try:
        assert {"settings", "targets", "assumptions", CREATED} <= set(versions(reopened))
        before = versions(reopened)
        with reopened.begin() as conn:
            conn.execute(text("UPDATE ref_kpi_targets SET target = 1 WHERE kpi = 'nps'"))
        assert moves(before, versions(reopened)) == {"targets": 1}
        sent = statements(reopened)
        install(reopened)
        assert sent and not any(s.lstrip().upper().startswith(("CREATE", "INSERT", "DROP"))
                                or "advisory" in s for s in sent), sent
    finally:
        reopened.dispose()
