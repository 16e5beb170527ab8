"""The committee pack and the cabinet one-pager as document models, from `metrics` figures.

Pure: Sources, targets, settings and reference rows in, a `model.Document` out. Every figure
comes from `metrics.compute.compute` (monthly) and `metrics.periods.period_totals` (a half-year:
numerators and denominators summed over its months, then divided), and every figure printed
has passed `metrics.export.published` (counts 1–4 read `<5`; a rate whose denominator is below
10 is not shown), charts and sentences included: a chart draws only published values.
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from metrics.complaints_view import themes_by_month
from metrics.compute import Query, Sources, compute
from metrics.export import published
from metrics.labels import readable
from metrics.months import months_between, shift_month
from metrics.periods import period_totals
from metrics.publish import suppress_count, thresholds
from metrics.registry import REGISTRY, THEMES, Kpi
from metrics.scorecard import HISTORY_MONTHS, format_value, scorecard
from metrics.spc import SpcResult, variation_text, xmr
from metrics.targets import rag
from reports.documents.drawing import bar_or_line_chart
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
from reports.documents.narrative import kpi_sentence, theme_sentence

NOT_SHOWN = "not shown"
NO_DATA = "no data"
CHART_MONTHS = 12
TOP_THEMES = 6
SPC_ICONS = {"improvement": "⬆", "concern": "⬇", "neither": "◆", "common_cause": "↔", None: "…"}


@dataclass(frozen=True)
class Figure:
    """A published figure: `value` is None unless it may be printed as a number."""

    value: float | None
    text: str  # as printed: "78.2 %", "<5", "not shown", "no data"
    based_on: str  # the published denominator, "" for KPIs without one


@dataclass(frozen=True)
class Reference:
    """What the method notes read besides the figures."""

    assumptions: pl.DataFrame  # ref_channel_assumptions: channel, unit_cost_gbp, cost_source, ...
    settings: dict[str, str]
    latest_load: datetime | None


def _figures(totals: pl.DataFrame, settings: dict[str, str]) -> dict[str, Figure]:
    """kpi -> Figure, from rows holding kpi, numerator, denominator, value."""
    shown = published(totals.select("kpi", "numerator", "denominator", "value"), settings)
    out = {}
    for raw, text in zip(totals.iter_rows(named=True), shown.iter_rows(named=True)):
        kpi = REGISTRY[raw["kpi"]]
        based_on = (text["denominator"] or "") if kpi.has_denominator else ""
        if text["value"] is None:
            out[kpi.id] = Figure(None, NOT_SHOWN if raw["value"] is not None else NO_DATA,
                                 based_on)
        elif text["value"].startswith("<"):
            out[kpi.id] = Figure(None, text["value"], based_on)
        else:
            out[kpi.id] = Figure(raw["value"], format_value(kpi, raw["value"]), based_on)
    return out


def _missing(kpi_id: str, figures: dict[str, Figure]) -> Figure:
    return figures.get(kpi_id, Figure(None, NO_DATA, ""))


@dataclass(frozen=True)
class _Figures:
    """Everything the pack prints, computed once."""

    half: dict[str, Figure]
    previous: dict[str, Figure]
    year_ago: dict[str, Figure]
    monthly: dict[str, dict[str, Figure]]  # month -> kpi -> Figure
    spc: dict[str, SpcResult]


def _pack_figures(sources: Sources, half: str, targets, settings) -> _Figures:
    months = half_months(half)
    last = months[-1]
    first = shift_month(last, -(HISTORY_MONTHS - 1))
    long = compute(sources, Query(first_month=first, last_month=last))

    def totals(months: list[str]) -> dict[str, Figure]:
        return _figures(period_totals(long.filter(pl.col("month").is_in(months))), settings)

    monthly = {m: _figures(long.filter(pl.col("month") == m), settings)
               for m in months_between(first, last)}
    spc = {}
    for kpi in REGISTRY.values():
        rows = dict(long.filter(pl.col("kpi") == kpi.id).select("month", "value").iter_rows())
        spc[kpi.id] = xmr([rows.get(m) for m in months_between(first, last)], kpi.better,
                          targets.get(kpi.id, (None, None))[0])
    return _Figures(half=totals(months), previous=totals(half_months(shift_half(half, -1))),
                    year_ago=totals(half_months(shift_half(half, -2))), monthly=monthly,
                    spc=spc)


def _rag_text(kpi: Kpi, figure: Figure, targets) -> str:
    target, tolerance = targets.get(kpi.id, (None, None))
    if target is None or kpi.better is None:
        return "no target"
    status = rag(figure.value, target, kpi.better, tolerance)
    return f"{status.icon} {status.words}" if status else NOT_SHOWN


def _spc_text(spc: SpcResult) -> str:
    return f"{SPC_ICONS[spc.variation]} {variation_text(spc)}"


def _target_text(kpi: Kpi, targets) -> str:
    target = targets.get(kpi.id, (None, None))[0]
    return format_value(kpi, target) if target is not None else "none"


def pack(sources: Sources, half: str, targets: dict[str, tuple[float, float]],
         reference: Reference) -> Document:
    """The six-monthly committee pack for `half` ("2025-H1")."""
    figures = _pack_figures(sources, half, targets, reference.settings)
    name = half_name(half)
    as_of = sources.as_of.date().isoformat() if sources.as_of else "no data loaded"
    # Labels, descriptions and formulas state the warehouse's own service standards.
    kpis = [k.worded(sources.standards) for k in REGISTRY.values()]
    sections = (_summary(kpis, figures, half, targets),
                *(_theme(kpis, theme, title, figures, half, targets)
                  for theme, title in THEMES.items()),
                _complaints(sources, figures, half, reference.settings),
                _method(kpis, sources, figures, half, reference))
    return Document(
        title="Customer services: six-monthly progress report",
        subtitle=f"{name} ({half})",
        cover=("For the scrutiny committee", f"Figures to the data horizon of {as_of}",
               "Small numbers are suppressed: a count from 1 to 4 reads <5 and a rate based "
               "on fewer than 10 cases is not shown."),
        sections=sections)


def _summary(kpis: list[Kpi], f: _Figures, half: str, targets) -> Section:
    name = half_name(half)
    header = ("Measure", name, "Previous six months", "Same half a year earlier", "Target",
              "Against target", "Monthly trend (SPC)")
    rows = tuple((k.label, _missing(k.id, f.half).text, _missing(k.id, f.previous).text,
                  _missing(k.id, f.year_ago).text, _target_text(k, targets),
                  _rag_text(k, _missing(k.id, f.half), targets), _spc_text(f.spc[k.id]))
                 for k in kpis)
    return Section("summary", "Summary", (
        Paragraph(f"The headline measures for {name}, each added up over the six months, "
                  f"against the previous six months and the same six months a year earlier. "
                  f"'Against target' compares the six-month figure with the target; the "
                  f"monthly trend reads the last {HISTORY_MONTHS} months as a statistical "
                  f"process control (SPC) chart, so that only a real change is called one."),
        Table(f"Headline measures, {name}", header, rows)))


def _theme(kpis: list[Kpi], theme: str, title: str, f: _Figures, half: str,
           targets) -> Section:
    name = half_name(half)
    blocks: list = []
    last = half_months(half)[-1]
    chart_months = months_between(shift_month(last, -(CHART_MONTHS - 1)), last)
    for kpi in (k for k in kpis if k.theme == theme):
        now, before = _missing(kpi.id, f.half), _missing(kpi.id, f.previous)
        sentence = kpi_sentence(kpi, now.value, now.text, before.value, before.text,
                                name, "the previous six months", f.spc[kpi.id])
        blocks += [Heading(kpi.label), Paragraph(sentence),
                   _kpi_chart(kpi, chart_months, f, targets, sentence)]
    return Section(theme, title, tuple(blocks))


def _kpi_chart(kpi: Kpi, months: list[str], f: _Figures, targets, sentence: str) -> Chart:
    points = [_missing(kpi.id, f.monthly.get(m, {})) for m in months]
    target = targets.get(kpi.id, (None, None))[0] if kpi.better else None
    bars = kpi.unit in ("count", "£", "kg CO2e")
    spc = f.spc[kpi.id]
    limits = (spc.mean, spc.lower, spc.upper) if spc.mean is not None else None
    drawing = bar_or_line_chart([m[2:] for m in months], [p.value for p in points], kpi.unit,
                                bars, target, limits)
    header = ("Month", kpi.label) + (("Based on",) if kpi.has_denominator else ())
    rows = tuple((month_name(m), p.text) + ((p.based_on,) if kpi.has_denominator else ())
                 for m, p in zip(months, points))
    gaps = sum(p.value is None for p in points)
    alt = (f"{'Bar' if bars else 'Line'} chart of {kpi.label.lower()} for each month from "
           f"{month_name(months[0])} to {month_name(months[-1])}"
           f"{_target_words(kpi, target)}"
           f"{', and the SPC mean and process limits' if limits else ''}. {sentence}"
           f"{f' {gaps} months are not drawn (no data or too few cases).' if gaps else ''}"
           f" The table that follows gives every figure.")
    return Chart(f"{kpi.label}, by month", alt, drawing,
                 Table(f"{kpi.label} by month (the data of the chart above)", header, rows))


def _target_words(kpi: Kpi, target: float | None) -> str:
    if target is None:
        return ""
    return f", with the target of {format_value(kpi, target)} as a dashed line"


def _complaints(sources: Sources, f: _Figures, half: str, settings) -> Section:
    threshold, _ = thresholds(settings)
    name = half_name(half)
    months, before = half_months(half), half_months(shift_half(half, -1))
    themes = themes_by_month(sources.complaints,
                             Query(first_month=before[0], last_month=months[-1]))
    counts = (themes.group_by("category").agg(
        pl.col("complaints").filter(pl.col("month").is_in(months)).sum().alias("now"),
        pl.col("complaints").filter(pl.col("month").is_in(before)).sum().alias("before"))
        .filter(pl.col("now") > 0).sort(["now", "category"], descending=[True, False])
        .head(TOP_THEMES))
    blocks: list = [Paragraph(
        "Complaints are grouped by the theme (category) recorded for them; each stage of a "
        "complaint counts once.")]
    rows, values = [], []
    for category, now, previous in counts.iter_rows():
        now_text, before_text = suppress_count(now, threshold), suppress_count(previous, threshold)
        publishable = now >= threshold and (previous >= threshold or previous == 0)
        change = f"{now - previous:+d}" if publishable else "—"
        rows.append((readable(category), now_text, before_text, change))
        values.append(float(now) if now >= threshold else None)
    if rows:
        top = rows[0]
        blocks.append(Paragraph(
            f"The most common theme in {name} was {top[0].lower()} ({top[1]} complaints, "
            f"against {top[2]} in the previous six months)." + _biggest_change(rows)))
        drawing = bar_or_line_chart([r[0][:14] for r in rows], values, "count", True)
        blocks.append(Chart(
            f"Top complaint themes, {name}",
            f"Bar chart of the {len(rows)} most common complaint themes in {name}: "
            + "; ".join(f"{r[0]} {r[1]}" for r in rows) + ". Themes with fewer than "
            f"{threshold} complaints are not drawn. The table that follows gives every figure.",
            drawing, Table(f"Top complaint themes, {name} (the data of the chart above)",
                           ("Theme", name, "Previous six months", "Change"), tuple(rows))))
    else:
        blocks.append(Paragraph(f"No complaints were received in {name}."))
    stage_rows = []
    for kpi_id, stage, days in (("stage1_on_time_pct", "Stage 1", 10),
                                ("stage2_on_time_pct", "Stage 2", 20)):
        now, previous = _missing(kpi_id, f.half), _missing(kpi_id, f.previous)
        stage_rows.append((stage, f"{days} working days", now.text, now.based_on,
                           previous.text))
        blocks.append(Paragraph(kpi_sentence(
            REGISTRY[kpi_id], now.value, now.text, previous.value, previous.text, name,
            "the previous six months", f.spc[kpi_id])))
    blocks.append(Table(
        f"Replies on time at each stage, {name}",
        ("Stage", "Deadline (complaint handling codes)", f"On time, {name}", "Replies",
         "On time, previous six months"), tuple(stage_rows)))
    blocks.append(Paragraph(
        "The deadlines are those of the Local Government and Social Care Ombudsman's and the "
        "Housing Ombudsman's complaint handling codes: 10 working days at stage 1 and 20 at "
        "stage 2, from acknowledgement (or receipt), or a later date agreed with the "
        "complainant."))
    return Section("complaints", "Complaints: what we learned", tuple(blocks))


def _biggest_change(rows: list[tuple[str, ...]]) -> str:
    moved = [(int(r[3]), r[0]) for r in rows if r[3] != "—" and r[3] not in ("+0", "0")]
    if not moved:
        return ""
    change, category = max(moved, key=lambda m: (abs(m[0]), m[1]))
    return (f" The largest change among the published themes was {category.lower()}, "
            f"{'up' if change > 0 else 'down'} by {abs(change)} complaints.")


def _method(kpis: list[Kpi], sources: Sources, f: _Figures, half: str,
            reference: Reference) -> Section:
    threshold, min_denominator = thresholds(reference.settings)
    definitions = tuple((k.label, k.description, k.formula, k.unit,
                         {"higher": "higher", "lower": "lower"}.get(k.better or "", "neither"))
                        for k in kpis)
    coverage = tuple((month_name(m), _missing("contacts", f.monthly[m]).text,
                      _missing("complaints_received", f.monthly[m]).text,
                      _missing("survey_responses", f.monthly[m]).text)
                     for m in half_months(half))
    a = reference.assumptions.sort("channel")
    assumptions = tuple(
        (readable(r["channel"]), f"£{r['unit_cost_gbp']:.2f}",
         f"{r['cost_source']} ({r['cost_year']})", f"{r['carbon_kg']:g}",
         f"{r['carbon_source']} ({r['carbon_year']})")
        for r in a.iter_rows(named=True))
    as_of = sources.as_of.isoformat(timespec="minutes") if sources.as_of else "none"
    loaded = (reference.latest_load.isoformat(timespec="minutes")
              if reference.latest_load else "none")
    baseline = (f"{month_name(sources.baseline[0])} to {month_name(sources.baseline[1])}"
                if sources.baseline else "not set (no contacts)")
    return Section("method", "Method notes", (
        Heading("What each measure means"),
        Table("Definitions of every measure", ("Measure", "What it measures",
                                               "How it is counted", "Unit", "Better when"),
              definitions),
        Heading("Data coverage and freshness"),
        Paragraph(f"The latest contact loaded was received at {as_of} (UTC), the data "
                  f"horizon; the latest file was loaded at {loaded} (UTC). Each figure belongs "
                  f"to the Europe/London calendar month of its date."),
        Table(f"Records in each month of {half_name(half)}",
              ("Month", "Contacts", "Complaints received", "Survey responses"), coverage),
        Heading("Assumptions"),
        Paragraph(f"Cost and carbon figures use a unit cost and a carbon factor per channel, "
                  f"kept in the table ref_channel_assumptions with their sources and years. "
                  f"Channel-shift savings compare each month with the channel mix of the "
                  f"baseline period, {baseline}."),
        Table("Unit costs and carbon factors", ("Channel", "Unit cost", "Cost source (year)",
                                               "kg CO2e per contact", "Carbon source (year)"),
              assumptions),
        Heading("Small numbers"),
        Paragraph(f"To protect individuals, every figure in this pack is published with small "
                  f"numbers suppressed: a count from 1 to {threshold - 1} is shown as "
                  f"<{threshold}, and a rate based on fewer than {min_denominator:g} cases is "
                  f"not shown ('{NOT_SHOWN}'), in tables, charts and sentences alike.")))


def one_pager(sources: Sources, month: str, targets: dict[str, tuple[float, float]],
              settings: dict[str, str]) -> Document:
    """The cabinet one-pager for `month`: every scorecard tile and a sentence per theme."""
    tiles = scorecard(sources, month, targets)
    frame = pl.DataFrame([(t.kpi.id, t.numerator, t.denominator, t.value) for t in tiles],
                         schema={"kpi": pl.String, "numerator": pl.Float64,
                                 "denominator": pl.Float64, "value": pl.Float64}, orient="row")
    figures = _figures(frame, settings) if tiles else {}
    views = []
    # Grouped by theme, in the strategy's order, as on the dashboard.
    for tile in sorted(tiles, key=lambda t: list(THEMES).index(t.kpi.theme)):
        figure = figures[tile.kpi.id]
        views.append(TileView(tile.kpi.label, THEMES[tile.kpi.theme], figure.text,
                              _rag_text(tile.kpi, figure, targets), _spc_text(tile.spc)))
    sentences = []
    for theme, title in THEMES.items():
        mine = [t for t in tiles if t.kpi.theme == theme]
        rated = [_rag_text(t.kpi, figures[t.kpi.id], targets) for t in mine]
        with_target = [r for r in rated if r not in ("no target", NOT_SHOWN)]
        sentences.append(Paragraph(theme_sentence(
            title, sum(r.endswith("Meets target") for r in with_target), len(with_target),
            [t.kpi.label for t in mine if t.spc.variation == "improvement"],
            [t.kpi.label for t in mine if t.spc.variation == "concern"])))
    return Document(
        title="Customer services scorecard", subtitle=month_name(month),
        cover=(f"For cabinet. Each tile: the month's figure, against its target, and its "
               f"trend over {HISTORY_MONTHS} months read as SPC. Counts 1–4 read <5; rates "
               f"based on fewer than 10 cases are not shown.",),
        sections=(Section("scorecard", "Scorecard", (Tiles(tuple(views)), *sentences)),),
        landscape=True, contents=False)

