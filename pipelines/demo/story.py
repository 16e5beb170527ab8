"""The story the demo tells, as numbers per month: a council that starts a "once and done"
transformation programme in its 13th month and, over the following two years, cuts failure
demand, moves customers to digital channels and gets things right first time more often.
"""

import numpy as np

from data.vocabulary import CHANNELS
from pipelines.demo.calendar import Month
from pipelines.demo.council import (
    ASSISTED_MIX_END,
    ASSISTED_MIX_START,
    DIGITAL_MIX_END,
    DIGITAL_MIX_START,
    SERVICES,
)

PROGRAMME_START = 12     # month index: the 13th month
PROGRAMME_MONTHS = 20    # months for the programme to reach its full effect
AVERAGE_MONTH = 23_000   # contacts in an average month before the programme
# Seasonal peaks are damped in the total (exponent below 1): when Council Tax bills go out the
# contact centre defers other work, so other services' contacts fall while Council Tax's rise.
PEAK_DAMPING = 0.45
VOLUME_FLOOR, VOLUME_CEILING = 20_600, 25_400


def programme(t: int) -> float:
    """How far the programme has got, 0 before it starts to 1 at full effect (a smooth S)."""
    x = min(max((t - PROGRAMME_START) / PROGRAMME_MONTHS, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def digital_share(t: int) -> float:
    """35 % at the start, drifting up slowly before the programme, about 60 % by month 36."""
    drift = 0.04 * min(t, PROGRAMME_START) / PROGRAMME_START
    return 0.35 + drift + 0.21 * programme(t)


def failure_share(t: int) -> float:
    """Failure demand among classified contacts: about 40 %, falling to about 25 %."""
    return 0.40 - 0.15 * programme(t)


def repeat_share(t: int) -> float:
    """Contacts that come back about the same matter within a week."""
    return 0.17 - 0.06 * programme(t)


def unclassified_share(t: int) -> float:
    """Contacts the handler did not classify, besides abandoned calls (never classified)."""
    return 0.075 - 0.01 * programme(t)


def expected_contacts(month: Month) -> np.ndarray:
    """Expected contacts per service this month (in `SERVICES` order). The programme's cut in
    failure demand shows in the mix more than in the total, because the district keeps growing."""
    per_service = _seasonal_volumes(month.calendar_month)
    busyness = per_service.sum() / np.mean([_seasonal_volumes(m).sum() for m in range(1, 13)])
    total = AVERAGE_MONTH * busyness ** PEAK_DAMPING * (1 - 0.04 * programme(month.index))
    return per_service / per_service.sum() * np.clip(total, VOLUME_FLOOR, VOLUME_CEILING)


def _seasonal_volumes(calendar_month: int) -> np.ndarray:
    shares = np.array([s.share for s in SERVICES])
    season = np.array([s.season[calendar_month - 1] for s in SERVICES])
    return shares / shares.sum() * season


def service_load(month: Month) -> np.ndarray:
    """Each service's volume against its own average month: above 1 at its peak."""
    return np.array([s.season[month.calendar_month - 1] / np.mean(s.season) for s in SERVICES])


def channel_weights(t: int) -> np.ndarray:
    """Channel probabilities per service (rows) this month, columns in `CHANNELS` order."""
    p = programme(t)
    digital = digital_share(t)
    base = {}
    for name in CHANNELS:
        if name in DIGITAL_MIX_START:
            base[name] = digital * _blend(DIGITAL_MIX_START[name], DIGITAL_MIX_END[name], p)
        else:
            base[name] = (1 - digital) * _blend(ASSISTED_MIX_START[name], ASSISTED_MIX_END[name], p)
    weights = np.array([[base[c] * s.channel_tilt.get(c, 1.0) for c in CHANNELS]
                        for s in SERVICES])
    return weights / weights.sum(axis=1, keepdims=True)


def _blend(start: float, end: float, p: float) -> float:
    return start + (end - start) * p
