"""The layer rules of the README, checked on every run: which package may import which, where
streamlit and great-expectations may be imported, and that SQL is written only in `data/`.

    data  <-  transform  <-  metrics  <-  reports  <-  pages
                  ^
              pipelines

Every `import` in every module counts, including those inside functions (imported late for
speed, they are dependencies all the same). Entry points (app.py, serve.py, the packages'
`__main__` modules) wire the layers together and may import any of them.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("data", "transform", "pipelines", "metrics", "reports", "pages")
# layer -> the layers it may import (itself always)
ALLOWED = {
    "data": set(),
    "transform": {"data"},
    "pipelines": {"transform", "data"},
    "metrics": {"transform", "data"},
    "reports": {"metrics"},
    "pages": {"metrics", "reports"},
}
# Staff edits of reference data, and the audit trail of who saw, downloaded and changed what,
# are the pages' only ways into `data`.
PAGES_MAY_IMPORT = {"data.edits", "data.audit"}
ENTRY_POINTS = {"app.py", "serve.py", "metrics/__main__.py", "pipelines/__main__.py"}
# third-party package -> where it may be imported
CONFINED = {
    "streamlit": ("app.py", "serve.py", "pages/"),
    "great_expectations": ("pipelines/",),
}
# SQL is written in data/ alone. Elsewhere SQLAlchemy is only the engine and connection passed
# to data's functions (and the errors they raise); no statement is built or executed there.
SQL_HOME = "data/"
SQL_NAMES_ELSEWHERE = {"sqlalchemy": {"Engine", "Connection"}, "sqlmodel": {"SQLModel"}}
SQL_MODULES_ELSEWHERE = {"sqlalchemy.exc"}
SQL_CALLS = {"execute", "exec_driver_sql", "executemany"}


def _modules() -> list[Path]:
    return sorted(p for layer in (*LAYERS, "app.py", "serve.py")
                  for p in ([ROOT / layer] if layer.endswith(".py")
                            else (ROOT / layer).rglob("*.py")))


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names imported from it; () for a plain `import module`)."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, tuple(a.name for a in node.names)))
    return found


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _sql_outside_data(name: str, path: Path) -> list[str]:
    if name.startswith(SQL_HOME):
        return []
    problems = []
    for line, module, names in _imports(path):
        top = module.split(".")[0]
        if top not in SQL_NAMES_ELSEWHERE or module in SQL_MODULES_ELSEWHERE:
            continue
        extra = sorted(set(names or (module,)) - SQL_NAMES_ELSEWHERE[top])
        if module != top or extra:
            problems.append(f"{name}:{line} imports {', '.join(extra) or module} from {module}: "
                            f"SQL is written in {SQL_HOME} only")
    for node in ast.walk(_tree(path)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS):
            problems.append(f"{name}:{node.lineno} calls {node.func.attr}(): SQL is run in "
                            f"{SQL_HOME} only")
    return problems


def _violations() -> list[str]:
    problems = []
    for path in _modules():
        name = path.relative_to(ROOT).as_posix()
        layer = name.split("/")[0]
        problems += _sql_outside_data(name, path)
        for line, module, _names in _imports(path):
            top = module.split(".")[0]
            where = f"{name}:{line} imports {module}"
            for package, homes in CONFINED.items():
                if top == package and not name.startswith(homes):
                    problems.append(f"{where}: {package} belongs in {', '.join(homes)} only")
            if top not in LAYERS or top == layer or name in ENTRY_POINTS:
                continue
            if layer not in ALLOWED:
                problems.append(f"{where}: only the layers and entry points import the layers")
            elif top not in ALLOWED[layer] and not (
                    layer == "pages" and module in PAGES_MAY_IMPORT):
                problems.append(f"{where}: {layer} may import "
                                f"{', '.join(sorted(ALLOWED[layer])) or 'no other layer'}")
    return problems


def test_layers_import_only_downwards():
    assert _violations() == []


@pytest.mark.parametrize("path, code, expected", [
    ("metrics/x.py", "from pages.shared import chart", "metrics may import data, transform"),
    ("data/x.py", "import metrics.compute", "data may import no other layer"),
    ("reports/x.py", "from transform.calendar import shift_month", "reports may import metrics"),
    ("pages/x.py", "from data.models import Contact", "pages may import metrics, reports"),
    ("metrics/x.py", "import streamlit as st", "streamlit belongs in app.py"),
    ("pages/x.py", "def f():\n    import great_expectations", "great_expectations belongs in"),
    ("metrics/x.py", "from sqlalchemy import Engine, select", "imports select from sqlalchemy"),
    ("transform/x.py", "def f(conn):\n    conn.exec_driver_sql('DELETE FROM t')",
     "calls exec_driver_sql(): SQL is run in data/ only"),
    ("pipelines/x.py", "from sqlalchemy.sql import text", "imports text from sqlalchemy.sql"),
])
def test_each_kind_of_violation_is_named(tmp_path, monkeypatch, path, code, expected):
    """The checker itself, on a tree with one offending module."""
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "app.py").write_text("")
    (tmp_path / "serve.py").write_text("")
    (tmp_path / path).write_text(code + "\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    problems = _violations()
    assert len(problems) == 1 and expected in problems[0], problems


def test_data_may_write_sql(tmp_path, monkeypatch):
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "app.py").write_text("")
    (tmp_path / "serve.py").write_text("")
    (tmp_path / "data" / "x.py").write_text(
        "from sqlalchemy import select, text\n\ndef f(conn):\n    conn.execute(select(1))\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == []


def test_pages_may_reach_data_only_for_staff_edits(tmp_path, monkeypatch):
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "app.py").write_text("")
    (tmp_path / "serve.py").write_text("")
    (tmp_path / "pages" / "x.py").write_text("from data.edits import update_assumption\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == []
