"""`python -m pipelines run` as a real process, as `sources.md` (The command) describes it:
the JSON object, the exit status, the default configuration, `--source`, `--dry-run`, and two
runs that never interleave, on both warehouses."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.run_lock import run_lock
from data.warehouse import make_engine
from tests.pipelines.helpers import TEST_KEY, load_log, rows
from tests.pipelines.sources.helpers import (
    ROOT,
    check_conserved,
    config,
    export,
    run_cli,
    sources_json,
)

TWO = """\
[[source]]
name = "crm"
feed = "contacts"
adapter = "csv"
path = "crm/*.csv"
constants = { service = "Waste" }

[source.columns]
contact_id = "Ref"
received_at = "Opened"
channel = "Channel"

[source.values.channel]
"Voice" = "phone"

[[source]]
name = "canonical-complaints"
feed = "complaints"
adapter = "canonical"
path = "complaints/*.csv"
"""


def _two_sources(folder: Path) -> Path:
    path = config(folder, TWO)
    export(folder, "crm/cases.csv", "Ref,Opened,Channel\n"
                                    "A,2024-05-01 09:00,Voice\n"
                                    "B,2024-05-01 09:30,Fax\n")
    export(folder, "complaints/2024-05.csv", "complaint_id,stage,received_on,service\n"
                                             "K1,1,2024-05-02,Waste\n")
    return path


def test_json_exit_0_and_every_source_in_the_files_order(warehouse_url, tmp_path):
    path = _two_sources(tmp_path)
    done = run_cli(warehouse_url, "--config", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    crm, complaints = sources_json(done)
    assert crm == {
        "name": "crm", "adapter": "csv", "feed": "contacts", "status": "loaded",
        "inputs": [str(tmp_path / "crm/cases.csv")], "records_read": 2, "records_excluded": 0,
        "records_combined": 0, "rows_read": 2, "rows_inserted": 1, "rows_updated": 0,
        "rows_unchanged": 0, "rows_quarantined": 1, "unmapped": {"channel": {"Fax": 1}},
        "errors": ['crm/cases.csv row 3: unmapped channel value "Fax" (source crm)']}
    assert (complaints["name"], complaints["status"], complaints["records_read"],
            complaints["rows_inserted"]) == ("canonical-complaints", "loaded", 1, 1)


def test_the_default_configuration_source_choice_and_words(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _two_sources(tmp_path)
    done = run_cli(url, "--source", "canonical-complaints", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "canonical-complaints (canonical, complaints): loaded",
        f"  inputs: 1 ({tmp_path / 'complaints/2024-05.csv'})",
        "  records: 1 read, 0 excluded, 0 combined, 1 rows",
        "  rows inserted 1, updated 0, unchanged 0, quarantined 0"]
    dry = run_cli(url, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    # The complaints file was loaded by the run before: nothing new.
    assert dry.stdout.splitlines()[6:] == [
        "canonical-complaints (canonical, complaints): nothing new [dry run: nothing written]",
        f"  inputs: 1 ({tmp_path / 'complaints/2024-05.csv'})"]
    assert dry.stdout.splitlines()[:6] == [
        "crm (csv, contacts): would be loaded [dry run: nothing written]",
        f"  inputs: 1 ({tmp_path / 'crm/cases.csv'})",
        "  records: 2 read, 0 excluded, 0 combined, 2 rows",
        "  rows would be inserted 1, updated 0, unchanged 0, quarantined 1",
        '  unmapped channel values: "Fax" (1)',
        '  crm/cases.csv row 3: unmapped channel value "Fax" (source crm)']
    engine = make_engine(url)
    try:
        assert [r["source"] for r in rows(engine, "source_runs")] == ["canonical-complaints"]
        assert rows(engine, "fct_contacts") == []
    finally:
        engine.dispose()


def test_a_failed_source_exits_1_and_the_others_are_still_processed(tmp_path):
    """On SQLite alone: test_csv fails a source the same way on both warehouses."""
    warehouse_url = f"sqlite:///{tmp_path / 'w.db'}"
    path = _two_sources(tmp_path)
    export(tmp_path, "crm/cases-2.csv", "Ref,Opened\nC,2024-05-01 10:00\n")  # no Channel column
    done = run_cli(warehouse_url, "--config", str(path), "--json")
    assert done.returncode == 1
    crm, complaints = sources_json(done)
    assert crm["status"] == "failed" and crm["rows_read"] == 0
    assert crm["errors"][0] == ('crm/cases-2.csv: no column "Channel" in the header (named in '
                                "columns for channel, which is required)")
    assert complaints["status"] == "loaded"
    engine = make_engine(warehouse_url)
    try:
        assert rows(engine, "fct_contacts") == []  # the failed source changed nothing
        assert [r["source_system"] for r in load_log(engine)] == ["canonical-complaints"]
        assert [(r["source"], r["status"]) for r in rows(engine, "source_runs",
                                                         order_by="run_id")] == [
            ("crm", "failed"), ("canonical-complaints", "loaded")]
    finally:
        engine.dispose()


@pytest.mark.parametrize("args, message", [
    (["--config", "{dir}/missing.toml"], "error: {dir}/missing.toml: no such configuration file"),
    (["--config", "{dir}/sources.toml", "--source", "crm", "--source", "telephony"],
     'error: {dir}/sources.toml: no source named "telephony" (the file has: crm, '
     "canonical-complaints)"),
    (["--config", "{dir}/bad.toml"], 'error: {dir}/bad.toml: source "crm", key "adapter": '
                                     '"excel" is not one of canonical'),
    (["--colour"], "unrecognized arguments: --colour"),
], ids=["missing-file", "unknown-source", "bad-key", "unknown-option"])
def test_a_usage_or_configuration_error_exits_2_and_processes_nothing(tmp_path, args, message):
    _two_sources(tmp_path)
    config(tmp_path, TWO.replace('adapter = "csv"', 'adapter = "excel"'), "bad.toml")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    done = run_cli(url, *(a.format(dir=tmp_path) for a in args), "--json")
    assert done.returncode == 2
    assert message.format(dir=tmp_path) in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "w.db").exists()


def _legs(count: int, prefix: str) -> str:
    lines = ["Call,Start,Queue,Wait,Answered"]
    lines += [f"{prefix}{i},2024-05-01 {9 + i // 3600 % 8:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
              f"Waste,{i % 90},{'Y' if i % 7 else 'N'}" for i in range(count)]
    return "\n".join(lines) + "\n"


LEGS = """\
wait_seconds = 120

[[source]]
name = "switch"
feed = "contacts"
adapter = "call_legs"
path = "calls/*.csv"

[source.columns]
call_id = "Call"
started_at = "Start"
queue = "Queue"
queue_seconds = "Wait"
answered = "Answered"
"""


def test_two_runs_started_together_never_interleave(warehouse_url, tmp_path):
    make_engine(warehouse_url).dispose()  # an existing warehouse, as a scheduler's would be
    path = config(tmp_path, LEGS)
    export(tmp_path, "calls/a.csv", _legs(4000, "A"))
    export(tmp_path, "calls/b.csv", _legs(4000, "B"))
    env = {"WAREHOUSE_URL": warehouse_url, "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY,
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipelines", "run", "--config", str(path), "--json"]
    processes = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [o[1] for o in outputs]
    results = [json.loads(out)["sources"][0] for out, _ in outputs]
    for result in results:
        check_conserved(result)
    # One run loaded both files; the other waited, then found them loaded.
    assert sorted(r["status"] for r in results) == ["loaded", "nothing_new"]
    assert sorted(r["rows_inserted"] for r in results) == [0, 8000]
    engine = make_engine(warehouse_url)
    try:
        assert len(rows(engine, "fct_contacts")) == 8000
        assert sorted(r["file_name"] for r in load_log(engine)) == ["calls/a.csv", "calls/b.csv"]
        first, second = sorted(rows(engine, "source_runs"), key=lambda r: r["started_at"])
        assert first["finished_at"] <= second["started_at"]
    finally:
        engine.dispose()


def test_a_run_that_waits_too_long_exits_1_saying_why(warehouse_url, tmp_path):
    path = config(tmp_path, LEGS.replace("wait_seconds = 120", "wait_seconds = 1"))
    export(tmp_path, "calls/a.csv", _legs(10, "A"))
    engine = make_engine(warehouse_url)
    try:
        with run_lock(engine, 0):
            started = time.monotonic()
            done = run_cli(warehouse_url, "--config", str(path), "--json")
            waited = time.monotonic() - started
        assert rows(engine, "fct_contacts") == []
    finally:
        engine.dispose()
    assert done.returncode == 1
    why = ("another pipelines run was still using this warehouse after 1 s of waiting; "
           "nothing was done (run again later, or raise wait_seconds)")
    assert f"error: {why}" in done.stderr
    [result] = sources_json(done)
    assert (result["status"], result["errors"]) == ("failed", [why])
    assert waited >= 1


def test_a_warehouse_that_cannot_be_reached_fails_every_source(tmp_path):
    path = _two_sources(tmp_path)
    done = run_cli("postgresql+psycopg://nobody@127.0.0.1:9/none", "--config", str(path),
                   "--json")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error: could not reach the warehouse: " in done.stderr
    assert [(s["name"], s["status"]) for s in sources_json(done)] == [
        ("crm", "failed"), ("canonical-complaints", "failed")]
