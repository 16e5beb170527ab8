"""Which KPIs a choice of groups and filters leaves out, and why, read from the KPIs' own
declarations (`Kpi.dimensions`, and `Kpi.why_not` for the reason): the one source of every
"not defined by channel" on the pages and of every check that leaves a figure out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import metrics.kpis  # noqa: F401  (registers every KPI)
from data.vocabulary import DIMENSIONS
from metrics.registry import FEEDS, REGISTRY, Kpi, measure


@dataclass(frozen=True)
class LeftOut:
    """KPIs not defined by one dimension, for one reason."""

    dimension: str
    kpis: tuple[Kpi, ...]
    reason: str  # "" when the declarations give none
    whole_feed: bool  # every KPI of their feed is left out

    @property
    def sentence(self) -> str:
        """"Complaint figures are not defined by channel: a complaint is counted against its
        service, not the channel of a contact." A feed's figures are named by the feed when
        none of them is defined for the dimension, else one by one."""
        if self.whole_feed:
            subject, verb = f"{FEEDS[self.kpis[0].feed]} figures", "are"
        else:
            labels = [k.label for k in self.kpis]
            subject = labels[0] if len(labels) == 1 else (
                f"{', '.join(labels[:-1])} and {labels[-1]}")
            verb = "is" if len(labels) == 1 else "are"
        because = f": {self.reason}" if self.reason else ""
        return f"{subject} {verb} not defined by {self.dimension}{because}."


def applicable(kpi_ids: Iterable[str], dimensions: Iterable[str]) -> tuple[str, ...]:
    """The ids among `kpi_ids` (KPIs or headline-only counts) defined for all of `dimensions`
    (grouped or filtered by)."""
    dimensions = set(dimensions)
    return tuple(k for k in kpi_ids if measure(k).defined_for(dimensions))


def left_out(kpi_ids: Sequence[str], dimensions: Iterable[str]) -> list[LeftOut]:
    """For each of `dimensions` (in the order service, channel, ward), the KPIs among `kpi_ids`
    not defined for it, grouped by feed and reason, in registry order."""
    asked = [measure(k) for k in kpi_ids]
    found: list[LeftOut] = []
    for dimension in (d for d in DIMENSIONS if d in set(dimensions)):
        groups: dict[tuple[str, str], list[Kpi]] = {}
        for kpi in asked:
            if dimension not in kpi.dimensions:
                groups.setdefault((kpi.feed, kpi.why_not.get(dimension, "")), []).append(kpi)
        for (feed, reason), kpis in groups.items():
            whole = all(dimension not in k.dimensions for k in REGISTRY.values()
                        if k.feed == feed)
            found.append(LeftOut(dimension, tuple(kpis), reason, whole))
    return found
