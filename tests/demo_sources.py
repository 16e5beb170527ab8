"""The whole demo council (36 months) as KPI sources, for tests that read every month of it.

Loading the demo through ingest takes a minute or more; these tests need its figures, not its
warehouse. So the demo's feed files are generated, parsed by the feeds' own parser (rows with a
cell that does not parse are left out, as ingest quarantines them) and turned into sources by
`metrics.compute.sources_from_facts`, which derives the same per-contact parts as the marts. Set
ONCE_AND_DONE_TEST_DEMO_URL to a warehouse holding a loaded demo to read that instead.
"""

import os
from pathlib import Path

import polars as pl

from data.reference import CHANNEL_ASSUMPTIONS, KPI_TARGETS
from data.warehouse import get_engine
from metrics.compute import Sources, sources_from_facts
from metrics.reads import channel_assumptions, read_targets, sources_from_warehouse
from pipelines.demo import generate_demo
from pipelines.feeds import FEEDS
from pipelines.parse import ROW, parse_cells, read_raw

DEMO_URL = os.environ.get("ONCE_AND_DONE_TEST_DEMO_URL")


def default_assumptions() -> pl.DataFrame:
    """`ref_channel_assumptions` as seeded: every column, no uplift."""
    return pl.DataFrame(
        [(channel, cost, csrc, cyear, kg, ksrc, kyear, None, None, None)
         for channel, (cost, csrc, cyear, kg, ksrc, kyear) in CHANNEL_ASSUMPTIONS.items()],
        schema={"channel": pl.String, "unit_cost_gbp": pl.Float64, "cost_source": pl.String,
                "cost_year": pl.Int64, "carbon_kg": pl.Float64, "carbon_source": pl.String,
                "carbon_year": pl.Int64, "uplift_factor": pl.Float64, "uplift_source": pl.String,
                "uplift_year": pl.Int64}, orient="row")


def demo_sources(folder: Path) -> tuple[Sources, dict[str, tuple[float, float]], pl.DataFrame]:
    """(sources, targets, channel assumptions) of the whole demo."""
    if DEMO_URL:
        engine = get_engine(DEMO_URL)
        return sources_from_warehouse(engine), read_targets(engine), channel_assumptions(engine)
    frames: dict[str, list[pl.DataFrame]] = {feed: [] for feed in FEEDS}
    for feed, path in generate_demo(folder):
        parsed = parse_cells(read_raw(path.read_bytes(), FEEDS[feed], path.name).frame,
                             FEEDS[feed])
        bad = parsed.problems.get_column(ROW).unique().implode()
        frames[feed].append(parsed.frame.filter(~pl.col(ROW).is_in(bad)).drop(ROW))
    assumptions = default_assumptions()
    sources = sources_from_facts(
        *(pl.concat(frames[feed]) for feed in ("contacts", "complaints", "satisfaction")),
        assumptions.select("channel", "unit_cost_gbp", "carbon_kg"),
        enquiries=pl.concat(frames["enquiries"]))
    return sources, dict(KPI_TARGETS), assumptions
