"""`python -m pipelines ingest` as `docs/feeds.md` (the command line) describes it, run as a real
process against a throwaway SQLite warehouse chosen by WAREHOUSE_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.warehouse import make_engine
from tests.pipelines.helpers import TEST_KEY, load_log, rows, write

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["feed", "file", "status", "rows_read", "rows_inserted", "rows_updated", "rows_unchanged",
        "rows_quarantined", "errors"]
CHANNELS = "phone, email, web, face_to_face, letter, webchat, social_media, app, other"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_URL": _url(tmp_path), "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _one_json_object(stdout: str) -> dict:
    assert stdout.count("\n") == 1 and stdout.endswith("\n"), stdout
    obj = json.loads(stdout)  # refuses anything after the object
    assert isinstance(obj, dict)
    assert list(obj) == KEYS
    return obj


def test_a_loaded_file_exits_0_with_one_json_object_and_again_as_skipped(tmp_path):
    path = write(tmp_path, "cli.csv", "contact_id,received_at,channel,service\n"
                                      "C1,2024-01-10 09:00,phone,Waste\n"
                                      "C2,2024-01-10 09:30,email,Waste\n"
                                      "C3,2024-01-10 10:00,pigeon,Waste\n")
    first = _run(tmp_path, "ingest", "contacts", str(path), "--json")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert _one_json_object(first.stdout) == {
        "feed": "contacts", "file": "cli.csv", "status": "loaded", "rows_read": 3,
        "rows_inserted": 2, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 1,
        "errors": [f"cli.csv row 4: channel: not one of {CHANNELS}"]}

    # Without --json: a one-line summary on stdout, the messages on stderr; skipped is exit 0.
    again = _run(tmp_path, "ingest", "contacts", str(path))
    assert again.returncode == 0, again.stderr
    assert again.stdout == ("contacts cli.csv: skipped: read 0, inserted 0, updated 0, "
                            "unchanged 0, quarantined 0\n")
    assert "  cli.csv: these exact bytes were loaded before\n" in again.stderr

    engine = make_engine(_url(tmp_path))
    try:
        assert sorted((r["source_system"], r["contact_id"])
                      for r in rows(engine, "fct_contacts")) == [("canonical", "C1"),
                                                                 ("canonical", "C2")]
        assert [(r["status"], r["rows_inserted"]) for r in load_log(engine)] == [
            ("loaded", 2), ("skipped", 0)]
    finally:
        engine.dispose()


def test_a_rejected_file_exits_1_and_loads_nothing(tmp_path):
    path = write(tmp_path, "latin.csv", b"contact_id,received_at,channel,service\n"
                                        b"C1,2024-01-10 09:00,phone,caf\xe9\n")
    result = _run(tmp_path, "ingest", "contacts", str(path), "--source-system", "crm", "--json")
    assert result.returncode == 1, result.stderr
    assert _one_json_object(result.stdout) == {
        "feed": "contacts", "file": "latin.csv", "status": "rejected", "rows_read": 0,
        "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 0,
        "errors": ["latin.csv: not UTF-8 text (byte 0xE9 on line 2); save the file as UTF-8 "
                   "and send it again"]}

    engine = make_engine(_url(tmp_path))
    try:
        assert rows(engine, "fct_contacts") == []
        assert [(r["source_system"], r["status"]) for r in load_log(engine)] == [
            ("crm", "rejected")]
    finally:
        engine.dispose()


@pytest.mark.parametrize(("args", "message"), [
    (["ingest", "parcels", "{dir}/x.csv"], "argument feed: invalid choice: 'parcels'"),
    (["ingest", "contacts", "{dir}/missing.csv"], "error: no such file: {dir}/missing.csv"),
    (["ingest", "contacts", "{dir}"], "error: no such file: {dir}"),
    (["ingest", "contacts"], "the following arguments are required: path"),
    (["ingest", "contacts", "{dir}/x.csv", "--colour"], "unrecognized arguments: --colour"),
], ids=["unknown-feed", "missing-file", "directory", "no-path", "unknown-option"])
def test_a_usage_error_exits_2_and_touches_no_warehouse(tmp_path, args, message):
    write(tmp_path, "x.csv", "contact_id,received_at,channel,service\n")
    result = _run(tmp_path, *(a.format(dir=tmp_path) for a in args))
    assert result.returncode == 2
    assert message.format(dir=tmp_path) in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "cli.db").exists()
