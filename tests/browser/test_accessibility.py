"""axe-core in a real Chromium on every page: no serious or critical WCAG violation that this
project's code causes. Streamlit's own markup, which a page cannot change, is allow-listed rule
by rule with the reason; everything axe found is kept in test-artifacts/axe/<page>.json."""

import pytest

from tests.browser.conftest import assert_clean_log

pytestmark = pytest.mark.browser


def test_no_serious_accessibility_violations(tour, server):
    """axe ran on each page at desktop width on tests/browser/tour.py's walk, which applies the
    allow-list (`ALLOWED` there, each rule with its reason)."""
    found = [line for visit in tour.desktop for line in visit.blocking]
    assert_clean_log(server)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
