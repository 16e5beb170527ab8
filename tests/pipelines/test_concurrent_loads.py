"""Two loads at once, as two real `python -m pipelines ingest` processes started together, on a
warehouse that has no tables yet (on PostgreSQL a schema of the test's own): the tables are
created once, whoever comes first, and the same bytes sent twice at once are loaded once (the
"already loaded" check is made again under the load lock), the other reporting `skipped`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from data.warehouse import make_engine
from tests.pipelines.helpers import TEST_KEY, rows

ROOT = Path(__file__).resolve().parents[2]
HEADER = "contact_id,received_at,channel,service\n"
ROWS = 2_000


def _file(tmp_path: Path, name: str, prefix: str) -> Path:
    lines = [f"{prefix}-{i},2024-01-10 09:00,phone,Waste\n" for i in range(ROWS)]
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines) + f"{prefix}-bad,2024-01-10 09:00,pigeon,Waste\n",
                    encoding="utf-8")
    return path


def _at_once(url: str, *paths: Path) -> list[dict]:
    env = {**os.environ, "WAREHOUSE_URL": url, "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY}
    started = [subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", "contacts",
                                 str(p), "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for p in paths]
    answers = []
    for process in started:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        answers.append(json.loads(out))
    return answers


def test_two_first_loads_at_once_create_the_warehouse_once(own_warehouse_url, tmp_path):
    answers = _at_once(own_warehouse_url, _file(tmp_path, "a.csv", "A"),
                       _file(tmp_path, "b.csv", "B"))
    assert [(a["status"], a["rows_inserted"]) for a in answers] == [("loaded", ROWS)] * 2
    engine = make_engine(own_warehouse_url)
    try:
        assert len(rows(engine, "fct_contacts")) == 2 * ROWS
        assert len(rows(engine, "ref_settings")) == len({r["key"] for r in rows(
            engine, "ref_settings")})
    finally:
        engine.dispose()


def test_the_same_bytes_twice_at_once_are_loaded_once(own_warehouse_url, tmp_path):
    path = _file(tmp_path, "same.csv", "S")
    answers = _at_once(own_warehouse_url, path, path)
    assert sorted(a["status"] for a in answers) == ["loaded", "skipped"]
    loaded = next(a for a in answers if a["status"] == "loaded")
    assert (loaded["rows_inserted"], loaded["rows_quarantined"]) == (ROWS, 1)
    engine = make_engine(own_warehouse_url)
    try:
        assert len(rows(engine, "fct_contacts")) == ROWS
        assert len(rows(engine, "quarantine_rows")) == 1
        assert sorted(r["status"] for r in rows(engine, "load_log")) == ["loaded", "skipped"]
    finally:
        engine.dispose()
