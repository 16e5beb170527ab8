"""Feed text is data, never markup (`reports/escape.py`): on a warehouse whose services,
reasons, wards, teams and themes are named with Markdown images, Markdown links and HTML links,
every page shows them as literal text, escaped wherever Streamlit reads Markdown, and every
chart's figure holds them as text, never as HTML."""

import json

import pytest

from reports.escape import figure_text, md
from tests.app.conftest import app_on, sign_in
from tests.hostile import build_hostile, hostile_names

PAGES = ["scorecard", "failure_demand", "right_first_time", "complaints", "satisfaction",
         "channels", "data_quality", "papers"]
PORT = 9  # nothing listens: AppTest never fetches; the browser test counts real fetches
NAMES = hostile_names(PORT)


@pytest.fixture(scope="module")
def hostile_url(demo_url, tmp_path_factory):
    return build_hostile(demo_url, tmp_path_factory.mktemp("hostile"), PORT)


@pytest.fixture
def hostile_app(hostile_url, monkeypatch):
    # Every role, so that the record-level views are drawn too.
    return sign_in(app_on(hostile_url, monkeypatch, timeout=120), "Performance Team",
                   "Safeguarding Leads", "Dashboard Admins")


def _markdown_texts(at) -> list[str]:
    """Every text the page hands Streamlit as Markdown."""
    texts = [e.value for kind in ("caption", "markdown", "subheader", "info", "title")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [m.help or "" for m in at.metric]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return texts


def _figure_strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if not k.endswith("template")
                for s in _figure_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _figure_strings(v)]
    return []


@pytest.mark.parametrize("page", PAGES)
def test_hostile_feed_text_is_shown_as_text(hostile_app, page):
    hostile_app.run()
    hostile_app.switch_page(f"pages/{page}.py").run()
    assert not hostile_app.exception, hostile_app.exception
    texts = _markdown_texts(hostile_app)
    for name in NAMES:
        raw = [t for t in texts if name in t]
        assert raw == [], f"{page} shows {name!r} as Markdown: {raw[:2]}"
    charts = [json.loads(c.proto.spec) for c in hostile_app.get("plotly_chart")]
    strings = [s for chart in charts for s in _figure_strings(chart)]
    for name in (n for n in NAMES if figure_text(n) != n):  # plotly reads HTML, not Markdown
        assert not [s for s in strings if name in s], f"{page}: a chart draws {name!r} as HTML"
    if page in ("failure_demand", "right_first_time", "complaints", "satisfaction"):
        # The names are there, as text: escaped for Markdown or for the charts.
        shown = [*texts, *strings]
        assert any(md(name) in s or figure_text(name) in s for name in NAMES for s in shown)
