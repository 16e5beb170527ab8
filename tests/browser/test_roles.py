"""Who sees what, in a real browser, signing in through a real OpenID Connect provider
(oidc-provider-mock on 127.0.0.1) as users carrying different group claims, with the `[access]`
configuration written exactly as the README shows it. Each line of the README's role table is
checked here: the navigation each role gets, what its record-level views show, the addresses of
pages it may not use, and sign-out."""

import csv
import io
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from reports.escape import md
from tests.browser import ARTIFACTS, free_port, start_server
from tests.browser.conftest import (
    TEST_KEY,
    TIMEOUT_MS,
    WIDTH,
    assert_clean_log,
    assert_no_exception,
    open_table,
    open_url,
    wait_idle,
)
from tests.browser.tour import DEMO_BANNER

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

# The README's `[access]` section, word for word.
ACCESS = """[access]
signed_out = "sign_in"             # or "public"
claim = "groups"                   # the ID-token claim with the user's groups or app roles (list or text)

[access.roles]                     # role = the claim values that grant it
member = ["Councillors"]
manager = ["Service Managers"]
analyst = ["Performance Team"]
safeguarding = ["Safeguarding Leads"]
admin = ["Dashboard Admins"]
"""  # noqa: E501 (as the README shows it)
USERS = {
    "councillor@council.example": ["Councillors"],
    "manager@council.example": ["Service Managers"],
    "analyst@council.example": ["Performance Team"],
    "admin@council.example": ["Dashboard Admins"],
    "planner@council.example": ["Planning"],  # a group no role is mapped to
    "lowercase@council.example": ["councillors"],  # matching is case-sensitive
}
PUBLIC_PAGES = ["Monthly scorecard", "Papers and packs"]
AGGREGATE_PAGES = [*PUBLIC_PAGES, "Programme", "Failure demand", "Right first time",
                   "Complaints and compliments", "Satisfaction", "Members' enquiries",
                   "Channels, cost and carbon", "Data quality"]
NOT_AVAILABLE = "This page is not available to your role."
INVITATION = "Sign in to see the dashboard."
CHAINS_CAPTION = "Residents are shown by a short alias only."
QUARANTINE_CAPTION = "Each row's original text"
EDIT_BUTTON = "Save assumptions"


@contextmanager
def serving_with_sign_in(browser_warehouse: str, folder, name: str, access: str = ACCESS,
                         users: dict[str, list[str]] = USERS):
    """The dashboard with `[auth]` at a live provider whose users carry `users`' groups, and
    the `access` configuration beside it; its log is test-artifacts/browser-server-<name>.log."""
    from oidc_provider_mock import User, run_server_in_thread

    port = free_port()
    with run_server_in_thread(user_claims=[User(sub=sub, claims={"email": sub, "groups": g})
                                           for sub, g in users.items()]) as provider:
        secrets = folder / f"{name}.toml"
        secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "browser-tests-cookie-secret-not-a-secret"
client_id = "once-and-done-browser-tests"
client_secret = "browser-tests-client-secret-not-a-secret"
server_metadata_url = "http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration"

{access}""")
        server = start_server({"WAREHOUSE_URL": browser_warehouse,
                               "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY},
                              ARTIFACTS / f"browser-server-{name}.log", port=port,
                              flags=("--secrets.files", str(secrets)))
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def roles_server(browser_warehouse, tmp_path_factory):
    """The dashboard with `[auth]` at a live provider and `[access]` as the README shows."""
    with serving_with_sign_in(browser_warehouse, tmp_path_factory.mktemp("roles"),
                              "roles") as server:
        yield server


@pytest.fixture(scope="module")
def public_server(browser_warehouse, tmp_path_factory):
    """The same, with visitors who are not signed in treated as `public`."""
    access = ACCESS.replace('signed_out = "sign_in"', 'signed_out = "public"')
    with serving_with_sign_in(browser_warehouse, tmp_path_factory.mktemp("public"),
                              "roles-public", access) as server:
        yield server


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def sign_in(page, server, sub: str) -> None:
    """From a page offering "Sign in", through the provider's own form, back to the dashboard."""
    page.get_by_role("button", name="Sign in").first.click()
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    wait_idle(page)


def navigation(page) -> list[str]:
    """The titles the sidebar's navigation lists (a link's text is its icon's name, then its
    title)."""
    links = page.locator('[data-testid="stSidebarNavLink"]')
    return [link.inner_text().strip().splitlines()[-1].strip() for link in links.all()]


def address(server, path: str) -> str:
    return f"{server.url}/{path}"


def test_signed_out_visitors_see_only_the_invitation_to_sign_in(tab, roles_server):
    open_url(tab, roles_server.url)
    expect(tab.get_by_text(INVITATION)).to_be_visible()
    assert navigation(tab) == []
    assert tab.locator('[data-testid="stMetricValue"]').count() == 0
    for path in ("scorecard", "failure_demand", "data_quality"):
        open_url(tab, address(roles_server, path))
        expect(tab.get_by_text(INVITATION)).to_be_visible()
        assert tab.locator('[data-testid="stMetricValue"]').count() == 0
    assert_clean_log(roles_server)


@pytest.mark.parametrize("sub, record_views, editing", [
    ("councillor@council.example", False, False),
    ("manager@council.example", True, False),
    ("analyst@council.example", True, True),
    ("admin@council.example", True, True),
], ids=["member", "manager", "analyst", "admin"])
def test_each_role_gets_its_navigation_and_views(tab, roles_server, sub, record_views, editing):
    server = roles_server
    open_url(tab, server.url)
    sign_in(tab, server, sub)
    expect(tab.get_by_text(f"Signed in as {md(sub)}")).to_be_visible()
    admin = ["Audit trail"] if sub.startswith("admin") else []
    assert navigation(tab) == [*AGGREGATE_PAGES, *admin]
    expect(tab.locator('[data-testid="stMetricValue"]').first).to_be_visible()
    open_url(tab, address(server, "audit"))
    expect(tab.get_by_text(NOT_AVAILABLE)).to_have_count(0 if admin else 1)

    open_url(tab, address(server, "failure_demand"))
    assert_no_exception(tab, f"failure demand for {sub}")
    expect(tab.get_by_text(CHAINS_CAPTION)).to_have_count(1 if record_views else 0)
    if not record_views:
        expect(tab.get_by_text("Contact chains: not available to your role.")).to_be_visible()

    open_url(tab, address(server, "data_quality"))
    expect(tab.get_by_text(QUARANTINE_CAPTION)).to_have_count(1 if editing else 0)
    open_url(tab, address(server, "channels"))
    expect(tab.get_by_role("button", name=EDIT_BUTTON)).to_have_count(1 if editing else 0)
    assert_clean_log(server)


def test_a_sign_in_that_grants_no_role_is_treated_as_signed_out(tab, roles_server):
    for sub in ("planner@council.example", "lowercase@council.example"):
        open_url(tab, roles_server.url)
        sign_in(tab, roles_server, sub)
        expect(tab.get_by_text(f"You are signed in as {md(sub)}, but your sign-in grants no role "
                               "on this dashboard")).to_be_visible()
        assert navigation(tab) == []
        assert tab.locator('[data-testid="stMetricValue"]').count() == 0
        open_url(tab, address(roles_server, "failure_demand"))
        expect(tab.get_by_text("grants no role")).to_be_visible()
        tab.get_by_role("button", name="Sign out").click()
        tab.get_by_role("button", name="End session").click()  # the provider's confirmation
        tab.wait_for_url(f"{roles_server.url}/**")
        wait_idle(tab)
        expect(tab.get_by_text(INVITATION)).to_be_visible()
    assert_clean_log(roles_server)


def test_sign_out_returns_to_the_invitation(tab, roles_server):
    open_url(tab, roles_server.url)
    sign_in(tab, roles_server, "manager@council.example")
    assert navigation(tab) == AGGREGATE_PAGES
    tab.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(f"{roles_server.url}/**")
    open_url(tab, address(roles_server, "failure_demand"))
    expect(tab.get_by_text(INVITATION)).to_be_visible()
    expect(tab.get_by_text(CHAINS_CAPTION)).to_have_count(0)
    assert navigation(tab) == []
    assert_clean_log(roles_server)


def test_public_visitors_get_the_scorecard_and_the_papers_only(tab, public_server):
    server = public_server
    open_url(tab, server.url)
    assert navigation(tab) == PUBLIC_PAGES
    expect(tab.locator('[data-testid="stMetricValue"]').first).to_be_visible()
    for path, title in (("failure_demand", "Failure demand"), ("satisfaction", "Satisfaction"),
                        ("data_quality", "Data quality")):
        open_url(tab, address(server, path))
        expect(tab.get_by_text(NOT_AVAILABLE)).to_be_visible()
        expect(tab.locator("h1")).to_have_text(title)
        assert tab.locator('[data-testid="stMetricValue"]').count() == 0
    # Signing in as a councillor opens the aggregate pages.
    open_url(tab, server.url)
    expect(tab.get_by_text("Signed in as")).to_have_count(0)
    sign_in(tab, server, "councillor@council.example")
    assert navigation(tab) == AGGREGATE_PAGES
    assert_clean_log(server)


def test_a_public_download_is_the_published_table_and_is_recorded(tab, public_server,
                                                                 browser_warehouse):
    from data.audit import read_events
    from data.warehouse import get_engine

    open_url(tab, public_server.url)
    open_table(tab, "Scorecard as a table")
    button = tab.locator('[data-testid="stDownloadButton"]').filter(has_text="Download CSV")
    with tab.expect_download() as download:
        button.first.click()
    header, *rows = csv.DictReader(io.StringIO(download.value.path().read_text())).reader
    assert header == ["Theme", "KPI", "Value", "Last month", "A year ago", "Target",
                      "Change on last month", "Change on a year ago"]
    assert "Contacts" in [row[1] for row in rows]
    name = download.value.suggested_filename
    assert name.startswith("scorecard-published-")
    events = read_events(get_engine(browser_warehouse))
    assert ("visitor (not signed in)", "download", "Monthly scorecard", name) in \
        events.select("who", "action", "page", "detail").rows()
    assert_clean_log(public_server)


def test_the_demo_switch_opens_every_page_under_its_banner(tour, page, server):
    """The session's server runs the demo council with the demo switch on (tests/browser/tour.py
    opened each page)."""
    assert [p.title for p in tour.pages] == [*AGGREGATE_PAGES, "Audit trail"]
    for visit in tour.desktop:
        assert visit.banner, f"{visit.title} has no visible '{DEMO_BANNER}' banner"
    open_url(page, address(server, "failure_demand"))
    expect(page.get_by_text(CHAINS_CAPTION)).to_be_visible()


def test_an_unknown_role_stops_the_server_naming_it(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(ACCESS.replace("admin = ", "auditor = "))
    with pytest.raises(RuntimeError, match='Not starting: .*unknown role "auditor"'):
        start_server({"WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.db'}"},
                     ARTIFACTS / "browser-server-unknown-role.log",
                     flags=("--secrets.files", str(secrets)))


def test_an_expired_session_is_signed_out(tab, roles_server):
    """A session whose sign-in cookie has gone (expired, or cleared) holds no role."""
    open_url(tab, roles_server.url)
    sign_in(tab, roles_server, "manager@council.example")
    open_url(tab, address(roles_server, "failure_demand"))
    expect(tab.get_by_text(CHAINS_CAPTION)).to_be_visible()
    tab.context.clear_cookies()
    open_url(tab, address(roles_server, "failure_demand"))
    expect(tab.get_by_text(INVITATION)).to_be_visible()
    expect(tab.get_by_text(CHAINS_CAPTION)).to_have_count(0)
    assert navigation(tab) == []
    assert_clean_log(roles_server)
