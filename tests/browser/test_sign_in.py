"""Staff sign in with `st.login` through a real OpenID Connect provider (oidc-provider-mock on
127.0.0.1, in this process): record-level views appear only once an analyst is signed in, and go
on sign-out. What each role sees is in test_roles.py."""

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
    wait_idle,
)
from tests.browser.test_roles import ACCESS

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

OFFICER = "data.officer@council.example"
HIDDEN = "Sign in to see the dashboard."
STAFF_ONLY_CAPTION = "Each row's original text"


@pytest.fixture
def signing_in_server(browser_warehouse, tmp_path):
    """The dashboard with `[auth]` pointing at a live OIDC provider and `[access]` as the README
    shows, without the demo switch: nobody sees anything until they sign in."""
    from oidc_provider_mock import User, run_server_in_thread

    port = free_port()
    officer = User(sub=OFFICER, claims={"email": OFFICER, "groups": ["Performance Team"]})
    with run_server_in_thread(user_claims=[officer]) as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "browser-tests-cookie-secret-not-a-secret"
client_id = "once-and-done-browser-tests"
client_secret = "browser-tests-client-secret-not-a-secret"
server_metadata_url = "http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration"

{ACCESS}""")
        server = start_server({"WAREHOUSE_URL": browser_warehouse,
                               "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY},
                              ARTIFACTS / "browser-server-sign-in.log", port=port,
                              flags=("--secrets.files", str(secrets)))
        yield server
        server.stop()


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
    expect(page.get_by_text(f"Signed in as {OFFICER}")).to_be_visible()
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
