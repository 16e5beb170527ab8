"""Published mode: a `public` visitor's scorecard holds published figures only, its download the
same, and no count it withholds can be worked out again from what the page shows."""

import itertools
import math

import polars as pl

from data.edits import read_assumptions
from metrics.published_scorecard import WITHHELD, published_scorecard
from metrics.reads import read_settings, read_targets, sources_from_warehouse
from metrics.scorecard import scorecard
from reports.escape import md
from tests.app.conftest import ACCESS, LATEST_MONTH


def _hidden(text: str) -> bool:
    return text.startswith("<") or text == WITHHELD


def _figure(text: str) -> float | None:
    """A figure as the page prints it ("1,234", "£5,678", "3.4 %", "12.0"), as a number."""
    if _hidden(text) or text == "no data":
        return None
    return float(text.replace("£", "").replace(",", "").replace("%", "").split()[0]
                 .replace("−", "-"))


def _integers_between(low: float, high: float) -> list[int]:
    return list(range(math.ceil(low), math.floor(high) + 1))


def test_no_withheld_count_can_be_worked_out_from_the_page(demo_engine):
    """Every ward × service (and each channel) of the latest month: for each count the page
    withholds, a reader tries the figures it shows that are worked out from it (complaints per
    1,000 contacts times the contacts, less the escalations shown; money and carbon divided by
    the unit factors the papers publish) and must not land on it."""
    src, targets = sources_from_warehouse(demo_engine), read_targets(demo_engine)
    with demo_engine.connect() as conn:
        settings = read_settings(conn)
    factors = {r["channel"]: r for r in read_assumptions(demo_engine).iter_rows(named=True)}
    wards = sorted(w for w in src.parts["ward"].unique().to_list() if w)
    services = sorted(s for s in src.parts["service"].unique().to_list() if s)
    withheld = 0
    for ward, service, channel in itertools.product(wards, services, (None, "phone", "web")):
        filters = {"ward": (ward,), "service": (service,)} | (
            {"channel": (channel,)} if channel else {})
        tiles = {t.kpi.id: t for t in scorecard(src, LATEST_MONTH, targets, filters)}
        published = published_scorecard(list(tiles.values()), settings)
        shown = dict(zip(published["KPI"], published["Value"]))
        by_id = {k: shown[t.kpi.label] for k, t in tiles.items()}
        exact = {k: t.value for k, t in tiles.items()}
        contacts = _figure(by_id.get("contacts", WITHHELD))
        rate = _figure(by_id.get("complaints_per_1000_contacts", WITHHELD))
        for count, other in (("stage1_complaints_received", "stage2_escalations_received"),
                             ("stage2_escalations_received", "stage1_complaints_received")):
            if count not in by_id or not _hidden(by_id[count]):
                continue
            withheld += 1
            if rate is None or contacts is None or _figure(by_id[other]) is None:
                continue
            total = _integers_between((rate - 0.05) * contacts / 1000,
                                      (rate + 0.05) * contacts / 1000)
            assert len(total) != 1 or total[0] - _figure(by_id[other]) != exact[count], filters
        if channel and "contacts" in by_id and _hidden(by_id["contacts"]):
            withheld += 1
            for kpi, factor in (("cost_to_serve_gbp", "unit_cost_gbp"),
                                ("carbon_kg", "carbon_kg")):
                money = _figure(by_id.get(kpi, WITHHELD))
                if money is not None and factors[channel][factor]:
                    recovered = round(money / factors[channel][factor])
                    assert recovered != exact["contacts"], filters
    assert withheld > 20  # the demo's small wards do withhold figures


def test_a_public_visitor_sees_and_downloads_the_published_scorecard_only(signed_out_app,
                                                                         demo_engine):
    signed_out_app.secrets["access"] = {**ACCESS, "signed_out": "public"}
    signed_out_app.run()
    signed_out_app.multiselect(key="filter_ward").select("Ashby Marsh").run()
    signed_out_app.multiselect(key="filter_service").select("Council Tax").run()
    assert not signed_out_app.exception
    filters = {"ward": ("Ashby Marsh",), "service": ("Council Tax",)}
    with demo_engine.connect() as conn:
        settings = read_settings(conn)
    tiles = scorecard(sources_from_warehouse(demo_engine), LATEST_MONTH,
                      read_targets(demo_engine), filters)
    expected = published_scorecard(tiles, settings)
    assert {m.label: m.value for m in signed_out_app.metric} == dict(
        zip(expected["KPI"], expected["Value"]))
    assert any(_hidden(v) for v in expected["Value"])
    # Under each tile, its captions say the published table's target (where it has one), last
    # month and a year ago, in that order (as Markdown, escaped: "<5" is written "\<5").
    captions = iter(c.value for c in signed_out_app.caption[1:])
    rows = {r["KPI"]: r for r in expected.iter_rows(named=True)}
    for metric in signed_out_app.metric:
        row = rows[metric.label]
        lines = [f"Last month: {row['Last month']}", f"A year ago: {row['A year ago']}"]
        if row["Target"]:
            lines.insert(0, f"Target: {row['Target']}")
        assert [next(captions) for _ in lines] == [md(line) for line in lines]
    table = next(d.value for d in signed_out_app.dataframe)
    assert pl.from_pandas(table).equals(expected)
    assert not any("SPC" in c.value and "signal" in c.value for c in signed_out_app.caption)
