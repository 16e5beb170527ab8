"""A warehouse that cannot be reached or written is answered with exit status 3 and one line
("could not reach or write the warehouse: ...", the database's own first line), not a traceback
and not the 1 of a rejected file; `pipelines run` keeps its contract's 0/1/2 (a failed source).
And the pseudonym key's warning reaches standard error from every command that loads.
"""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from data.warehouse import make_engine
from pipelines.cli import UNAVAILABLE, main
from tests.pipelines.helpers import TEST_KEY, rows

ROOT = Path(__file__).resolve().parents[2]
NO_SERVER = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1
CONTACTS = "contact_id,received_at,channel,service\nC-1,2024-01-10 09:00,phone,Waste\n"
CANONICAL_SOURCE = '[[source]]\nname = "crm"\nfeed = "contacts"\nadapter = "canonical"\n' \
                   'path = "contacts.csv"\n'
KEY_WARNING = ("warning: ONCE_AND_DONE_PSEUDONYM_KEY is not set: using the development "
               "pseudonym key, which is not fit for real data")


def _cli(monkeypatch, capsys, url: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("WAREHOUSE_URL", url)
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_no_server_is_exit_3_for_ingest_demo_and_refresh(monkeypatch, capsys, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    status, out, err = _cli(monkeypatch, capsys, NO_SERVER, "ingest", "contacts", str(path),
                            "--json")
    assert status == UNAVAILABLE == 3
    answer = json.loads(out)
    assert (answer["status"], answer["rows_inserted"]) == ("rejected", 0)
    assert answer["errors"][0].startswith("could not reach or write the warehouse: connection "
                                          "failed")
    assert err.splitlines()[-1] == f"error: {answer['errors'][0]}"
    for command in (["demo", "--months", "1", "--dir", str(tmp_path / "demo")], ["refresh"]):
        status, _, err = _cli(monkeypatch, capsys, NO_SERVER, *command)
        assert status == 3, command
        assert err.splitlines()[-1].startswith("error: could not reach or write the warehouse")


def test_no_server_is_a_failed_source_for_run(monkeypatch, capsys, tmp_path):
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(CANONICAL_SOURCE, encoding="utf-8")
    status, out, _ = _cli(monkeypatch, capsys, NO_SERVER, "run", "--config",
                          str(tmp_path / "sources.toml"), "--json")
    assert status == 1
    assert json.loads(out)["sources"][0]["status"] == "failed"


def _read_only(url: str) -> str:
    if url.startswith("postgresql"):
        return url + "%20-cdefault_transaction_read_only%3Don"
    return url.replace("sqlite:///", "sqlite:///file:") + "?mode=ro&uri=true"


def test_a_read_only_warehouse_is_exit_3_and_unchanged(warehouse_url, monkeypatch, capsys,
                                                       tmp_path):
    make_engine(warehouse_url).dispose()  # a complete warehouse, then opened read-only
    path = tmp_path / "c.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    status, out, err = _cli(monkeypatch, capsys, _read_only(warehouse_url), "ingest",
                            "contacts", str(path), "--json")
    assert status == 3, err
    assert "read" in json.loads(out)["errors"][0] and "only" in json.loads(out)["errors"][0]
    engine = make_engine(warehouse_url)
    try:
        assert rows(engine, "fct_contacts") == rows(engine, "load_log") == []
    finally:
        engine.dispose()


def _small_disk() -> None:
    # A 3 MB file size limit stands in for a full disk: writes past it fail with EFBIG.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3_000_000, 3_000_000))


def test_a_full_disk_is_exit_3_and_the_file_then_loads(tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    make_engine(url).dispose()
    path = tmp_path / "big.csv"
    path.write_text("contact_id,received_at,channel,service,reason\n" + "".join(
        f"C-{i},2024-01-10 09:00,phone,Waste,{'r' * 150}\n" for i in range(30_000)),
        encoding="utf-8")
    env = {**os.environ, "WAREHOUSE_URL": url, "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY}
    command = [sys.executable, "-m", "pipelines", "ingest", "contacts", str(path), "--json"]
    full = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, preexec_fn=_small_disk)
    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr
    assert json.loads(full.stdout)["errors"][0].startswith(
        "could not reach or write the warehouse: ")
    engine = make_engine(url)
    try:
        assert rows(engine, "fct_contacts") == []
    finally:
        engine.dispose()
    room = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert room.returncode == 0, room.stderr
    assert json.loads(room.stdout)["rows_inserted"] == 30_000


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_the_development_key_warning_reaches_standard_error(tmp_path, command):
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(CANONICAL_SOURCE, encoding="utf-8")
    args = (["ingest", "contacts", str(tmp_path / "contacts.csv"), "--json"]
            if command == "ingest" else ["run", "--config", str(tmp_path / "sources.toml")])
    base = {k: v for k, v in os.environ.items() if k != "ONCE_AND_DONE_PSEUDONYM_KEY"}
    for key, warned in ((None, True), (TEST_KEY, False)):
        env = {**base, "WAREHOUSE_URL": f"sqlite:///{tmp_path / f'{warned}.db'}"}
        if key:
            env["ONCE_AND_DONE_PSEUDONYM_KEY"] = key
        done = subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert (KEY_WARNING in done.stderr.splitlines()) is warned, done.stderr
