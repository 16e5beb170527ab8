"""Demo data for Fenbridge District Council, a fictional English district council.

Three years of canonical CSV feeds (`docs/feeds.md`), one file per feed per month from November
2023, telling the story of a "once and done" programme: failure demand falls, customers move to
digital channels, complaints are answered on time more often and satisfaction rises. A handful
of deliberately bad rows (`bad_rows`) show quarantine at work.

The same seed always gives byte-identical files: every month draws from its own generator,
seeded from (seed, month), and nothing depends on today's date. The last month ends on
2026-10-31, so the default 36 months are all in the past; more months would run into the future
and be rejected on loading.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.demo.bad_rows import BadRow, spoil
from pipelines.demo.calendar import demo_period
from pipelines.demo.complaints import complaints_for_month, complaints_frame
from pipelines.demo.contacts import contacts_for_month, contacts_frame
from pipelines.demo.enquiries import enquiries_for_month, enquiries_frame
from pipelines.demo.satisfaction import satisfaction_frame

HOUSEHOLDS = 110_000      # distinct customers who contact the council over the period
CUSTOMER_STREAM = 9_999   # generator key for the customer list, apart from the month keys


@dataclass(frozen=True)
class DemoFiles:
    files: list[tuple[str, Path]]   # (feed, path) in loading order
    bad_rows: list[BadRow]


def generate_demo(out_dir: Path, seed: int = 2026, months: int = 36) -> list[tuple[str, Path]]:
    """Write the demo feeds; return (feed, path) in the order they must be loaded (month by
    month: contacts, complaints, satisfaction; then the members' enquiries of every month)."""
    return write_demo(out_dir, seed, months).files


def write_demo(out_dir: Path, seed: int = 2026, months: int = 36) -> DemoFiles:
    """As `generate_demo`, also listing the deliberately bad rows written."""
    if months < 1:
        raise ValueError("months must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    period = demo_period(months)
    customers = _customer_numbers(seed)
    carried, pending = None, {}
    files, bad_rows, enquiries = [], [], []
    for month in period.months:
        rng = np.random.default_rng([seed, month.index])
        contacts, carried = contacts_for_month(rng, month, period, customers, carried)
        frames = {
            "contacts": contacts_frame(contacts, month),
            "complaints": complaints_frame(complaints_for_month(rng, month, period, customers,
                                                                pending)),
            "satisfaction": satisfaction_frame(rng, month, contacts),
        }
        for feed, frame in frames.items():
            frame, bad = spoil(rng, feed, frame, month)
            path = out_dir / f"{feed}-{month.label}.csv"
            frame.write_csv(path)
            files.append((feed, path))
            bad_rows += bad
        enquiries.append(enquiries_for_month(seed, month, period, customers))
    path = out_dir / f"enquiries-{period.months[0].label}-to-{period.months[-1].label}.csv"
    enquiries_frame(enquiries).write_csv(path)
    files.append(("enquiries", path))
    return DemoFiles(files, bad_rows)


def _customer_numbers(seed: int) -> np.ndarray:
    """Seven-digit customer numbers, in no particular order."""
    rng = np.random.default_rng([seed, CUSTOMER_STREAM])
    return rng.choice(np.arange(1, 10_000_000), HOUSEHOLDS, replace=False)
