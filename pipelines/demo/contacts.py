"""Demo contacts: one row per customer contact, on any channel (`docs/feeds.md`, contacts).

A month is drawn as first contacts plus repeat contacts: customers who come back within a week
about the same service, mostly chasing or re-asking (failure demand), sometimes on another
channel. Repeats that fall after the month end are carried into the next month's file.
"""

import numpy as np
import polars as pl

from data.vocabulary import CHANNELS, DIGITAL, WRITTEN
from pipelines.demo.calendar import (
    ISO_LOCAL,
    ISO_UTC,
    UK_LOCAL,
    Month,
    Period,
    add_working_days,
    avoid_spring_gap,
    draw_from,
    draw_rows,
    format_timestamp,
    record_ids,
)
from pipelines.demo.columns import concat, flags, labels, nullable, refs, take, times
from pipelines.demo.council import FAILURE_REASONS, SERVICES, WARDS, per_channel, per_service
from pipelines.demo.story import (
    channel_weights,
    expected_contacts,
    failure_share,
    programme,
    repeat_share,
    service_load,
    unclassified_share,
)

CONTACT_COLUMNS = ("contact_id", "received_at", "channel", "service", "reason", "demand_type",
                   "failure_type", "customer_ref", "case_ref", "resolved_at_first_point",
                   "wait_seconds", "handle_seconds", "abandoned", "responded_at", "safeguarding",
                   "ward", "team")

PHONE = CHANNELS.index("phone")
IS_DIGITAL = np.array([c in DIGITAL for c in CHANNELS])
IS_WRITTEN = np.array([c in WRITTEN for c in CHANNELS])

DEMAND_TYPES = ("value", "failure", "unknown")
VALUE, FAILURE, UNKNOWN = 0, 1, 2
FAILURE_TYPES = tuple(FAILURE_REASONS)
FAILURE_WEIGHTS = np.array([[s.failure_types.get(f, 0) for f in FAILURE_TYPES] for s in SERVICES],
                           dtype=float)
# Whatever the service, people who come back are mostly chasing or asking again.
REPEAT_FAILURE_WEIGHTS = np.tile(
    [[{"progress_chasing": 6, "not_done_right": 1.5, "repeat_request": 2.5}.get(f, 0)
      for f in FAILURE_TYPES]], (len(SERVICES), 1)).astype(float)

# Reasons flattened into one list: each service's value reasons, then the failure reasons.
REASONS = tuple(r for s in SERVICES for r in s.reasons) + tuple(FAILURE_REASONS.values())
REASON_OFFSET = np.cumsum([0] + [len(s.reasons) for s in SERVICES])[:-1]
REASON_COUNT = np.array([len(s.reasons) for s in SERVICES])
FAILURE_REASON_OFFSET = sum(len(s.reasons) for s in SERVICES)

TEAMS = tuple(t for s in SERVICES for t in s.teams)
TEAM_OFFSET = np.cumsum([0] + [len(s.teams) for s in SERVICES])[:-1]
TEAM_COUNT = np.array([len(s.teams) for s in SERVICES])

WARD_WEIGHTS = np.array([w for _, w in WARDS])

# Hour-of-day weights: offices and phone lines keep office hours; digital runs all day, with
# a second, evening peak once people are home from work.
OFFICE_HOURS = np.array([0] * 8 + [0.6, 1.0, 1.0, 0.9, 0.75, 0.85, 0.9, 0.8, 0.6, 0.25]
                        + [0] * 6)
DIGITAL_HOURS = np.array([0.05, 0.03, 0.02, 0.02, 0.02, 0.05, 0.15, 0.35, 0.70, 0.95, 1.0, 1.0,
                          0.95, 0.95, 0.90, 0.85, 0.80, 0.75, 0.70, 0.80, 0.75, 0.55, 0.35, 0.15])

HANDLE_MEDIAN = per_channel({"phone": 330, "email": 420, "web": 300, "face_to_face": 720,
                             "letter": 480, "webchat": 540, "social_media": 240, "app": 180,
                             "other": 300})  # seconds
REPEAT_DELAY_DAYS = np.array([0.15, 0.30, 0.20, 0.12, 0.10, 0.08, 0.05])
ON_TIME_DAYS = np.array([0.15, 0.30, 0.20, 0.15, 0.12, 0.08])  # working days to reply, 0 to 5
SAFEGUARDING = per_service({"Housing Options": 0.02, "Environmental Health": 0.005,
                            "Housing Benefit": 0.004}, 0.001)
# How much failure demand each service generates, relative to the council as a whole.
FAILURE_PROPENSITY = per_service({"Waste and Recycling": 1.35, "Garden Waste": 1.2,
                                  "Council Tax": 1.1, "Housing Benefit": 1.15, "Parking": 0.9,
                                  "Environmental Health": 0.8, "Licensing": 0.7,
                                  "Revenues – Business Rates": 0.8, "Elections": 0.5}, 1.0)
# Which export a row seems to come from: cloud webchat, app and social tools give UTC with a
# Z; the front desk and post room log day-first UK times by hand.
UTC_STYLE_SHARE = per_channel({"web": 0.15, "webchat": 0.6, "social_media": 0.6, "app": 0.6})
UK_STYLE_SHARE = per_channel({"phone": 0.03, "email": 0.03, "face_to_face": 0.5, "letter": 0.5,
                              "other": 0.1})


def contacts_for_month(rng: np.random.Generator, month: Month, period: Period,
                       customers: np.ndarray, carried: dict | None) -> tuple[dict, dict]:
    """This month's contacts, sorted by time, and the repeat contacts that belong to the next
    month. Both are dicts of column arrays."""
    expected = expected_contacts(month)
    total = rng.poisson(expected.sum())
    n_repeat = rng.binomial(total, repeat_share(month.index))
    first = _first_contacts(rng, month, period, customers, expected, total - n_repeat)
    repeated = _pick_repeated(rng, first, n_repeat)
    first["resolved"] = _first_point_resolution(rng, first["abandoned"], repeated, month.index)
    repeats = _repeat_contacts(rng, month, period, take(first, repeated))
    drawn = concat([first, repeats])
    drawn["responded_at"] = _written_responses(rng, month, period, drawn)
    in_month = drawn["received_at"] < month.end.astype("datetime64[s]")
    this_month = concat([carried, take(drawn, in_month)] if carried else [take(drawn, in_month)])
    order = np.argsort(this_month["received_at"], kind="stable")
    return take(this_month, order), take(drawn, ~in_month)


def contacts_frame(cols: dict, month: Month) -> pl.DataFrame:
    """The month's contacts as the canonical CSV: every column text, empty for no value."""
    frame = pl.DataFrame({
        "contact_id": contact_ids(month, len(cols["received_at"])),
        "received_at": times(cols["received_at"]),
        "responded_at": times(cols["responded_at"]),
        "ts_style": cols["ts_style"],
        "channel": labels(CHANNELS, cols["channel"]),
        "service": labels([s.name for s in SERVICES], cols["service"]),
        "reason": labels(REASONS, cols["reason"]),
        "demand_type": labels(DEMAND_TYPES, cols["demand"]),
        "failure_type": labels(FAILURE_TYPES, cols["failure_type"]),
        "customer_ref": refs("CUST-", cols["customer"], 7),
        "case_ref": refs("CASE-", cols["case"], 7),
        "resolved_at_first_point": flags(cols["resolved"]),
        "wait_seconds": nullable(cols["wait_seconds"]),
        "handle_seconds": nullable(cols["handle_seconds"]),
        "abandoned": flags(cols["abandoned"]),
        "safeguarding": flags(cols["safeguarding"]),
        "ward": labels([w for w, _ in WARDS], cols["ward"]),
        "team": labels(TEAMS, cols["team"]),
    })
    return (frame.with_columns(format_timestamp("received_at"), format_timestamp("responded_at"))
            .select([pl.col(c).cast(pl.String) for c in CONTACT_COLUMNS]))


def contact_ids(month: Month, count: int) -> pl.Series:
    return record_ids("CON", month, count, 6)


def _first_contacts(rng, month: Month, period: Period, customers: np.ndarray,
                    expected: np.ndarray, n: int) -> dict:
    t = month.index
    service = draw_from(rng, expected, n)
    channel = draw_rows(rng, channel_weights(t), service)
    wait, abandoned = _phone_queue(rng, month, service, channel, may_abandon=True)
    known = (abandoned != 1) & (rng.random(n) < 0.88)
    # Repeats are drawn from first contacts, and are mostly failure: first contacts carry less of
    # it so that the month as a whole matches the story's failure share.
    share = repeat_share(t)
    p_failure = max((failure_share(t) - share * 0.85) / (1 - share), 0.05)
    demand, failure_type = _classify(rng, service, p_failure, unclassified_share(t),
                                     FAILURE_WEIGHTS, never=abandoned == 1)
    case = np.where(known & (rng.random(n) < 0.45),
                    (t + 1) * 100_000 + np.arange(n), -1)
    return {
        "received_at": _received_times(rng, month, period, channel),
        "channel": channel,
        "service": service,
        "customer": np.where(known, _draw_customers(rng, customers, n), -1),
        "case": case,
        "ward": np.where(rng.random(n) < 0.95, draw_from(rng, WARD_WEIGHTS, n), -1),
        "team": np.where(abandoned == 1, -1, _teams(rng, service)),
        "demand": demand,
        "failure_type": failure_type,
        "reason": _reasons(rng, service, demand, failure_type),
        "wait_seconds": wait,
        "abandoned": abandoned,
        "handle_seconds": np.where(abandoned == 1, -1, _handle_seconds(rng, channel)),
        "safeguarding": _safeguarding(rng, service, abandoned),
        "resolved": np.full(n, -1, dtype=np.int8),
        "ts_style": _timestamp_styles(rng, channel),
    }


def _repeat_contacts(rng, month: Month, period: Period, originals: dict) -> dict:
    """A contact again about the same matter, on the same channel a little over half the time."""
    n = len(originals["service"])
    service = originals["service"]
    other_channel = draw_rows(rng, channel_weights(month.index), service)
    channel = np.where(rng.random(n) < 0.55, originals["channel"], other_channel)
    wait, abandoned = _phone_queue(rng, month, service, channel, may_abandon=False)
    demand, failure_type = _classify(rng, service, 0.85, 0.07, REPEAT_FAILURE_WEIGHTS,
                                     never=np.zeros(n, dtype=bool))
    return {
        "received_at": _repeat_times(rng, period, originals["received_at"], channel),
        "channel": channel,
        "service": service,
        "customer": originals["customer"],
        "case": originals["case"],
        "ward": originals["ward"],
        "team": originals["team"],
        "demand": demand,
        "failure_type": failure_type,
        "reason": _reasons(rng, service, demand, failure_type),
        "wait_seconds": wait,
        "abandoned": abandoned,
        "handle_seconds": _handle_seconds(rng, channel),
        "safeguarding": _safeguarding(rng, service, abandoned),
        "resolved": rng.choice(np.array([1, 0, -1], dtype=np.int8), n, p=[0.55, 0.30, 0.15]),
        "ts_style": _timestamp_styles(rng, channel),
    }


def _pick_repeated(rng, first: dict, n_repeat: int) -> np.ndarray:
    """Indices of the first contacts that someone comes back about: only known customers can be
    matched, and failure demand is three times as likely to bring them back (weighted sampling
    without replacement, by exponential keys)."""
    weight = np.where(first["demand"] == FAILURE, 3.0, 1.0)
    keys = np.log(rng.random(len(weight))) / weight
    keys[first["customer"] < 0] = -np.inf
    n_repeat = min(n_repeat, int((first["customer"] >= 0).sum()))
    return np.sort(np.argsort(-keys, kind="stable")[:n_repeat])


def _first_point_resolution(rng, abandoned: np.ndarray, repeated: np.ndarray, t: int) -> np.ndarray:
    """The handler's own flag: usually "resolved", even for some who come back, which is why
    right first time also looks at what happened next. Handlers grow more candid as the
    programme goes on. Nobody handled an abandoned call, so it has no flag."""
    n = len(abandoned)
    came_back = np.zeros(n, dtype=bool)
    came_back[repeated] = True
    p_true = np.where(came_back, 0.35 - 0.10 * programme(t), 0.82)
    p_false = np.where(came_back, 0.50 + 0.10 * programme(t), 0.06)
    u = rng.random(n)
    flag = np.where(u < p_true, 1, np.where(u < p_true + p_false, 0, -1))
    return np.where(abandoned == 1, -1, flag).astype(np.int8)


def _classify(rng, service: np.ndarray, p_failure: float, p_unclassified: float,
              failure_weights: np.ndarray, never: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """demand_type and failure_type codes. Services differ in how much failure they generate;
    the weights are scaled so the month as a whole keeps `p_failure`."""
    n = len(service)
    propensity = FAILURE_PROPENSITY[service]
    p_row = p_failure * propensity / (propensity.mean() if n else 1.0)
    unclassified = never | (rng.random(n) < p_unclassified)
    failure = ~unclassified & (rng.random(n) < p_row)
    # Unclassified contacts come either blank or coded "unknown", depending on the system.
    blank_or_unknown = np.where(rng.random(n) < 0.4, UNKNOWN, -1)
    demand = np.where(unclassified, blank_or_unknown, np.where(failure, FAILURE, VALUE))
    failure_type = np.where(failure, draw_rows(rng, failure_weights, service), -1)
    return demand, failure_type


def _reasons(rng, service, demand, failure_type) -> np.ndarray:
    pick = (rng.random(len(service)) * REASON_COUNT[service]).astype(int)
    value_reason = REASON_OFFSET[service] + pick
    unclassified = (demand == -1) | (demand == UNKNOWN)
    no_reason = unclassified & (rng.random(len(service)) < 0.35)
    reason = np.where(demand == FAILURE, FAILURE_REASON_OFFSET + failure_type, value_reason)
    return np.where(no_reason, -1, reason)


def _teams(rng, service) -> np.ndarray:
    return TEAM_OFFSET[service] + (rng.random(len(service)) * TEAM_COUNT[service]).astype(int)


def _phone_queue(rng, month: Month, service, channel, may_abandon: bool):
    """wait_seconds and abandoned for calls. Queues lengthen sharply when a service is at its
    seasonal peak, and callers who wait longer hang up more often."""
    phone = channel == PHONE
    n = len(service)
    median = 70 * service_load(month)[service] ** 2 * (1 - 0.3 * programme(month.index))
    wait = np.clip(np.exp(np.log(median) + 0.9 * rng.standard_normal(n)), 3, 3600).astype(int)
    p_abandon = np.clip(0.015 + wait / 2000, 0, 0.5) if may_abandon else np.zeros(n)
    abandoned = (rng.random(n) < p_abandon).astype(np.int8)
    return np.where(phone, wait, -1), np.where(phone, abandoned, -1).astype(np.int8)


def _handle_seconds(rng, channel) -> np.ndarray:
    n = len(channel)
    seconds = np.maximum(HANDLE_MEDIAN[channel] * np.exp(0.55 * rng.standard_normal(n)), 15)
    recorded = (channel == PHONE) | (rng.random(n) < 0.92)
    return np.where(recorded, seconds.astype(int), -1)


def _safeguarding(rng, service, abandoned) -> np.ndarray:
    n = len(service)
    raised = (rng.random(n) < SAFEGUARDING[service]).astype(np.int8)
    not_recorded = (abandoned == 1) | (rng.random(n) < 0.3)
    return np.where(not_recorded, -1, raised).astype(np.int8)


def _received_times(rng, month: Month, period: Period, channel) -> np.ndarray:
    """Office-hours channels on working days, digital ones every day and into the evening;
    Monday is busiest and the days between Christmas Eve and New Year are quiet."""
    days = month.days
    working = np.is_busday(days, holidays=period.bank_days)
    monday = (days.astype(int) + 3) % 7 == 0
    christmas = (month.calendar_month == 12) & (np.arange(1, len(days) + 1) >= 24)
    office_days = working * np.where(monday, 1.25, 1.0) * np.where(christmas, 0.5, 1.0)
    digital_days = np.where(working, 1.0, 0.45) * np.where(monday, 1.1, 1.0) * np.where(
        christmas, 0.4, 1.0)
    digital = IS_DIGITAL[channel]
    received = np.empty(len(channel), dtype="datetime64[s]")
    for group, day_weights, hours in ((digital, digital_days, DIGITAL_HOURS),
                                      (~digital, office_days, OFFICE_HOURS)):
        day = days[draw_from(rng, day_weights, int(group.sum()))]
        received[group] = _at_time_of_day(rng, day, hours)
    return avoid_spring_gap(received)


def _repeat_times(rng, period: Period, original: np.ndarray, channel) -> np.ndarray:
    """Later than the original and, but for weekends on office channels, within 7 days."""
    n = len(channel)
    digital = IS_DIGITAL[channel]
    day = original.astype("datetime64[D]")
    delay = draw_from(rng, REPEAT_DELAY_DAYS, n)
    # A same-day call or visit needs the office open for a few more hours.
    delay = np.where((delay == 0) & ~digital & ~_in_office_hours(original, period), 1, delay)
    later_day = day + delay
    later_day = np.where(digital, later_day,
                         np.busday_offset(later_day, 0, roll="forward", holidays=period.bank_days))
    later = np.empty(n, dtype="datetime64[s]")
    for group, hours in ((digital, DIGITAL_HOURS), (~digital, OFFICE_HOURS)):
        later[group] = _at_time_of_day(rng, later_day[group], hours)
    same_day = original + rng.integers(1200, 10800, n).astype("timedelta64[s]")
    return avoid_spring_gap(np.where(delay == 0, same_day, later))


def _written_responses(rng, month: Month, period: Period, cols: dict) -> np.ndarray:
    """responded_at for e-mails, web forms and letters: mostly within the 5-working-day
    standard, more often late when the service is at its peak, a few never answered, and none
    after the export was taken."""
    channel, service, received = cols["channel"], cols["service"], cols["received_at"]
    n = len(channel)
    p_late = np.clip(0.07 + 0.25 * (service_load(month)[service] - 1), 0.05, 0.35) * (
        1 - 0.3 * programme(month.index))
    late = rng.random(n) < p_late
    working_days = np.where(late, rng.integers(6, 16, n), draw_from(rng, ON_TIME_DAYS, n))
    # A same-day reply needs the office open when the message came in.
    working_days = np.where(_in_office_hours(received, period), working_days,
                            np.maximum(working_days, 1))
    reply_day = add_working_days(received.astype("datetime64[D]"), np.maximum(working_days, 1),
                                 period.bank_days)
    later = _at_time_of_day(rng, reply_day, OFFICE_HOURS)
    same_day = received + rng.integers(600, 14400, n).astype("timedelta64[s]")
    responded = avoid_spring_gap(np.where(working_days == 0, same_day, later))
    answered = IS_WRITTEN[channel] & (rng.random(n) >= 0.03) & (responded < period.horizon)
    return np.where(answered, responded, np.datetime64("NaT", "s"))


def _in_office_hours(moments: np.ndarray, period: Period) -> np.ndarray:
    """On a working day between 08:00 and 15:00: early enough to be dealt with the same day."""
    day = moments.astype("datetime64[D]")
    hour = (moments - day.astype("datetime64[s]")).astype(int) // 3600
    return np.is_busday(day, holidays=period.bank_days) & (hour >= 8) & (hour < 15)


def _at_time_of_day(rng, day: np.ndarray, hour_weights: np.ndarray) -> np.ndarray:
    n = len(day)
    seconds = draw_from(rng, hour_weights, n) * 3600 + rng.integers(0, 3600, n)
    return day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _timestamp_styles(rng, channel) -> np.ndarray:
    u = rng.random(len(channel))
    p_utc, p_uk = UTC_STYLE_SHARE[channel], UK_STYLE_SHARE[channel]
    return np.where(u < p_utc, ISO_UTC, np.where(u < p_utc + p_uk, UK_LOCAL, ISO_LOCAL)).astype(
        np.uint8)


def _draw_customers(rng, customers: np.ndarray, n: int) -> np.ndarray:
    # Skewed: a minority of households account for many contacts, as in any council.
    return customers[(len(customers) * rng.random(n) ** 1.7).astype(int)]
