"""The project's own documentation (`docs/`) against the code it describes: every table a
document promises to keep complete lists exactly what the code declares, no more, no less.

Each check names a document, the header its tables start with, and what the code says those
tables must hold (row key -> the other cells checked). A new document joins by adding a check:

    DocCheck("docs/sources.md", ("source", "feed"), lambda: {...})
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import metrics.kpis  # noqa: F401  (registers every KPI)
from data.reference import SETTINGS
from metrics.registry import HEADLINE_ONLY, REGISTRY
from pipelines.feeds import FEEDS, PROGRAMME, Column

ROOT = Path(__file__).resolve().parent.parent
# How docs/feeds.md names the feeds' column kinds.
KIND_WORDS = {"text": "text", "timestamp": "timestamp", "date": "date", "bool": "boolean",
              "enum": "code", "int": "whole number", "number": "number", "month": "month"}


@dataclass(frozen=True)
class Table:
    heading: str  # the latest heading above it, without its #s
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def tables(path: Path) -> list[Table]:
    """Every Markdown table of a document, under the heading it stands in."""
    found, heading, lines = [], "", [*path.read_text(encoding="utf-8").splitlines(), ""]
    block: list[tuple[str, ...]] = []
    for line in lines:
        if line.startswith("|"):
            block.append(tuple(c.strip() for c in line.strip().strip("|").split("|")))
            continue
        if block:
            header, _rule, *rows = block
            found.append(Table(heading, header, tuple(rows)))
            block = []
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
    return found


def documented(path: str, header: tuple[str, ...], by_heading: bool) -> dict:
    """key -> the cells after it, from every table of `path` whose header starts with `header`;
    keys are (heading, first cell) when `by_heading`. A key listed twice is an error."""
    out: dict = {}
    for table in tables(ROOT / path):
        if table.header[:len(header)] != header:
            continue
        for row in table.rows:
            name = row[0].strip("`")
            key = (table.heading, name) if by_heading else name
            assert key not in out, f"{path}: {key} listed twice"
            out[key] = row[1:len(header)]
    return out


def _required(column: Column) -> str:
    if column.required_when:
        return "when {} is {}".format(*column.required_when)
    return "yes" if column.required else "no"


def feed_columns(programme: bool = False) -> dict:
    """The columns of the feeds of docs/feeds.md, or (`programme`) of docs/programme.md."""
    return {(feed.name, c.name): (KIND_WORDS[c.kind], _required(c))
            for feed in FEEDS.values() if (feed.name in PROGRAMME) == programme
            for c in feed.columns}


def kpis() -> dict:
    return {k.id: (k.unit, k.better or "—") for k in (*REGISTRY.values(), *HEADLINE_ONLY.values())}


def settings() -> dict:
    return {key: (value or "(empty)",) for key, value in SETTINGS.items()}


@dataclass(frozen=True)
class DocCheck:
    path: str
    header: tuple[str, ...]  # the first cells of the header of the tables checked
    expected: Callable[[], dict]
    by_heading: bool = False  # keys are (the table's heading, its first cell)


CHECKS = [
    DocCheck("docs/feeds.md", ("column", "type", "required"), feed_columns, by_heading=True),
    DocCheck("docs/programme.md", ("column", "type", "required"),
             lambda: feed_columns(programme=True), by_heading=True),
    DocCheck("docs/kpis.md", ("kpi", "unit", "better"), kpis),
    DocCheck("docs/kpis.md", ("setting", "default"), settings),
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.path}:{c.header[0]}")
def test_each_document_lists_exactly_what_the_code_declares(check):
    shown = documented(check.path, check.header, check.by_heading)
    expected = check.expected()
    assert {k: v for k, v in shown.items() if k not in expected} == {}, "documented, not in code"
    assert {k: v for k, v in expected.items() if k not in shown} == {}, "in code, not documented"
    assert shown == expected


def test_a_missing_or_extra_row_is_found(tmp_path, monkeypatch):
    """The checker itself, on a document with one KPI too many and one too few."""
    (tmp_path / "docs").mkdir()
    rows = [f"| `{k}` | {unit} | {better} |" for k, (unit, better) in kpis().items()][1:]
    (tmp_path / "docs" / "kpis.md").write_text(
        "## KPIs\n\n| kpi | unit | better |\n|---|---|---|\n" + "\n".join(rows)
        + "\n| `made_up_pct` | % | higher |\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    shown = documented("docs/kpis.md", ("kpi", "unit", "better"), False)
    assert set(shown) - set(kpis()) == {"made_up_pct"}
    assert set(kpis()) - set(shown) == {next(iter(REGISTRY))}  # the first, left out above


def test_the_readme_links_the_documents_and_nothing_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for document in ("docs/feeds.md", "docs/kpis.md", "docs/programme.md"):
        assert f"]({document})" in readme
    assert "../" not in readme
    for path in ROOT.glob("docs/*.md"):
        assert "../" not in path.read_text(encoding="utf-8"), path
