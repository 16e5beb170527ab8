"""Feed text is data, never markup, in a real browser: on a warehouse whose services, reasons,
wards, teams and themes are a Markdown image of a pixel on a real HTTP server, a Markdown link
and an HTML link, no page (staff views included) makes the browser fetch the pixel or offers a
link to evil.example, and the names are there as text."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reports.escape import WORD_JOINER
from tests.browser.conftest import (
    TEST_KEY,
    assert_clean_log,
    assert_no_exception,
    nav_pages,
    open_url,
)
from tests.browser.test_roles import serving_with_sign_in, sign_in
from tests.hostile import EVIL, PIXEL, build_hostile, hostile_names

pytestmark = pytest.mark.browser
# An officer holding every role, so that every page and record-level view is drawn.
EVERY_ROLE = "every.role@council.example"
EVERY_GROUP = ["Performance Team", "Safeguarding Leads", "Dashboard Admins"]
# The smallest valid PNG, so that a fetched image would load.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

OPEN_EXPANDERS = """() => [...document.querySelectorAll('[data-testid="stExpander"] summary')]
    .filter(summary => summary.checkVisibility()).forEach(summary => summary.click())"""


class _Pixel(BaseHTTPRequestHandler):
    fetched: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        type(self).fetched.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pixel(_browser_available):
    """A real HTTP server on 127.0.0.1 that counts every request."""
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield http
    http.shutdown()


@pytest.fixture(scope="module")
def hostile_server(pixel, demo_url, tmp_path_factory):
    """The dashboard on the hostile warehouse, with sign-in through a live provider: the
    warehouse is not the demo council's, so record-level views need a role."""
    folder = tmp_path_factory.mktemp("hostile-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)
        url = build_hostile(demo_url, folder, pixel.server_address[1])
    with serving_with_sign_in(url, folder, "hostile", users={EVERY_ROLE: EVERY_GROUP}) as server:
        yield server


def test_no_page_fetches_the_pixel_or_links_to_evil(browser, pixel, hostile_server):
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    page = context.new_page()
    _Pixel.fetched.clear()
    names = hostile_names(pixel.server_address[1])
    seen = set()
    try:
        open_url(page, hostile_server.url)
        sign_in(page, hostile_server, EVERY_ROLE)
        for nav in nav_pages(page, hostile_server):
            open_url(page, nav.url)
            assert_no_exception(page, nav.title)
            # The data tables behind the charts, and the rest; not those in a tab not chosen.
            # In one call: clicking each through playwright took 1.8 s a page more (2026-12).
            page.evaluate(OPEN_EXPANDERS)
            page.wait_for_timeout(500)
            links = page.locator(f'a[href*="{EVIL}"], [href*="{EVIL}"]')
            assert links.count() == 0, f"{nav.title} links to {EVIL}"
            assert page.locator(f'img[src*="{PIXEL}"]').count() == 0, nav.title
            # The word joiners that keep GFM from linking bare addresses are invisible.
            text = page.locator('[data-testid="stMain"]').inner_text().replace(WORD_JOINER, "")
            svg = " ".join(page.locator(".main-svg").all_text_contents())
            seen |= {n for n in names if n in text or n in svg}
    finally:
        context.close()
    assert _Pixel.fetched == [], f"the browser fetched {_Pixel.fetched}"
    assert seen == set(names), "each hostile name is shown somewhere, as text"
    assert_clean_log(hostile_server)
