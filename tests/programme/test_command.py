"""`python -m metrics exceptions` on a warehouse loaded through the real load path, on both
warehouses: the rows, the two formats and the usage errors of `docs/programme.md`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.ingest import ingest_file
from tests.metrics.builders import contact, contacts, utc, write_csv
from tests.programme.sheets import (
    BENEFIT_HEADER,
    MARCH_MILESTONES,
    MILESTONE_HEADER,
    RISK_HEADER,
    csv_file,
    xlsx_file,
)

ROOT = Path(__file__).resolve().parents[2]


def _programme_warehouse(engine, tmp_path: Path) -> None:
    """Contacts of March 2026 (the data horizon 20 March; failure demand 4 of 20 = 20 %), and a
    programme whose sheets put one item of each kind on March's list."""
    rows = [contact(utc(2026, 3, 20, 9, i), channel="web", customer_ref=f"R{i}",
                    demand_type="failure" if i < 4 else "value",
                    responded_at=utc(2026, 3, 20, 10, i)) for i in range(20)]
    ingest_file(engine, "contacts", write_csv(contacts(*rows), tmp_path / "contacts.csv"))
    ingest_file(engine, "milestones", xlsx_file(tmp_path / "milestones.xlsx", MILESTONE_HEADER,
                                                MARCH_MILESTONES))
    ingest_file(engine, "risks", csv_file(tmp_path / "risks.csv", RISK_HEADER, [
        ["R1", "Supplier fails", "Head of Digital", None, None, 5, 3, None, None, None, None,
         None],
        ["R2", "Skills gap", None, None, None, 4, 4, 2, 2, None, None, None]]))
    ingest_file(engine, "benefits", csv_file(tmp_path / "benefits.csv", BENEFIT_HEADER, [
        ["B1", "2026-03", "Less failure demand", "non_cashable", "lower", "%", "Head of CS",
         "failure_demand_pct", 18, None],
        ["B2", "2026-03", "Printing saving", "cashable", None, "£", None, None, 1000, 950]]))


EXPECTED = [
    {"kind": "milestone", "id": "M1", "title": "Website live", "reason": "overdue",
     "owner": "Head of Digital"},
    {"kind": "milestone", "id": "M3", "title": "New menus", "reason": "slipping",
     "owner": "ICT lead"},
    {"kind": "risk", "id": "R1", "title": "Supplier fails", "reason": "above appetite",
     "owner": "Head of Digital"},
    {"kind": "benefit", "id": "B1", "title": "Less failure demand", "reason": "above plan",
     "owner": "Head of CS"},
]


def _run(engine, *args: str, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *python, "-m", "metrics", "exceptions", *args],
                          cwd=ROOT,
                          env={"WAREHOUSE_URL": engine.url.render_as_string(
                              hide_password=False), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_command_writes_the_month_s_exceptions_as_csv_and_json(engine, tmp_path):
    _programme_warehouse(engine, tmp_path)
    done = _run(engine, "--month", "2026-03")
    assert done.returncode == 0, done.stderr
    # M2 is due on the report date (20 March, the data horizon): not overdue. R2 scores 4 after
    # mitigation. B1's actual is failure demand, 20 %, over 18 + 1.8; B2 is 5 % under plan.
    assert done.stdout == (
        "kind,id,title,reason,owner\n"
        "milestone,M1,Website live,overdue,Head of Digital\n"
        "milestone,M3,New menus,slipping,ICT lead\n"
        "risk,R1,Supplier fails,above appetite,Head of Digital\n"
        "benefit,B1,Less failure demand,above plan,Head of CS\n")
    as_json = _run(engine, "--half", "2026-H1", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == EXPECTED


@pytest.mark.parametrize("args", [("--month", "2026-13"), ("--half", "2026-H3"), (),
                                  ("--month", "2026-03", "--half", "2026-H1"),
                                  ("--month", "2026-03", "--format", "xml")])
def test_a_usage_error_exits_2_and_says_why(sqlite_engine, args):
    done = _run(sqlite_engine, *args, python=("-X", "importtime"))
    assert done.returncode == 2
    assert "error:" in done.stderr and done.stdout == ""
    # Answered before the KPIs and the papers' libraries load: a second, not several.
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported.isdisjoint({"sqlalchemy", "sqlmodel", "metrics.compute"}), imported
