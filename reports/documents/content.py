"""The committee pack and the cabinet one-pager as document models, from `metrics` figures.

Pure: Sources, targets, settings and reference rows in, a `model.Document` out. Every figure
comes from `metrics.compute.compute` (monthly) and `metrics.periods.period_totals` (a half-year:
numerators and denominators summed over its months, then divided), and every figure printed
has passed `metrics.export.published` (counts 1–4 read `<5`; a rate whose denominator is below
10 is not shown), charts and sentences included: a chart draws only published values. Every
phrase about a figure (its change, direction, arrow and verdicts) comes from `metrics.wording`,
as on the dashboard; each technical term is explained where it is first used and in the
glossary (`narrative.GLOSSARY`).
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from metrics.actions import BEFORE_MONTHS, before_and_after
from metrics.complaints_view import as_of_date, themes_by_month
from metrics.compute import Query, Sources, Standards, compute
from metrics.export import published
from metrics.intervals import wilson
from metrics.labels import readable
from metrics.learning_view import upheld_by
from metrics.months import months_between, shift_month
from metrics.periods import period_totals
from metrics.prices import NOTIONAL, has_uplift, prices_text, uplift_text, uplifted
from metrics.publish import suppress_count, thresholds
from metrics.registry import HEADLINE_ONLY, REGISTRY, THEMES, Kpi, headline_kpis, measure
from metrics.scorecard import scorecard, series_spc
from metrics.spc import ChangePoint, SpcResult
from metrics.wording import (
    bounded,
    change,
    format_value,
    period_words,
    rag_line,
    rag_shown,
    spc_short,
    versus,
)
from reports.charts.base import signal_words
from reports.documents.drawing import Limits, bar_or_line_chart
from reports.documents.halves import half_months, half_name, month_name, shift_half
from reports.documents.model import (
    Chart,
    Document,
    Heading,
    Paragraph,
    Section,
    Table,
    Tiles,
    TileView,
)
from reports.documents.narrative import GLOSSARY, gloss, kpi_sentence, theme_sentence
from reports.documents.programme import (
    ProgrammeReport,
    exception_lines,
    executive_summary,
    kpi_commentary,
    programme_section,
)

# A special cause in a chart's table, with the shape the chart marks it with.
MARK_WORDS = {"improvement": "▲ improvement", "concern": "▼ concern",
              "neither": "◆ neither better nor worse"}
NOT_SHOWN = "not shown"
NO_DATA = "no data"
CHART_MONTHS = 12
TOP_THEMES = 6
MONEY = ("cost_to_serve_gbp", "channel_shift_saving_gbp")


@dataclass(frozen=True)
class Figure:
    """A published figure: `value` is None unless it may be printed as a number."""

    value: float | None
    text: str  # as printed: "78.2 %", "<5", "not shown", "no data"
    based_on: str  # the published denominator, "" for KPIs without one
    numerator: float | None = None  # with a printed value: the count behind it


@dataclass(frozen=True)
class Reference:
    """What the method notes read besides the figures."""

    assumptions: pl.DataFrame  # ref_channel_assumptions: channel, unit_cost_gbp, cost_source, ...
    settings: dict[str, str]
    latest_load: datetime | None


def _figures(totals: pl.DataFrame, settings: dict[str, str]) -> dict[str, Figure]:
    """kpi -> Figure, from rows holding kpi, numerator, denominator, value."""
    return _published(totals.with_columns(period=pl.lit("")), settings, {})[""]


# The stages of a complaint are the parts of all complaints received.
STAGES = {"stage1_complaints_received": "complaints_received",
          "stage2_escalations_received": "complaints_received"}


def _published(frame: pl.DataFrame, settings: dict[str, str],
               totals: dict) -> dict[str, dict[str, Figure]]:
    """period -> kpi -> Figure, from rows holding period, kpi, numerator, denominator, value,
    published as one table: `totals` says which periods are totals of which (the half of its
    months), and the stages are parts of all complaints (`metrics.publish.families`)."""
    frame = frame.select("period", "kpi", "numerator", "denominator", "value")
    shown = published(frame, settings, {**totals, "kpi": STAGES.get})
    out: dict[str, dict[str, Figure]] = {}
    for raw, text in zip(frame.iter_rows(named=True), shown.iter_rows(named=True)):
        kpi = measure(raw["kpi"])
        based_on = (text["denominator"] or "") if kpi.has_denominator else ""
        if text["value"] is None:
            figure = Figure(None, NOT_SHOWN if raw["value"] is not None else NO_DATA, based_on)
        elif text["value"].startswith("<"):
            figure = Figure(None, text["value"], based_on)
        else:
            figure = Figure(raw["value"], format_value(kpi, raw["value"]), based_on,
                            raw["numerator"])
        out.setdefault(raw["period"], {})[kpi.id] = figure
    return out


def _missing(kpi_id: str, figures: dict[str, Figure]) -> Figure:
    return figures.get(kpi_id, Figure(None, NO_DATA, ""))


@dataclass(frozen=True)
class _Figures:
    """Everything the pack prints, computed once."""

    half: dict[str, Figure]
    previous: dict[str, Figure]
    year_ago: dict[str, Figure]
    monthly: dict[str, dict[str, Figure]]  # month -> kpi -> Figure, the chart's 12 months
    spc: dict[str, tuple[list[str], SpcResult]]  # kpi -> its months and their SPC reading
    at_later_prices: dict[str, Figure]  # the money figures of the half, uplifted (if recorded)


def _pack_figures(sources: Sources, half: str, targets, reference: Reference) -> _Figures:
    settings = reference.settings
    months = half_months(half)
    last = months[-1]
    query = Query(last_month=last, kpis=(*REGISTRY, *HEADLINE_ONLY))
    long = compute(sources, query)

    def totals(frame: pl.DataFrame, months: list[str]) -> pl.DataFrame:
        return period_totals(frame.filter(pl.col("month").is_in(months)))

    # Every month the charts draw and every half the pack names, published as one table: the
    # months of a half are its parts, so that none withheld is the half less the others.
    chart_months = months_between(shift_month(last, -(CHART_MONTHS - 1)), last)
    halves = [half, shift_half(half, -1), shift_half(half, -2)]
    half_of = {m: h for h in halves for m in half_months(h)}
    figures = _published(pl.concat([
        *(long.filter(pl.col("month") == m).with_columns(period=pl.lit(m))
          .select("period", "kpi", "numerator", "denominator", "value") for m in chart_months),
        *(totals(long, half_months(h)).with_columns(period=pl.lit(h))
          .select("period", "kpi", "numerator", "denominator", "value") for h in halves)]),
        settings, {"period": half_of.get})
    monthly = {m: figures.get(m, {}) for m in chart_months}
    spc = {}
    for kpi in headline_kpis():
        rows = long.filter((pl.col("kpi") == kpi.id) & pl.col("value").is_not_null())
        if rows.height == 0:
            continue
        series = months_between(rows.get_column("month").min(), last)
        values = dict(rows.select("month", "value").iter_rows())
        target = targets.get(kpi.id, (None, None))[0] if kpi.better else None
        spc[kpi.id] = (series, series_spc(kpi, series, [values.get(m) for m in series], target,
                                          sources.change_points))
    later = {}
    if has_uplift(reference.assumptions):
        priced = compute(uplifted(sources, reference.assumptions),
                         Query(first_month=months[0], last_month=last, kpis=MONEY))
        later = _figures(totals(priced, months), settings)
    return _Figures(half=figures.get(half, {}), previous=figures.get(halves[1], {}),
                    year_ago=figures.get(halves[2], {}), monthly=monthly, spc=spc,
                    at_later_prices=later)


def _spc_of(kpi: Kpi, f: _Figures) -> SpcResult:
    """The measure's SPC reading to the half's end (no figures at all: nothing to read)."""
    return f.spc[kpi.id][1] if kpi.id in f.spc else series_spc(kpi, [], [], None, ())


def _rag_text(kpi: Kpi, figure: Figure, targets) -> str:
    target, tolerance = targets.get(kpi.id, (None, None))
    if target is None or kpi.better is None:
        return "no target"
    status = rag_shown(kpi, figure.value, target, tolerance)
    return f"{status.icon} {status.words}" if status else NOT_SHOWN


def _target_text(kpi: Kpi, targets) -> str:
    target = targets.get(kpi.id, (None, None))[0]
    return format_value(kpi, target) if target is not None and kpi.better else "none"


def _change_text(kpi: Kpi, now: Figure, before: Figure) -> str:
    """"↓ −5.5 points (better)", from the two printed figures; "—" when either is not."""
    moved = change(kpi, now.value, before.value)
    if moved is None:
        return "—"
    verdict = f" ({moved.judgement})" if moved.judgement else ""
    return f"{moved.arrow} {moved.text}{verdict}"


def _cover_date(sources: Sources) -> str:
    day = as_of_date(sources.as_of)
    return f"Figures up to {day:%-d %B %Y}, the date of the latest contact loaded." if day \
        else "No contacts are loaded yet."


def pack(sources: Sources, half: str, targets: dict[str, tuple[float, float]],
         reference: Reference, programme: ProgrammeReport | None = None) -> Document:
    """The six-monthly committee pack for `half` ("2025-H1"); with the programme, it opens with
    the executive summary and the programme section, and each measure carries its officer's
    approved commentary."""
    figures = _pack_figures(sources, half, targets, reference)
    name = half_name(half)
    # Labels, descriptions and formulas state the warehouse's own service standards.
    shown = [k.worded(sources.standards) for k in headline_kpis()]
    opening = ()
    notes = {}
    if programme is not None:
        published = {(m, k): (figure.value, figure.text)
                     for m, kpis in figures.monthly.items() for k, figure in kpis.items()}
        opening = (executive_summary(programme, name),
                   programme_section(programme, name, published))
        notes = kpi_commentary(programme)
    sections = (*opening, _summary(shown, figures, half, targets),
                *(_theme(shown, theme, title, figures, half, targets, reference, notes)
                  for theme, title in THEMES.items()),
                _complaints(sources, figures, half, reference.settings),
                _method(shown, sources, figures, half, reference),
                _glossary())
    return Document(
        title="Customer services: six-monthly progress report",
        subtitle=f"{name} ({half})",
        cover=("For the scrutiny committee", _cover_date(sources),
               "Small numbers are suppressed: a count from 1 to 4 reads <5, and a rate based "
               "on fewer than 10 cases, or on a count from 1 to 4, is not shown."),
        sections=sections)


def _summary(kpis: list[Kpi], f: _Figures, half: str, targets) -> Section:
    name = half_name(half)
    header = ("Measure", name, "Previous six months", "Change on the previous six months",
              "Same half a year earlier", "Target", "Against target", "Latest month (SPC)")
    rows = []
    for k in kpis:
        now, before = _missing(k.id, f.half), _missing(k.id, f.previous)
        rows.append((k.label, now.text, before.text, _change_text(k, now, before),
                     _missing(k.id, f.year_ago).text, _target_text(k, targets),
                     _rag_text(k, now, targets), spc_short(_spc_of(k, f))))
    return Section("summary", "Summary", (
        Paragraph(f"The headline measures for {name}, each added up over the six months, "
                  f"against the previous six months and the same six months a year earlier. "
                  f"A change in a percentage is given in {gloss('percentage points')}, worked "
                  f"out from the figures as printed. 'Against target' compares the six-month "
                  f"figure, as printed, with the council's target."),
        Paragraph(f"The last column reads each measure's monthly figures with "
                  f"{gloss('statistical process control (SPC)')}, so that only a real change "
                  f"is called one. A month within {gloss('normal variation')} is no evidence of "
                  f"change; a {gloss('special cause')} is. Each month is judged against "
                  f"{gloss('process limits')}. They are worked out again for each "
                  f"{gloss('period')}."),
        Paragraph(f"Among the measures, {gloss('failure demand')} and "
                  f"{gloss('right first time')} show how often the council gets things right "
                  f"for residents; savings from {gloss('channel shift')} are a "
                  f"{gloss('notional saving')}. Stage 1 complaints and escalations to stage 2 "
                  f"are counted apart: an escalation is a complaint already counted at stage 1, "
                  f"taken further. A glossary at the end explains every term."),
        Table(f"Headline measures, {name}", header, tuple(rows))))


def _theme(kpis: list[Kpi], theme: str, title: str, f: _Figures, half: str, targets,
           reference: Reference, notes: dict[str, tuple[str, str]]) -> Section:
    name = half_name(half)
    blocks: list = []
    last = half_months(half)[-1]
    chart_months = months_between(shift_month(last, -(CHART_MONTHS - 1)), last)
    for kpi in (k for k in kpis if k.theme == theme):
        now, before = _missing(kpi.id, f.half), _missing(kpi.id, f.previous)
        sentence = kpi_sentence(kpi, now.value, now.text, before.value, before.text,
                                name, "the previous six months", _spc_of(kpi, f),
                                month_name(last))
        commentary = ([Paragraph(f"Officer's commentary{notes[kpi.id][0]}: "
                                 f"{notes[kpi.id][1]}")] if kpi.id in notes else [])
        blocks += [Heading(kpi.label), Paragraph(sentence),
                   *_context(kpi, now, f, reference), *commentary,
                   _kpi_chart(kpi, chart_months, f, targets, sentence)]
    return Section(theme, title, tuple(blocks))


def _context(kpi: Kpi, now: Figure, f: _Figures, reference: Reference) -> list[Paragraph]:
    """What a reader needs beside some figures: the price base of money, the interval of a
    satisfaction rate."""
    if kpi.id in MONEY:
        prices = prices_text(reference.assumptions)
        base = gloss("price base") if kpi.id == MONEY[0] else "price base"  # explained once
        text = (f"These figures are at {prices}, the years of the unit costs' sources: that is "
                f"their {base}.")
        if kpi.id == "channel_shift_saving_gbp":
            text += f" The saving is {NOTIONAL}."
        later = f.at_later_prices.get(kpi.id)
        if later is not None and later.value is not None:
            text += (f" At {prices_text(reference.assumptions, uplifted=True)}, with the "
                     f"council's uplift ({uplift_text(reference.assumptions)}), it would be "
                     f"{later.text}.")
        return [Paragraph(text)]
    if kpi.id == "csat_pct" and now.value is not None and now.based_on.isdigit():
        low, high = wilson(int(now.numerator), int(now.based_on))
        return [Paragraph(
            f"Its 95 % {gloss('Wilson interval')} is {format_value(kpi, 100 * low)} to "
            f"{format_value(kpi, 100 * high)}, from {int(now.based_on):,} answers.")]
    return []


def _kpi_chart(kpi: Kpi, months: list[str], f: _Figures, targets, sentence: str) -> Chart:
    points = [_missing(kpi.id, f.monthly.get(m, {})) for m in months]
    target = targets.get(kpi.id, (None, None))[0] if kpi.better else None
    bars = kpi.unit in ("count", "£", "kg CO2e")
    window = _spc_of(kpi, f).tail(len(months))
    offset = len(months) - len(window.values)  # months before the measure's first figure
    limits = [Limits(p.start + offset,
                     (window.periods[i + 1].start if i + 1 < len(window.periods)
                      else len(window.values)) + offset - 1,
                     p.mean, bounded(kpi, p.lower), bounded(kpi, p.upper))
              for i, p in enumerate(window.periods)]
    marks = [None] * offset + [s if p.value is not None else None
                               for s, p in zip(window.signals, points[offset:])]
    drawing = bar_or_line_chart([m[2:] for m in months], [p.value for p in points], kpi.unit,
                                bars, target, limits, marks, kpi.bounds)
    names = [month_name(m) for m in months]
    header = ("Month", kpi.label, *(("Based on",) if kpi.has_denominator else ()),
              "Process limits", "Special cause")
    rows = []
    for i, (month, point) in enumerate(zip(names, points)):
        period = next((p for p in reversed(limits) if p.first <= i), None)
        bounds = (f"{format_value(kpi, period.lower)} to {format_value(kpi, period.upper)}"
                  if period else "")
        rows.append((month, point.text, *((point.based_on,) if kpi.has_denominator else ()),
                     bounds, MARK_WORDS.get(marks[i], "")))
    gaps = sum(p.value is None for p in points)
    shown_marks = [m if p.value is not None else None for m, p in zip(marks, points)]
    periods = "; ".join(period_words(p, names[p.start + offset]) for p in window.periods)
    alt = (f"{'Bar' if bars else 'Line'} chart of {kpi.label.lower()} for each month from "
           f"{names[0]} to {names[-1]}{_target_words(kpi, target)}"
           f"{', and the centre line and process limits of each SPC period' if limits else ''}."
           f"{f' Periods: {periods}.' if periods else ''}"
           f"{' ' + signal_words(names, _marked(window, shown_marks[offset:])) if limits else ''}"
           f" {sentence}"
           f"{f' {gaps} months are not drawn (no data or too few cases).' if gaps else ''}"
           f" The table that follows gives every figure.")
    return Chart(f"{kpi.label}, by month", alt, drawing,
                 Table(f"{kpi.label} by month (the data of the chart above)", header,
                       tuple(rows)))


def _marked(spc: SpcResult, marks: list[str | None]) -> SpcResult:
    """The reading with only the marks drawn (a month not published is not marked)."""
    return SpcResult(spc.values, spc.mean, spc.lower, spc.upper, marks, spc.rules,
                     spc.variation, spc.assurance, spc.periods, spc.sides)


def _target_words(kpi: Kpi, target: float | None) -> str:
    if target is None:
        return ""
    return f", with the target of {format_value(kpi, target)} as a dashed line"


def _complaints(sources: Sources, f: _Figures, half: str, settings) -> Section:
    threshold, _ = thresholds(settings)
    name = half_name(half)
    months, before = half_months(half), half_months(shift_half(half, -1))
    themes = themes_by_month(sources.complaints,
                             Query(first_month=before[0], last_month=months[-1]), stage=1)
    counts = (themes.group_by("category").agg(
        pl.col("complaints").filter(pl.col("month").is_in(months)).sum().alias("now"),
        pl.col("complaints").filter(pl.col("month").is_in(before)).sum().alias("before"))
        .filter(pl.col("now") > 0).sort(["now", "category"], descending=[True, False])
        .head(TOP_THEMES))
    new, escalated = (_missing(k, f.half) for k in HEADLINE_ONLY)
    new_before, escalated_before = (_missing(k, f.previous) for k in HEADLINE_ONLY)
    blocks: list = [Paragraph(
        f"In {name} the council received {new.text} new complaints (stage 1), against "
        f"{new_before.text} in the previous six months, and {escalated.text} complaints were "
        f"escalated to stage 2, against {escalated_before.text}. An escalation is a complaint "
        f"already counted at stage 1, taken further by a complainant who was not satisfied, "
        f"so it is counted apart, not as another complaint."), Paragraph(
        "New complaints are grouped by the theme (category) recorded for them.")]
    rows, values = [], []
    for category, now, previous in counts.iter_rows():
        now_text, before_text = suppress_count(now, threshold), suppress_count(previous, threshold)
        publishable = now >= threshold and (previous >= threshold or previous == 0)
        moved = f"{now - previous:+d}".replace("-", "−") if publishable else "—"
        rows.append((readable(category), now_text, before_text, moved))
        values.append(float(now) if now >= threshold else None)
    if rows:
        top = rows[0]
        blocks.append(Paragraph(
            f"The most common theme of new complaints in {name} was {top[0].lower()} "
            f"({top[1]} complaints, against {top[2]} in the previous six months)."
            + _biggest_change(rows)))
        drawing = bar_or_line_chart([r[0][:14] for r in rows], values, "count", True)
        blocks.append(Chart(
            f"Top complaint themes, {name}",
            f"Bar chart of the {len(rows)} most common themes of new complaints in {name}: "
            + "; ".join(f"{r[0]} {r[1]}" for r in rows) + ". Themes with fewer than "
            f"{threshold} complaints are not drawn. The table that follows gives every figure.",
            drawing, Table(f"Top complaint themes, {name} (the data of the chart above)",
                           ("Theme", name, "Previous six months", "Change"), tuple(rows))))
    else:
        blocks.append(Paragraph(f"No new complaints were received in {name}."))
    stage_rows = []
    for kpi_id, stage, days in (("stage1_on_time_pct", "Stage 1", 10),
                                ("stage2_on_time_pct", "Stage 2", 20)):
        now, previous = _missing(kpi_id, f.half), _missing(kpi_id, f.previous)
        stage_rows.append((stage, f"{days} working days", now.text, now.based_on,
                           previous.text))
        blocks.append(Paragraph(kpi_sentence(
            REGISTRY[kpi_id], now.value, now.text, previous.value, previous.text, name,
            "the previous six months", _spc_of(REGISTRY[kpi_id], f), month_name(months[-1]))))
    blocks.append(Table(
        f"Replies on time at each stage, {name}",
        ("Stage", "Deadline (complaint handling codes)", f"On time, {name}", "Replies",
         "On time, previous six months"), tuple(stage_rows)))
    blocks.append(Paragraph(
        "The deadlines are those of the Local Government and Social Care Ombudsman's and the "
        "Housing Ombudsman's complaint handling codes: 10 working days at stage 1 and 20 at "
        "stage 2, from acknowledgement (or receipt), or a later date agreed with the "
        "complainant."))
    blocks += _upheld_by_theme(sources, half, settings)
    blocks += _actions_taken(sources, half, settings)
    return Section("complaints", "Complaints: what we learned", tuple(blocks))


def _upheld_by_theme(sources: Sources, half: str, settings) -> list:
    """Which themes of complaint were upheld most in the half: each theme's upheld rate with
    the counts behind it, published as the export publishes `upheld_pct`."""
    name, months = half_name(half), half_months(half)
    table = upheld_by(sources, Query(first_month=months[0], last_month=months[-1]), "category")
    if table.height == 0:
        return [Paragraph(f"No complaints were decided in {name}.")]
    shown = published(table.select(
        pl.lit("upheld_pct").alias("kpi"), pl.col("Upheld").cast(pl.Float64).alias("numerator"),
        pl.col("Decided").cast(pl.Float64).alias("denominator"),
        pl.col("Upheld %").alias("value")), settings)
    kpi = REGISTRY["upheld_pct"]
    rows = tuple(
        (readable(theme), upheld or NOT_SHOWN, decided or NOT_SHOWN,
         format_value(kpi, float(value)) if value is not None else NOT_SHOWN)
        for theme, (upheld, decided, value) in zip(
            table.get_column("Theme"), shown.select("numerator", "denominator", "value").rows()))
    return [Paragraph(
        f"What complaints taught the council: how often each theme of complaint decided in "
        f"{name} was upheld, in whole or in part, out of those upheld, partly upheld or not "
        f"upheld. A high rate shows where the council most often got things wrong."),
        Table(f"Complaints upheld by theme, {name}",
              ("Theme", "Upheld or partly upheld", "Decided", "Share upheld"), rows)]


def _actions_taken(sources: Sources, half: str, settings) -> list:
    """What the council changed because of complaints, up to the half's last month: each action
    with its measure before and after, published as the export publishes that KPI."""
    last = half_months(half)[-1]
    measured = before_and_after(sources, sources.actions, last)
    if measured.height == 0:
        return [Paragraph(f"No action against a complaint theme was recorded by the end of "
                          f"{half_name(half)}.")]
    sides = {side: published(measured.select(
        "kpi", pl.col(f"{side}_numerator").alias("numerator"),
        pl.col(f"{side}_denominator").alias("denominator"), pl.col(side).alias("value")),
        settings).get_column("value") for side in ("before", "after")}
    rows = tuple(
        (str(a["changed_on"]), readable(a["complaint_theme"]), a["service"], a["what_changed"],
         a["changed_by"], REGISTRY[a["kpi"]].label,
         _measured(a["kpi"], a["before"], before, a["before_first"], a["before_last"]),
         _measured(a["kpi"], a["after"], after, a["after_first"], a["after_last"]))
        for a, before, after in zip(measured.iter_rows(named=True), sides["before"],
                                    sides["after"]))
    return [Paragraph(
        f"What the council changed because of complaints, and the measure each change should "
        f"move: before is the {BEFORE_MONTHS} months before the change's month, after is its "
        f"month to {month_name(last)}. A complaint measure is counted for the theme in the "
        f"service; any other measure for the service."),
        Table(f"What we changed, to {month_name(last)}",
              ("Date", "Theme", "Service", "What changed", "Changed by", "Measure", "Before",
               "After"), rows)]


def _measured(kpi_id: str, value: float | None, published_value: float | None, first: str,
              last: str) -> str:
    """The published figure with its months: "no data" when nothing was counted, "not shown"
    when it is withheld."""
    kpi = REGISTRY[kpi_id]
    shown = (format_value(kpi, None) if value is None else NOT_SHOWN if published_value is None
             else format_value(kpi, float(published_value)))
    return f"{shown} ({first} to {last})"


def _biggest_change(rows: list[tuple[str, ...]]) -> str:
    moved = [(int(r[3].replace("−", "-")), r[0]) for r in rows
             if r[3] != "—" and r[3] not in ("+0", "0")]
    if not moved:
        return ""
    amount, category = max(moved, key=lambda m: (abs(m[0]), m[1]))
    return (f" The largest change among the published themes was {category.lower()}, "
            f"{'up' if amount > 0 else 'down'} by {abs(amount)} complaints.")


def _method(kpis: list[Kpi], sources: Sources, f: _Figures, half: str,
            reference: Reference) -> Section:
    threshold, min_denominator = thresholds(reference.settings)
    shown = {k.id for k in kpis}
    measures = (*kpis, *(k.worded(sources.standards) for k in REGISTRY.values()
                         if k.id not in shown))
    definitions = tuple((k.label, k.description, k.formula, k.unit,
                         {"higher": "higher", "lower": "lower"}.get(k.better or "", "neither"))
                        for k in measures)
    coverage = tuple((month_name(m), *(_missing(k, f.monthly[m]).text for k in (
                          "contacts", *HEADLINE_ONLY, "survey_responses")))
                     for m in half_months(half))
    a = reference.assumptions.sort("channel")
    assumptions = tuple(
        (readable(r["channel"]), f"£{r['unit_cost_gbp']:.2f}",
         f"{r['cost_source']} ({r['cost_year']})",
         f"×{r['uplift_factor']:.3f} to {r['uplift_year']} prices ({r['uplift_source']})"
         if r["uplift_factor"] is not None else "none",
         f"{r['carbon_kg']:g}", f"{r['carbon_source']} ({r['carbon_year']})")
        for r in a.iter_rows(named=True))
    as_of = sources.as_of.isoformat(timespec="minutes") if sources.as_of else "none"
    loaded = (reference.latest_load.isoformat(timespec="minutes")
              if reference.latest_load else "none")
    baseline = (f"{month_name(sources.baseline[0])} to {month_name(sources.baseline[1])}"
                if sources.baseline else "not set (no contacts)")
    recorded = "; ".join(_change_point_words(c, sources.standards)
                         for c in sources.change_points)
    uplift = (f" The council records an uplift of some unit costs to later prices "
              f"({uplift_text(reference.assumptions)}); where it does, the theme pages also "
              f"give the money figures at those prices." if has_uplift(reference.assumptions)
              else " No uplift to later prices is recorded, so none is applied.")
    return Section("method", "Method notes", (
        Heading("What each measure means"),
        Table("Definitions of every measure", ("Measure", "What it measures",
                                               "How it is counted", "Unit", "Better when"),
              definitions),
        Heading("Data coverage and freshness"),
        Paragraph(f"The latest contact loaded was received at {as_of} (UTC), the "
                  f"{gloss('data horizon')}; the latest file was loaded at {loaded} (UTC). "
                  f"Each figure belongs to the Europe/London calendar month of its date."),
        Table(f"Records in each month of {half_name(half)}",
              ("Month", "Contacts", "Stage 1 complaints received", "Escalations to stage 2",
               "Survey responses"), coverage),
        Heading("How SPC is read"),
        Paragraph("Each measure's monthly figures are read from its first month with a figure, "
                  "in periods. A period's centre line and process limits come from its first "
                  "12 months; a new period starts after 7 or more months in a row on one side "
                  "of the centre line, or where the council records a change, once 12 months "
                  "of the new period exist. The charts show the last 12 months with each "
                  "period's limits, and mark each special cause with a triangle (improvement: "
                  "pointing up; concern: pointing down) or a diamond (neither). "
                  + (f"Changes recorded: {recorded}." if recorded
                     else "No change has been recorded.")),
        Heading("Assumptions"),
        Paragraph(f"Cost and carbon figures use a unit cost and a carbon factor per channel, "
                  f"kept in the table ref_channel_assumptions with their sources and years. "
                  f"Money figures are at {prices_text(reference.assumptions)}, the years of "
                  f"the unit costs' sources.{uplift} Channel-shift savings compare each month "
                  f"with the channel mix of the baseline period, {baseline}; they are "
                  f"{NOTIONAL}."),
        Table("Unit costs and carbon factors", ("Channel", "Unit cost", "Cost source (year)",
                                               "Uplift to later prices",
                                               "kg CO2e per contact", "Carbon source (year)"),
              assumptions),
        Heading("Small numbers"),
        Paragraph(f"To protect individuals, every figure in this pack is published with small "
                  f"numbers suppressed: a count from 1 to {threshold - 1} is shown as "
                  f"<{threshold}, and a rate based on fewer than {min_denominator:g} cases, or "
                  f"whose count, or count of the rest, is from 1 to {threshold - 1}, is not "
                  f"shown ('{NOT_SHOWN}'), in tables, charts and sentences alike. So that no "
                  f"withheld figure can be worked out as a total less the figures shown (a "
                  f"half-year less its other months, say), one more figure of the same total "
                  f"is withheld with it where needed, and then also shows as <{threshold} or "
                  f"'{NOT_SHOWN}'.")))


def _change_point_words(point: ChangePoint, standards: Standards) -> str:
    """"April 2025, for every measure: the strategy starts"."""
    known = point.kpi in REGISTRY or point.kpi in HEADLINE_ONLY
    what = (measure(point.kpi).worded(standards).label.lower() if known
            else point.kpi or "every measure")
    return f"{month_name(point.month)}, for {what}: {point.reason}"


def _glossary() -> Section:
    return Section("glossary", "Glossary", (
        Paragraph("The terms this report uses, in plain words."),
        Table("Glossary", ("Term", "What it means"),
              tuple((term[0].upper() + term[1:], meaning)
                    for term, meaning in sorted(GLOSSARY.items(), key=lambda t: t[0].lower())
                    ))))


def one_pager(sources: Sources, month: str, targets: dict[str, tuple[float, float]],
              reference: Reference, programme: ProgrammeReport | None = None) -> Document:
    """The cabinet one-pager for `month`: every scorecard tile (the month's figure, its target,
    last month and a year ago with the direction, SPC), a sentence per theme and, with the
    programme, the month's exceptions."""
    tiles = scorecard(sources, month, targets)
    # The month, last month and a year ago, each published as the month's own figures are.
    now, last_month, year_ago = (_figures(pl.DataFrame(
        [(t.kpi.id, *t.rows.get(m, (None, None, None))) for t in tiles],
        schema={"kpi": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
                "value": pl.Float64}, orient="row"), reference.settings) if tiles else {}
        for m in (month, shift_month(month, -1), shift_month(month, -12)))
    prices = prices_text(reference.assumptions)
    views = []
    # Grouped by theme, in the strategy's order, as on the dashboard.
    for tile in sorted(tiles, key=lambda t: list(THEMES).index(t.kpi.theme)):
        kpi, figure = tile.kpi, now[tile.kpi.id]
        status = rag_shown(kpi, figure.value, tile.target, tile.tolerance)
        before, long_ago = last_month[kpi.id], year_ago[kpi.id]
        note = (f"At {prices}; {NOTIONAL}" if kpi.id == "channel_shift_saving_gbp"
                else f"At {prices}" if kpi.id in MONEY else "")
        views.append(TileView(
            kpi.label, THEMES[kpi.theme], figure.text, rag_line(kpi, status, tile.target),
            versus(kpi, figure.value, before.value, before.text, "Last month"),
            versus(kpi, figure.value, long_ago.value, long_ago.text, "A year ago"),
            f"SPC: {spc_short(tile.spc)}", note))
    sentences = []
    for theme, title in THEMES.items():
        mine = [t for t in tiles if t.kpi.theme == theme]
        rated = [rag_shown(t.kpi, now[t.kpi.id].value, t.target, t.tolerance) for t in mine
                 if t.target is not None and t.kpi.better]
        judged = [r for r in rated if r is not None]
        sentences.append(Paragraph(theme_sentence(
            title, sum(r.status == "green" for r in judged), len(judged),
            [t.kpi.label for t in mine if t.spc.variation == "improvement"],
            [t.kpi.label for t in mine if t.spc.variation == "concern"])))
    return Document(
        title="Customer services scorecard", subtitle=month_name(month),
        cover=("For cabinet. Each tile: the month's figure; its target and whether the figure "
               "as shown meets it; last month and a year ago, with the direction (↑ up, ↓ down, "
               "→ no change) and whether that is better or worse; and the month read with "
               "statistical process control (SPC): within normal variation, or a special "
               "cause, a real change. Counts 1–4 read <5; rates based on fewer than 10 cases, "
               "or on 1–4, are not shown. Exceptions: milestones slipping or overdue, risks above "
               "appetite, benefits below or above plan, measures red or an SPC concern.",),
        sections=(Section("scorecard", "Scorecard", (Tiles(tuple(views)), *sentences, *(
            (Heading("Exceptions this month"), *exception_lines(programme))
            if programme is not None else ()))),),
        landscape=True, contents=False)
