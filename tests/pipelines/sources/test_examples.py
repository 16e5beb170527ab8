"""Every sample configuration in examples/ (one per adapter, with its sample exports) runs
through the real command: first as a dry run, which writes nothing, then for real, which loads
exactly what the dry run said it would."""

import json
from pathlib import Path

import pytest

from data.warehouse import get_engine
from pipelines.cli import main
from pipelines.sources.config import KEYS, read_config
from tests.pipelines.helpers import TEST_KEY, rows
from tests.pipelines.sources.helpers import ROOT, check_conserved

EXAMPLES = sorted((ROOT / "examples").glob("*/sources.toml"))
# Per example and source: (records read, excluded, combined, inserted, quarantined), as the
# sample exports were written (the comments in each file say why).
EXPECTED = {
    "call_legs": {"connect": (11, 2, 3, 6, 0), "switch": (5, 0, 1, 4, 0)},
    "canonical": {"contact-centre": (6, 0, 0, 6, 0)},
    "csv": {"crm": (7, 1, 0, 5, 1), "servicenow": (7, 0, 3, 4, 0)},
    "open311": {"street-reports": (5, 0, 0, 4, 1)},
    "survey": {"qualtrics": (5, 2, 0, 3, 0), "surveymonkey": (2, 0, 0, 2, 0),
               "govmetric": (4, 0, 0, 3, 1)},
}


def _run(capsys, path: Path, *options: str) -> tuple[int, list[dict]]:
    status = main(["run", "--config", str(path), "--json", *options])
    return status, json.loads(capsys.readouterr().out)["sources"]


def test_there_is_an_example_for_every_adapter():
    assert [p.parent.name for p in EXAMPLES] == sorted(KEYS)
    for path in EXAMPLES:
        assert {s.adapter for s in read_config(path).sources} == {path.parent.name}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_an_example_runs_dry_then_for_real(path, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    monkeypatch.setenv("WAREHOUSE_URL", url)
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)
    status, dry = _run(capsys, path, "--dry-run")
    assert status == 0
    engine = get_engine(url)
    assert rows(engine, "load_log") == [] and rows(engine, "source_runs") == []

    status, real = _run(capsys, path)
    assert status == 0
    assert real == dry
    for entry in real:
        check_conserved(entry)
        assert entry["status"] == "loaded"
    assert {e["name"]: tuple(e[k] for k in ("records_read", "records_excluded",
                                            "records_combined", "rows_inserted",
                                            "rows_quarantined")) for e in real} == \
        EXPECTED[path.parent.name]
    assert len(rows(engine, "source_runs")) == len(real)
