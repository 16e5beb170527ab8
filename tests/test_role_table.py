"""The README's "Who sees what" table against the code: a line for every role, and every test a
line names exists, so that each line of the table is a test that runs."""

import re
from pathlib import Path

from pages.access import ROLES
from tests.test_docs import tables

ROOT = Path(__file__).resolve().parent.parent


def _role_table():
    return next(t for t in tables(ROOT / "README.md")
                if t.heading == "Who sees what" and t.header[0] == "role")


def test_every_role_has_a_line():
    roles = [row[0].strip("`") for row in _role_table().rows]
    assert [r for r in roles if not r.startswith("(")] == [
        "public", "member", "manager", "analyst", "safeguarding", "admin"]
    assert set(roles) >= set(ROLES)


def test_every_line_names_tests_that_exist():
    defined = {m for path in (ROOT / "tests").rglob("test_*.py")
               for m in re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE)}
    for row in _role_table().rows:
        named = {n.split("[")[0] for n in re.findall(r"`(test_[\w\[\]-]+)`", row[2])}
        assert named, f"the line for {row[0]} names no test"
        assert named <= defined, f"{row[0]}: no such test {sorted(named - defined)}"
