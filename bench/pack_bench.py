"""How long the six-monthly committee pack takes on the 10,000,000-contact warehouse that
`bench.export_bench` builds: `python -m bench.pack_bench [--half 2026-H1] [--db PATH]`.

Times, each in a process of its own, the command line end to end (interpreter start and imports
included): `python -m metrics pack --half H --out F.pdf`, the same to `.docx`, and
`python -m metrics scorecard --month M --out F.pdf` for the half's last month. The warehouse is
only read (never rebuilt here); the goal is under 30 s for the pack.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reports.documents.halves import half_months

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "bench" / "out" / "export-bench-10x1000000-6268bdb3.db"
GOAL_SECONDS = 30.0


def _timed(args: list[str], url: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, check=True,
                   env={**os.environ, "WAREHOUSE_URL": url})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="2026-H1")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"no warehouse at {args.db}: run python -m bench.export_bench first")
    url = f"sqlite:///{args.db}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for label, command in (
                (f"pack {args.half}, PDF", ["pack", "--half", args.half, "--out",
                                            str(out / "pack.pdf")]),
                (f"pack {args.half}, Word", ["pack", "--half", args.half, "--out",
                                             str(out / "pack.docx")]),
                (f"one-pager {half_months(args.half)[-1]}, PDF",
                 ["scorecard", "--month", half_months(args.half)[-1], "--out",
                  str(out / "one-pager.pdf")])):
            seconds = _timed(command, url)
            size = next(out.glob(Path(command[-1]).name)).stat().st_size
            verdict = "" if not label.startswith("pack") else (
                " (goal < 30 s: met)" if seconds < GOAL_SECONDS else " (goal < 30 s: NOT met)")
            print(f"{label}: {seconds:.1f} s, {size / 1024:,.0f} KiB{verdict}", flush=True)


if __name__ == "__main__":
    main()
