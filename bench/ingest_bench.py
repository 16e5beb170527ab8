"""How fast one large contacts file loads: `python -m bench.ingest_bench [--rows 1000000]
[--backend sqlite|postgresql|both]`.

For each backend, on a fresh warehouse each time:
1. `pipelines.ingest.ingest_file` called in-process, end to end: reading, parsing, validation
   (great-expectations), pseudonymising, classifying, derived facts (matter neighbours), the
   writes and the mart refresh. The one-off `import great_expectations` is timed separately,
   before, and is not in this figure. Each backend's in-process run has a Python process of its
   own (a worker of this module), so that its imports and peak memory are its own.
2. The same file sent again (skipped: its bytes were loaded before).
3. The command line, `python -m pipelines ingest contacts FILE --json`, in a new process: the
   interpreter's start and every import (great-expectations included) are in this figure.
4. The same command again on that warehouse (a re-sent file, skipped), the whole process, five
   times, each beside `python -c pass` and `python -c "import sqlalchemy"` run in the same round:
   the floor of any process that speaks to the warehouse through SQLAlchemy.
5. PostgreSQL: a raw `COPY` of the same file (psycopg, CSV) into a table of the file's
   columns with the primary key and the two indexes of `fct_contacts`, the floor of the load's
   writes. SQLite: polars reading the file and writing its rows through ADBC
   (`write_database(engine="adbc")`) into a table of its columns with the primary key and the
   `received_at` index of `fct_contacts`, the floor of the load's reading and writes.

`--no-in-process` leaves out 1 and 2 (the CLI figures alone, in half the time).

The file is generated once by `bench.feeds_gen` and kept in bench/out/ (git-ignored). SQLite
warehouses are fresh files in bench/out/; PostgreSQL uses the schema `bench` of the local
server's database `test`, dropped and created again for each run.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.feeds_gen import cached_contacts_csv

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_SCHEMA = "bench"
KEY_VARIABLE = "ONCE_AND_DONE_PSEUDONYM_KEY"
BENCH_KEY = "once-and-done-benchmark-key"
RAW_SCHEMA = "bench_raw"
# The contacts file's columns as PostgreSQL types, for the raw COPY reference.
RAW_COLUMNS = (
    ("contact_id", "varchar(100)"), ("received_at", "timestamp"), ("channel", "varchar(20)"),
    ("service", "varchar(100)"), ("reason", "varchar(200)"), ("demand_type", "varchar(10)"),
    ("failure_type", "varchar(100)"), ("customer_ref", "text"), ("case_ref", "varchar(100)"),
    ("resolved_at_first_point", "boolean"), ("wait_seconds", "bigint"),
    ("handle_seconds", "bigint"), ("abandoned", "boolean"), ("responded_at", "timestamp"),
    ("safeguarding", "boolean"), ("ward", "varchar(100)"), ("team", "varchar(100)"))


# ---- warehouses ---------------------------------------------------------------------------------

def fresh_sqlite(name: str) -> str:
    """The URL of a SQLite file in bench/out/ that does not exist yet."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(schema: str = BENCH_SCHEMA) -> str:
    """The URL of an empty schema on the local PostgreSQL."""
    admin = create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    finally:
        admin.dispose()
    return f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"


def fresh_warehouse(backend: str, tag: str) -> str:
    return fresh_sqlite(f"{tag}.db") if backend == "sqlite" else fresh_postgres()


# ---- measuring ----------------------------------------------------------------------------------

@dataclass
class Measured:
    """A command run in a new process: wall seconds from spawn to exit, and its peak memory."""

    seconds: float
    stdout: str
    stderr: str
    peak_mb: float  # VmHWM: the process's own resident high-water mark


def run_measured(command: list[str], env: dict[str, str] | None = None,
                 show_stderr: bool = False) -> Measured:
    """Run `python -m ...` (or any command) from the project root, watching its peak memory.
    With `show_stderr` its standard error goes straight to ours (progress), not to the result.

    Peak memory is the child's VmHWM, read from /proc while it runs (the mark only grows, so the
    last reading is its peak but for its last few milliseconds). Its ru_maxrss would not do:
    Linux carries the parent's high-water mark over fork and exec into the child's.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                                   stdout=out, stderr=None if show_stderr else err)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, vm_hwm_mb(process.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return Measured(seconds, stdout, stderr, peak)


def vm_hwm_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory so far, in MB (0 when it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the benchmark ------------------------------------------------------------------------------

def measure_in_process(backend: str, path: Path, rows: int) -> dict:
    """In a new process (so that memory and imports are this backend's alone): the imports,
    then `ingest_file` on a fresh warehouse, then the same file again."""
    worker = run_measured([sys.executable, "-m", "bench.ingest_bench", "--worker", backend,
                           "--file", str(path), "--rows", str(rows)])
    figures = json.loads(worker.stdout)
    figures["process_peak_mb"] = worker.peak_mb
    return figures


def _worker(backend: str, path: Path, rows: int) -> None:
    """The in-process measurement; prints its figures as one JSON object."""
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (timed on its own: every process pays it once)
    gx_import = time.perf_counter() - started
    started = time.perf_counter()
    from data.warehouse import make_engine
    from pipelines.ingest import ingest_file
    other_imports = time.perf_counter() - started

    engine = make_engine(fresh_warehouse(backend, "ingest-bench"))
    before_mb = vm_hwm_mb()
    phases: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = ingest_file(engine, "contacts", path, progress=lambda step: phases.append(
        (step, time.perf_counter() - started)))
    seconds = time.perf_counter() - started
    _check_loaded(result.as_json(), rows, backend)

    started = time.perf_counter()
    again = ingest_file(engine, "contacts", path)
    resend = time.perf_counter() - started
    if again.status != "skipped":
        raise SystemExit(f"{backend}: the same file sent again was {again.status}, not skipped")
    engine.dispose()
    print(json.dumps({"gx_import": gx_import, "other_imports": other_imports,
                      "ingest": seconds, "phases": phases, "in_process_resend": resend,
                      "peak_mb_before_ingest": before_mb, "peak_mb": vm_hwm_mb(),
                      "ru_maxrss_mb": ru_maxrss_mb()}))


def measure_cli(backend: str, path: Path, rows: int) -> Measured:
    fresh_warehouse(backend, "ingest-bench-cli")
    cli = run_measured([sys.executable, "-m", "pipelines", "ingest", "contacts", str(path),
                        "--json"], {"WAREHOUSE_URL": _cli_url(backend)})
    _check_loaded(json.loads(cli.stdout), rows, f"{backend} CLI")
    return cli


RESEND_ROUNDS = 5


def measure_resend(backend: str, path: Path) -> dict[str, list[float]]:
    """Round by round: the CLI on the file just loaded by `measure_cli` (skipped), beside two
    references measured in the same round."""
    url = _cli_url(backend)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import sqlalchemy"': [sys.executable, "-c", "import sqlalchemy"],
        "CLI `pipelines ingest --json`, re-sent file": [
            sys.executable, "-m", "pipelines", "ingest", "contacts", str(path), "--json"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RESEND_ROUNDS):
        for name, command in commands.items():
            measured = run_measured(command, {"WAREHOUSE_URL": url})
            times[name].append(measured.seconds)
            if "pipelines" in command and json.loads(measured.stdout)["status"] != "skipped":
                raise SystemExit(f"{backend}: the re-sent file was not skipped")
    return times


def raw_copy_postgres(path: Path) -> float:
    """Seconds to COPY the file's bytes into a fresh table of its columns (primary key and the
    indexes of fct_contacts included), committed: the floor of the load's writes."""
    engine = create_engine(fresh_postgres(RAW_SCHEMA))
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE raw_contacts ({columns}, PRIMARY KEY (contact_id))"))
            conn.execute(text("CREATE INDEX ON raw_contacts (customer_ref, service, received_at)"))
            conn.execute(text("CREATE INDEX ON raw_contacts (received_at)"))
        started = time.perf_counter()
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            statement = "COPY raw_contacts FROM STDIN WITH (FORMAT csv, HEADER true)"
            with cursor.copy(statement) as copy, path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    copy.write(chunk)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def raw_write_sqlite(path: Path) -> float:
    """Seconds for polars to read the file and write its rows through ADBC into a fresh SQLite
    file's table of its columns (the primary key and the received_at index of fct_contacts
    included), committed: the floor of the load's reading and writes on SQLite."""
    import polars as pl  # noqa: PLC0415 (the parent process needs it only here)

    url = fresh_sqlite("ingest-bench-raw.db")
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE raw_contacts ({columns}, PRIMARY KEY (contact_id))"))
            conn.execute(text("CREATE INDEX ix_raw_received_at ON raw_contacts (received_at)"))
    finally:
        engine.dispose()
    started = time.perf_counter()
    pl.read_csv(path, infer_schema=False).write_database(
        "raw_contacts", url, engine="adbc", if_table_exists="append")
    return time.perf_counter() - started


def _cli_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / 'ingest-bench-cli.db'}"
    return f"{POSTGRES_SERVER}?options=-csearch_path%3D{BENCH_SCHEMA}"


def _check_loaded(result: dict, rows: int, what: str) -> None:
    counts = (result["status"], result["rows_read"], result["rows_inserted"],
              result["rows_quarantined"])
    if counts != ("loaded", rows, rows, 0):
        raise SystemExit(f"{what}: expected every row inserted, got {counts} "
                         f"{result['errors'][:3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-in-process", action="store_true",
                        help="only the command line figures (steps 3 to 5)")
    parser.add_argument("--worker", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)
    if args.worker:
        _worker(args.worker, args.file, args.rows)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]

    load_before = os.getloadavg()
    started = time.perf_counter()
    path = cached_contacts_csv(OUT, args.rows, args.seed)
    generated = time.perf_counter() - started
    figures = {}
    for backend in backends:
        figures[backend] = ({} if args.no_in_process
                            else measure_in_process(backend, path, args.rows))
        if backend == "postgresql":
            figures[backend]["raw_copy"] = raw_copy_postgres(path)
        else:
            figures[backend]["raw_write"] = raw_write_sqlite(path)
        figures[backend]["cli"] = measure_cli(backend, path, args.rows)
        figures[backend]["resend"] = measure_resend(backend, path)
    print_report(args.rows, path, generated, figures, load_before, os.getloadavg())
    return 0


def print_report(rows: int, path: Path, generated: float, figures: dict[str, dict],
                 load_before: tuple, load_after: tuple) -> None:
    size = path.stat().st_size / 1e6
    print(f"Ingest benchmark: {rows:,} valid contacts, {size:,.0f} MB "
          f"({path.relative_to(ROOT)}; generated or found in {generated:.1f} s)")
    print(f"Machine: {os.cpu_count()} CPUs; load average {_load(load_before)} before, "
          f"{_load(load_after)} after (a shared machine: figures are noisy)")
    print()
    print(f"{'backend':<11} {'what':<52} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}")
    print("-" * 92)
    for backend, timed in figures.items():
        cli = timed["cli"]
        if "ingest" in timed:
            _row(backend, "import great_expectations (not in the next line)",
                 timed["gx_import"], None, None)
            _row("", "ingest_file, in-process, end to end", timed["ingest"], rows,
                 timed["peak_mb"])
            for step, seconds in _phase_lengths(timed["phases"], timed["ingest"]):
                _row("", f"  {step}", seconds, None, None)
            _row("", "same file sent again (skipped), in-process", timed["in_process_resend"],
                 None, None)
        _row(backend, "CLI `pipelines ingest --json`, new process", cli.seconds, rows,
             cli.peak_mb)
        if "raw_copy" in timed:
            _row("", "  reference: raw COPY of the file's rows", timed["raw_copy"], rows, None)
            print(f"{'':<11}   CLI / raw COPY: {timed['raw_copy'] / cli.seconds:.2f} of its rate")
        if "raw_write" in timed:
            _row("", "  reference: raw polars -> ADBC write of the rows", timed["raw_write"],
                 rows, None)
            print(f"{'':<11}   CLI / raw write: {timed['raw_write'] / cli.seconds:.2f} of its "
                  "rate")
        for name, seconds in timed["resend"].items():
            _row("", f"{name}, median of {len(seconds)}", statistics.median(seconds), None, None)
        resend = list(timed["resend"].values())
        print(f"{'':<11}   re-sent file: min {min(resend[2]):.2f} s, max {max(resend[2]):.2f} s; "
              f"median {statistics.median(resend[2]) / statistics.median(resend[1]):.2f} x "
              "`import sqlalchemy`")
    print()
    print("in-process: a fresh process per backend imports everything first (great_expectations "
          "timed above), makes a fresh\nwarehouse, then times ingest_file alone. CLI: wall time "
          "from spawn to exit of `python -m pipelines ingest\ncontacts FILE --json` on another "
          "fresh warehouse, interpreter start and all imports included; the re-sent file\nand "
          "its two references are measured round by round on that warehouse.")
    if any("ingest" in t for t in figures.values()):
        print("peak MB: the process's resident high-water mark (VmHWM); in-process, after the "
              "ingest (imports included:\n" + ", ".join(
                  f"{b} {t['peak_mb_before_ingest']:,.0f} MB before it"
                  for b, t in figures.items() if "ingest" in t) + ").")


def _phase_lengths(phases: list, total: float) -> list[tuple[str, float]]:
    """Seconds spent in each progress step of `ingest_file`, up to the next one."""
    names = {"reading": "reading the file (decode, CSV)",
             "validating": "parsing cells, rules (GX), pseudonyms",
             "writing": "transaction: classify new/changed rows",
             "refreshing derived facts": "transaction: neighbours, writes, marts, commit"}
    marks = [tuple(m) for m in phases] + [("end", total)]
    lengths = []
    for (step, at), (_, following) in zip(marks, marks[1:]):
        label = next((v for k, v in names.items() if step.startswith(k)), step)
        lengths.append((label, following - at))
    return lengths


def _row(backend: str, what: str, seconds: float, rows: int | None, peak: float | None) -> None:
    rate = f"{rows / seconds:,.0f}" if rows else ""
    memory = f"{peak:,.0f}" if peak else ""
    print(f"{backend:<11} {what:<52} {seconds:>8.2f} {rate:>9} {memory:>8}")


def _load(load: tuple) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    raise SystemExit(main())
