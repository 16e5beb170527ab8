"""Whether a load costs more as the warehouse keeps its history: `python -m bench.history_bench
[--rows 200000] [--history 5] [--months 12] [--backend sqlite|postgresql|both] [--rounds 2]`.

The history is `--history` files of `--rows` contacts, `--months` months each (a year unless
said), one after the other, from one pool of customers (by default the shape of
`bench.export_bench`'s warehouse, a council's years; `--rows 1000000 --history 29 --months 4`
is 30,000,000 contacts over ten years, loaded a third of a year at a time); the measured file is
the next. For each backend, in the same run, the measured file is loaded
(`pipelines.ingest.ingest_file`, in a worker process with great-expectations already imported)
into an empty warehouse and into one holding the history, round after round, alternating, so
that a shared machine's noise falls on both. Each load prints its wall time and its process's
CPU time (on PostgreSQL the server's work is not in the CPU figure).

SQLite: the history warehouse is built once (its loads printed, as they slow down) and copied
for each round. PostgreSQL (schema `bench` of the local database `test`): it is built once, and
the measured load goes into it once, between empty-warehouse rounds.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench.feeds_gen import cached_contacts_csv
from bench.ingest_bench import (
    BENCH_KEY,
    KEY_VARIABLE,
    OUT,
    fresh_postgres,
    fresh_sqlite,
    run_measured,
)


def history_files(rows: int, history: int, months: int = 12) -> list[Path]:
    """The history's files, then the measured one: `months` each, one after the other, the
    measured one starting on 1 October two years ago (later contacts would be quarantined as
    not yet made)."""
    measured = date(date.today().year - 2, 10, 1)
    starts = [_months_later(measured, months * (i - history)) for i in range(history + 2)]
    return [cached_contacts_csv(OUT, rows, seed=i, customers=rows // 2, first_day=start,
                                days=(end - start).days)
            for i, (start, end) in enumerate(zip(starts, starts[1:]))]


def _months_later(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s (before it when negative)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, 1)


def _worker(url: str, files: list[str]) -> None:
    """Load the files in order into the warehouse at `url`; print each load's figures."""
    import great_expectations  # noqa: F401  (imported before any timing)

    from data.warehouse import make_engine
    from pipelines.ingest import ingest_file

    engine = make_engine(url)
    loads = []
    for file in files:
        wall, cpu = time.perf_counter(), time.process_time()
        result = ingest_file(engine, "contacts", file)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if (result.status, result.rows_inserted, result.rows_quarantined) != (
                "loaded", result.rows_read, 0):
            raise SystemExit(f"{file}: {result.as_json()}")
        loads.append({"rows": result.rows_read, "wall": wall, "cpu": cpu})
        print(f"  {Path(file).name}: {result.rows_read:,} rows, {wall:.1f} s "
              f"({result.rows_read / wall:,.0f} rows/s), CPU {cpu:.1f} s", file=sys.stderr,
              flush=True)
    engine.dispose()
    print(json.dumps(loads))


def load(url: str, files: list[Path]) -> list[dict]:
    worker = run_measured([sys.executable, "-m", "bench.history_bench", "--worker", url,
                           *map(str, files)], show_stderr=True)
    return json.loads(worker.stdout)


def _copied_to_disk(source: Path, target: Path) -> None:
    """Copy the history's warehouse and wait until the disk holds it: otherwise the measured
    load's first checkpoint (an fsync of the same file) would write the copy's gigabytes too
    (1.6 s of a load into 9,000,000 contacts)."""
    shutil.copy(source, target)
    with target.open("rb+") as file:
        os.fsync(file.fileno())


def measure_sqlite(files: list[Path], rounds: int) -> dict[str, list[dict]]:
    *history, measured = files
    template = OUT / f"history-bench-{len(history)}x{history[0].stem.split('-', 1)[1]}.db"
    if not template.exists():
        print(f"sqlite: building the history ({len(history)} files)", file=sys.stderr)
        building = fresh_sqlite(template.name + ".building")
        load(building, history)
        Path(building.removeprefix("sqlite:///")).replace(template)
    figures: dict[str, list[dict]] = {"empty": [], "history": []}
    for _ in range(rounds):
        print("sqlite: into an empty warehouse", file=sys.stderr)
        figures["empty"] += load(fresh_sqlite("history-bench-empty.db"), [measured])
        url = fresh_sqlite("history-bench-run.db")
        _copied_to_disk(template, Path(url.removeprefix("sqlite:///")))
        print("sqlite: into the warehouse holding the history", file=sys.stderr)
        figures["history"] += load(url, [measured])
    return figures


def measure_postgres(files: list[Path], rounds: int) -> dict[str, list[dict]]:
    *history, measured = files
    figures: dict[str, list[dict]] = {"empty": [], "history": []}
    print("postgresql: into an empty warehouse", file=sys.stderr)
    figures["empty"] += load(fresh_postgres(), [measured])
    print(f"postgresql: building the history ({len(history)} files), then the measured file",
          file=sys.stderr)
    figures["history"] += load(fresh_postgres(), files)[-1:]
    for _ in range(rounds - 1):
        print("postgresql: into an empty warehouse", file=sys.stderr)
        figures["empty"] += load(fresh_postgres(), [measured])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--history", type=int, default=5)
    parser.add_argument("--months", type=int, default=12, help="each file's span")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    if args.worker:
        _worker(args.worker, args.files)
        return 0
    load_before = os.getloadavg()
    files = history_files(args.rows, args.history, args.months)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    measure = {"sqlite": measure_sqlite, "postgresql": measure_postgres}
    figures = {b: measure[b](files, args.rounds) for b in backends}
    print_report(args.rows, args.history, args.months, figures, load_before, os.getloadavg())
    return 0


def print_report(rows: int, history: int, months: int, figures: dict, load_before: tuple,
                 load_after: tuple) -> None:
    print(f"History benchmark: a file of {rows:,} contacts over {months} months into an empty "
          f"warehouse and into one holding {rows * history:,} ({history} earlier files)")
    print(f"Machine: {os.cpu_count()} CPUs; load average {_load(load_before)} before, "
          f"{_load(load_after)} after (a shared machine: figures are noisy)")
    print()
    print(f"{'backend':<11} {'warehouse':<22} {'wall s (each)':<24} {'CPU s (each)':<24} "
          f"{'rows/s (median)':>15}")
    for backend, timed in figures.items():
        rates = {}
        for kind, loads in timed.items():
            walls = [x["wall"] for x in loads]
            rates[kind] = rows / statistics.median(walls)
            label = "empty" if kind == "empty" else f"holding {rows * history:,}"
            print(f"{backend:<11} {label:<22} {_each(walls):<24} "
                  f"{_each([x['cpu'] for x in loads]):<24} {rates[kind]:>15,.0f}")
            backend = ""
        cpu = {k: statistics.median(x["cpu"] for x in v) for k, v in timed.items()}
        ratio = rates["history"] / rates["empty"]
        print(f"{'':<11} into the history / into empty: rate {ratio:.2f} (wall), "
              f"{cpu['empty'] / cpu['history']:.2f} (CPU)")


def _each(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def _load(load: tuple) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    raise SystemExit(main())
