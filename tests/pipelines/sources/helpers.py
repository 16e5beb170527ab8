"""Helpers for the source tests: write a configuration and its exports, run a source in
process or through the real command, and check conservation on every run.

Every run made through `run` or `run_cli` is checked for both conservation rules of
`sources.md` (records and rows), and a real run for its `source_runs` row, so each test that
runs a source checks them too.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import Engine

from pipelines.sources.config import read_config
from pipelines.sources.run import SourceResult, run_source
from tests.pipelines.helpers import TEST_KEY, rows

ROOT = Path(__file__).resolve().parents[3]
JSON_KEYS = ["name", "adapter", "feed", "status", "inputs", "records_read", "records_excluded",
             "records_combined", "rows_read", "rows_inserted", "rows_updated", "rows_unchanged",
             "rows_quarantined", "unmapped", "errors"]


def config(folder: Path, text: str, name: str = "sources.toml") -> Path:
    """Write a configuration (dedented) into `folder`."""
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def export(folder: Path, relative: str, content: str | bytes) -> Path:
    """Write an export file under `folder` (folders made as needed)."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def run(engine: Engine, config_path: Path, source: str | None = None,
        dry_run: bool = False) -> dict:
    """Run one source of the configuration in process (the first when not named); returns its
    JSON entry, checked for conservation and, unless a dry run, against its recorded run."""
    chosen = read_config(config_path).chosen([source] if source else None)[0]
    before = len(rows(engine, "source_runs"))
    result: SourceResult = run_source(engine, chosen, dry_run)
    entry = result.as_json()
    check_conserved(entry)
    recorded = rows(engine, "source_runs", order_by="run_id")
    if dry_run:
        assert len(recorded) == before
    else:
        last = recorded[-1]
        assert (last["source"], last["status"]) == (entry["name"], entry["status"])
        assert {k: last[k] for k in JSON_KEYS[5:13]} == {k: entry[k] for k in JSON_KEYS[5:13]}
        assert json.loads(last["errors"]) == entry["errors"]
        assert json.loads(last["inputs"]) == entry["inputs"]
    return entry


def check_conserved(entry: dict) -> None:
    assert list(entry) == JSON_KEYS, list(entry)
    assert entry["records_read"] == (entry["records_excluded"] + entry["records_combined"]
                                     + entry["rows_read"]), entry
    assert entry["rows_read"] == (entry["rows_inserted"] + entry["rows_updated"]
                                  + entry["rows_unchanged"] + entry["rows_quarantined"]), entry


def run_cli(warehouse_url: str, *args: str, cwd: Path = ROOT, env: dict | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m pipelines run ARGS` as a real process on the given warehouse."""
    environment = {**os.environ, "WAREHOUSE_URL": warehouse_url,
                   "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY, "PYTHONPATH": str(ROOT),
                   **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipelines", "run", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=timeout)


def sources_json(process: subprocess.CompletedProcess) -> list[dict]:
    """The one JSON object a `--json` run prints, its sources checked for conservation."""
    assert process.stdout.count("\n") == 1 and process.stdout.endswith("\n"), process.stdout
    document = json.loads(process.stdout)
    assert list(document) == ["sources"]
    for entry in document["sources"]:
        check_conserved(entry)
    return document["sources"]


def contacts(engine: Engine, source: str) -> dict[str, dict]:
    """The source system's contacts by id."""
    return {r["contact_id"]: r for r in rows(engine, "fct_contacts")
            if r["source_system"] == source}
