"""Demo complaints, compliments and comments (`docs/feeds.md`, complaints).

Stage-1 complaints are answered against the 10-working-day standard of the Ombudsman codes,
less often on time in winter; about one in ten is escalated to stage 2 after its stage-1 answer.
A stage-2 row lands in the file of the month it was received, which may be a later one, so
escalations wait in `pending` (month index -> rows) until their month is written.
"""

import numpy as np
import polars as pl

from data.vocabulary import CHANNELS
from pipelines.demo.actions import fewer_upheld
from pipelines.demo.calendar import (
    FIRST_MONTH,
    ISO_DATE,
    UK_DATE,
    Month,
    Period,
    add_working_days,
    draw_from,
    draw_rows,
    format_date,
    record_ids,
)
from pipelines.demo.columns import concat, known, labels, nullable, refs, take
from pipelines.demo.council import (
    COMPLAINT_CATEGORIES,
    COMPLIMENT_SHARE,
    SERVICES,
    WARDS,
    per_channel,
    per_service,
)
from pipelines.demo.story import programme

COMPLAINT_COLUMNS = ("complaint_id", "kind", "stage", "received_on", "acknowledged_on",
                     "responded_on", "extended_due_on", "service", "outcome", "category",
                     "channel", "customer_ref", "escalated_from", "ward")

KINDS = ("complaint", "compliment", "comment")
COMPLAINT, COMPLIMENT, COMMENT = 0, 1, 2
OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "withdrawn")
STAGE1_OUTCOMES = np.array([0.25, 0.27, 0.40, 0.08])
STAGE2_OUTCOMES = np.array([0.15, 0.25, 0.55, 0.05])
WINTER = (12, 1, 2)
# A complainant who was told "not upheld" is the likeliest to take it further.
ESCALATION_RATE = np.array([0.04, 0.12, 0.16, 0.0])

COMPLAINT_SHARE = np.array([s.complaint_share for s in SERVICES])
CATEGORY_WEIGHTS = np.array([[s.complaint_categories.get(c, 0) for c in COMPLAINT_CATEGORIES]
                             for s in SERVICES], dtype=float)
COMPLIMENT_WEIGHTS = per_service(COMPLIMENT_SHARE)
WARD_WEIGHTS = np.array([w for _, w in WARDS])
COMPLAINT_CHANNELS = per_channel({"web": 0.35, "email": 0.30, "phone": 0.15, "letter": 0.12,
                                  "face_to_face": 0.05, "social_media": 0.03})
COMPLIMENT_CHANNELS = per_channel({"email": 0.40, "web": 0.30, "social_media": 0.10,
                                   "phone": 0.10, "letter": 0.10})


def complaints_for_month(rng: np.random.Generator, month: Month, period: Period,
                         customers: np.ndarray, pending: dict[int, list[dict]]) -> dict:
    """This month's complaint rows (stage 1, stage 2 escalated into this month, compliments
    and comments), each with its `complaint_id`. Escalations that land in later months are
    added to `pending`."""
    stage1 = _stage1(rng, month, period, customers)
    for landing, rows in _escalations(rng, period, stage1, month.index).items():
        pending.setdefault(landing, []).append(rows)
    # After the escalations are drawn, so that the same numbers are drawn as without actions.
    stage1["outcome"] = fewer_upheld(stage1, month)
    parts = [stage1]
    if month.index in pending:
        stage2 = concat(pending.pop(month.index))
        stage2 = take(stage2, np.argsort(stage2["received_on"], kind="stable"))
        stage2["id"] = _continue_ids("CMP", month, len(stage1["id"]), len(stage2["id"]))
        parts.append(stage2)
    return concat(parts + [_compliments(rng, month, period, customers),
                           _comments(rng, month, period, customers)])


def complaints_frame(cols: dict) -> pl.DataFrame:
    """The month's complaints as the canonical CSV: every column text, empty for no value."""
    frame = pl.DataFrame({
        "complaint_id": pl.Series(cols["id"].tolist(), dtype=pl.String),
        "kind": labels(KINDS, cols["kind"]),
        "stage": nullable(cols["stage"]),
        "received_on": cols["received_on"],
        "acknowledged_on": cols["acknowledged_on"],
        "responded_on": cols["responded_on"],
        "extended_due_on": cols["extended_due_on"],
        "service": labels([s.name for s in SERVICES], cols["service"]),
        "outcome": labels(OUTCOMES, cols["outcome"]),
        "category": labels(COMPLAINT_CATEGORIES, cols["category"]),
        "channel": labels(CHANNELS, cols["channel"]),
        "customer_ref": refs("CUST-", cols["customer"], 7),
        "escalated_from": pl.Series(cols["escalated_from"].tolist(), dtype=pl.String),
        "ward": labels([w for w, _ in WARDS], cols["ward"]),
        "date_style": cols["date_style"],
    })
    dates = ("received_on", "acknowledged_on", "responded_on", "extended_due_on")
    return (frame.with_columns(*(format_date(d) for d in dates))
            .select([pl.col(c).cast(pl.String) for c in COMPLAINT_COLUMNS]))


def _stage1(rng, month: Month, period: Period, customers: np.ndarray) -> dict:
    t = month.index
    winter = month.calendar_month in WINTER
    n = rng.poisson(175 * (1.1 if winter else 1.0) * (1 - 0.15 * programme(t)))
    service = draw_from(rng, COMPLAINT_SHARE, n)
    rows = _answered(rng, period, _received_days(rng, month, period, n), 10, 0.06,
                     0.88 + 0.06 * programme(t), STAGE1_OUTCOMES)
    rows.update(_about(rng, service, customers, draw_from(rng, COMPLAINT_CHANNELS, n)))
    rows.update(stage=np.ones(n, dtype=int), kind=np.full(n, COMPLAINT),
                escalated_from=np.full(n, None, dtype=object))
    rows = take(rows, np.argsort(rows["received_on"], kind="stable"))
    rows["id"] = record_ids("CMP", month, n, 4).to_numpy()
    return rows


def _escalations(rng, period: Period, stage1: dict, t: int) -> dict[int, dict]:
    """Stage-2 rows for the stage-1 complaints taken further, grouped by the month index they
    are received in; any received after the export was taken are not in the data."""
    outcome = stage1["outcome"]
    answered = ~np.isnat(stage1["responded_on"])
    rate = np.where(outcome >= 0, ESCALATION_RATE[np.maximum(outcome, 0)], 0.0)
    picked = np.flatnonzero(answered & (rng.random(len(outcome)) < rate))
    received = stage1["responded_on"][picked] + rng.integers(1, 29, len(picked))
    kept = received < period.horizon.astype("datetime64[D]")
    picked, received = picked[kept], received[kept]
    rows = _answered(rng, period, received, 20, 0.08, 0.85 + 0.08 * programme(t),
                     STAGE2_OUTCOMES)
    for name in ("service", "category", "channel", "customer", "ward"):
        rows[name] = stage1[name][picked]
    rows.update(stage=np.full(len(picked), 2), kind=np.full(len(picked), COMPLAINT),
                escalated_from=stage1["id"][picked], date_style=_date_styles(rng, len(picked)),
                id=np.full(len(picked), None, dtype=object))
    landing = (received.astype("datetime64[M]") - FIRST_MONTH).astype(int)
    return {int(m): take(rows, landing == m) for m in np.unique(landing)}


def _answered(rng, period: Period, received: np.ndarray, standard_days: int,
              p_extended: float, p_on_time: float, outcome_weights: np.ndarray) -> dict:
    """Acknowledgement, agreed extension, response and outcome of complaints at one stage,
    against the due date of `docs/kpis.md` (clock start + standard working days, or the extension).
    Answers due in winter are late more often: sickness and the Christmas closure.
    Anything after the export was taken is not yet known."""
    n = len(received)
    bank = period.bank_days
    horizon = period.horizon.astype("datetime64[D]")
    ack_days = draw_from(rng, np.array([0.3, 0.4, 0.2, 0.1]), n)
    acknowledged = np.where(ack_days == 0,
                            np.busday_offset(received, 0, roll="forward", holidays=bank),
                            add_working_days(received, np.maximum(ack_days, 1), bank))
    acknowledged = known(acknowledged, (rng.random(n) < 0.92) & (acknowledged < horizon))
    clock_start = np.where(np.isnat(acknowledged), received, acknowledged)
    extension_days = rng.integers(standard_days + 5, standard_days + 16, n)
    extended = known(add_working_days(clock_start, extension_days, bank),
                      rng.random(n) < p_extended)
    # An agreed date after the export is left out rather than shown in the future.
    extended = known(extended, extended < horizon)
    allowed = np.where(np.isnat(extended), standard_days, extension_days)
    due = add_working_days(clock_start, allowed, bank)
    on_time_day = add_working_days(clock_start, rng.integers(1, allowed + 1), bank)
    late_day = add_working_days(due, rng.integers(1, 16, n), bank)
    due_in_winter = np.isin(due.astype("datetime64[M]").astype(int) % 12 + 1, WINTER)
    p_on_time = np.where(due_in_winter, p_on_time - 0.2, p_on_time)
    responded = np.where(rng.random(n) < p_on_time, on_time_day, late_day)
    # A few recent cases are stuck with nobody chasing them: open, and soon overdue.
    stuck = (due >= horizon - 56) & (rng.random(n) < 0.03)
    responded = known(responded, (responded < horizon) & ~stuck)
    outcome = np.where(np.isnat(responded), -1, draw_from(rng, outcome_weights, n))
    return {"received_on": received, "acknowledged_on": acknowledged, "responded_on": responded,
            "extended_due_on": extended, "outcome": outcome}


def _compliments(rng, month: Month, period: Period, customers: np.ndarray) -> dict:
    """About 40 to 80 a month, more as the service improves."""
    n = rng.poisson(50 + 20 * programme(month.index))
    service = draw_from(rng, COMPLIMENT_WEIGHTS, n)
    rows = _about(rng, service, customers, draw_from(rng, COMPLIMENT_CHANNELS, n))
    rows["category"] = np.full(n, -1)
    return _not_complaints(rng, month, period, rows, COMPLIMENT, "CPL")


def _comments(rng, month: Month, period: Period, customers: np.ndarray) -> dict:
    """A few a month, mostly about council policy."""
    n = rng.poisson(5)
    service = draw_from(rng, COMPLAINT_SHARE, n)
    rows = _about(rng, service, customers, draw_from(rng, COMPLAINT_CHANNELS, n))
    rows["category"] = np.where(rng.random(n) < 0.6, COMPLAINT_CATEGORIES.index("policy"), -1)
    return _not_complaints(rng, month, period, rows, COMMENT, "CMT")


def _not_complaints(rng, month: Month, period: Period, rows: dict, kind: int,
                    prefix: str) -> dict:
    """Compliments and comments: no stage, nothing to answer, and people often stay anonymous."""
    n = len(rows["service"])
    no_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    rows.update(kind=np.full(n, kind), stage=np.full(n, -1), outcome=np.full(n, -1),
                received_on=np.sort(_received_days(rng, month, period, n)),
                acknowledged_on=no_date, responded_on=no_date, extended_due_on=no_date,
                escalated_from=np.full(n, None, dtype=object),
                customer=np.where(rng.random(n) < 0.5, rows["customer"], -1),
                id=record_ids(prefix, month, n, 4).to_numpy())
    return rows


def _about(rng, service: np.ndarray, customers: np.ndarray, channel: np.ndarray) -> dict:
    n = len(service)
    return {
        "service": service,
        "category": draw_rows(rng, CATEGORY_WEIGHTS, service),
        "channel": channel,
        "customer": np.where(rng.random(n) < 0.93, customers[rng.integers(0, len(customers), n)],
                             -1),
        "ward": np.where(rng.random(n) < 0.9, draw_from(rng, WARD_WEIGHTS, n), -1),
        "date_style": _date_styles(rng, n),
    }


def _received_days(rng, month: Month, period: Period, n: int) -> np.ndarray:
    # Complaints come in mostly on working days, a few by web or e-mail at the weekend.
    days = month.days
    weights = np.where(np.is_busday(days, holidays=period.bank_days), 1.0, 0.25)
    return days[draw_from(rng, weights, n)]


def _date_styles(rng, n: int) -> np.ndarray:
    # Some rows come from an older case system that exports day-first UK dates.
    return np.where(rng.random(n) < 0.12, UK_DATE, ISO_DATE).astype(np.uint8)


def _continue_ids(prefix: str, month: Month, already: int, count: int) -> np.ndarray:
    return record_ids(prefix, month, already + count, 4).to_numpy()[already:]
