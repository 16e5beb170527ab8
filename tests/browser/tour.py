"""One walk through every page of the sidebar on the session's demo server, shared by the tests
that check something on every page (test_pages, test_words, test_accessibility, test_roles).

Opening a page costs seconds (the page load, Streamlit's run of the script, `wait_idle`), and
those tests used to open every page themselves, six times in all. The tour opens each page
once, at desktop width, then narrows it to tablet width; it records on the way what each of
those tests asserts, and keeps the screenshots and axe's findings as artifacts; the tests
assert over the records.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser import ARTIFACTS
from tests.browser.conftest import (
    TABLET,
    TIMEOUT_MS,
    WIDTH,
    NavPage,
    choose,
    metric_value,
    open_url,
    shown_exception,
)

SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_DIR = ARTIFACTS / "axe"
SCORECARD = "Monthly scorecard"
CHANNELS = "Channels, cost and carbon"  # also measured with its biggest figures, 12 months
DEMO_BANNER = "Fictional demo council"

# Every element of every metric's label, value and change whose text is wider than its box:
# Streamlit cuts such text short with "…" (text-overflow: ellipsis).
CUT_SHORT = """() => [...document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], '
    + '[data-testid="stMetricDelta"], [data-testid="stMetricDeltaDescription"]')]
  .flatMap(box => [box, ...box.querySelectorAll('*')])
  .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.innerText} (${el.scrollWidth} px in ${el.clientWidth} px)`)"""
METRICS = '[data-testid="stMetric"]'

AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
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


@dataclass
class View:
    """The metrics of one page as drawn at one width (and period)."""

    where: str  # e.g. "Satisfaction at 820 px"
    metrics: int
    cut_short: list[str]  # each "<where>: <text> (<scroll> px in <client> px)"


@dataclass
class Visit:
    """One page as drawn at one width."""

    title: str
    width: int
    exception: str | None  # the text of the first exception the page shows
    views: list[View]
    h1: str = ""  # the rest are recorded at desktop width only
    banner: bool = False  # the demo banner is visible
    blocking: list[str] = field(default_factory=list)  # axe's, after the allow-list
    screenshot: Path | None = None
    contacts: bool = False  # the scorecard at tablet width shows its Contacts tile


@dataclass
class Tour:
    pages: list[NavPage]
    desktop: list[Visit]
    tablet: list[Visit]


def take_tour(browser, pages: list[NavPage]) -> Tour:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        visits = [_visit(page, nav) for nav in pages]
    finally:
        context.close()
    return Tour(pages, [desktop for desktop, _ in visits], [tablet for _, tablet in visits])


def _visit(page, nav: NavPage) -> tuple[Visit, Visit]:
    """The page opened at desktop width, then narrowed to tablet width. Streamlit's script never
    learns the width, and every metric's label, value and change measured the same, element for
    element and pixel for pixel, on a page narrowed to 820 px as on one opened at 820 px
    (2026-12, every page, the 12 months of channels too): a second opening would cost seconds
    and show nothing more."""
    try:
        page.set_viewport_size({"width": WIDTH, "height": 900})
        open_url(page, nav.url)
        desktop = Visit(nav.title, WIDTH, shown_exception(page),
                        [_view(page, f"{nav.title} at {WIDTH} px")],
                        h1=page.locator("h1").first.inner_text().strip(),
                        banner=page.get_by_text(DEMO_BANNER).is_visible(),
                        blocking=_axe(page, nav))
        desktop.screenshot = full_page_screenshot(page, nav.slug)
        _resize(page, TABLET)
        tablet = Visit(nav.title, TABLET, shown_exception(page),
                       [_view(page, f"{nav.title} at {TABLET} px")])
        if nav.title == SCORECARD:
            tablet.contacts = metric_value(page, "Contacts").is_visible()
            tablet.screenshot = full_page_screenshot(page, "monthly-scorecard-tablet", TABLET)
        if nav.title == CHANNELS:
            _resize(page, TABLET)
            choose(page, "Period", "12 months to the month")
            tablet.views.append(_view(page, f"{nav.title}, 12 months, at {TABLET} px"))
            _resize(page, WIDTH)
            desktop.views.append(_view(page, f"{nav.title}, 12 months, at {WIDTH} px"))
    except Exception as error:
        error.add_note(f"on the tour of every page, at {nav.title}")
        raise
    return desktop, tablet


def _resize(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    _charts_redrawn(page)


def _view(page, where: str) -> View:
    return View(where, page.locator(METRICS).count(),
                [f"{where}: {text}" for text in page.evaluate(CUT_SHORT)])


def _axe(page, nav: NavPage) -> list[str]:
    """Axe's serious and critical violations on the page, less the allow-list; all it found is
    kept in test-artifacts/axe/<page>.json."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": AXE_RULES, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / f"{nav.slug}.json").write_text(json.dumps(violations, indent=1))
    return [f"{nav.title}: {v['id']} ({v['impact']}) at {node['target']}: {v['help']}"
            for v in violations if v["impact"] in BLOCKING
            for node in v["nodes"] if not _allowed(page, v["id"], node)]


def _allowed(page, rule: str, node: dict) -> bool:
    target = node["target"]
    if len(target) != 1 or not isinstance(target[0], str):  # in a frame or a shadow root
        return False
    return any(rule == r and page.evaluate(INSIDE, [target[0], container])
               for r, container, _ in ALLOWED)


def _charts_redrawn(page) -> None:
    """A resize redraws the charts; Streamlit shows a grey skeleton until each is back."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")
    page.wait_for_timeout(300)


def full_page_screenshot(page, name: str, width: int = WIDTH) -> Path:
    """Streamlit scrolls inside its main block, not the document: grow the viewport to the
    content's height so that the screenshot holds the whole page."""
    page.set_viewport_size({"width": width, "height": 900})
    height = page.evaluate(
        "() => Math.max(...['[data-testid=\"stMain\"]', '[data-testid=\"stSidebarContent\"]']"
        ".map(s => document.querySelector(s)?.scrollHeight || 0), 900)")
    page.set_viewport_size({"width": width, "height": min(height + 40, 12_000)})
    _charts_redrawn(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
