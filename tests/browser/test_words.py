"""In a real Chromium: no metric's label, value or change is cut short with an ellipsis on any
page, at desktop (1280 px) and tablet (820 px) widths; and the arrow Streamlit draws beside each
change on last month follows the change shown, a fall in money included."""

import pytest
from playwright.sync_api import expect

from data.warehouse import get_engine
from metrics.reads import read_targets, sources_from_warehouse
from metrics.scorecard import scorecard
from metrics.wording import change
from tests.browser.conftest import TIMEOUT_MS, assert_clean_log, assert_none_shown, choose, open_url

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def test_no_metric_is_cut_short_on_any_page_at_either_width(tour, server):
    """Every page at 1280 and 820 px, and "Channels, cost and carbon" with its biggest figures
    (12 months of cost and carbon) at each, as tests/browser/tour.py measured them."""
    measured, found = 0, []
    for visit in [v for pair in zip(tour.desktop, tour.tablet, strict=True) for v in pair]:
        assert_none_shown(visit.exception, visit.title)
        for view in visit.views:
            measured, found = measured + view.metrics, found + view.cut_short
    assert not found, "cut short:\n" + "\n".join(found)
    assert measured > 100  # the scorecard's 27 tiles alone, twice
    assert_clean_log(server)


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
