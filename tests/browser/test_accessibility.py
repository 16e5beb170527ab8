"""axe-core in a real Chromium on every page: no serious or critical WCAG violation that this
project's code causes. Streamlit's own markup, which a page cannot change, is allow-listed rule
by rule with the reason; everything axe found is kept in test-artifacts/axe/<page>.json."""

import json

import pytest

from tests.browser import ARTIFACTS
from tests.browser.conftest import assert_clean_log, nav_pages, open_url

pytestmark = pytest.mark.browser

AXE_DIR = ARTIFACTS / "axe"
BLOCKING = {"serious", "critical"}
# (rule id, the Streamlit element the node lies in (CSS, matched with closest()), why it is
# Streamlit's own markup, which no page can change)
ALLOWED = [
    ("list", '[data-testid="stSidebarNav"]',
     "Streamlit's navigation puts its section headings (div) straight inside the <ul>"),
    ("listitem", '[data-testid="stSidebarNav"]',
     "the same navigation: its <li> sit in a div inside the <ul>"),
    ("svg-img-alt", '[data-testid="stMetricChart"]',
     "Vega marks inside st.metric's sparkline get a role but no name; the tile says the figures"),
]
# The node's element, found by axe's selector, lies in `container`.
INSIDE = """([target, container]) => {
    const el = document.querySelector(target);
    return !!(el && el.closest(container));
}"""


def allowed(page, rule: str, node: dict) -> bool:
    target = node["target"]
    if len(target) != 1 or not isinstance(target[0], str):  # in a frame or a shadow root
        return False
    return any(rule == r and page.evaluate(INSIDE, [target[0], container])
               for r, container, _ in ALLOWED)


def test_no_serious_accessibility_violations(page, server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    found = []
    for nav in nav_pages(page, server):
        open_url(page, nav.url)
        results = axe.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "wcag22aa", "best-practice"],
                                         "resultTypes": ["violations"]})
        violations = results.response["violations"]
        (AXE_DIR / f"{nav.slug}.json").write_text(json.dumps(violations, indent=1))
        found += [f"{nav.title}: {v['id']} ({v['impact']}) at {node['target']}: {v['help']}"
                  for v in violations if v["impact"] in BLOCKING
                  for node in v["nodes"] if not allowed(page, v["id"], node)]
    assert_clean_log(server)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
