"""Demo survey responses (`docs/feeds.md`, satisfaction).

Each response rates one of the month's handled contacts, in the same month. Scores come from one
underlying mood per response, so CSAT, NPS and effort agree with each other: lower after failure
demand and long phone queues, rising slowly over the programme and fastest on digital channels
once they have been redesigned.
"""

import numpy as np
import polars as pl

from data.vocabulary import CHANNELS
from pipelines.demo.calendar import (
    ISO_LOCAL,
    ISO_UTC,
    UK_LOCAL,
    Month,
    avoid_spring_gap,
    format_timestamp,
    record_ids,
)
from pipelines.demo.columns import labels, nullable, times
from pipelines.demo.contacts import FAILURE, IS_DIGITAL, contact_ids
from pipelines.demo.council import (
    COMMENTS_COMPLAINT,
    COMMENTS_NEUTRAL,
    COMMENTS_PRAISE,
    COMMENTS_WITH_DETAILS,
    SERVICES,
    per_service,
)
from pipelines.demo.story import programme

SATISFACTION_COLUMNS = ("response_id", "responded_at", "channel", "service", "csat", "nps", "ces",
                        "comment", "contact_id")

SERVICE_MOOD = per_service({"Housing Options": -0.35, "Housing Benefit": -0.2, "Parking": -0.25,
                            "Council Tax": -0.1, "Garden Waste": 0.2, "Elections": 0.25,
                            "Street Cleansing": 0.1})
COMMENT_TEXTS = COMMENTS_COMPLAINT + COMMENTS_NEUTRAL + COMMENTS_PRAISE
POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
EMAIL_NAMES = ("resident", "householder", "j.bloggs", "a.n.other", "tenant")


def satisfaction_frame(rng: np.random.Generator, month: Month, contacts: dict) -> pl.DataFrame:
    """The month's survey responses as the canonical CSV: every column text, empty for none."""
    t = month.index
    handled = np.flatnonzero(contacts["abandoned"] != 1)
    n = min(rng.poisson(1600 + 1000 * programme(t)), len(handled))
    rated = np.sort(rng.choice(handled, n, replace=False))
    channel = contacts["channel"][rated]
    service = contacts["service"][rated]
    mood = _mood(rng, t, channel, service, contacts["demand"][rated],
                 contacts["wait_seconds"][rated])
    csat, nps, ces = _scores(rng, mood)
    responded = _response_times(rng, month, contacts["received_at"][rated])
    linked = rng.random(n) < 0.65
    frame = pl.DataFrame({
        "responded_at": times(responded),
        "ts_style": _timestamp_styles(rng, n),
        "channel": labels(CHANNELS, channel),
        # Some survey links are not tagged with a service.
        "service": labels([s.name for s in SERVICES],
                          np.where(~linked & (rng.random(n) < 0.08), -1, service)),
        "csat": nullable(csat), "nps": nullable(nps), "ces": nullable(ces),
        "comment": _comments(rng, mood),
        "contact_id": contact_ids(month, len(contacts["channel"])).gather(rated)
        .scatter(np.flatnonzero(~linked), None),
    }).sort("responded_at", maintain_order=True)
    return (frame.with_columns(format_timestamp("responded_at"),
                               response_id=record_ids("SAT", month, n, 6))
            .select([pl.col(c).cast(pl.String) for c in SATISFACTION_COLUMNS]))


def _mood(rng, t: int, channel, service, demand, wait) -> np.ndarray:
    p = programme(t)
    digital = IS_DIGITAL[channel]
    return (4.1 + 0.3 * p + np.where(digital, -0.15 + 0.55 * p, 0.0) + SERVICE_MOOD[service]
            - 0.6 * (demand == FAILURE) - 0.5 * (wait > 300)
            + 0.95 * rng.standard_normal(len(channel)))


def _scores(rng, mood: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSAT 1–5, NPS 0–10 and effort 1–7 (7 = very easy), -1 where not answered; every
    response answers at least one question, as `docs/feeds.md` requires."""
    n = len(mood)
    csat = np.clip(np.rint(mood), 1, 5).astype(int)
    nps = np.clip(np.rint(2.3 * mood - 1.4 + 1.3 * rng.standard_normal(n)), 0, 10).astype(int)
    ces = np.clip(np.rint(1.35 * mood - 0.3 + 0.9 * rng.standard_normal(n)), 1, 7).astype(int)
    asked_csat = rng.random(n) < 0.92
    asked_nps = rng.random(n) < 0.68
    asked_ces = rng.random(n) < 0.55
    asked_csat |= ~(asked_nps | asked_ces)
    return (np.where(asked_csat, csat, -1), np.where(asked_nps, nps, -1),
            np.where(asked_ces, ces, -1))


def _response_times(rng, month: Month, received: np.ndarray) -> np.ndarray:
    """Most people answer the survey offered at the end of the call, chat or web form within
    minutes; the rest answer an e-mailed link within two days. Never after the month ends, so
    each response is in the file of its own month."""
    n = len(received)
    room = (month.end.astype("datetime64[s]") - received).astype(int) - 1
    later = rng.random(n) < 0.3
    delay = np.where(later, rng.uniform(0.02, 1.0, n) * 2 * 86400, rng.uniform(60, 900, n))
    delay = np.minimum(np.maximum(delay, 60), room).astype(int)
    return avoid_spring_gap(received + delay.astype("timedelta64[s]"))


def _timestamp_styles(rng, n: int) -> np.ndarray:
    u = rng.random(n)
    return np.where(u < 0.35, ISO_UTC, np.where(u < 0.45, UK_LOCAL, ISO_LOCAL)).astype(np.uint8)


def _comments(rng, mood: np.ndarray) -> pl.Series:
    """About one response in twenty leaves a comment, picked to match its mood; one unhappy
    comment in five gives personal details, which must be masked on the way in."""
    n = len(mood)
    bad, neutral = len(COMMENTS_COMPLAINT), len(COMMENTS_NEUTRAL)
    tone_start = np.where(mood < 2.5, 0, np.where(mood < 3.5, bad, bad + neutral))
    tone_size = np.where(mood < 2.5, bad, np.where(mood < 3.5, neutral,
                                                   len(COMMENTS_PRAISE)))
    pick = tone_start + (rng.random(n) * tone_size).astype(int)
    commented = rng.random(n) < 0.05
    texts = labels(COMMENT_TEXTS, np.where(commented, pick, -1))
    detailed = np.flatnonzero(commented & (mood < 3.5) & (rng.random(n) < 0.2))
    return texts.scatter(detailed, _comments_with_details(rng, len(detailed)))


def _comments_with_details(rng, n: int) -> list[str]:
    # About ten a month: few enough to format one by one.
    template = rng.integers(0, len(COMMENTS_WITH_DETAILS), n)
    mobile = rng.integers(0, 1000, n)
    landline = rng.integers(0, 1000, n)
    district = rng.integers(1, 10, n)
    sector = rng.integers(1, 10, n)
    unit = rng.choice(POSTCODE_LETTERS, (n, 2))
    who = rng.integers(0, len(EMAIL_NAMES), n)
    number = rng.integers(1, 100, n)
    domain = np.where(rng.random(n) < 0.5, "example.com", "example.org")
    return [COMMENTS_WITH_DETAILS[template[i]].format(
        mobile=f"07700 900{mobile[i]:03d}", landline=f"01632 960{landline[i]:03d}",
        postcode=f"FB{district[i]} {sector[i]}{unit[i, 0]}{unit[i, 1]}",
        email=f"{EMAIL_NAMES[who[i]]}{number[i]}@{domain[i]}") for i in range(n)]
