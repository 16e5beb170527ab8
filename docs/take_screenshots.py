"""Retake the README's pictures from a warehouse holding the demo council:

    python docs/take_screenshots.py sqlite:////path/to/demo.db

Every dashboard page at 1280 px (and the scorecard at 820 px) through a real server and Chromium,
as the browser tests drive them, into docs/screenshots/; and the pack's summary page, its first
theme page and the one-pager for the latest complete month, rendered at 80 dpi, into docs/.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data.warehouse import get_engine  # noqa: E402 (after the path is set)
from metrics.months import latest_complete_month  # noqa: E402
from metrics.reads import sources_from_warehouse  # noqa: E402
from reports.documents.halves import complete_halves  # noqa: E402
from reports.documents.papers import one_pager_bytes, pack_bytes  # noqa: E402
from tests.browser import ARTIFACTS, launch_chromium, start_server  # noqa: E402
from tests.browser.conftest import TABLET, assert_no_exception, nav_pages, open_url  # noqa: E402
from tests.browser.tour import SCREENSHOTS, full_page_screenshot  # noqa: E402

DOCS = ROOT / "docs"


def pages(url: str) -> None:
    server = start_server({"WAREHOUSE_URL": url, "ONCE_AND_DONE_DEMO": "1"},
                          ARTIFACTS / "screenshots-server.log", timeout=180)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(180_000)
            for nav in nav_pages(page, server):
                open_url(page, nav.url)
                assert_no_exception(page, nav.title)
                full_page_screenshot(page, nav.slug)
            open_url(page, server.url)
            full_page_screenshot(page, "monthly-scorecard-tablet", width=TABLET)
            browser.close()
    finally:
        server.stop()
    for shot in SCREENSHOTS.glob("*.png"):
        (DOCS / "screenshots" / shot.name).write_bytes(shot.read_bytes())


def papers(url: str) -> None:
    engine = get_engine(url)
    sources = sources_from_warehouse(engine)
    months = sources.parts.get_column("month").unique().to_list()
    half = complete_halves(months)[0]
    month = max(m for m in months if m <= latest_complete_month(sources.as_of))
    with tempfile.TemporaryDirectory() as folder:
        pack, one = Path(folder) / "pack.pdf", Path(folder) / "one.pdf"
        pack.write_bytes(pack_bytes(engine, half, "pdf"))
        one.write_bytes(one_pager_bytes(engine, month))
        for pdf, page, name in ((pack, 3, "pack-summary"), (pack, 5, "pack-theme"),
                                (one, 1, "one-pager")):
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page),
                            "-l", str(page), str(pdf), str(DOCS / name)], check=True)


if __name__ == "__main__":
    papers(sys.argv[1])
    pages(sys.argv[1])
