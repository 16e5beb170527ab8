"""How long the dashboard's and the export's reads of the warehouse take:
`python -m bench.reads_bench [--contacts 10000000] [--per-file 1000000] [--warehouse URL]
[--repeat 5]`.

Each read is timed `--repeat` times in this one process (the database's pages warm after the
first) and its median printed, in seconds:

- the KPI sources (`metrics.reads.sources_from_warehouse`: the monthly mart, complaint and
  survey facts, the reference data) and the export by service and channel;
- the drill-downs' reads of contact facts for 12 months (`metrics.drill.period_parts`, all
  services and one), the contacts a repeat may follow (`matter_contacts`), and one service's
  contact chains for 3 months (`metrics.chains.contact_chains`);
- the data quality page's bounded reads: the latest 500 loads, the latest 1,000 quarantined
  rows, and each feed's freshness.

The warehouse is the export benchmark's (`bench.export_bench`, built there once and reused), or
any given with `--warehouse`; it is only read. Prints figures; asserts nothing about time.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

from bench.export_bench import source_files, warehouse_path
from bench.ingest_bench import BENCH_KEY, KEY_VARIABLE


def measure(url: str, repeat: int) -> list[tuple[str, float]]:
    from data.warehouse import get_engine
    from metrics.chains import contact_chains
    from metrics.compute import Query
    from metrics.drill import matter_contacts, period_parts
    from metrics.export import export_frame
    from metrics.months import shift_month
    from metrics.quality import read_latest
    from metrics.reads import load_history, quarantine, sources_from_warehouse

    engine = get_engine(url)
    src = sources_from_warehouse(engine)
    last = src.parts.get_column("month").max()
    service = src.parts.get_column("service").unique().sort()[0]
    year = Query(first_month=shift_month(last, -11), last_month=last)
    quarter = Query(first_month=shift_month(last, -2), last_month=last)
    reads = {
        "KPI sources (sources_from_warehouse)": lambda: sources_from_warehouse(engine),
        "export by service and channel (export_frame)": lambda: export_frame(
            engine, Query(by=("service", "channel"))),
        "drill: 12 months of contact facts (period_parts)": lambda: period_parts(engine, year),
        "drill: the same, one service": lambda: period_parts(
            engine, replace(year, filters={"service": (service,)})),
        "drill: contacts a repeat may follow (matter_contacts)": lambda: matter_contacts(
            engine, year),
        "chains: one service, 3 months (contact_chains)": lambda: contact_chains(
            engine, service, quarter),
        "quality: the latest 500 loads (load_history)": lambda: load_history(engine),
        "quality: the latest 1,000 quarantined rows": lambda: quarantine(engine),
        "quality: freshness per feed (read_latest)": lambda: read_latest(engine),
    }
    figures = []
    for name, read in reads.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            read()
            times.append(time.perf_counter() - started)
        figures.append((name, statistics.median(times)))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reads_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    parser.add_argument("--warehouse", metavar="URL", help="read this warehouse instead")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    if args.warehouse:
        url = args.warehouse
    else:
        db = warehouse_path(source_files(args.contacts, args.per_file))
        if not db.exists():
            raise SystemExit(f"no warehouse at {db}: build it with python -m bench.export_bench "
                             f"--contacts {args.contacts} --per-file {args.per_file}")
        url = f"sqlite:///{db}"
    load = os.getloadavg()[0]
    print(f"Reads benchmark: {url}")
    print(f"Machine: {os.cpu_count()} CPUs; load average {load:.1f} (a shared machine: figures "
          f"are noisy); median of {args.repeat}")
    print()
    for name, seconds in measure(url, args.repeat):
        print(f"  {name:<58} {seconds:>8.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
