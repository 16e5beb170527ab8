"""Sentences for councillors, generated from published figures, in the words of
`metrics.wording`.

Each sentence makes one claim: where a figure stands and how it moved against an earlier period
(the change worked out from the two printed figures, "better" or "worse" by the measure's
polarity), then, in a sentence of its own, what SPC (docs/kpis.md, Making Data Count) says of the
latest month against its own period's limits. Only an SPC signal is called a real change, so
noise is never presented as
progress. Every number in a sentence is a published one: a suppressed figure is never compared.
"""

from metrics.registry import Kpi
from metrics.spc import SpcResult
from metrics.wording import change, spc_reading

# Plain words for the terms the papers use, each given where it is first used and again in the
# pack's glossary: term -> what it means.
GLOSSARY = {
    "percentage points": "the difference between two percentages: from 32.0 % to 26.5 % is a "
                         "fall of 5.5 percentage points",
    "statistical process control (SPC)": "a way of reading monthly figures that tells a real "
                                         "change from the usual ups and downs",
    "normal variation": "the ups and downs a process gives month to month by chance",
    "special cause": "a month, or a run of months, too far out or too patterned to be chance: "
                     "a real change, better or worse",
    "process limits": "the range within which a process's monthly figures normally fall, "
                      "worked out from 12 months of its figures",
    "period": "the months read against one set of process limits; a new period starts after a "
              "sustained shift or where the council records a change, such as the strategy's "
              "start",
    "failure demand": "contact caused by a failure to do something, or to do it right, for "
                      "the resident: chasing, repeat requests, unclear letters",
    "right first time": "a first contact settled without the resident needing to come back "
                        "about the same matter",
    "channel shift": "residents moving from costly channels, such as phone and face to face, "
                     "to cheaper ones, such as web and app",
    "notional saving": "what the contacts would have cost with the old mix of channels, less "
                       "what they cost: an avoided cost, not cash in a budget",
    "price base": "the year whose prices a money figure is in",
    "Wilson interval": "the range the true share very likely lies in, 95 times in 100, given "
                       "how many people answered the survey",
    "data horizon": "the date of the latest record loaded: no figure can reach beyond it",
    "<5": "a count from 1 to 4, not shown so that nobody can be identified",
}


def gloss(term: str) -> str:
    """"term (what it means)", for a term's first use; "term (ABBR: what it means)" for a term
    given with its abbreviation."""
    if term.endswith(")"):
        return f"{term[:-1]}: {GLOSSARY[term]})"
    return f"{term} ({GLOSSARY[term]})"


def spc_sentence(spc: SpcResult, month: str) -> str:
    """"On the monthly SPC chart, June 2026 is within normal variation."."""
    if spc.variation is None:
        return "There are not yet 12 months of figures to read with SPC."
    return f"On the monthly SPC chart, {spc_reading(spc, month)}."


def kpi_sentence(kpi: Kpi, now: float | None, now_text: str, before: float | None,
                 before_text: str, period: str, before_period: str, spc: SpcResult,
                 month: str) -> str:
    """Where `kpi` stands in `period` against `before_period`, then what SPC says of `month`
    (the period's last).

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
    moved = change(kpi, now, before)
    if moved is None:
        text += f"; there is no published figure for {before_period} to compare with"
    else:
        text += f", {moved.compared(before_text, f'in {before_period}')}"
    return f"{text}. {spc_sentence(spc, month)}"


def theme_sentence(theme: str, met: int, with_target: int, improving: list[str],
                   concerning: list[str]) -> str:
    """One line per strategy theme for the cabinet one-pager."""
    parts = [f"{theme}: "]
    if with_target:
        parts.append(f"{met} of {with_target} measures with a target meet it")
    else:
        parts.append("no measure has a target")
    if improving:
        parts.append(f"; this month a real improvement (special cause) in {_join(improving)}")
    if concerning:
        parts.append(f"; this month a real deterioration (special cause) in "
                     f"{_join(concerning)}")
    if not improving and not concerning:
        parts.append("; this month no measure shows a special cause (a real change)")
    return "".join(parts) + "."


def _join(words: list[str]) -> str:
    words = [w.lower() if not w.isupper() else w for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
