"""`python -m pipelines`: the command line of `docs/feeds.md` (ingest), the sources of a
council's own systems (run, `docs/sources.md`), plus demo and refresh."""

import argparse
import hashlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

from data.location import sqlite_file, warehouse_url
from data.vocabulary import FEED_NAMES
from pipelines.privacy import key_mismatch, key_refusal, key_warning

PROGRESS_VARIABLE = "ONCE_AND_DONE_PROGRESS"
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
# Could not reach or write the warehouse, or may not load into it under this pseudonym key
# (ingest, demo, refresh): not the file's fault, so not 1 ("rejected"). `pipelines run` keeps its
# contract's 0/1/2: there an unreachable warehouse is a failed source, a refused key a wrong
# configuration.
UNAVAILABLE = 3


def main(argv: list[str] | None = None, leave_when_answered: bool = False) -> int:
    """The command's exit code. With `leave_when_answered` (the program, not a caller in
    Python), a re-sent file's answer ends the process there and then."""
    args = _parser().parse_args(argv)
    args.leave_when_answered = leave_when_answered
    # Where the missing key refuses the load, the refusal alone is said.
    if args.run in (_ingest, _run, _demo) and not key_refusal() and (warning := key_warning()):
        print(warning, file=sys.stderr, flush=True)
    url = warehouse_url()
    # A plain SQLite file's URL is SQLAlchemy's own; checking it would import SQLAlchemy, which
    # a re-sent file's answer does without there (see _skipped_if_loaded).
    if args.run is not _run and sqlite_file(url) is None:
        from data.url import url_problem  # noqa: PLC0415 (imported only now, as below)

        if problem := url_problem(url):
            return _refused(args, f"could not reach or write the warehouse: {problem}")
    try:
        return args.run(args)
    except Exception as e:  # noqa: BLE001 (only the warehouse's failures are answered here)
        from data.connect import unavailable  # noqa: PLC0415 (see _skipped_if_loaded)
        from data.url import without_password  # noqa: PLC0415

        why = unavailable(e)
        if why is None:
            raise
        return _refused(args, f"could not reach or write the warehouse: {without_password(why)}")


def _refused(args, message: str) -> int:
    """Say in one line why nothing was done (with `--json`, as the ingest's one object)."""
    print(f"error: {message}", file=sys.stderr)
    if args.run is _ingest and args.json:
        from pipelines.results import LoadResult  # noqa: PLC0415 (see _skipped_if_loaded)

        print(json.dumps(LoadResult(args.feed, args.path.name, "rejected",
                                    errors=[message]).as_json()))
    return UNAVAILABLE


def _other_key(engine) -> str | None:
    """Why no load may run under the configured key: another key made the warehouse's first
    load (`data.keys`). Read before anything is written."""
    from data.keys import recorded_fingerprint  # noqa: PLC0415 (see _skipped_if_loaded)

    with engine.connect() as conn:
        return key_mismatch(recorded_fingerprint(conn))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines",
                                     description="Load council feeds into the warehouse.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="load one canonical CSV file")
    ingest.add_argument("feed", choices=sorted(FEED_NAMES))
    ingest.add_argument("path", type=Path)
    ingest.add_argument("--source-system", default="canonical")
    ingest.add_argument("--json", action="store_true", help="print one JSON object")
    ingest.set_defaults(run=_ingest)

    run = commands.add_parser("run", help="pull and load the sources of sources.toml "
                                          "(docs/sources.md)")
    run.add_argument("--config", type=Path, default=Path("sources.toml"),
                     help="the sources' configuration (default: sources.toml here)")
    run.add_argument("--source", action="append", metavar="NAME",
                     help="process only this source (may be given more than once)")
    run.add_argument("--dry-run", action="store_true",
                     help="translate and validate, report what would load, write nothing")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.set_defaults(run=_run)

    demo = commands.add_parser("demo", help="generate and load the fictional demo council")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--months", type=int, default=36)
    demo.add_argument("--dir", type=Path, default=DEMO_DIR, help="where to write the CSV files")
    demo.add_argument("--if-empty", action="store_true",
                      help="do nothing when the warehouse already has contacts")
    demo.set_defaults(run=_demo)

    refresh = commands.add_parser("refresh", help="rebuild the monthly marts (after a settings "
                                                  "change)")
    refresh.set_defaults(run=_refresh)
    return parser


def _ingest(args) -> int:
    if not args.path.is_file():
        print(f"error: no such file: {args.path}", file=sys.stderr)
        return 2
    if refusal := key_refusal():  # before the warehouse is opened: nothing written at all
        return _refused(args, refusal)
    result = _skipped_if_loaded(args)
    answered_early = result is not None
    if result is None:
        # Imported only now: great-expectations takes seconds to import, a usage error should
        # not, nor a re-sent file, nor a load refused under another key.
        from data.warehouse import get_engine  # noqa: PLC0415

        engine = get_engine()
        if mismatch := _other_key(engine):
            return _refused(args, mismatch)
        from pipelines.ingest import ingest_file  # noqa: PLC0415

        progress = None if args.json else _stderr_progress(args.path.name)
        result = ingest_file(engine, args.feed, args.path, args.source_system, progress)
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        print(f"{result.feed} {result.file}: {result.status}: read {result.rows_read:,}, "
              f"inserted {result.rows_inserted:,}, updated {result.rows_updated:,}, "
              f"unchanged {result.rows_unchanged:,}, quarantined {result.rows_quarantined:,}")
        for message in result.errors:
            print(f"  {message}", file=sys.stderr)
    if answered_early and args.leave_when_answered:
        # Nothing is left open (the look's engine is disposed, its record committed), and the
        # interpreter's teardown of SQLAlchemy's modules takes a tenth of a second, a third of
        # the whole answer (bench/ingest_bench.py).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 1 if result.status == "rejected" else 0


def _skipped_if_loaded(args):
    """A re-sent file's result, decided before the load path is imported (`pipelines.resent`);
    None for a file to load. The file is hashed in a thread (hashlib lets go of the GIL) while
    the look is imported: this module imports no library at its top.
    """
    found: list[str] = []

    def digest() -> None:
        try:
            with args.path.open("rb") as file:
                found.append(hashlib.file_digest(file, "sha256").hexdigest())
        except OSError:
            pass  # the load path reads the file again and answers for it

    hashing = threading.Thread(target=digest, daemon=True)
    hashing.start()
    from pipelines.resent import skipped_if_loaded  # noqa: PLC0415

    hashing.join()
    if not found:
        return None
    return skipped_if_loaded(warehouse_url(), args.feed, args.source_system, args.path.name,
                             found[0])


def _run(args) -> int:
    from pipelines.sources.command import run_command  # noqa: PLC0415 (as above)

    return run_command(args.config, args.source, args.dry_run, args.json,
                       lambda source: None if args.json else _stderr_progress(source))


def _demo(args) -> int:
    if refusal := key_refusal():
        return _refused(args, refusal)
    from data.demo_builds import demo_state  # noqa: PLC0415 (as above)
    from data.warehouse import get_engine  # noqa: PLC0415

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] loaded {label}", file=sys.stderr, flush=True)

    engine = get_engine()
    if args.if_empty:
        with engine.connect() as conn:
            state = demo_state(conn)
        # A warehouse with contacts but no demo begun holds a council's own data (or a demo
        # built before builds were recorded): never added to.
        if state == "complete" or (state == "none" and _has_contacts(engine)):
            return 0
        if state == "partial":
            print("The demo council was stopped part-way: building it again", file=sys.stderr)
    if mismatch := _other_key(engine):  # the demo is a load like any other
        return _refused(args, mismatch)
    _stop_on_signals()
    # Only now: a refused or finished demo need not import the generator and the load path.
    from data.url import shown_url  # noqa: PLC0415 (as above)
    from pipelines.demo import build_demo  # noqa: PLC0415

    print(f"Building the demo council in {shown_url(warehouse_url())}", file=sys.stderr)
    results = build_demo(engine, args.dir, seed=args.seed, months=args.months,
                         progress=progress)
    loaded = sum(r.rows_inserted + r.rows_updated for r in results)
    quarantined = sum(r.rows_quarantined for r in results)
    print(f"demo: {len(results)} files, {loaded:,} rows loaded, {quarantined:,} quarantined")
    return 0


def _stop_on_signals() -> None:
    """Stop at once on SIGTERM or Ctrl-C. The workers end themselves when this process is gone
    (`pipelines.demo.build`); each file's load is one transaction, so the warehouse keeps the
    files loaded so far, and the build stays unfinished for `demo --if-empty` to redo."""
    def stop(signum, _frame) -> None:
        print(f"demo: stopped by {signal.Signals(signum).name}; the build is unfinished "
              "(`python -m pipelines demo --if-empty` completes it)", file=sys.stderr,
              flush=True)
        os._exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)


def _has_contacts(engine) -> bool:
    from data.facts import has_contacts  # noqa: PLC0415 (as in _demo)

    with engine.connect() as conn:
        return has_contacts(conn)


def _refresh(_args) -> int:
    from data.warehouse import get_engine  # noqa: PLC0415 (as above)

    engine = get_engine()  # a warehouse out of reach is said before the marts' imports
    from transform.marts import refresh_contact_marts  # noqa: PLC0415

    with engine.begin() as conn:
        refresh_contact_marts(conn)
    print("marts rebuilt")
    return 0


def _stderr_progress(name: str):
    """Progress lines on standard error: when it is a terminal, or when
    ONCE_AND_DONE_PROGRESS=1 asks for them (schedulers' logs, the fault tests)."""
    if not (sys.stderr.isatty() or os.environ.get(PROGRESS_VARIABLE) == "1"):
        return None
    return lambda step: print(f"{name}: {step}…", file=sys.stderr, flush=True)
