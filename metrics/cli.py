"""`python -m metrics`: the export of `feeds.md`."""

import argparse
import re
import sys

from data.warehouse import get_engine
from metrics.export import write_export


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics",
                                     description="Compute the KPIs of kpis.md.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    export = commands.add_parser("export", help="every monthly KPI in long form")
    export.add_argument("--by", action="append", choices=["service", "channel"], default=[])
    export.add_argument("--from", dest="first", type=_month)
    export.add_argument("--to", dest="last", type=_month)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--publish", action="store_true",
                        help="suppress small numbers, for figures that leave the building")
    args = parser.parse_args(argv)
    write_export(get_engine(), sys.stdout, by=tuple(args.by), first_month=args.first,
                 last_month=args.last, fmt=args.format, publish=args.publish)
    return 0
