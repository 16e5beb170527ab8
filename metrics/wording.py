"""Every phrase about a figure, worked out from the figure as it is displayed.

The dashboard (scorecard tiles and every page's headline figures), the cabinet one-pager and the
committee pack word their figures here, so that a value, its change, the direction word, the
arrow and the verdicts can never disagree. Everything starts from the *displayed* value:

    shown(x)    = x rounded to the KPI's decimals (1 for a percentage, a score or a rate per
                  1,000; 0 for pounds, kg and counts), exactly as its text prints it
    change      = shown(now) − shown(before), so a printed change always equals the difference
                  of the two printed figures
    direction   = "up" (change > 0, ↑), "down" (change < 0, ↓), "no change" (a change shown as
                  0.0 or 0, →): "-0.0" is never printed
    judgement   = "better" when the direction is the KPI's good one, "worse" when it is the
                  other; none without a direction or without a change
    RAG         = judged on shown(value), so "Just misses target · target 5.5" never sits
                  beside a value shown as 5.5

SPC is worded as a separate claim about the latest point against its own period's limits
("this month is within normal variation"), never joined to a change over a year or a half, so
the two cannot contradict each other; "improvement" and "concern" follow the KPI's polarity.
"""

from dataclasses import dataclass

from metrics.registry import Kpi
from metrics.spc import CHANGE_POINT, SHIFT, Period, SpcResult
from metrics.targets import Rag, rag

DECIMALS = {"%": 1, "score": 1, "per 1,000 contacts": 1, "£": 0, "kg CO2e": 0, "count": 0}
MINUS = "−"  # U+2212: the typographic minus, for values and changes alike
ARROWS = {"up": "↑", "down": "↓", "no change": "→"}
# The direction st.metric should draw: set explicitly, never left to it to parse from text.
METRIC_ARROWS = {"up": "up", "down": "down", "no change": "off"}


def decimals(kpi: Kpi) -> int:
    return DECIMALS.get(kpi.unit, 1)


def shown(kpi: Kpi, value: float | None) -> float | None:
    """The value as displayed: rounded to the KPI's decimals, as its text prints it (a value
    that prints as zero is 0, never -0)."""
    if value is None:
        return None
    return float(f"{value:.{decimals(kpi)}f}") + 0.0


def _number(kpi: Kpi, value: float) -> str:
    return f"{shown(kpi, value):,.{decimals(kpi)}f}".replace("-", MINUS)


def format_value(kpi: Kpi, value: float | None) -> str:
    """The figure as every page and paper prints it: "24.7 %", "£59,529", "1,194 kg CO2e",
    "21,463", "5.5"; "no data" for None."""
    if value is None:
        return "no data"
    text = _number(kpi, value)
    if kpi.unit == "%":
        return f"{text} %"
    if kpi.unit == "£":
        return f"{MINUS}£{text[1:]}" if text.startswith(MINUS) else f"£{text}"
    if kpi.unit == "kg CO2e":
        return f"{text} kg CO2e"
    return text


def bounded(kpi: Kpi, value: float | None) -> float | None:
    """The value clipped to what the measure can take (`Kpi.bounds`: 0–100 for a percentage, 0
    upwards for a count), for drawing process limits and saying them."""
    if value is None:
        return None
    low, high = kpi.bounds
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


@dataclass(frozen=True)
class Change:
    """A change between two displayed figures: `before` and `now` as shown, `amount` their
    difference at the display's decimals."""

    kpi: Kpi
    before: float
    now: float
    amount: float

    @property
    def direction(self) -> str:
        return "up" if self.amount > 0 else "down" if self.amount < 0 else "no change"

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]

    @property
    def metric_arrow(self) -> str:
        """The arrow st.metric draws ("up", "down" or "off")."""
        return METRIC_ARROWS[self.direction]

    @property
    def judgement(self) -> str | None:
        """"better" or "worse" by the KPI's polarity; None without one or without a change."""
        if self.kpi.better is None or self.amount == 0:
            return None
        return "better" if (self.amount > 0) == (self.kpi.better == "higher") else "worse"

    def _size(self, points: str) -> str:
        size = abs(self.amount)
        if self.kpi.unit == "%":
            return f"{_number(self.kpi, size)} {points}"
        if self.kpi.unit == "kg CO2e":  # short: the figure beside it says CO2e
            return f"{_number(self.kpi, size)} kg"
        return format_value(self.kpi, size)

    @property
    def size(self) -> str:
        """The unsigned amount in words: "5.5 percentage points", "£1,448", "263"."""
        return self._size("percentage points")

    @property
    def text(self) -> str:
        """The signed amount, short (a metric's delta): "+1.2 points", "−£1,448", "no change"."""
        if self.amount == 0:
            return "no change"
        return ("+" if self.amount > 0 else MINUS) + self._size("points")

    def compared(self, before_text: str, when: str) -> str:
        """"down 5.5 percentage points from 32.0 % in the previous six months (better)"."""
        if self.amount == 0:
            return f"no change from {before_text} {when}"
        verdict = f" ({self.judgement})" if self.judgement else ""
        return f"{self.direction} {self.size} from {before_text} {when}{verdict}"


def change(kpi: Kpi, now: float | None, before: float | None) -> Change | None:
    """The change from `before` to `now` as displayed; None when either is missing."""
    if now is None or before is None:
        return None
    a, b = shown(kpi, now), shown(kpi, before)
    return Change(kpi, b, a, round(a - b, decimals(kpi)) + 0.0)


def against(kpi: Kpi, now: float | None, before: float | None, when: str) -> str | None:
    """"down 6.3 points from 31.0 % a year ago (better)", None when either figure is missing."""
    moved = change(kpi, now, before)
    return moved.compared(format_value(kpi, before), when) if moved else None


def rag_shown(kpi: Kpi, value: float | None, target: float | None,
              tolerance: float | None) -> Rag | None:
    """RAG of the displayed value against the target (None without a direction or a target)."""
    if kpi.better is None:
        return None
    return rag(shown(kpi, value), target, kpi.better, tolerance)


def rag_line(kpi: Kpi, status: Rag | None, target: float | None) -> str:
    """"✔ Meets target · target 25.0 %", or "no target"."""
    if target is None or kpi.better is None:
        return "no target"
    verdict = f"{status.icon} {status.words}" if status else "not judged"
    return f"{verdict} · target {format_value(kpi, target)}"


_SIGNAL_VERDICT = {"improvement": "an improvement", "concern": "a concern",
                   "neither": "a real change, neither better nor worse"}


def spc_reading(spc: SpcResult, subject: str = "this month") -> str:
    """What SPC says of the latest point, against its own period's limits: "this month is within
    normal variation", "this month is higher than normal variation explains: an improvement",
    "this month continues a run of 7 or more falls: a concern"."""
    if spc.variation is None:
        return f"{subject}: too few months yet to tell a real change from normal variation"
    if spc.variation == "common_cause":
        return f"{subject} is within normal variation"
    latest = max(i for i, v in enumerate(spc.values) if v is not None)
    high = spc.sides[latest] > 0
    if spc.rules[latest] == {"trend"}:
        where = f"continues a run of 7 or more {'rises' if high else 'falls'}"
    else:
        where = f"is {'higher' if high else 'lower'} than normal variation explains"
    return f"{subject} {where}: {_SIGNAL_VERDICT[spc.variation]}"


SPC_SHORT = {"improvement": "⬆ improvement (special cause)",
             "concern": "⬇ concern (special cause)",
             "neither": "◆ a real change (special cause)",
             "common_cause": "↔ normal variation",
             None: "… too few months for SPC"}


def spc_short(spc: SpcResult) -> str:
    """The latest month's SPC reading in a symbol and a few plain words, for tables and tiles."""
    return SPC_SHORT[spc.variation]


def versus(kpi: Kpi, now: float | None, before: float | None, before_text: str,
           label: str) -> str:
    """"Last month 25.0 % · ↓ down 0.3 points (better)": the earlier figure as printed, then
    the direction in symbol and words; just the figure when either is not a number."""
    moved = change(kpi, now, before)
    if moved is None:
        return f"{label} {before_text}"
    if moved.amount == 0:
        return f"{label} {before_text} · → no change"
    verdict = f" ({moved.judgement})" if moved.judgement else ""
    return (f"{label} {before_text} · {moved.arrow} {moved.direction} "
            f"{moved.text.lstrip('+' + MINUS)}{verdict}")


def reading(kpi: Kpi, value: float | None, year_ago: float | None, spc: SpcResult) -> str:
    """One claim about the year, then one about this month: "Stage 1 replies on time 93.2 %,
    down 1.1 points from 94.3 % a year ago (worse); this month is within normal variation."."""
    if value is None:
        return f"{kpi.label}: no data for this month."
    text = f"{kpi.label} {format_value(kpi, value)}"
    moved = against(kpi, value, year_ago, "a year ago")
    return f"{text}{f', {moved}' if moved else ''}; {spc_reading(spc)}."


def why_they_differ(kpi: Kpi, status: Rag | None, spc: SpcResult) -> str | None:
    """One plain line where the month's RAG and SPC's assurance point opposite ways (the month
    meets the target but the process consistently misses it, or the reverse); else None."""
    if status is None or spc.assurance not in ("pass", "fail"):
        return None
    meets = status.status == "green"
    if meets == (spc.assurance == "pass"):
        return None
    limits = (f"{format_value(kpi, bounded(kpi, spc.lower))} to "
              f"{format_value(kpi, bounded(kpi, spc.upper))}")
    if meets:
        return (f"Why both: this month meets the target, but the current period's limits "
                f"({limits}) both miss it, so most months will miss it unless this change lasts.")
    return (f"Why both: this month misses the target, but the current period's limits "
            f"({limits}) both meet it, so most months will meet it.")


def period_words(period: Period, month: str) -> str:
    """Why a period of the SPC reading starts at `month` (its first month), in plain words."""
    if period.earlier:
        return f"from before {month}"
    if period.why == SHIFT:
        return (f"from {month}, after 7 or more months in a row {period.reason} the previous "
                f"centre line")
    if period.why == CHANGE_POINT:
        return f"from {month}, where a change was recorded: {period.reason}"
    return f"from {month}"


# ---- the programme (docs/programme.md) --------------------------------------------------------

EXCEPTION_WORDS = {"milestone": ("milestone", "milestones"), "risk": ("risk", "risks"),
                   "benefit": ("benefit", "benefits"), "kpi": ("measure", "measures")}
REASON_WORDS = {"slipping": "slipping: forecast after its baseline date",
                "overdue": "overdue: due before the report date and not complete",
                "above appetite": "above appetite: scores at least the council's risk appetite",
                "below plan": "below plan by more than the tolerance",
                "above plan": "above plan by more than the tolerance",
                "red": "red: misses its target by more than the amber tolerance",
                "concern": "concern: SPC shows a real change for the worse"}


def counted(n: int, kind: str) -> str:
    """"1 milestone", "3 milestones", "no risks"."""
    one, many = EXCEPTION_WORDS.get(kind, (kind, f"{kind}s"))
    return f"{'no' if n == 0 else f'{n:,}'} {one if n == 1 else many}"


def listing(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def exceptions_sentence(counts: dict[str, int], report_date: str) -> str:
    """"At the report date, 20 March 2026, 4 items need attention: 2 milestones, 1 risk and
    1 benefit.", from the counts of the exception list by kind."""
    total = sum(counts.values())
    if total == 0:
        return f"At the report date, {report_date}, no item is on the exception list."
    shown = [counted(n, kind) for kind, n in counts.items() if n]
    return (f"At the report date, {report_date}, {total:,} "
            f"{'item needs' if total == 1 else 'items need'} attention: {listing(shown)}.")


def milestones_sentence(statuses: dict[str, int]) -> str:
    """"Of 12 milestones, 5 are complete and 1 cancelled; 2 are slipping, 1 overdue and 3 on
    course.", from counts by complete / cancelled / slipping / overdue / on course."""
    total = sum(statuses.values())
    if total == 0:
        return "No milestone is recorded."
    done = [f"{statuses.get('complete', 0):,} {'is' if statuses.get('complete', 0) == 1 else 'are'}"
            f" complete", f"{statuses.get('cancelled', 0):,} cancelled"]
    live = [f"{statuses.get(k, 0):,} {k}" for k in ("slipping", "overdue", "on course")]
    return f"Of {counted(total, 'milestone')}, {listing(done)}; {listing(live)}."


def risks_sentence(open_risks: int, above: int, closed: int, appetite: float) -> str:
    """"Of 5 open risks, 2 score at least the risk appetite of 15; 1 risk is closed."."""
    appetite_text = f"{appetite:g}"
    if open_risks == 0:
        return f"No risk is open; {counted(closed, 'risk')} closed."
    verb = "scores" if above == 1 else "score"
    return (f"Of {open_risks:,} open {'risk' if open_risks == 1 else 'risks'}, {above:,} {verb} "
            f"at least the risk appetite of {appetite_text}; {counted(closed, 'risk')} closed.")


def benefits_sentence(total: int, missing: int, without_actual: int, tolerance_pct: float) -> str:
    """"Of 4 benefits with a plan in the period, 1 misses its plan by more than 10 % in its
    latest month and 1 has no actual yet."."""
    if total == 0:
        return "No benefit has a plan in the period."
    return (f"Of {counted(total, 'benefit')} with a plan in the period, {missing:,} "
            f"{'misses its' if missing == 1 else 'miss their'} plan by more than "
            f"{tolerance_pct:g} % in {'its' if missing == 1 else 'their'} latest month and "
            f"{without_actual:,} {'has' if without_actual == 1 else 'have'} no actual yet.")


# A risk's trend: the words beside the symbol, so that it never rests on the symbol alone.
TREND_WORDS = {"rising": "rising ▲", "falling": "falling ▼", "steady": "steady ▶", "new": "new"}


def risk_trend(previous: int | None, current: int) -> str:
    """"rising ▲" / "falling ▼" / "steady ▶" from the current score against the previous
    recorded one, as printed beside it; "new" where none was recorded before."""
    if previous is None:
        return TREND_WORDS["new"]
    return TREND_WORDS["rising" if current > previous else
                       "falling" if current < previous else "steady"]
