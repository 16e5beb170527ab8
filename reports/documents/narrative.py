"""Sentences for councillors, generated from published figures.

Each says where a figure stands, which way and how far it moved, and whether the movement is a
real change. Only an SPC signal (docs/kpis.md, Making Data Count) earns the words "real change";
otherwise a movement is described as within normal variation, so noise is never presented as
progress. Every number in a sentence is a published one: a suppressed figure is never compared.
"""

from metrics.registry import Kpi
from metrics.scorecard import format_value
from metrics.spc import SpcResult

_SPC_SENTENCE = {
    "improvement": "The monthly figures show a real improvement, not just noise.",
    "concern": "The monthly figures show a real deterioration, not just noise.",
    "neither": "The monthly figures show a real change, not just noise.",
    "common_cause": ("Month to month the figures stay within their usual range, so this "
                     "movement should not be read as a real change."),
    None: "There are not yet enough months of data to tell a real change from noise.",
}


def size_of_change(kpi: Kpi, now: float, before: float) -> str:
    """"2.0 percentage points" for a percentage, otherwise the change as a share of before
    ("12 %"), or its own units when before is zero or the KPI is a score."""
    difference = abs(now - before)
    if kpi.unit == "%":
        return f"{difference:.1f} percentage points"
    if kpi.unit in ("score", "per 1,000 contacts") or before == 0:
        return format_value(kpi, difference)
    return f"{100 * difference / abs(before):.0f} %"


def spc_sentence(spc: SpcResult) -> str:
    return _SPC_SENTENCE[spc.variation]


def kpi_sentence(kpi: Kpi, now: float | None, now_text: str, before: float | None,
                 before_text: str, period: str, before_period: str, spc: SpcResult) -> str:
    """Where `kpi` stands in `period` against `before_period`, and whether it is a real change.

    now/before are the published values (None when not published or not defined); the texts
    are what the tables print for them.
    """
    if now is None:
        if now_text == "not shown":
            return (f"{kpi.label}: too few cases in {period} to publish the figure without "
                    f"risking identifying people.")
        if now_text.startswith("<"):
            return f"{kpi.label}: fewer than {now_text[1:]} in {period}."
        return f"{kpi.label}: no data for {period}."
    text = f"{kpi.label} was {now_text} in {period}"
    if before is None:
        return f"{text}; there is no published figure for {before_period} to compare with."
    if now == before:
        return f"{text}, the same as in {before_period}. {spc_sentence(spc)}"
    direction = "up" if now > before else "down"
    text += (f", {direction} {size_of_change(kpi, now, before)} from {before_text} in "
             f"{before_period}")
    if spc.variation in ("improvement", "concern") and kpi.better:
        better = (now > before) == (kpi.better == "higher")
        real = spc.variation == "improvement"
        if better == real:
            text += " (better)" if better else " (worse)"
    return f"{text}. {spc_sentence(spc)}"


def theme_sentence(theme: str, met: int, with_target: int, improving: list[str],
                   concerning: list[str]) -> str:
    """One line per strategy theme for the cabinet one-pager."""
    parts = [f"{theme}: "]
    if with_target:
        parts.append(f"{met} of {with_target} measures with a target meet it")
    else:
        parts.append("no measure has a target")
    if improving:
        parts.append(f"; real improvement in {_join(improving)}")
    if concerning:
        parts.append(f"; real deterioration in {_join(concerning)}")
    if not improving and not concerning:
        parts.append("; no measure has moved beyond normal variation")
    return "".join(parts) + "."


def _join(words: list[str]) -> str:
    words = [w.lower() if not w.isupper() else w for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
