"""`python -m metrics`: the export of `docs/feeds.md`, the six-monthly committee pack, the
cabinet one-pager and the exception report of `docs/programme.md`."""

import argparse
import re
import sys
from pathlib import Path

from reports.documents.halves import parse_half


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text}")
    return text


def _half(text: str) -> str:
    try:
        parse_half(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics",
                                     description="Compute the KPIs of docs/kpis.md.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    export = commands.add_parser("export", help="every monthly KPI in long form")
    export.add_argument("--by", action="append", choices=["service", "channel"], default=[])
    export.add_argument("--from", dest="first", type=_month)
    export.add_argument("--to", dest="last", type=_month)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--publish", action="store_true",
                        help="suppress small numbers, for figures that leave the building")
    pack = commands.add_parser("pack", help="the six-monthly committee pack (PDF or Word)")
    pack.add_argument("--half", required=True, type=_half, help="YYYY-H1 or YYYY-H2")
    pack.add_argument("--out", required=True, help="FILE.pdf or FILE.docx")
    card = commands.add_parser("scorecard", help="the monthly cabinet one-pager (PDF)")
    card.add_argument("--month", required=True, type=_month)
    card.add_argument("--out", required=True, help="FILE.pdf")
    report = commands.add_parser("exceptions", help="the exception report of a month or half")
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", type=_month, help="YYYY-MM: the cabinet's month")
    period.add_argument("--half", type=_half, help="YYYY-H1 or YYYY-H2: the committee's half")
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.set_defaults(exceptions=True)
    args = parser.parse_args(argv)
    _check_out(parser, args)  # a usage error is answered before the warehouse is read
    # Imported only now, as every import of the KPIs and the papers: a usage error takes a
    # fraction of a second, not the seconds of loading them.
    from metrics.reads import unreachable, warehouse_problem  # noqa: PLC0415

    # As `python -m pipelines`: a warehouse that cannot be read is one line and exit 3, never a
    # traceback, and never the URL's password.
    if problem := warehouse_problem():
        return _unreadable(problem)
    try:
        return _run(args)
    except Exception as error:  # noqa: BLE001 (only the warehouse's failures are answered)
        if (why := unreachable(error)) is None:
            raise
        return _unreadable(why)


UNREADABLE = 3


def _unreadable(why: str) -> int:
    print(f"error: could not read the warehouse: {why}", file=sys.stderr)
    return UNREADABLE


def _check_out(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The papers' --out names a format they are written in (exit 2 otherwise)."""
    if "out" not in args:
        return
    from reports.documents.papers import FORMATS  # noqa: PLC0415 (see main)

    allowed = FORMATS if "half" in args else ("pdf",)
    if Path(args.out).suffix.lower().lstrip(".") not in allowed:
        parser.error(f"--out must end in {' or '.join(f'.{f}' for f in allowed)}: {args.out}")


def _run(args: argparse.Namespace) -> int:
    from metrics.compute import Query  # noqa: PLC0415 (see main)
    from metrics.exceptions import write_exceptions  # noqa: PLC0415
    from metrics.export import write_export  # noqa: PLC0415
    from metrics.reads import exceptions_from_warehouse, open_warehouse  # noqa: PLC0415
    from reports.documents.papers import one_pager_bytes, pack_bytes  # noqa: PLC0415

    if "exceptions" in args:
        items = exceptions_from_warehouse(open_warehouse(), args.month or args.half)
        write_exceptions(items, sys.stdout, args.format)
        return 0
    if "half" in args:
        fmt = Path(args.out).suffix.lower().lstrip(".")
        Path(args.out).write_bytes(pack_bytes(open_warehouse(), args.half, fmt))
        return 0
    if "month" in args:
        Path(args.out).write_bytes(one_pager_bytes(open_warehouse(), args.month))
        return 0
    query = Query(by=tuple(args.by), first_month=args.first, last_month=args.last)
    write_export(open_warehouse(), sys.stdout, query, fmt=args.format, publish=args.publish)
    return 0
