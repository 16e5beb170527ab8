"""What `pipelines run` adds to a load: `python -m bench.sources_bench [--legs 1000000]
[--rows 1000000] [--backend sqlite|postgresql]`.

Two sources, each beside `pipelines ingest` on the canonical file of the very same contacts,
measured in the same run, each command in a new process on a fresh warehouse:
1. a telephony switch's export of 1,000,000 call segments (`call_legs`: segments delivered twice,
   transfers, abandoned calls, calls that ended in the menu) against its canonical file of
   the calls;
2. a CRM case export of 1,000,000 rows (`csv`: its own column names, channel words through a
   value map, reasons through a classify table) against its canonical file.
Then, in one process, the adapters' translation alone (reading the export and turning it into
canonical rows), which is all that `pipelines run` does beyond `pipelines ingest`.

The exports are generated once by `bench.sources_gen` and kept in bench/out/ (git-ignored).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench.ingest_bench import BENCH_KEY, KEY_VARIABLE, OUT, ROOT, fresh_warehouse, run_measured
from bench.sources_gen import write_call_legs, write_crm


def _ingest(backend: str, path: Path) -> tuple[float, dict]:
    done = run_measured([sys.executable, "-m", "pipelines", "ingest", "contacts", str(path),
                         "--source-system", "canonical", "--json"],
                        {"WAREHOUSE_URL": fresh_warehouse(backend, "sources-bench")})
    return done.seconds, json.loads(done.stdout)


def _run(backend: str, config: Path) -> tuple[float, dict]:
    done = run_measured([sys.executable, "-m", "pipelines", "run", "--config", str(config),
                         "--json"], {"WAREHOUSE_URL": fresh_warehouse(backend, "sources-bench")})
    [source] = json.loads(done.stdout)["sources"]
    return done.seconds, source


def _translate(adapter: str, config: Path, export: Path) -> tuple[float, int]:
    """Seconds to read and translate the export in process (imports excluded)."""
    from pipelines.sources.config import read_config
    from pipelines.sources.run import TRANSLATORS

    source = read_config(config).sources[0]
    data = export.read_bytes()
    started = time.perf_counter()
    translation = TRANSLATORS[adapter](source, data, export.name)
    return time.perf_counter() - started, translation.raw.frame.height


def _check(what: str, result: dict, rows: int) -> None:
    if (result.get("rows_inserted"), result.get("rows_quarantined")) != (rows, 0):
        raise SystemExit(f"{what}: expected {rows:,} rows inserted, none quarantined: "
                         f"{ {k: v for k, v in result.items() if k != 'inputs'} }")


def _line(first: str, what: str, seconds: float | None, rate: float | None) -> None:
    print(f"{first:<10} {what:<58} {'' if seconds is None else f'{seconds:.1f}':>8} "
          f"{'' if rate is None else f'{rate:,.0f}':>9}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sources_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--legs", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    folder = OUT / "sources"
    load_before = os.getloadavg()
    started = time.perf_counter()
    legs, calls, legs_config = write_call_legs(folder, args.legs)
    crm, crm_twin, crm_config = write_crm(folder, args.rows)
    generated = time.perf_counter() - started

    figures = []
    ingest_s, ingested = _ingest(args.backend, calls)
    run_s, ran = _run(args.backend, legs_config)
    _check("calls ingest", ingested, ingested["rows_read"])
    _check("call_legs run", ran, ingested["rows_read"])
    translate_s, _ = _translate("call_legs", legs_config, legs)
    figures.append(("call_legs", f"{args.legs:,} segments", ingested["rows_read"], ingest_s,
                    run_s, translate_s, ran))
    ingest_s, ingested = _ingest(args.backend, crm_twin)
    run_s, ran = _run(args.backend, crm_config)
    _check("crm ingest", ingested, args.rows)
    _check("csv run", ran, args.rows)
    translate_s, _ = _translate("csv", crm_config, crm)
    figures.append(("csv", f"{args.rows:,} records", args.rows, ingest_s, run_s, translate_s,
                    ran))

    print(f"Sources benchmark ({args.backend}): exports in {folder.relative_to(ROOT)} "
          f"(generated or found in {generated:.1f} s)")
    print(f"Machine: {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (a shared machine: figures are noisy)")
    print()
    print(f"{'source':<10} {'what':<58} {'seconds':>8} {'rows/s':>9}")
    print("-" * 88)
    for adapter, records, rows, ingest_s, run_s, translate_s, ran in figures:
        _line(adapter, f"pipelines ingest, canonical file of the same {rows:,} contacts",
              ingest_s, rows / ingest_s)
        _line("", f"pipelines run, the export ({records})", run_s, rows / run_s)
        _line("", "  records per second", None, ran["records_read"] / run_s)
        _line("", f"  the adapter added {(run_s / ingest_s - 1) * 100:.0f} %", run_s - ingest_s,
              None)
        _line("", "  reading and translating the export alone (in process)", translate_s, None)
        _line("", f"  records: {ran['records_read']:,} read, {ran['records_combined']:,} "
                  "combined", None, None)
    print()
    print("Each command in a new process on a fresh warehouse, wall time from spawn to exit "
          "(imports included);\nrows/s counts the canonical rows loaded (calls, cases).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
