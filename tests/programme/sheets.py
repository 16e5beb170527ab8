"""Writing programme sheets as a programme office would: CSV text, or a real `.xlsx` workbook
(xlsxwriter) with typed cells, dates as date cells and numbers as number cells."""

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

MILESTONE_HEADER = ["milestone_id", "workstream", "title", "owner", "baseline_due_on",
                    "forecast_due_on", "completed_on", "status", "rag_reason"]
BENEFIT_HEADER = ["benefit_id", "month", "title", "kind", "better", "unit", "owner", "kpi",
                  "planned", "actual"]
RISK_HEADER = ["risk_id", "title", "owner", "cause", "effect", "likelihood", "impact",
               "residual_likelihood", "residual_impact", "mitigation", "review_on", "status"]


def csv_file(path: Path, header: list[str], rows: list[list]) -> Path:
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xlsx_file(path: Path, header: list[str], rows: list[list], sheet: str = "Sheet1",
              month_cells: bool = False) -> Path:
    """A workbook whose first sheet holds the rows: date objects become date cells, numbers
    number cells; with `month_cells`, a `YYYY-MM` text becomes the date cell of its first day."""
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet_ = book.add_worksheet(sheet)
    sheet_.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if month_cells and header[c] == "month":
                cell = date.fromisoformat(f"{cell}-01")
            if isinstance(cell, date):
                sheet_.write_datetime(r, c, datetime.combine(cell, datetime.min.time()), dates)
            elif isinstance(cell, (int, float)):
                sheet_.write_number(r, c, cell)
            else:
                sheet_.write_string(r, c, cell)
    book.close()
    return path

# Milestones judged at 20 March 2026: M1 overdue (due the day before), M2 due that day (not
# overdue), M3 slipping (forecast a month after its baseline).
MARCH_MILESTONES = [
    ["M1", "Web", "Website live", "Head of Digital", "2026-03-19", None, None, "on_track", None],
    ["M2", "Web", "Forms moved", None, "2026-03-20", None, None, "on_track", None],
    ["M3", "Phones", "New menus", "ICT lead", "2026-06-30", "2026-07-31", None, "at_risk",
     "Supplier late"],
]
