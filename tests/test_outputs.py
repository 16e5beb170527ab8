"""Structural guards on what leaves the project, checked on every run (`reports/escape.py`,
`metrics/safe_csv.py`):

- every text a page shows as Markdown (captions, text, notices, headers, metric and widget
  labels, help texts, tab and expander labels) is a literal of the page's own, or goes through
  `md` (an f-string's every value, unless formatted as a number);
- every chart is drawn by `pages.shared.chart`, which escapes the figure's text
  (`escaped_figure`);
- every CSV is written by `metrics.safe_csv`, and every CSV download's bytes come from
  `csv_bytes`.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Streamlit calls whose first argument (and `label`, `help`) is Markdown.
MARKDOWN_CALLS = {"markdown", "caption", "write", "info", "warning", "error", "success", "toast",
                  "title", "header", "subheader", "metric", "expander", "tabs", "popover",
                  "button", "download_button", "link_button", "selectbox", "multiselect",
                  "radio", "checkbox", "toggle", "text_input", "number_input", "date_input",
                  "segmented_control", "pills", "form_submit_button"}
ESCAPES = {"md"}


def _page_files() -> list[Path]:
    return sorted([*(ROOT / "pages").glob("*.py"), ROOT / "app.py", ROOT / "serve.py"])


def _is_escape(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ESCAPES)


def _safe(node: ast.AST) -> bool:
    """A literal, `md(...)`, or put together only from those (and numbers formatted as such)."""
    if isinstance(node, ast.Constant) or _is_escape(node) or _constant_name(node):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v.value) or v.format_spec is not None
                   for v in node.values if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.List | ast.Tuple):
        return all(_safe(e) for e in node.elts)
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        return _safe(node.elt)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join" and isinstance(node.func.value, ast.Constant)):
        return all(_safe(a) for a in node.args)
    return False


# A KPI's declared words (`metrics/registry.py`): the project's own text, never the warehouse's.
KPI_WORDS = {"label", "description", "formula"}


def _constant_name(node: ast.AST) -> bool:
    """The project's own text: a constant (`PARETO_BARS`, `ASSUMPTION_LABELS["cost_year"]`) or
    a KPI's declared words (`kpi.label`, `tile.kpi.formula`)."""
    if (isinstance(node, ast.Attribute) and node.attr in KPI_WORDS
            and "kpi" in ast.unparse(node.value).split(".")):
        return True
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id.isupper()


def _markdown_arguments(call: ast.Call) -> list[ast.AST]:
    found = call.args[:1] if call.args else []
    return found + [k.value for k in call.keywords if k.arg in ("label", "help", "body")]


def markdown_violations(files: list[Path]) -> list[str]:
    problems = []
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MARKDOWN_CALLS):
                continue
            for argument in _markdown_arguments(node):
                if not _safe(argument):
                    problems.append(f"{path.relative_to(ROOT)}:{argument.lineno}: "
                                    f".{node.func.attr}() shows {ast.unparse(argument)[:60]!r} "
                                    f"as Markdown without md()")
    return problems


def test_every_markdown_text_on_a_page_is_escaped():
    assert markdown_violations(_page_files()) == []


@pytest.mark.parametrize(("code", "bad"), [
    ("st.caption(f'{service}: reasons')", True),
    ("st.caption(f'{md(service)}: reasons')", False),
    ("st.caption(f'{count:,} contacts')", False),
    ("st.caption(alt)", True),
    ("st.caption(md(alt))", False),
    ("st.metric(kpi.label, value, help=kpi.description)", False),
    ("st.metric(row.label, value)", True),
    ("st.metric('Contacts', value, help=service.description)", True),
    ("st.tabs([f'By {w}' for w in words])", True),
    ("st.tabs([f'By {md(w)}' for w in words])", False),
    ("st.info('Nothing ' + name)", True),
    ("st.markdown('**bold** literal')", False),
    ("st.caption(LABELS['cost'])", False),
    ("st.caption('  \\n'.join(md(line) for line in lines))", False),
    ("st.caption('  \\n'.join(lines))", True),
])
def test_the_markdown_guard_itself(tmp_path, monkeypatch, code, bad):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = tmp_path / "page.py"
    page.write_text(code + "\n")
    assert bool(markdown_violations([page])) == bad


# What hands figures or tables to people (the data layer's own CSV for PostgreSQL's COPY, the
# demo's feed files and the benchmarks' inputs are not handed out).
HANDED_OUT = ("pages", "metrics", "reports", "app.py", "serve.py")


def _calls(attr: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(p for top in HANDED_OUT for p in (
            [ROOT / top] if top.endswith(".py") else (ROOT / top).rglob("*.py"))):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == attr):
                found.append((path.relative_to(ROOT).as_posix(), node))
    return found


def test_every_chart_is_drawn_through_the_shared_chart():
    assert [path for path, _ in _calls("plotly_chart")] == ["pages/shared.py"]
    source = (ROOT / "pages/shared.py").read_text()
    assert "st.plotly_chart(escaped_figure(figure)" in source


def test_every_csv_is_written_by_the_safe_writer():
    assert [path for path, _ in _calls("write_csv")] == ["metrics/safe_csv.py"]


def test_every_csv_download_is_built_by_csv_bytes():
    downloads = [(path, call) for path, call in _calls("download_button")
                 if "csv" in ast.unparse(call)]
    assert downloads
    for path, call in downloads:
        data = call.args[1] if len(call.args) > 1 else next(
            k.value for k in call.keywords if k.arg == "data")
        if _is_call_of(data, "audited"):  # the builder, recorded in the audit trail on click
            data = data.args[0]
        body = data.body if isinstance(data, ast.Lambda) else data
        assert _is_call_of(body, "csv_bytes"), f"{path}:{call.lineno}: {ast.unparse(data)}"


def _is_call_of(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
