"""How fast `python -m metrics export --by service --by channel` answers on a large warehouse,
beside DuckDB doing the repeat-contact part of it from the raw files:
`python -m bench.export_bench [--contacts 10000000] [--per-file 1000000]`.

1. A SQLite warehouse of `--contacts` contacts is built once, through the real ingest path
   (`pipelines.ingest.ingest_file`), from `bench.feeds_gen` files of `--per-file` rows, one year
   of contacts each, consecutive years, one pool of customers. It is kept in bench/out/
   (git-ignored) with the files, and reused while the generator and the sizes stay the same.
2. Ours: `metrics.export.export_frame(engine, Query(by=("service", "channel")))` timed in a
   process of its own, and the command line end to end in another.
3. DuckDB: the same files read with `read_csv`; each contact's latest strictly earlier contact of
   the same matter (customer_ref + service, over distinct instants, as `transform.matters` does),
   repeat = that one within 7 x 24 h (absolute time: the wall-clock text is read as
   Europe/London), then contacts, contacts with a customer_ref and repeats by month x service x
   channel. Timed in a process of its own, in one query from the files; and, in another process,
   in two steps (the files into a table, then the query on it). The counts are checked against
   ours.

The comparison is not like for like, and the printout says so: ours reads monthly marts that
were computed at load time (that cost is in the build time), and computes every KPI of
`docs/kpis.md`; DuckDB starts from the raw CSV text and computes only the repeat-contact figures.
"""

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from bench.feeds_gen import cached_contacts_csv
from bench.ingest_bench import (
    BENCH_KEY,
    KEY_VARIABLE,
    OUT,
    ROOT,
    Measured,
    ru_maxrss_mb,
    run_measured,
    vm_hwm_mb,
)

CUSTOMERS = 250_000
FIRST_YEAR = 2016  # file i holds the year from 1 October FIRST_YEAR + i
REPEAT_DAYS = 7

CONTACTS_CTE = """
contacts AS (
    SELECT service, channel, customer_ref,
           timezone('Europe/London', CAST(received_at AS TIMESTAMP)) AS received,
           strftime(CAST(received_at AS TIMESTAMP), '%Y-%m') AS month
    FROM read_csv({files}, header = true, all_varchar = true)
)"""
REPEATS = """
instants AS (  -- distinct instants per matter: equal timestamps are not earlier
    SELECT customer_ref, service, received,
           lag(received) OVER (PARTITION BY customer_ref, service ORDER BY received) AS previous
    FROM (SELECT DISTINCT customer_ref, service, received FROM {contacts}
          WHERE customer_ref IS NOT NULL)
)
SELECT c.month, c.service, c.channel,
       count(*) AS contacts,
       count(c.customer_ref) AS with_customer,
       count(*) FILTER (WHERE i.previous >= c.received - INTERVAL {hours} HOUR) AS repeats
FROM {contacts} c
LEFT JOIN instants i USING (customer_ref, service, received)
GROUP BY ALL
ORDER BY ALL
"""
# From the files in one query; and the same in two steps, to see what reading the CSV costs.
DUCKDB_QUERY = "WITH " + CONTACTS_CTE + "," + REPEATS.format(contacts="contacts", hours="{hours}")
DUCKDB_LOAD = "CREATE TABLE loaded AS WITH " + CONTACTS_CTE + " SELECT * FROM contacts"
DUCKDB_QUERY_LOADED = "WITH " + REPEATS.format(contacts="loaded", hours="{hours}")


# ---- the warehouse ----------------------------------------------------------------------------

def source_files(contacts: int, per_file: int) -> list[Path]:
    count, rest = divmod(contacts, per_file)
    if rest or not count:
        raise SystemExit(f"--contacts must be a multiple of --per-file ({per_file:,})")
    return [cached_contacts_csv(OUT, per_file, seed=i, customers=CUSTOMERS,
                                first_day=date(FIRST_YEAR + i, 10, 1)) for i in range(count)]


def warehouse_path(files: list[Path]) -> Path:
    """Named after its source files, which are named after the generator's version."""
    versions = {f.stem.rsplit("-", 1)[-1] for f in files}
    return OUT / f"export-bench-{len(files)}x{files[0].name.split('-')[1]}-{'-'.join(versions)}.db"


def built_warehouse(contacts: int, per_file: int) -> Path:
    """The benchmark warehouse of `contacts`, built (once; many minutes) if it is not there yet,
    for the benchmarks that only read it."""
    files = source_files(contacts, per_file)
    db = warehouse_path(files)
    if not db.exists():
        print(f"Building {db.relative_to(ROOT)} (once; many minutes)...", file=sys.stderr)
        build_warehouse(files, db)
    return db


def build_warehouse(files: list[Path], path: Path) -> dict:
    """Load the files in order into a new SQLite warehouse; returns the load figures."""
    from data.warehouse import make_engine
    from pipelines.ingest import ingest_file

    building = path.with_name(path.stem + ".building.db")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    loads = []
    for i, file in enumerate(files):
        started = time.perf_counter()
        result = ingest_file(engine, "contacts", file)
        seconds = time.perf_counter() - started
        if (result.status, result.rows_inserted, result.rows_quarantined) != (
                "loaded", result.rows_read, 0):
            raise SystemExit(f"{file.name}: {result.as_json()}")
        loads.append({"file": file.name, "rows": result.rows_read, "seconds": seconds})
        print(f"  [{i + 1}/{len(files)}] {file.name}: {result.rows_read:,} rows in "
              f"{seconds:.1f} s ({result.rows_read / seconds:,.0f} rows/s)", file=sys.stderr,
              flush=True)
    engine.dispose()  # the last connection checkpoints and removes the WAL file
    building.replace(path)
    figures = {"loads": loads, "seconds": sum(x["seconds"] for x in loads),
               "peak_mb": vm_hwm_mb()}
    path.with_suffix(".json").write_text(json.dumps(figures, indent=1))
    return figures


# ---- the measured workers (each in a process of its own) --------------------------------------

def _work_ours(db: Path) -> dict:
    from data.warehouse import make_engine
    from metrics.compute import Query
    from metrics.export import export_frame

    engine = make_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    frame = export_frame(engine, Query(by=("service", "channel")))
    seconds = time.perf_counter() - started
    repeats = frame.filter(kpi="repeat_contact_pct").select(
        "month", "service", "channel", repeats="numerator", with_customer="denominator")
    contacts = frame.filter(kpi="contacts").select("month", "service", "channel",
                                                   contacts="numerator")
    counts = contacts.join(repeats, on=["month", "service", "channel"], how="full",
                           coalesce=True).fill_null(0)
    return {"seconds": seconds, "rows": frame.height, "kpis": frame["kpi"].n_unique(),
            "counts": _counts(counts)}


def _work_duckdb(files: list[Path], in_steps: bool = False) -> dict:
    """The repeat-contact query in one go from the files; or, `in_steps`, the files into a
    table first, then the query on the table, each timed."""
    started = time.perf_counter()
    import duckdb
    imported = time.perf_counter() - started

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    names = [str(f) for f in files]
    hours = 24 * REPEAT_DAYS
    figures = {"import": imported,
               "threads": connection.execute("SELECT current_setting('threads')").fetchall()[0][0]}
    if in_steps:
        started = time.perf_counter()
        connection.execute(DUCKDB_LOAD.format(files=names))
        figures["load_seconds"] = time.perf_counter() - started
        query = DUCKDB_QUERY_LOADED.format(hours=hours)
    else:
        query = DUCKDB_QUERY.format(files=names, hours=hours)
    started = time.perf_counter()
    result = connection.sql(query).pl()
    figures["seconds"] = time.perf_counter() - started
    return figures | {"rows": result.height, "counts": _counts(result)}


def _counts(frame) -> dict[str, list[int]]:
    """month|service|channel -> [contacts, with_customer, repeats], for comparing answers."""
    return {f"{m}|{s}|{c}": [int(n), int(k), int(r)] for m, s, c, n, k, r in frame.select(
        "month", "service", "channel", "contacts", "with_customer", "repeats").iter_rows()}


def _worker(kind: str, db: Path, files: list[Path]) -> None:
    if kind == "ours":
        figures = _work_ours(db)
    else:
        figures = _work_duckdb(files, in_steps=kind == "duckdb-steps")
    figures |= {"vm_hwm_mb": vm_hwm_mb(), "ru_maxrss_mb": ru_maxrss_mb()}
    print(json.dumps(figures))


def run_worker(kind: str, db: Path, files: list[Path]) -> tuple[dict, Measured]:
    measured = run_measured([sys.executable, "-m", "bench.export_bench", "--worker", kind,
                             "--db", str(db), *map(str, files)])
    return json.loads(measured.stdout), measured


# ---- the benchmark ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    parser.add_argument("--worker", choices=["ours", "duckdb", "duckdb-steps", "build"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    if args.worker == "build":
        print(json.dumps(build_warehouse(args.files, args.db)))
        return 0
    if args.worker:
        _worker(args.worker, args.db, args.files)
        return 0

    load_before = os.getloadavg()
    started = time.perf_counter()
    files = source_files(args.contacts, args.per_file)
    generated = time.perf_counter() - started
    db = warehouse_path(files)
    built_now = not db.exists()
    if built_now:
        print(f"Building {db.relative_to(ROOT)} from {len(files)} files (once; minutes)...",
              file=sys.stderr, flush=True)
        # In a process of its own, so that this one stays small: a child's ru_maxrss starts
        # from its parent's.
        run_measured([sys.executable, "-m", "bench.export_bench", "--worker", "build",
                      "--db", str(db), *map(str, files)], show_stderr=True)
    build_figures = json.loads(db.with_suffix(".json").read_text())

    ours, ours_process = run_worker("ours", db, files)
    cli = run_measured([sys.executable, "-m", "metrics", "export", "--by", "service", "--by",
                        "channel"], {"WAREHOUSE_URL": f"sqlite:///{db}"})
    duck, duck_process = run_worker("duckdb", db, files)
    steps, steps_process = run_worker("duckdb-steps", db, files)
    if steps["counts"] != duck["counts"]:
        raise SystemExit("DuckDB's two ways to the same answer differ")
    print_report(args, files, db, generated, built_now, build_figures, ours, ours_process, cli,
                 duck, duck_process, steps, steps_process, load_before, os.getloadavg(),
                 ru_maxrss_mb())
    return 0


def print_report(args, files, db, generated, built_now, build, ours, ours_process, cli, duck,
                 duck_process, steps, steps_process, load_before, load_after,
                 parent_mb) -> None:
    csv_mb = sum(f.stat().st_size for f in files) / 1e6
    cli_rows = cli.stdout.count("\n") - 1
    same = ours["counts"] == duck["counts"]
    print(f"Export benchmark: {args.contacts:,} contacts in {len(files)} files of "
          f"{args.per_file:,} ({csv_mb:,.0f} MB of CSV; generated or found in {generated:.0f} s)")
    print(f"Warehouse: {db.relative_to(ROOT)} ({db.stat().st_size / 1e6:,.0f} MB SQLite), "
          f"{'built now' if built_now else 'built earlier and reused'}: {len(build['loads'])} "
          f"ingests took {build['seconds']:,.0f} s in all ({args.contacts / build['seconds']:,.0f} "
          f"rows/s; peak {build['peak_mb']:,.0f} MB)")
    print(f"Machine: {os.cpu_count()} CPUs; load average {_load(load_before)} before, "
          f"{_load(load_after)} after (a shared machine: figures are noisy)")
    print()
    print(f"{'what':<70} {'seconds':>8} {'VmHWM MB':>9} {'ru_maxrss':>9}")
    print("-" * 99)
    _row("ours: export_frame(engine, by=(service, channel)), in-process", ours["seconds"],
         ours["vm_hwm_mb"], ours["ru_maxrss_mb"])
    _row("ours: that process, start to exit", ours_process.seconds, ours_process.peak_mb, None)
    _row("ours: CLI `python -m metrics export --by service --by channel`", cli.seconds,
         cli.peak_mb, None)
    _row(f"DuckDB {duck_version()}: repeat-contact query from the CSVs, in-process",
         duck["seconds"], duck["vm_hwm_mb"], duck["ru_maxrss_mb"])
    _row(f"DuckDB: that process, start to exit (import duckdb {duck['import']:.2f} s)",
         duck_process.seconds, duck_process.peak_mb, None)
    _row("DuckDB in two steps (another process): 1. the CSVs into a table",
         steps["load_seconds"], None, None)
    _row("                                        2. the same query on it", steps["seconds"],
         steps["vm_hwm_mb"], steps["ru_maxrss_mb"])
    print()
    print(f"ratio ours/DuckDB, in-process:             {ours['seconds'] / duck['seconds']:.3f}")
    print(f"ratio ours/DuckDB, whole process:          {cli.seconds / duck_process.seconds:.3f}"
          " (our CLI / DuckDB's process)")
    print(f"ratio ours/DuckDB query on a loaded table: {ours['seconds'] / steps['seconds']:.3f}")
    print()
    print(f"ours: {ours['rows']:,} rows ({ours['kpis']} KPIs; the CLI wrote {cli_rows:,} CSV "
          f"rows). DuckDB: {duck['rows']:,} rows, {duck['threads']} threads.")
    print(f"month x service x channel counts of contacts, contacts with a customer_ref and repeat "
          f"contacts: {'identical' if same else 'DIFFERENT'} in ours and DuckDB's "
          f"({len(ours['counts']):,} and {len(duck['counts']):,} groups).")
    if not same:
        differing = [k for k in sorted(set(ours["counts"]) | set(duck["counts"]))
                     if ours["counts"].get(k) != duck["counts"].get(k)]
        for key in differing[:10]:
            print(f"  {key}: ours {ours['counts'].get(key)}, DuckDB {duck['counts'].get(key)}")
        print(f"  ({len(differing):,} groups differ)")
    print()
    print("Not like for like. Ours reads the monthly marts (pre-aggregated numerators and "
          "denominators by month x service x\nchannel x ward) that each ingest refreshed at load "
          "time, with every contact's matter neighbours stored then: the\nrepeat-contact work was "
          f"paid during the {build['seconds']:,.0f} s of loading, and this export computes every "
          "KPI of kpis.md from\nthose marts (cost, carbon, savings and baseline included). DuckDB "
          "starts from the raw CSV text each time and computes\nonly contacts, contacts with a "
          "customer_ref and repeat contacts. Peak memory: VmHWM is each process's own\n"
          "high-water mark (polled from outside, or read by the process itself at its end);\n"
          "ru_maxrss is what the process reported at its end: on "
          "Linux a child's starts from its parent's mark, here\n"
          f"{parent_mb:,.0f} MB (this process, which generated or read the files).")


def duck_version() -> str:
    import duckdb

    return duckdb.__version__


def _row(what: str, seconds: float, vm_hwm: float | None, maxrss: float | None) -> None:
    print(f"{what:<70} {seconds:>8.2f} {_mb(vm_hwm):>9} {_mb(maxrss):>9}")


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _load(load: tuple) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    raise SystemExit(main())
