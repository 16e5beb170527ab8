"""`streamlit run serve.py`: the opening scorecard is drawn up before the first visitor, a first
visit straight to a page goes through the router, and a warehouse that cannot be reached neither
stops the server nor shows a traceback."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import ARTIFACTS, free_port, start_server
from tests.browser.conftest import (
    TEST_KEY,
    TIMEOUT_MS,
    WIDTH,
    assert_clean_log,
    assert_no_exception,
    open_url,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def test_the_server_draws_up_the_opening_scorecard_before_serving(page, server):
    ready = re.search(r"Ready: the scorecard for (\d{4}-\d{2}) drawn up in [\d.]+ s",
                      server.log_text())
    assert ready, f"no 'Ready' line in the server's log:\n{server.log_text()[-2000:]}"
    open_url(page, server.url)
    month = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Month")
    expect(month).to_have_value(ready.group(1))


def test_a_warehouse_that_cannot_be_reached_is_explained_not_a_traceback(browser, tmp_path):
    unreachable = f"postgresql+psycopg://once_and_done@127.0.0.1:{free_port()}/nowhere"
    # Visitors who are not signed in are public here, so the scorecard opens and reads.
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[access]\nsigned_out = "public"\n')
    server = start_server({"WAREHOUSE_URL": unreachable},
                          ARTIFACTS / "browser-server-unreachable.log",
                          flags=("--secrets.files", str(secrets)))
    try:
        assert "Could not read the warehouse before serving" in server.log_text()
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_url(page, server.url)
        expect(page.get_by_text("The warehouse cannot be reached")).to_be_visible()
        expect(page.get_by_text("Connection refused")).to_be_visible()
        assert_no_exception(page, "the scorecard with no warehouse")
        context.close()
        assert_clean_log(server)
    finally:
        server.stop()


def test_a_first_visit_straight_to_a_page_goes_through_the_router(browser, browser_warehouse):
    """On a fresh server, the first visitor of all opens a page's own URL: the sidebar lists
    the router's pages by title, not the files in pages/ (Streamlit's old multipage mode)."""
    server = start_server({"WAREHOUSE_URL": browser_warehouse, "ONCE_AND_DONE_DEMO": "1",
                           "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY},
                          ARTIFACTS / "browser-server-first-visit.log")
    try:
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_url(page, f"{server.url}/complaints")
        expect(page.locator("h1").first).to_have_text("Complaints and compliments")
        links = page.locator('[data-testid="stSidebarNavLink"]')
        expect(links.filter(has_text="Monthly scorecard")).to_have_count(1)
        expect(links.filter(has_text=re.compile(r"^\s*shared\s*$"))).to_have_count(0)
        assert_no_exception(page, "the complaints page on a first visit")
        context.close()
        assert_clean_log(server)
    finally:
        server.stop()
