"""`python -m pipelines`: the command line of `docs/feeds.md` (ingest), the sources of a
council's own systems (run, `docs/sources.md`), plus demo and refresh."""

import argparse
import json
import os
import sys
from pathlib import Path

from data.facts import has_contacts
from data.warehouse import get_engine, warehouse_url
from pipelines.feeds import FEEDS

PROGRESS_VARIABLE = "ONCE_AND_DONE_PROGRESS"
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines",
                                     description="Load council feeds into the warehouse.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="load one canonical CSV file")
    ingest.add_argument("feed", choices=sorted(FEEDS))
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
    # Imported only now: great-expectations takes seconds to import, a usage error should not.
    from pipelines.ingest import ingest_file  # noqa: PLC0415

    progress = None if args.json else _stderr_progress(args.path.name)
    result = ingest_file(get_engine(), args.feed, args.path, args.source_system, progress)
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        print(f"{result.feed} {result.file}: {result.status}: read {result.rows_read:,}, "
              f"inserted {result.rows_inserted:,}, updated {result.rows_updated:,}, "
              f"unchanged {result.rows_unchanged:,}, quarantined {result.rows_quarantined:,}")
        for message in result.errors:
            print(f"  {message}", file=sys.stderr)
    return 1 if result.status == "rejected" else 0


def _run(args) -> int:
    from pipelines.sources.command import run_command  # noqa: PLC0415 (as above)

    return run_command(args.config, args.source, args.dry_run, args.json,
                       lambda source: None if args.json else _stderr_progress(source))


def _demo(args) -> int:
    from pipelines.demo import build_demo  # noqa: PLC0415 (as above)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] loaded {label}", file=sys.stderr, flush=True)

    engine = get_engine()
    if args.if_empty and _has_contacts(engine):
        return 0
    print(f"Building the demo council in {warehouse_url()}", file=sys.stderr)
    results = build_demo(engine, args.dir, seed=args.seed, months=args.months,
                         progress=progress)
    loaded = sum(r.rows_inserted + r.rows_updated for r in results)
    quarantined = sum(r.rows_quarantined for r in results)
    print(f"demo: {len(results)} files, {loaded:,} rows loaded, {quarantined:,} quarantined")
    return 0


def _has_contacts(engine) -> bool:
    with engine.connect() as conn:
        return has_contacts(conn)


def _refresh(_args) -> int:
    from transform.marts import refresh_contact_marts  # noqa: PLC0415 (as above)

    with get_engine().begin() as conn:
        refresh_contact_marts(conn)
    print("marts rebuilt")
    return 0


def _stderr_progress(name: str):
    """Progress lines on standard error: when it is a terminal, or when
    ONCE_AND_DONE_PROGRESS=1 asks for them (schedulers' logs, the fault tests)."""
    if not (sys.stderr.isatty() or os.environ.get(PROGRESS_VARIABLE) == "1"):
        return None
    return lambda step: print(f"{name}: {step}…", file=sys.stderr, flush=True)
