"""The layer rules of the README, checked on every run: which package may import which, and
where streamlit and great-expectations may be imported.

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
# Staff edits of reference data are the pages' one way into `data`.
PAGES_MAY_IMPORT = {"data.edits"}
ENTRY_POINTS = {"app.py", "serve.py", "metrics/__main__.py", "pipelines/__main__.py"}
# third-party package -> where it may be imported
CONFINED = {
    "streamlit": ("app.py", "serve.py", "pages/"),
    "great_expectations": ("pipelines/",),
}


def _modules() -> list[Path]:
    return sorted(p for layer in (*LAYERS, "app.py", "serve.py")
                  for p in ([ROOT / layer] if layer.endswith(".py")
                            else (ROOT / layer).rglob("*.py")))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _violations() -> list[str]:
    problems = []
    for path in _modules():
        name = path.relative_to(ROOT).as_posix()
        layer = name.split("/")[0]
        for line, module in _imports(path):
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


def test_pages_may_reach_data_only_for_staff_edits(tmp_path, monkeypatch):
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "app.py").write_text("")
    (tmp_path / "serve.py").write_text("")
    (tmp_path / "pages" / "x.py").write_text("from data.edits import update_assumption\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == []
