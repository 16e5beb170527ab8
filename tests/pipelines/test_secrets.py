"""Secrets never shown (README, "Security and privacy"): the warehouse password in
`WAREHOUSE_URL`, the pseudonym key and an Open311 API key named by `api_key_env`, each a
distinctive value, are searched for in everything the real command lines print (words, progress
lines and `--json`), in every text cell of the warehouse and on the pages that show runs and
loads; none is found, while the messages they would hide in are there to search."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from data.url import shown_url, url_problem, without_password
from data.warehouse import make_engine
from tests.app.conftest import AUTH, app_on, open_page, sign_in
from tests.browser import free_port
from tests.pipelines.helpers import rows
from tests.pipelines.sources.open311_server import Open311Server

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-Q7x9-warehouse-password"
KEY = "key-M4z2-pseudonym-key"
API_KEY = "api-K8v3-open311-key"
SECRETS = (PASSWORD, KEY, API_KEY)
CONTACTS = ("contact_id,received_at,channel,service,customer_ref\n"
            "C1,2024-01-10 09:00,phone,Waste,CUST-1\n"
            "C2,2024-01-10 09:30,phone,Waste,CUST-1\n"
            "C3,not a time,phone,Waste,CUST-2\n")
SOURCES = """
[[source]]
name = "canon"
feed = "contacts"
adapter = "canonical"
path = "exports/*.csv"

[[source]]
name = "reports"
feed = "contacts"
adapter = "open311"
url = "{url}"
api_key_env = "COUNCIL_OPEN311_KEY"
since = "{since}"
backoff_seconds = 0.01
"""


def _cli(*args: str, url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_URL": url, "ONCE_AND_DONE_PSEUDONYM_KEY": KEY,
           "COUNCIL_OPEN311_KEY": API_KEY, "ONCE_AND_DONE_PROGRESS": "1",
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _with_password(url: str) -> str:
    """The URL with the test's password (PostgreSQL here trusts 127.0.0.1 and ignores it);
    SQLite has none to give."""
    if not url.startswith("postgresql"):
        return url
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


class EchoingServer(Open311Server):
    """An Open311 endpoint that refuses every request with a reason phrase quoting the request
    it was sent, API key and all, as a careless server's error page does."""

    def __init__(self):
        super().__init__([])

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(400, f"Bad request {handler.path}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()


def page_text(node) -> str:
    """Everything an AppTest page holds: each element's message, tables' bytes included."""
    own = [str(node.proto)] if getattr(node, "proto", None) is not None else []
    return "\n".join([*own, *(page_text(c) for c in getattr(node, "children", {}).values())])


def test_no_secret_reaches_the_output_the_warehouse_or_the_pages(own_warehouse_url, tmp_path,
                                                                 monkeypatch):
    url = _with_password(own_warehouse_url)
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "more.csv").write_text(CONTACTS.replace("C", "D"), encoding="utf-8")
    outputs = []
    with EchoingServer() as server:
        since = (date.today() - timedelta(days=30)).isoformat()
        (tmp_path / "sources.toml").write_text(SOURCES.format(url=server.url, since=since),
                                               encoding="utf-8")
        done = _cli("ingest", "contacts", str(tmp_path / "contacts.csv"), url=url)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout + done.stderr)
        for extra in ([], ["--json"]):
            done = _cli("run", "--config", str(tmp_path / "sources.toml"), *extra, url=url)
            assert done.returncode == 1, done.stderr  # the Open311 source failed
            outputs.append(done.stdout + done.stderr)
    report = json.loads(outputs[-1].splitlines()[0])["sources"][1]
    # The server's reason quoted the key: the message keeps the reason, not the key.
    assert report["status"] == "failed"
    assert "HTTP 400 Bad request /open311/v2/requests.json?" in report["errors"][0]
    assert "api_key=[api key]" in report["errors"][0]
    assert "fetching http://127.0.0.1" in outputs[1]  # the progress lines were there to read
    if PASSWORD in url:
        # The demo names the warehouse it builds in: without the password. Stopped once said.
        demo = subprocess.Popen([sys.executable, "-m", "pipelines", "demo", "--months", "1",
                                 "--dir", str(tmp_path / "demo")], cwd=ROOT, text=True,
                                env={**os.environ, "WAREHOUSE_URL": url,
                                     "ONCE_AND_DONE_PSEUDONYM_KEY": KEY},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            said = [demo.stderr.readline() for _ in range(1)]
            while "Building" not in said[-1] and said[-1]:
                said.append(demo.stderr.readline())
        finally:
            demo.terminate()
            demo.communicate(timeout=60)
        assert "Building the demo council in postgresql+psycopg://postgres:***@" in said[-1]
        outputs.append("".join(said))
    assert [(i, _leaks(o)) for i, o in enumerate(outputs) if _leaks(o)] == []

    engine = make_engine(url)
    try:
        leaks = [(table.name, column) for table in SQLModel.metadata.sorted_tables
                 for row in rows(engine, table.name) for column, value in row.items()
                 if isinstance(value, str) and _leaks(value)]
        assert leaks == []
        runs = rows(engine, "source_runs")
        assert any("api_key=[api key]" in r["errors"] for r in runs)
    finally:
        engine.dispose()

    # The pages that show loads, runs and their messages, to an admin (who sees every view),
    # under a sign-in configured with its client and cookie secrets.
    app = sign_in(app_on(url, monkeypatch), "Dashboard Admins", "Safeguarding Leads")
    for page in ("data_quality", "audit"):
        open_page(app, page)
        assert not app.exception, app.exception
        shown = page_text(app._tree)
        assert _leaks(shown) == [], page
        assert AUTH["client_secret"] not in shown and AUTH["cookie_secret"] not in shown
        if page == "data_quality":
            assert "HTTP 400 Bad request" in shown  # the run's message is on the page


UNUSABLE = {
    "closed-port": "postgresql+psycopg://council:{pw}@127.0.0.1:{port}/warehouse",
    "port-not-a-number": "postgresql+psycopg://council:{pw}@127.0.0.1:five/warehouse",
    "no-such-driver": "postgresql+nodriver://council:{pw}@127.0.0.1/warehouse",
}


@pytest.mark.parametrize("template", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_warehouse_that_cannot_be_used_is_one_line_without_its_password(template, tmp_path):
    url = template.format(pw=PASSWORD, port=free_port())
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    canonical_only = "[[source]]" + SOURCES.split("[[source]]")[1]
    (tmp_path / "sources.toml").write_text(canonical_only, encoding="utf-8")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "c.csv").write_text(CONTACTS, encoding="utf-8")

    ingest = _cli("ingest", "contacts", str(tmp_path / "contacts.csv"), "--json", url=url)
    assert ingest.returncode == 3, ingest.stderr
    [error] = [line for line in ingest.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith("error: could not reach or write the warehouse: ")
    assert json.loads(ingest.stdout)["errors"] == [error.removeprefix("error: ")]

    run = _cli("run", "--config", str(tmp_path / "sources.toml"), "--json", url=url)
    assert run.returncode == 1, run.stderr
    [source] = json.loads(run.stdout)["sources"]
    assert source["status"] == "failed"
    assert source["errors"][0].startswith("could not reach the warehouse: ")

    refresh = _cli("refresh", url=url)
    assert refresh.returncode == 3, refresh.stderr
    export = subprocess.run([sys.executable, "-m", "metrics", "export"], cwd=ROOT, text=True,
                            env={**os.environ, "WAREHOUSE_URL": url}, capture_output=True,
                            timeout=300)
    assert export.returncode == 3, export.stderr
    assert export.stderr.startswith("error: could not read the warehouse: ")
    for done in (ingest, run, refresh, export):
        assert "Traceback" not in done.stderr, done.stderr
        assert _leaks(done.stdout + done.stderr) == []


def test_a_url_is_shown_without_its_password():
    url = f"postgresql+psycopg://council:{PASSWORD}@db.council.internal:5432/warehouse"
    assert shown_url(url) == "postgresql+psycopg://council:***@db.council.internal:5432/warehouse"
    assert without_password(f"could not log in with {PASSWORD} here", url) == (
        "could not log in with *** here")
    # A URL that does not parse may hold its password anywhere: never repeated.
    broken = f"postgresql+psycopg://council:{PASSWORD}@db:port/warehouse"
    assert PASSWORD not in shown_url(broken)
    assert PASSWORD not in url_problem(broken)
    assert PASSWORD not in without_password(f"cannot use {broken}", broken)
    assert url_problem("sqlite:///warehouse.db") is None
