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
from metrics.risk_trend import risk_trends
from metrics.wording import (
    REASON_WORDS,
    benefits_sentence,
    counted,
    exceptions_sentence,
    milestones_sentence,
    risks_sentence,
)
from reports.documents.drawing import plan_actual_chart, timeline_chart
from reports.documents.halves import month_name
from reports.documents.model import Chart, Heading, Items, Paragraph, Section, Table

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
                      kpi_figures: dict[tuple[str, str], tuple[float | None, str]]) -> Section:
    """Milestones (a timeline of baseline against forecast, the report date marked), benefits
    against plan month by month (a chart per benefit), and the risk register with each risk's
    trend. `kpi_figures`: (month, kpi) -> the KPI's published figure (its value, None where
    withheld, and its text), printed and drawn as the actual of a benefit that names it."""
    p, when = report.programme, report.report_date
    sentences = status_sentences(report)
    return Section("programme", "The programme", (
        Paragraph(f"Where the programme stands at the report date, {day_text(when)}: its "
                  f"roadmap, the benefits it promised against their plan, and its risks."),
        Heading("Milestones"), Paragraph(sentences[0]),
        *_milestones(p.milestones, when, period_name),
        Heading("Benefits against plan"), Paragraph(sentences[1]),
        *_benefits(report, period_name, kpi_figures),
        Heading("Risks"), Paragraph(sentences[2]), _risks(report)))


MILESTONE_HEADER = ("Workstream", "Milestone", "Owner", "Baseline", "Forecast", "Completed",
                    "Status", "At the report date", "Reason")


def _milestones(milestones: pl.DataFrame, when: date, period_name: str) -> list:
    """The roadmap as a timeline, with the milestones' table as its data."""
    ordered = milestones.sort("baseline_due_on", "milestone_id")
    rows = tuple(
        (m["workstream"], m["title"], m["owner"] or "", _date(m["baseline_due_on"]),
         _date(m["forecast_due_on"] or m["baseline_due_on"]), _date(m["completed_on"]),
         readable(m["status"]), milestone_state(m, when), m["rag_reason"] or "")
        for m in ordered.iter_rows(named=True))
    caption = f"Milestones: baseline and forecast dates, {period_name}"
    if not rows:
        return [Table(caption, MILESTONE_HEADER, rows)]
    dates = [(m["title"], m["baseline_due_on"], m["forecast_due_on"] or m["baseline_due_on"])
             for m in ordered.iter_rows(named=True)]
    moved = [(t, b, f) for t, b, f in dates if f != b]
    states = [r[7] for r in rows]
    later = "; ".join(f"{t}, {day_text(b)} to {day_text(f)}" for t, b, f in moved)
    first, last = min(d[1] for d in dates), max(max(d[1], d[2]) for d in dates)
    alt = (f"Timeline of {counted(len(rows), 'milestone')} from {day_text(first)} to "
           f"{day_text(last)}: a circle at each baseline "
           f"date (first agreed) and a diamond at its forecast (now expected), with the report "
           f"date, {day_text(when)}, as a dashed line. "
           + (f"{counted(len(moved), 'milestone')} forecast on another date than agreed: "
              f"{later}. " if moved else "Every forecast is on its baseline date. ")
           + f"At the report date {states.count('complete')} complete, "
             f"{states.count('cancelled')} cancelled, {states.count('slipping')} slipping, "
             f"{states.count('overdue')} overdue and {states.count('on course')} on course. "
             f"The table that follows gives every figure.")
    drawing = timeline_chart(dates, when, f"Report date, {day_text(when)}")
    return [Chart("Milestones: baseline against forecast", alt, drawing,
                  Table(f"{caption} (the data of the chart above)", MILESTONE_HEADER, rows))]


BENEFIT_HEADER = ("Benefit", "Month", "Plan", "Actual", "Direction", "Against plan",
                  "Actual from")


def _benefits(report: ProgrammeReport, period_name: str,
              kpi_figures: dict[tuple[str, str], tuple[float | None, str]]) -> list:
    """A chart of each benefit's plan and actual for every month of the period (each month's
    own figure, not cumulative), with its months' table as its data."""
    share = tolerance(report.settings)
    months = period_months(report.period)
    rows = report.programme.benefits.filter(pl.col("month").is_in(months)).sort(
        "benefit_id", "month")
    if rows.height == 0:
        return [Table(f"Benefits, plan and actual by month, {period_name}", BENEFIT_HEADER, ())]
    blocks = []
    for _, months_of in rows.group_by("benefit_id", maintain_order=True):
        table, planned, actual, verdicts = [], [], [], []
        for b in months_of.iter_rows(named=True):
            value, text = (kpi_figures.get((b["month"], b["kpi"]), (None, "not shown"))
                           if b["kpi"] else (b["actual"], _amount(b["actual"], b["unit"])))
            verdict = ("no actual yet" if b["actual"] is None else
                       benefit_reason(b["planned"], b["actual"], b["better"], share)
                       or "within tolerance")
            table.append((b["title"], b["month"], _amount(b["planned"], b["unit"]), text,
                          f"{b['better']} is better", verdict,
                          f"the measure {report.labels[b['kpi']].lower()}" if b["kpi"]
                          else "typed in"))
            planned.append(b["planned"])
            actual.append(value)
            verdicts.append(verdict)
        title = months_of.item(0, "title")
        blocks.append(Chart(
            f"{title}: plan and actual by month", _benefit_alt(title, table, verdicts, share),
            plan_actual_chart([m[2:] for m in months_of.get_column("month")], planned, actual,
                              months_of.item(0, "unit") or ""),
            Table(f"{title}: plan and actual by month, {period_name} (the data of the chart "
                  f"above)", BENEFIT_HEADER, tuple(table))))
    return blocks


def _benefit_alt(title: str, table: list[tuple[str, ...]], verdicts: list[str],
                 share: float) -> str:
    """What the chart shows, from the rows of its table: the latest month with an actual shown
    against its plan, and how many months miss the plan."""
    shown = [(r, v) for r, v in zip(table, verdicts) if r[3] not in ("no actual yet",
                                                                      "not shown")]
    missed = sum(v in ("below plan", "above plan") for v in verdicts)
    latest = (f" In {month_name(shown[-1][0][1])} the actual was {shown[-1][0][3]} against a "
              f"plan of {shown[-1][0][2]} ({shown[-1][1]})." if shown else
              " No actual is shown yet.")
    first, last = month_name(table[0][1]), month_name(table[-1][1])
    return (f"Line chart of {title}, each month's plan and actual "
            f"{f'from {first} to {last}' if first != last else f'for {first}'} (each month on "
            f"its own, not added up): the plan dashed with squares, the actual solid with circles."
            f"{latest} {missed} of {counted(len(table), 'month')} "
            f"{'misses' if missed == 1 else 'miss'} the plan by more than {share * 100:g} %; "
            f"{len(table) - len(shown)} without an actual shown. The table that follows gives "
            f"every figure.")


def _risks(report: ProgrammeReport) -> Table:
    """The register: scores before and after mitigation, the current score against the one
    recorded before it and the trend, the review date and where it stands."""
    limit = appetite(report.settings)
    risks = report.programme.risks
    trends = risk_trends(risks, report.programme.risk_scores)
    rows = tuple(
        (r["title"], r["owner"] or "", f"{r['likelihood']} × {r['impact']} = "
         f"{r['likelihood'] * r['impact']}", _after(r), str(t["current_score"]),
         _previous(t["previous_score"]), t["trend"], _date(r["review_on"]), r["status"],
         "at or above appetite" if r["status"] == "open" and current_score(r) >= limit
         else "below appetite" if r["status"] == "open" else "closed")
        for r, t in zip(risks.iter_rows(named=True), trends.iter_rows(named=True)))
    return Table(f"Risk register: likelihood × impact before and after mitigation, the current "
                 f"score against the one recorded before it (appetite {limit:g})",
                 ("Risk", "Owner", "Before mitigation", "After mitigation", "Current score",
                  "Previous score", "Trend", "Review on", "Status", "Against appetite"), rows)


def _previous(score: int | None) -> str:
    return "none recorded" if score is None else str(score)


def _after(risk: dict) -> str:
    if risk["residual_likelihood"] is None or risk["residual_impact"] is None:
        return "not assessed"
    return (f"{risk['residual_likelihood']} × {risk['residual_impact']} = "
            f"{risk['residual_likelihood'] * risk['residual_impact']}")
