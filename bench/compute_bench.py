"""Which polars engine `metrics.compute` should collect its KPIs with:
`python -m bench.compute_bench [--contacts 10000000] [--per-file 1000000] [--warehouse URL]
[--repeat 5]`.

The KPI sources are read once from the warehouse (the export benchmark's, or any given with
`--warehouse`; only read). Each query's plan (`metrics.compute.kpi_plan`) is then collected
`--repeat` times with polars' streaming engine and with its in-memory one, alternately, and the
medians printed side by side, with the engine `compute` chooses for that query
(`metrics.compute.polars_engine`). Prints figures; asserts nothing about time.
"""

import os
import statistics
import sys
import time

from bench.export_bench import read_url, reading_parser
from bench.ingest_bench import BENCH_KEY, KEY_VARIABLE

ENGINES = ("streaming", "in-memory")


def measure(url: str, repeat: int) -> tuple[int, list[tuple[str, dict[str, float], str]]]:
    """The monthly mart's rows, and each query's median seconds by engine."""
    from data.warehouse import get_engine
    from metrics.compute import Query, kpi_plan, polars_engine
    from metrics.reads import sources_from_warehouse

    src = sources_from_warehouse(get_engine(url))
    first = src.parts.row(0, named=True)
    queries = {
        "the scorecard (no groups)": Query(),
        "the scorecard for one service and ward": Query(
            filters={"service": (first["service"],), "ward": (first["ward"],)}),
        "by service and channel (the export)": Query(by=("service", "channel")),
        "by ward": Query(by=("ward",)),
    }
    figures = []
    for name, query in queries.items():
        plan = kpi_plan(src, query)
        times: dict[str, list[float]] = {engine: [] for engine in ENGINES}
        for _ in range(repeat):
            for engine in ENGINES:
                started = time.perf_counter()
                plan.collect(engine=engine)
                times[engine].append(time.perf_counter() - started)
        figures.append((name, {e: statistics.median(t) for e, t in times.items()},
                        polars_engine(query)))
    return src.parts.height, figures


def main(argv: list[str] | None = None) -> int:
    args = reading_parser("python -m bench.compute_bench", __doc__).parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    url = read_url(args)
    print(f"KPI engines benchmark: {url}")
    print(f"Machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.repeat}, engines alternated")
    rows, figures = measure(url, args.repeat)
    print(f"The monthly mart: {rows:,} rows\n")
    print(f"  {'query':<42} {'streaming':>10} {'in-memory':>10}  compute uses")
    for name, seconds, chosen in figures:
        print(f"  {name:<42} {seconds['streaming']:>8.3f} s {seconds['in-memory']:>8.3f} s  "
              f"{chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
