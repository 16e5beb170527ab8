"""In a real Chromium: no metric's label, value or change is cut short with an ellipsis on any
page, at desktop (1280 px) and tablet (820 px) widths; and the arrow Streamlit draws beside each
change on last month follows the change shown, a fall in money included."""

import pytest
from playwright.sync_api import expect

from data.warehouse import get_engine
from metrics.reads import read_targets, sources_from_warehouse
from metrics.scorecard import scorecard
from metrics.wording import change
from tests.browser.conftest import (
    TIMEOUT_MS,
    assert_no_exception,
    nav_pages,
    open_url,
    wait_idle,
)
from tests.browser.test_pages import TABLET

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

# Every element of every metric's label, value and change whose text is wider than its box:
# Streamlit cuts such text short with "…" (text-overflow: ellipsis).
CUT_SHORT = """() => [...document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], '
    + '[data-testid="stMetricDelta"], [data-testid="stMetricDeltaDescription"]')]
  .flatMap(box => [box, ...box.querySelectorAll('*')])
  .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.innerText} (${el.scrollWidth} px in ${el.clientWidth} px)`)"""
METRICS = '[data-testid="stMetric"]'


def cut_short(page, where: str) -> tuple[int, list[str]]:
    """(metrics measured, what is cut short) on the page as it stands."""
    return (page.locator(METRICS).count(),
            [f"{where}: {text}" for text in page.evaluate(CUT_SHORT)])


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar's select box labelled `label`."""
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_no_metric_is_cut_short_on_any_page_at_either_width(page, server):
    measured, found = 0, []
    for nav in nav_pages(page, server):
        for width in (1280, TABLET):
            page.set_viewport_size({"width": width, "height": 900})
            open_url(page, nav.url)
            assert_no_exception(page, nav.title)
            views = [f"{nav.title} at {width} px"]
            if nav.title == "Channels, cost and carbon":
                views.append(f"{nav.title}, 12 months, at {width} px")
            for i, view in enumerate(views):
                if i:  # the biggest figures: 12 months of cost and carbon
                    choose(page, "Period", "12 months to the month")
                count, cut = cut_short(page, view)
                measured, found = measured + count, found + cut
    assert not found, "cut short:\n" + "\n".join(found)
    assert measured > 100  # the scorecard's 27 tiles alone, twice


def test_the_arrow_follows_the_change_shown(page, server, browser_warehouse):
    """Cost to serve read "↑ −£1,448 on last month": Streamlit drew an up arrow for a fall,
    reading the sign from the text. Open a month in which it fell and check every tile."""
    engine = get_engine(browser_warehouse)
    sources, targets = sources_from_warehouse(engine), read_targets(engine)
    months = sorted(sources.parts.get_column("month").unique().to_list())
    month, tiles = next(
        (m, tiles) for m in reversed(months[1:])
        for tiles in [{t.kpi.label: t for t in scorecard(sources, m, targets)}]
        if change(tiles["Cost to serve"].kpi, tiles["Cost to serve"].value,
                  tiles["Cost to serve"].last_month).amount < 0)
    open_url(page, server.url)
    choose(page, "Month", month)
    drawn = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
        .map(m => [m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                   m.querySelector('[data-testid="stMetricDelta"]')?.innerText.trim() ?? null,
                   m.querySelector('[data-testid^="stMetricDeltaIcon"]')
                     ?.dataset.testid.split('-')[1] ?? null])""")
    assert len(drawn) == len(tiles)
    for label, delta, icon in drawn:
        tile = tiles[label]
        moved = change(tile.kpi, tile.value, tile.last_month)
        expected = {"up": "Up", "down": "Down", "no change": None}[moved.direction]
        assert (delta, icon) == (moved.text, expected), f"{month} {label}"
    cost = next(d for d in drawn if d[0] == "Cost to serve")
    assert cost[1].startswith("−£") and cost[2] == "Down", cost
