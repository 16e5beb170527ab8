"""A large council on PostgreSQL: `python -m bench.scale_bench [--contacts 30000000]
[--per-file 1000000] [--years 10]`.

The warehouse is built in the schema `scale` of the local PostgreSQL's database `test` (dropped
and made again), one file of `--per-file` contacts at a time, each printing its rate and CPU
time. The files are `bench.feeds_gen` contacts (250,000 customers each, seeds 0, 1, 2, ...), a
year each, taken round the `--years` years from October 2016, so that each run of ten files
holds all ten years. The build goes in `--steps` equal parts (by default thirds: 10M, 20M and
30M), and after each part the reads below are measured again, in the same run.

Measured after each part, each a command in a new process (interpreter start and imports
included), with its peak memory:
1. `python -m metrics export --by service --by channel`;
2. `python -m metrics pack --half 2026-H1 --out F.pdf`;
3. the dashboard, as `bench.dashboard_bench --warehouse URL` measures it (first visitor after a
   ready server, warm filter changes), after the first and the last part (it takes a minute).

Prints figures; asserts nothing about time. The goal (the issue): at 30M none slower than
twice its 10M figure.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from bench.export_bench import CUSTOMERS
from bench.feeds_gen import cached_contacts_csv
from bench.history_bench import load
from bench.ingest_bench import OUT, fresh_postgres, run_measured

SCHEMA = "scale"
FIRST_YEAR = 2016
HALF = "2026-H1"


def scale_files(contacts: int, per_file: int, years: int) -> list[Path]:
    count, rest = divmod(contacts, per_file)
    if rest or not count:
        raise SystemExit(f"--contacts must be a multiple of --per-file ({per_file:,})")
    return [cached_contacts_csv(OUT, per_file, seed=i, customers=CUSTOMERS,
                                first_day=date(FIRST_YEAR + i % years, 10, 1))
            for i in range(count)]


def measure_reads(url: str, held: int, with_dashboard: bool) -> dict:
    env = {"WAREHOUSE_URL": url}
    export = run_measured([sys.executable, "-m", "metrics", "export", "--by", "service",
                           "--by", "channel"], env)
    pack = run_measured([sys.executable, "-m", "metrics", "pack", "--half", HALF, "--out",
                         str(OUT / "scale-bench-pack.pdf")], env)
    figures = {"held": held, "export": (export.seconds, export.peak_mb),
               "pack": (pack.seconds, pack.peak_mb)}
    print(f"  at {held:,}: export {export.seconds:.1f} s (peak {export.peak_mb:,.0f} MB), "
          f"pack PDF {pack.seconds:.1f} s (peak {pack.peak_mb:,.0f} MB)", flush=True)
    if with_dashboard:
        dashboard = run_measured([sys.executable, "-m", "bench.dashboard_bench", "--warehouse",
                                  url])
        print("\n".join("    " + line for line in dashboard.stdout.splitlines()), flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=30_000_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--steps", type=int, default=3,
                        help="how many times the reads are measured as the warehouse grows")
    args = parser.parse_args(argv)
    files = scale_files(args.contacts, args.per_file, args.years)
    url = fresh_postgres(SCHEMA)
    ends = [len(files) * (step + 1) // args.steps for step in range(args.steps)]
    loads, reads = [], []
    for step, (start, end) in enumerate(zip([0, *ends], ends)):
        batch = files[start:end]
        print(f"loading {len(batch)} files ({step + 1}/{args.steps})", flush=True)
        loads += load(url, batch)
        held = sum(x["rows"] for x in loads)
        reads.append(measure_reads(url, held, step in (0, args.steps - 1)))
    first, last = loads[0], loads[-1]
    print(f"\nloads: first {first['rows'] / first['wall']:,.0f} rows/s, last "
          f"{last['rows'] / last['wall']:,.0f} rows/s (last/first "
          f"{(last['rows'] / last['wall']) / (first['rows'] / first['wall']):.2f})")
    for what in ("export", "pack"):
        ratio = reads[-1][what][0] / reads[0][what][0]
        print(f"{what}: {reads[0][what][0]:.1f} s at {reads[0]['held']:,}, "
              f"{reads[-1][what][0]:.1f} s at {reads[-1]['held']:,} ({ratio:.2f} x)")
    (OUT / "scale-bench.json").write_text(json.dumps({"loads": loads, "reads": reads}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
