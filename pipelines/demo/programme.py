"""Fenbridge's transformation programme, as its programme office would keep it: a roadmap of
milestones over the demo's three years (a workbook, `.xlsx`), benefits planned month by month
that track the story the contacts tell (`story`), and a handful of risks (CSV); then owners for
some KPIs and officers' commentary, written by each owner and approved by a director, with one
draft left unapproved.

Everything is placed by month index from the demo's first month, so a shorter demo gets the
same programme cut to what has happened by its last month. The programme's exceptions: a
milestone slipping, one overdue, a risk above the appetite of 15 and a saving below plan in the
last month, none of them with commentary but the risk.

The risks carry their history: the programme board's reviews re-scored them over the months
(`RISK_REVIEWS`), recorded before the risk sheet loads, the latest review scoring each risk as
the sheet does; so the register shows a risk rising, two falling, one steady and one new.
"""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter
from sqlalchemy import Engine

from data.edits import approve_commentary, set_kpi_owner, write_commentary
from data.programme import read_risk_scores, record_risk_scores
from pipelines.demo.calendar import Period
from pipelines.demo.story import PROGRAMME_START, digital_share, failure_share

PLAN_MONTHS = 42  # plans run six months past the default 36-month demo
DIRECTOR = "director.of.resources@fenbridge.example"
OWNERS = {
    "failure_demand_pct": "head.of.customer.services@fenbridge.example",
    "digital_pct": "digital.lead@fenbridge.example",
    "stage1_on_time_pct": "complaints.manager@fenbridge.example",
}
# (id, workstream, title, owner, month index due, months late forecast, kept open)
MILESTONES = [
    ("GOV-01", "Governance", "Programme business case approved", "Director of Resources", 11, 0,
     False),
    ("GOV-02", "Governance", "Customer services strategy adopted", "Director of Resources", 12,
     0, False),
    ("DIG-01", "Digital front door", "New council website live", "Digital Lead", 16, 0, False),
    ("DIG-02", "Digital front door", "Online forms for waste and council tax", "Digital Lead",
     19, 0, False),
    ("TEL-01", "Telephony", "Cloud telephony and new call menus", "ICT Lead", 22, 0, False),
    ("DIG-03", "Digital front door", "Webchat on every service page", "Digital Lead", 24, 0,
     False),
    ("CMP-01", "Complaints", "Complaints case system replaced", "Complaints Manager", 27, 0,
     False),
    ("PPL-01", "People", "Contact centre staff trained in first-contact resolution",
     "Head of Customer Services", 31, 0, True),
    ("DIG-04", "Digital front door", "Housing repairs reported online", "Digital Lead", 34, 4,
     True),
    ("DIG-05", "Digital front door", "Customer account with saved details", "Digital Lead", 39,
     0, True),
    ("GOV-03", "Governance", "Programme closure report", "Director of Resources", 41, 0, True),
]
RISKS = [
    ["R1", "Residents without internet access are left behind", "Head of Customer Services",
     "Services move online", "Harder access for some residents", 3, 4, 2, 3,
     "Assisted digital help in the library and by phone", 2, "open"],
    ["R2", "Supplier delay to the housing repairs system", "Digital Lead",
     "One supplier, late on its last two releases", "Repairs stay on the phone", 4, 4, 4, 4,
     "Weekly supplier reviews; a second supplier being procured", 1, "open"],
    ["R3", "Staff turnover in the contact centre", "Head of Customer Services",
     "Market pay for call handlers", "Longer waits", 3, 3, 3, 2,
     "Career path and training", 3, "open"],
    ["R4", "Savings not realised as contacts shift", "Director of Resources",
     "Staff not released from phone work", "Budget gap", 3, 5, 2, 4,
     "Workforce plan tied to contact volumes", 2, "open"],
    ["R5", "Telephony cut-over fails", "ICT Lead", "New platform", "Calls lost", 2, 5, 1, 5,
     "Parallel running for a month", 1, "closed"],
]
# risk -> the programme board's reviews: (month index, likelihood, impact, residual likelihood,
# residual impact); the last of each scores the risk as the sheet (`RISKS`) does.
RISK_REVIEWS = {
    "R1": [(11, 3, 4, None, None), (17, 3, 4, 3, 3), (26, 3, 4, 2, 3)],  # 9 -> 6: falling
    "R2": [(14, 3, 4, 2, 3), (23, 3, 4, 3, 4), (32, 4, 4, 4, 4)],  # 12 -> 16: rising
    "R3": [(11, 3, 3, 3, 3), (20, 4, 3, 3, 2), (29, 3, 3, 3, 2)],  # 6 -> 6: steady
    "R4": [(33, 3, 5, 2, 4)],  # identified late: new
    "R5": [(13, 2, 5, 2, 5), (22, 2, 5, 1, 5)],  # 10 -> 5: falling
}
REVIEWER = "Programme board risk review"
# One line for the month (the one-pager), more for the half (the pack).
MONTH_COMMENTARY = {
    "failure_demand_pct": "Fewer calls chasing progress; missed bins remain the main cause.",
    "digital_pct": "More reporting and paying online; webchat on every service page.",
    "stage1_on_time_pct": "Deadline reminders from the new case system are working.",
}
COMMENTARY = {
    "failure_demand_pct": "Failure demand keeps falling as online forms replace calls chasing "
                          "progress. Most of what remains is about missed bin collections, "
                          "which the waste team is tackling by redrawing its rounds.",
    "digital_pct": "More residents now report and pay online; webchat on every service page "
                   "took the share up again. Assisted digital help in the libraries keeps the "
                   "online routes open to everyone.",
    "stage1_on_time_pct": "Replies on time improved once the new case system sent reminders "
                          "before each deadline; a backlog in housing is being cleared by a "
                          "small team.",
}


def _month(period: Period, index: int) -> np.datetime64:
    return period.months[0].start.astype("datetime64[M]") + index


def _label(period: Period, index: int) -> str:
    return str(_month(period, index))


def _last_day(period: Period, index: int) -> date:
    return (_month(period, index + 1).astype("datetime64[D]").item() - timedelta(days=1))


def write_programme(out_dir: Path, period: Period) -> list[tuple[str, Path]]:
    """The programme office's three sheets; returns (feed, path) for each."""
    last = len(period.months) - 1
    milestones = []
    for mid, stream, title, owner, due, late, kept_open in MILESTONES:
        baseline = _last_day(period, due)
        done = due < last and not kept_open
        forecast = _last_day(period, due + late) if late else None
        status = ("complete" if done else "at_risk" if late else
                  "on_track" if due <= last + 6 else "not_started")
        milestones.append([mid, stream, title, owner, baseline, forecast,
                           baseline - timedelta(days=4) if done else None, status,
                           "Supplier behind on the repairs module" if late else None])
    paths = [("milestones", _workbook(out_dir / "programme-milestones.xlsx", milestones))]
    benefits = []
    for t in range(PROGRAMME_START, PLAN_MONTHS):
        month = _label(period, t)
        benefits.append(["BEN-01", month, "Less failure demand", "non_cashable", "lower", "%",
                         "Head of Customer Services", "failure_demand_pct",
                         round(100 * failure_share(t) + 1.5, 1), None])
        benefits.append(["BEN-02", month, "More residents served online", "non_cashable",
                         "higher", "%", "Digital Lead", "digital_pct",
                         round(100 * digital_share(t) - 1.5, 1), None])
        plan = 400 + 50 * (t - PROGRAMME_START)
        actual = (round(plan * (0.8 if t == last else 1 + 0.04 * np.sin(t)))
                  if t <= last else None)
        benefits.append(["BEN-03", month, "Printing and postage saving", "cashable", "higher",
                         "£", "Director of Resources", None, plan, actual])
    paths.append(("benefits", _csv(out_dir / "programme-benefits.csv", [
        "benefit_id", "month", "title", "kind", "better", "unit", "owner", "kpi", "planned",
        "actual"], benefits)))
    risks = [[*r[:10], _last_day(period, last + r[10]).isoformat(), r[11]] for r in RISKS]
    paths.append(("risks", _csv(out_dir / "programme-risks.csv", [
        "risk_id", "title", "owner", "cause", "effect", "likelihood", "impact",
        "residual_likelihood", "residual_impact", "mitigation", "review_on", "status"], risks)))
    return paths


def record_risk_reviews(engine: Engine, period: Period) -> None:
    """The board's reviews of the risks up to the demo's last month, in date order, each
    recorded at noon on its month's last day. Recorded once: a build that was stopped and run
    again finds them there."""
    last = len(period.months) - 1
    reviews = sorted((index, risk, scores) for risk, held in RISK_REVIEWS.items()
                     for index, *scores in held if index <= last)
    with engine.begin() as conn:
        if read_risk_scores(conn).height:
            return
        for index, risk, scores in reviews:
            record_risk_scores(conn, pl.DataFrame(
                [["canonical", risk, *scores]], orient="row",
                schema={"source_system": pl.String, "risk_id": pl.String,
                        "likelihood": pl.Int64, "impact": pl.Int64,
                        "residual_likelihood": pl.Int64, "residual_impact": pl.Int64}),
                REVIEWER, datetime.combine(_last_day(period, index), time(12), tzinfo=UTC))


def record_commentary(engine: Engine, period: Period) -> None:
    """Owners for three KPIs, their commentary on the last month and the last complete half,
    approved by the director; the risk above appetite explained; one draft left unapproved."""
    last = period.months[-1].label
    year, month = int(last[:4]), int(last[5:])
    half = (f"{year}-H{1 if month <= 6 else 2}" if month in (6, 12)
            else f"{year - 1}-H2" if month < 6 else f"{year}-H1")
    for kpi, owner in OWNERS.items():
        set_kpi_owner(engine, kpi, owner, by=DIRECTOR)
        for when, words in ((last, MONTH_COMMENTARY[kpi]), (half, COMMENTARY[kpi])):
            approve_commentary(engine, write_commentary(engine, "kpi", kpi, when, words,
                                                        by=owner), by=DIRECTOR)
    approve_commentary(engine, write_commentary(
        engine, "risk", "R2", last, "A second supplier is being procured.",
        by=OWNERS["digital_pct"]), by=DIRECTOR)
    write_commentary(engine, "milestone", "DIG-04", last, "Draft: waiting for the supplier's "
                     "new plan before saying more.", by=OWNERS["digital_pct"])


def _csv(path: Path, header: list[str], rows: list[list]) -> Path:
    pl.DataFrame(rows, schema=header, orient="row").write_csv(path)
    return path


def _workbook(path: Path, rows: list[list]) -> Path:
    """The roadmap as a programme office keeps it: a sheet with date cells."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Roadmap")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["milestone_id", "workstream", "title", "owner", "baseline_due_on",
                           "forecast_due_on", "completed_on", "status", "rag_reason"])
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, date):
                sheet.write_datetime(r, c, cell, dates)
            elif cell is not None:
                sheet.write(r, c, cell)
    book.close()
    return path
