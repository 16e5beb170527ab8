"""How long the six-monthly committee pack takes on the 10,000,000-contact warehouse that
`bench.export_bench` builds: `python -m bench.pack_bench [--half 2026-H1] [--contacts N]`.

Times, each in a process of its own, the command line end to end (interpreter start and imports
included) with its peak resident memory: `python -m metrics pack --half H --out F.pdf`, the same
to `.docx`, and `python -m metrics scorecard --month M --out F.pdf` for the half's last month.
The warehouse is only read (built once by `bench.export_bench.built_warehouse` if it is not
there yet); the goal is the PDF pack in 5 s. For scale, the same command to Word shows what the
figures cost without the PDF's layout, and a process that only imports weasyprint and prints the
same pack's HTML (as `reports.documents.pdf` writes it) shows what the PDF engine alone needs.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench.export_bench import built_warehouse
from bench.ingest_bench import run_measured
from data.warehouse import get_engine
from reports.documents.halves import half_months
from reports.documents.papers import pack_document
from reports.documents.pdf import WRITE_OPTIONS, html

# The PDF engine alone, in a process of its own: its import and the pack's layout and writing,
# with the pack's options (written out here: importing our modules would add a second).
WEASYPRINT_ALONE = ("import sys; from weasyprint import HTML; "
                    f"HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], **{WRITE_OPTIONS!r})")

GOAL_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="2026-H1")
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    args = parser.parse_args()
    url = f"sqlite:///{built_warehouse(args.contacts, args.per_file)}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        month = half_months(args.half)[-1]
        # (what, the command's arguments, whether the goal is its)
        for label, command, goal in (
                (f"pack {args.half}, PDF", ["pack", "--half", args.half, "--out",
                                            str(out / "pack.pdf")], True),
                (f"pack {args.half}, Word", ["pack", "--half", args.half, "--out",
                                             str(out / "pack.docx")], False),
                (f"one-pager {month}, PDF", ["scorecard", "--month", month, "--out",
                                             str(out / "one-pager.pdf")], False)):
            run = run_measured([sys.executable, "-m", "metrics", *command], {"WAREHOUSE_URL": url})
            size = Path(command[-1]).stat().st_size
            met = "met" if run.seconds <= GOAL_SECONDS else "NOT met"
            verdict = f" (goal {GOAL_SECONDS:.0f} s: {met})" if goal else ""
            print(f"{label}: {run.seconds:.1f} s, {size / 1024:,.0f} KiB, "
                  f"peak {run.peak_mb:,.0f} MB{verdict}", flush=True)
        page = out / "pack.html"
        page.write_text(html(pack_document(get_engine(url), args.half)))
        run = run_measured([sys.executable, "-c", WEASYPRINT_ALONE, str(page),
                            str(out / "alone.pdf")], {})
        kib = page.stat().st_size / 1024
        print(f"for scale, weasyprint alone printing the same pack ({kib:,.0f} KiB of HTML): "
              f"{run.seconds:.1f} s, peak {run.peak_mb:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
