"""The pseudonym key (README, "The pseudonym key"): production refuses to load without one unless
told the data is a test, and a warehouse refuses a load under a key other than the one it was
first loaded with. Real command lines on both warehouses; a refusal is one line, exit 3 (`run`:
2, its contract's "wrong configuration"), and writes nothing."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

from pipelines.privacy import FINGERPRINT_LABEL
from tests.pipelines.helpers import rows

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("ONCE_AND_DONE_PSEUDONYM_KEY", "ONCE_AND_DONE_ENVIRONMENT", "ONCE_AND_DONE_TEST_DATA")
KEY_A, KEY_B = "council-key-first-loaded", "council-key-another"
CONTACTS = ("contact_id,received_at,channel,service,customer_ref\n"
            "{p}1,2024-01-10 09:00,phone,Waste,CUST-1\n{p}2,2024-01-11 09:00,web,Waste,CUST-1\n")
SOURCES = '[[source]]\nname = "canon"\nfeed = "contacts"\nadapter = "canonical"\npath = "*.csv"\n'
MISSING = ("error: ONCE_AND_DONE_PSEUDONYM_KEY is not set and ONCE_AND_DONE_ENVIRONMENT is "
           "production: real data is never pseudonymised with the development key; nothing was "
           "loaded (set the key, or ONCE_AND_DONE_TEST_DATA=1 to load test data)")
OTHER_KEY = ("error: ONCE_AND_DONE_PSEUDONYM_KEY is not the key this warehouse was first loaded "
             "with (on {day}): the same customers would get other pseudonyms and repeat contacts "
             "would stop matching; nothing was loaded")


def _cli(*args: str, url: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, text=True,
                          env={**clean, "WAREHOUSE_URL": url, **env}, capture_output=True,
                          timeout=300)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "exports").mkdir()
    first = tmp_path / "first.csv"
    first.write_text(CONTACTS.format(p="A"), encoding="utf-8")
    (tmp_path / "exports" / "second.csv").write_text(CONTACTS.format(p="B"), encoding="utf-8")
    (tmp_path / "exports" / "sources.toml").write_text(SOURCES, encoding="utf-8")
    return first, tmp_path / "exports" / "sources.toml"


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_production_refuses_a_load_without_a_key_unless_told_it_is_a_test(own_warehouse_url,
                                                                          tmp_path):
    url = own_warehouse_url
    first, config = _files(tmp_path)
    production = {"ONCE_AND_DONE_ENVIRONMENT": "production"}
    ingest = _cli("ingest", "contacts", str(first), "--json", url=url, **production)
    assert (ingest.returncode, ingest.stderr.splitlines()) == (3, [MISSING])
    assert json.loads(ingest.stdout)["status"] == "rejected"
    assert json.loads(ingest.stdout)["errors"] == [MISSING.removeprefix("error: ")]
    run = _cli("run", "--config", str(config), "--json", url=url, **production)
    assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, "", [MISSING])
    demo = _cli("demo", "--months", "1", "--dir", str(tmp_path / "demo"), url=url, **production)
    assert (demo.returncode, demo.stderr.splitlines()) == (3, [MISSING])
    assert _tables(url) == []  # nothing written: the warehouse was not even created

    # Told the data is a test, it loads, with the development key's warning.
    test = _cli("ingest", "contacts", str(first), "--json", url=url, **production,
                ONCE_AND_DONE_TEST_DATA="1")
    assert test.returncode == 0, test.stderr
    assert json.loads(test.stdout)["rows_inserted"] == 2
    assert test.stderr.startswith("warning: ONCE_AND_DONE_PSEUDONYM_KEY is not set")


def test_a_load_under_another_key_than_the_first_is_refused(own_warehouse_url, tmp_path):
    url = own_warehouse_url
    first, config = _files(tmp_path)
    loaded = _cli("ingest", "contacts", str(first), "--json", url=url,
                  ONCE_AND_DONE_PSEUDONYM_KEY=KEY_A)
    assert loaded.returncode == 0, loaded.stderr
    engine = create_engine(url)
    try:
        [record] = rows(engine, "pseudonym_key")
        # An HMAC of a fixed label under the key: tells keys apart, reveals nothing of the key.
        assert record["fingerprint"] == hmac.new(KEY_A.encode(), FINGERPRINT_LABEL,
                                                 hashlib.sha256).hexdigest()
        before = {t: rows(engine, t) for t in ("fct_contacts", "load_log", "source_runs",
                                              "demo_builds", "pseudonym_key")}
        other = OTHER_KEY.format(day=f"{record['recorded_at']:%Y-%m-%d}")

        ingest = _cli("ingest", "contacts", str(config.parent / "second.csv"), "--json",
                      url=url, ONCE_AND_DONE_PSEUDONYM_KEY=KEY_B)
        assert (ingest.returncode, ingest.stderr.splitlines()) == (3, [other])
        assert json.loads(ingest.stdout)["errors"] == [other.removeprefix("error: ")]
        run = _cli("run", "--config", str(config), "--json", url=url,
                   ONCE_AND_DONE_PSEUDONYM_KEY=KEY_B)
        assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, "", [other])
        demo = _cli("demo", "--months", "1", "--dir", str(tmp_path / "demo"), url=url,
                    ONCE_AND_DONE_PSEUDONYM_KEY=KEY_B)
        assert (demo.returncode, demo.stderr.splitlines()) == (3, [other])
        # The development key is another key too.
        bare = _cli("ingest", "contacts", str(config.parent / "second.csv"), url=url)
        assert (bare.returncode, bare.stderr.splitlines()[-1]) == (3, other)
        assert {t: rows(engine, t) for t in before} == before  # nothing written

        # Under the first key, the same file loads, and the customer's contacts match.
        again = _cli("run", "--config", str(config), "--json", url=url,
                     ONCE_AND_DONE_PSEUDONYM_KEY=KEY_A)
        assert again.returncode == 0, again.stderr
        pseudonyms = {r["customer_pseudonym"] for r in rows(engine, "fct_contacts")}
        assert len(pseudonyms) == 1 and KEY_A not in str(rows(engine, "pseudonym_key"))
    finally:
        engine.dispose()
