"""Staff sign in with `st.login` through a real OpenID Connect provider (oidc-provider-mock on
127.0.0.1, in this process): record-level views appear only once an analyst is signed in, and go
on sign-out. What each role sees is in test_roles.py."""

import pytest
from playwright.sync_api import expect

from reports.escape import md
from tests.browser.conftest import (
    TIMEOUT_MS,
    WIDTH,
    assert_clean_log,
    assert_no_exception,
    open_url,
    wait_idle,
)
from tests.browser.test_roles import serving_with_sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

OFFICER = "data.officer@council.example"
HIDDEN = "Sign in to see the dashboard."
STAFF_ONLY_CAPTION = "Each row's original text"


@pytest.fixture
def signing_in_server(browser_warehouse, tmp_path):
    """The dashboard with `[auth]` pointing at a live OIDC provider and `[access]` as the README
    shows, without the demo switch: nobody sees anything until they sign in."""
    with serving_with_sign_in(browser_warehouse, tmp_path, "sign-in",
                              users={OFFICER: ["Performance Team"]}) as server:
        yield server


def test_staff_see_record_level_rows_only_once_signed_in(browser, signing_in_server):
    server = signing_in_server
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    quality = f"{server.url}/data_quality"

    open_url(page, quality)
    expect(page.get_by_text(HIDDEN)).to_be_visible()
    expect(page.get_by_text(STAFF_ONLY_CAPTION)).to_have_count(0)

    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(OFFICER)  # the provider's own sign-in form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    wait_idle(page)

    open_url(page, quality)
    # As literal text: an invisible word joiner after "@" keeps Markdown from linking it.
    expect(page.get_by_text(f"Signed in as {md(OFFICER)}")).to_be_visible()
    expect(page.get_by_text(STAFF_ONLY_CAPTION)).to_be_visible()
    expect(page.get_by_text(HIDDEN)).to_have_count(0)
    assert_no_exception(page, "the data quality page, signed in")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's own confirmation
    page.wait_for_url(f"{server.url}/**")
    open_url(page, quality)
    expect(page.get_by_text(HIDDEN)).to_be_visible()
    expect(page.get_by_text(STAFF_ONLY_CAPTION)).to_have_count(0)
    context.close()
    assert_clean_log(server)
