"""The dashboard in a real Chromium: every page renders, filters move the numbers, downloads
arrive, the keyboard reaches the sidebar, and the papers page's packs open."""

import csv
import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    TIMEOUT_MS,
    assert_clean_log,
    assert_no_exception,
    assert_none_shown,
    metric_value,
    open_table,
    open_url,
    wait_idle,
)
from tests.browser.tour import SCORECARD

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

PACKS = {  # the papers page's buttons -> what the downloaded file must be
    "Download the six-monthly pack (PDF)": "pdf",
    "Download the six-monthly pack (Word)": "docx",
    "Download the cabinet one-pager (PDF)": "pdf",
}


def choose_option(page, label: str, option: str | None = None) -> str:
    """Pick `option` (or the first one) in the sidebar multiselect labelled `label`."""
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label)
    box.click()
    # Streamlit's own "Select all" entry is an option too (data-key __select_all__).
    choice = (page.get_by_role("option", name=option, exact=True) if option
              else page.locator('[role="option"]:not([data-key^="__"])').first)
    chosen = choice.inner_text().strip()
    choice.click()
    page.keyboard.press("Escape")
    return chosen


def test_every_page_renders(tour, server):
    """Each page has a title and shows no exception, and a full-page screenshot of each is in
    test-artifacts/screenshots (tests/browser/tour.py opened them)."""
    assert len(tour.pages) >= 2
    for visit in tour.desktop:
        assert visit.h1, f"{visit.title} has no title"
        assert_none_shown(visit.exception, visit.title)
        assert visit.screenshot.is_file(), f"no screenshot of {visit.title}"
    assert_clean_log(server)
    scorecard, = [v for v in tour.tablet if v.title == SCORECARD]
    assert scorecard.contacts, "the scorecard shows no Contacts"
    assert scorecard.screenshot.is_file(), "no screenshot of the scorecard at tablet width"
    assert_none_shown(scorecard.exception, "the scorecard at tablet width")


def test_service_filter_changes_the_scorecard(page, server):
    open_url(page, server.url)
    contacts = metric_value(page, "Contacts")
    expect(contacts).to_be_visible()
    before = contacts.inner_text()
    service = choose_option(page, "Service")
    expect(contacts).not_to_have_text(before)
    wait_idle(page)
    after = contacts.inner_text()
    assert after != before, f"choosing {service} left Contacts at {before}"
    assert_no_exception(page, f"the scorecard for {service}")
    assert_clean_log(server)


def test_scorecard_csv_download(page, server):
    open_url(page, server.url)
    open_table(page, "Scorecard as a table")
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="Download CSV")
    with page.expect_download() as download:
        button.first.click()
    header, *rows = csv.DictReader(io.StringIO(download.value.path().read_text())).reader
    assert {"KPI", "Value"} <= set(header), header
    assert "Contacts" in [dict(zip(header, row))["KPI"] for row in rows]


def test_tab_reaches_the_sidebar_controls(page, server):
    open_url(page, server.url)
    page.evaluate("() => document.activeElement?.blur()")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("""() => {
            const el = document.activeElement;
            return {tag: el.tagName, inSidebar: !!el.closest('[data-testid="stSidebar"]'),
                    label: el.getAttribute('aria-label') || el.innerText?.slice(0, 40) || ''};
        }"""))
        if seen[-1]["inSidebar"] and seen[-1]["tag"] in ("INPUT", "BUTTON", "SELECT", "A"):
            break
    assert seen[0]["tag"] != "BODY", "Tab moved the focus nowhere"
    assert seen[-1]["inSidebar"] and seen[-1]["tag"] in ("INPUT", "BUTTON", "SELECT", "A"), (
        f"40 presses of Tab never reached a sidebar control: {seen}")


def test_papers_page_packs_download(page, server, nav):
    """Each pack button on "Papers and packs" gives a file that opens. The buttons are built by
    another change: until then this fails, saying which are missing."""
    papers = next((p for p in nav if p.title == "Papers and packs"), None)
    assert papers, "no 'Papers and packs' page in the navigation"
    open_url(page, papers.url)
    buttons = page.locator('[data-testid="stDownloadButton"]')
    missing = [name for name in PACKS if buttons.filter(has_text=name).count() == 0]
    assert not missing, f"the papers page has no button {missing}"
    for name, kind in PACKS.items():
        with page.expect_download(timeout=120_000) as download:
            buttons.filter(has_text=name).first.click()
        data = download.value.path().read_bytes()
        if kind == "pdf":
            assert data.startswith(b"%PDF"), f"{name} is not a PDF: {data[:20]!r}"
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                assert "word/document.xml" in docx.namelist(), f"{name} is not a Word file"
    assert_no_exception(page, "the papers page")
    assert_clean_log(server)
