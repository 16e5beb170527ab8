"""The programme in the papers: the executive summary that opens the committee pack (the
exception list with each item's approved commentary, the programme's status, the officers'
approved commentary), the programme section (milestones, benefits against plan, risks), and the
month's exceptions on the cabinet one-pager. Pure: a `ProgrammeReport` in, document blocks out;
every sentence from `metrics.wording`, counted from the rows printed beside it."""

from dataclasses import dataclass
from datetime import date

import polars as pl

from metrics.exceptions import (
    NO_COMMENTARY,
    Item,
    Period,
    Programme,
    appetite,
    benefit_reason,
    current_score,
    milestone_state,
    tolerance,
)
from metrics.labels import readable
from metrics.registry import REGISTRY
from metrics.wording import (
    REASON_WORDS,
    benefits_sentence,
    exceptions_sentence,
    milestones_sentence,
    risks_sentence,
)
from reports.documents.model import Heading, Items, Paragraph, Section, Table

KIND_NAMES = {"milestone": "Milestone", "risk": "Risk", "benefit": "Benefit", "kpi": "Measure"}
# The one-pager lists this many exceptions at most, so that it stays one page; the rest are
# counted, and listed in full on the Programme page and by `python -m metrics exceptions`.
ONE_PAGER_ITEMS = 9


@dataclass(frozen=True)
class ProgrammeReport:
    """What the papers print of the programme for one period."""

    period: str  # YYYY-MM or YYYY-Hn
    report_date: date
    items: list[Item]  # the exception list, each with its approved commentary
    programme: Programme  # benefits with the actuals of the KPIs they name
    settings: dict[str, str]
    commentary: dict[tuple[str, str], str]  # (kind, id) -> approved text for the period
    owners: dict[str, str]  # kpi -> owner
    labels: dict[str, str]  # kpi -> its label, worded with the warehouse's standards


def day_text(day: date) -> str:
    return f"{day:%-d %B %Y}"


def exceptions_table(report: ProgrammeReport, caption: str) -> Table:
    return Table(caption, ("Kind", "Item", "Why it is listed", "Owner", "Officer's commentary"),
                 tuple((KIND_NAMES[i.kind], i.title, REASON_WORDS[i.reason], i.owner or "none",
                        i.commentary or NO_COMMENTARY) for i in report.items))


def exception_counts(items: list[Item]) -> dict[str, int]:
    return {kind: sum(i.kind == kind for i in items) for kind in KIND_NAMES}


def exception_blocks(report: ProgrammeReport, caption: str) -> list:
    blocks: list = [Paragraph(exceptions_sentence(exception_counts(report.items),
                                                  day_text(report.report_date)))]
    if report.items:
        blocks.append(exceptions_table(report, caption))
    return blocks


def exception_lines(report: ProgrammeReport) -> list:
    """The exception list compactly, one line an item, for the one-pager: "Website live
    (milestone): overdue · Head of Digital · no commentary yet"."""
    blocks: list = [Paragraph(exceptions_sentence(exception_counts(report.items),
                                                  day_text(report.report_date)))]
    shown, more = report.items[:ONE_PAGER_ITEMS], len(report.items) - ONE_PAGER_ITEMS
    if shown:
        blocks.append(Items(tuple(
            f"{i.title} ({KIND_NAMES[i.kind].lower()}): {i.reason} · {i.owner or 'no owner'} · "
            f"{i.commentary or NO_COMMENTARY}" for i in shown) + (
            (f"and {more} more, listed in full on the Programme page and by "
             f"python -m metrics exceptions",) if more > 0 else ())))
    return blocks


def executive_summary(report: ProgrammeReport, period_name: str) -> Section:
    blocks = [Paragraph(
        f"What needs the committee's attention in {period_name}: every milestone, risk, "
        f"benefit and measure on the exception list, with its owner and the owner's approved "
        f"commentary; then the state of the programme; then the officers' commentary on the "
        f"measures. Commentary appears only once a second officer has approved it."),
        *exception_blocks(report, f"Exceptions, {period_name}"),
        Heading("Programme status"), *(Paragraph(s) for s in status_sentences(report)),
        Heading("Officers' commentary on the measures")]
    notes = kpi_commentary(report)
    blocks += ([Paragraph(f"{report.labels[kpi]}{by}: {text}")
                for kpi, (by, text) in notes.items()] or
               [Paragraph(f"No commentary on the measures has been approved for {period_name} "
                          f"yet.")])
    return Section("executive-summary", "Executive summary", tuple(blocks))


def kpi_commentary(report: ProgrammeReport) -> dict[str, tuple[str, str]]:
    """kpi -> (" (its owner)" or "", the approved commentary), in the registry's order."""
    out = {}
    for kpi in REGISTRY:
        text = report.commentary.get(("kpi", kpi))
        if text:
            owner = report.owners.get(kpi)
            out[kpi] = (f" ({owner})" if owner else "", text)
    return out


def _latest_benefits(report: ProgrammeReport, months: list[str]) -> pl.DataFrame:
    return (report.programme.benefits.filter(pl.col("month").is_in(months))
            .sort("benefit_id", "month").group_by("benefit_id", maintain_order=True).last())


def status_sentences(report: ProgrammeReport) -> list[str]:
    """The programme's state in three sentences, counted from the tables of the programme
    section."""
    p, when = report.programme, report.report_date
    states = [milestone_state(m, when) for m in p.milestones.iter_rows(named=True)]
    latest = _latest_benefits(report, period_months(report.period))
    share = tolerance(report.settings)
    missing = sum(benefit_reason(b["planned"], b["actual"], b["better"], share) is not None
                  for b in latest.iter_rows(named=True))
    open_risks = p.risks.filter(pl.col("status") == "open")
    above = sum(current_score(r) >= appetite(report.settings)
                for r in open_risks.iter_rows(named=True))
    return [milestones_sentence({s: states.count(s) for s in (
                "complete", "cancelled", "slipping", "overdue", "on course")}),
            benefits_sentence(latest.height, missing, latest.get_column("actual").null_count(),
                              share * 100),
            risks_sentence(open_risks.height, above, p.risks.height - open_risks.height,
                           appetite(report.settings))]


def period_months(period: str) -> list[str]:
    return Period(period).months


def _date(day: date | None) -> str:
    return day_text(day) if day else ""


def _amount(value: float | None, unit: str | None) -> str:
    if value is None:
        return "no actual yet"
    number = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    if unit == "£":
        return f"£{number}" if value >= 0 else f"−£{number.lstrip('-')}"
    return f"{number} {unit}".strip() if unit else number


def programme_section(report: ProgrammeReport, period_name: str,
                      kpi_texts: dict[tuple[str, str], str]) -> Section:
    """Milestones, benefits against plan month by month, and risks. `kpi_texts`: (month, kpi)
    -> the KPI's published figure, printed as the actual of a benefit that names it."""
    p, when = report.programme, report.report_date
    milestones = tuple(
        (m["workstream"], m["title"], m["owner"] or "", _date(m["baseline_due_on"]),
         _date(m["forecast_due_on"] or m["baseline_due_on"]), _date(m["completed_on"]),
         readable(m["status"]), milestone_state(m, when), m["rag_reason"] or "")
        for m in p.milestones.sort("baseline_due_on", "milestone_id").iter_rows(named=True))
    share = tolerance(report.settings)
    benefits = []
    months = period_months(report.period)
    for b in p.benefits.filter(pl.col("month").is_in(months)).sort(
            "benefit_id", "month").iter_rows(named=True):
        actual = (kpi_texts.get((b["month"], b["kpi"]), "not shown") if b["kpi"]
                  else _amount(b["actual"], b["unit"]))
        verdict = ("no actual yet" if b["actual"] is None else
                   benefit_reason(b["planned"], b["actual"], b["better"], share)
                   or "within tolerance")
        benefits.append((b["title"], b["month"], _amount(b["planned"], b["unit"]), actual,
                         f"{b['better']} is better", verdict,
                         f"the measure {report.labels[b['kpi']].lower()}" if b["kpi"]
                         else "typed in"))
    limit = appetite(report.settings)
    risks = tuple(
        (r["title"], r["owner"] or "", f"{r['likelihood']} × {r['impact']} = "
         f"{r['likelihood'] * r['impact']}", _after(r), _date(r["review_on"]), r["status"],
         "at or above appetite" if r["status"] == "open" and current_score(r) >= limit
         else "below appetite" if r["status"] == "open" else "closed")
        for r in p.risks.iter_rows(named=True))
    sentences = status_sentences(report)
    return Section("programme", "The programme", (
        Paragraph(f"Where the programme stands at the report date, {day_text(when)}: its "
                  f"roadmap, the benefits it promised against their plan, and its risks."),
        Heading("Milestones"), Paragraph(sentences[0]),
        Table(f"Milestones: baseline and forecast dates, {period_name}",
              ("Workstream", "Milestone", "Owner", "Baseline", "Forecast", "Completed",
               "Status", "At the report date", "Reason"), milestones),
        Heading("Benefits against plan"), Paragraph(sentences[1]),
        Table(f"Benefits, plan and actual by month, {period_name}",
              ("Benefit", "Month", "Plan", "Actual", "Direction", "Against plan",
               "Actual from"), tuple(benefits)),
        Heading("Risks"), Paragraph(sentences[2]),
        Table(f"Risk register: likelihood × impact before and after mitigation (appetite "
              f"{limit:g})", ("Risk", "Owner", "Before mitigation", "After mitigation",
                              "Review on", "Status", "Against appetite"), risks)))


def _after(risk: dict) -> str:
    if risk["residual_likelihood"] is None or risk["residual_impact"] is None:
        return "not assessed"
    return (f"{risk['residual_likelihood']} × {risk['residual_impact']} = "
            f"{risk['residual_likelihood'] * risk['residual_impact']}")
