"""Large, valid canonical contacts files (`feeds.md`, contacts), generated vectorised.

Shared by the fault tests (a file big enough to kill a load part-way) and the benchmarks
(1M-row files). Every row is valid, so a load inserts every row and quarantines none; the values
are shaped like a council's: 9 channels, 12 services, 20 wards, a customer reference on about
85 % of contacts, customers who come back about the same service within days (repeat contact),
and wall-clock timestamps in Europe/London that never fall in an hour the clock change makes
missing or ambiguous.

    write_contacts_csv(path, 1_000_000, seed=3)

The same arguments always give the same bytes. Contact ids start with the seed (`B03-…`), so
files of different seeds can be loaded into one warehouse without replacing each other's rows;
customers are numbered from 0 in every file, so files of one `customers` pool share customers.
"""

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

COLUMNS = ("contact_id", "received_at", "channel", "service", "reason", "demand_type",
           "failure_type", "customer_ref", "case_ref", "resolved_at_first_point", "wait_seconds",
           "handle_seconds", "abandoned", "responded_at", "safeguarding", "ward", "team")

CHANNELS = ("phone", "email", "web", "face_to_face", "letter", "webchat", "social_media", "app",
            "other")
CHANNEL_WEIGHTS = (0.40, 0.12, 0.22, 0.05, 0.03, 0.07, 0.03, 0.06, 0.02)
# Offices, phone lines and post rooms keep office hours; the rest runs all day.
OFFICE = np.array([c in ("phone", "face_to_face", "letter", "other") for c in CHANNELS])
WRITTEN = np.array([c in ("email", "web", "letter") for c in CHANNELS])
PHONE = CHANNELS.index("phone")
OFFICE_HOURS = np.array([0] * 8 + [0.6, 1.0, 1.0, 0.9, 0.75, 0.85, 0.9, 0.8, 0.6, 0.25]
                        + [0] * 6)
ALL_DAY_HOURS = np.array([0.05, 0.03, 0.02, 0.02, 0.02, 0.05, 0.15, 0.35, 0.70, 0.95, 1.0, 1.0,
                          0.95, 0.95, 0.90, 0.85, 0.80, 0.75, 0.70, 0.80, 0.75, 0.55, 0.35, 0.15])

SERVICES = ("Council Tax", "Waste and Recycling", "Garden Waste", "Housing Benefit", "Planning",
            "Licensing", "Parking", "Environmental Health", "Housing Options",
            "Street Cleansing", "Revenues – Business Rates", "Elections")
SERVICE_WEIGHTS = (23, 18, 5, 9, 7, 3, 8, 5, 7, 6, 6, 3)

WARDS = ("Abbey Fields", "Ashby Marsh", "Birchmoor", "Brookside", "Castle Mead", "Deeping Fen",
         "Eastgate", "Fenbridge Central", "Fenbridge North", "Hallow End", "Kingsholme",
         "Marsh Lane", "Millbrook", "Northwold", "Oakhurst", "Priory Gate", "Riverside Fen",
         "St Botolph's", "Westmere", "Willow Drove")
WARD_WEIGHTS = (1.1, 0.7, 0.9, 1.0, 1.2, 0.6, 1.3, 1.6, 1.4, 0.8, 1.0, 0.9, 1.0, 0.7, 1.1, 1.2,
                1.3, 0.9, 1.0, 0.5)

VALUE_REASONS = ("Make a payment", "Request a service", "Report a problem", "Apply for something",
                 "Ask a question", "Change of circumstances", "Book an appointment",
                 "Update my details")
FAILURE_TYPES = ("progress_chasing", "not_done_right", "unclear_communication",
                 "repeat_request")
FAILURE_REASONS = ("Chasing progress of an earlier request", "Earlier request not done right",
                   "Did not understand our letter or e-mail",
                   "Asking again: earlier request not actioned")
# demand_type as written: value, failure, `unknown`, or empty
DEMAND_LABELS = ("value", "failure", "unknown", None)
FIRST_DEMAND = (0.58, 0.30, 0.06, 0.06)
REPEAT_DEMAND = (0.15, 0.75, 0.05, 0.05)

REPEAT_SHARE = 0.15        # contacts that follow up an earlier contact of the same matter
KNOWN_SHARE = 0.85         # contacts with a customer_ref
DAY = 86_400


def write_contacts_csv(path: Path | str, rows: int, seed: int = 0, customers: int | None = None,
                       *, first_day: date = date(2025, 10, 1), days: int = 365,
                       id_prefix: str | None = None) -> Path:
    """Write `rows` valid contacts received over `days` days from `first_day` (Europe/London
    wall-clock; follow-ups may run a few days past the end), in time order.

    Args: `customers` is the size of the customer pool (default a quarter of `rows`);
      `id_prefix` defaults to `B{seed:02d}-`.
    Returns: the path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    contacts_frame(rows, seed, customers, first_day=first_day, days=days,
                   id_prefix=id_prefix).write_csv(path)
    return path


def contacts_frame(rows: int, seed: int = 0, customers: int | None = None, *,
                   first_day: date = date(2025, 10, 1), days: int = 365,
                   id_prefix: str | None = None) -> pl.DataFrame:
    """The file's rows as text columns (null = empty cell), in `COLUMNS` order."""
    rng = np.random.default_rng(seed)
    pool = max(customers if customers is not None else rows // 4, 1)
    n_repeat = int(rows * REPEAT_SHARE) if rows >= 10 else 0
    start = np.datetime64(first_day, "D")
    first = _first_contacts(rng, rows - n_repeat, n_repeat / max(rows, 1), pool, days,
                            int((start.astype(np.int64) + 3) % 7))
    repeats = _follow_ups(rng, first, n_repeat)
    cols = {k: np.concatenate([first[k], repeats[k]]) for k in first}
    return _frame(rng, cols, start.astype("datetime64[s]"),
                  id_prefix if id_prefix is not None else f"B{seed:02d}-")


def _first_contacts(rng: np.random.Generator, n: int, repeat_share: float, pool: int,
                    days: int, first_weekday: int) -> dict[str, np.ndarray]:
    channel = _draw(rng, CHANNEL_WEIGHTS, n)
    # About half as many contacts on a Saturday or Sunday (weekday 5, 6) as on a weekday.
    day = rng.integers(0, days, n)
    redraw = (((day + first_weekday) % 7) >= 5) & (rng.random(n) < 0.5)
    day = np.where(redraw, rng.integers(0, days, n), day)
    hour = np.where(OFFICE[channel], _draw(rng, OFFICE_HOURS, n), _draw(rng, ALL_DAY_HOURS, n))
    seconds = day * DAY + hour * 3600 + rng.integers(0, 3600, n)
    # Follow-ups all carry a customer_ref: first contacts carry fewer so the file has ~85 %.
    known = rng.random(n) < (KNOWN_SHARE - repeat_share) / (1 - repeat_share)
    customer = np.where(known, rng.integers(0, pool, n), -1)
    case = np.where(known & (rng.random(n) < 0.4), rng.integers(0, 10_000_000, n), -1)
    return {"seconds": seconds, "channel": channel,
            "service": _draw(rng, SERVICE_WEIGHTS, n), "ward": _draw(rng, WARD_WEIGHTS, n),
            "customer": customer, "case": case, "demand": _draw(rng, FIRST_DEMAND, n)}


def _follow_ups(rng: np.random.Generator, first: dict, n: int) -> dict[str, np.ndarray]:
    """Customers coming back about the same matter: mostly within a week, some later."""
    parents = rng.choice(np.flatnonzero(first["customer"] >= 0), n) if n else np.zeros(0, int)
    delay = np.clip(rng.exponential(2.5 * DAY, n), 1_800, 12 * DAY).astype(np.int64)
    same_channel = rng.random(n) < 0.6
    return {"seconds": first["seconds"][parents] + delay,
            "channel": np.where(same_channel, first["channel"][parents],
                                _draw(rng, CHANNEL_WEIGHTS, n)),
            "service": first["service"][parents], "ward": first["ward"][parents],
            "customer": first["customer"][parents], "case": first["case"][parents],
            "demand": _draw(rng, REPEAT_DEMAND, n)}


def _frame(rng: np.random.Generator, cols: dict, start: np.datetime64,
           prefix: str) -> pl.DataFrame:
    n = len(cols["seconds"])
    channel = cols["channel"]
    phone = channel == PHONE
    abandoned = np.where(phone, (rng.random(n) < 0.07).astype(int), -1)
    answered_or_not_phone = abandoned != 1
    wait = np.where(phone, rng.gamma(1.5, 60, n).astype(np.int64), -1)
    handle = np.where(answered_or_not_phone, rng.lognormal(5.6, 0.6, n).astype(np.int64), -1)
    responded = WRITTEN[channel] & (rng.random(n) < 0.88)
    reply_delay = np.where(responded, 7_200 + rng.exponential(1.5 * DAY, n).astype(np.int64), -1)
    demand = cols["demand"]
    failure = demand == 1
    failure_type = np.where(failure, _draw(rng, (4, 3, 2, 1), n), -1)
    reason = np.where(failure, len(VALUE_REASONS) + failure_type,
                      rng.integers(0, len(VALUE_REASONS), n))
    resolved = _draw(rng, (0.65, 0.20, 0.15), n)  # true, false, empty
    safeguarding = np.where(rng.random(n) < 0.003, 0, _draw(rng, (0, 0.8, 0.2), n))

    frame = pl.DataFrame({
        "received": (start + cols["seconds"].astype("timedelta64[s]")).astype("datetime64[us]"),
        "reply_delay": _nullable(reply_delay),
        "channel": _labels(CHANNELS, channel),
        "service": _labels(SERVICES, cols["service"]),
        "reason": _labels(VALUE_REASONS + FAILURE_REASONS, reason),
        "demand_type": _labels(DEMAND_LABELS, demand),
        "failure_type": _labels(FAILURE_TYPES, failure_type),
        "customer": _nullable(cols["customer"]),
        "case": _nullable(cols["case"]),
        "resolved_at_first_point": _labels(("true", "false", None), resolved),
        "wait_seconds": _nullable(wait).cast(pl.String),
        "handle_seconds": _nullable(handle).cast(pl.String),
        "abandoned": _labels(("false", "true"), abandoned),
        "safeguarding": _labels(("true", "false", None), safeguarding),
        "ward": _labels(WARDS, cols["ward"]),
    })
    received = _clear_of_clock_change(pl.col("received"))
    frame = (frame.with_columns(received.alias("received"))
             .with_columns(_clear_of_clock_change(
                 pl.col("received") + pl.duration(seconds=pl.col("reply_delay"))).alias("replied"))
             .sort("received", maintain_order=True))
    return frame.select(
        pl.concat_str(pl.lit(prefix), pl.int_range(1, n + 1).cast(pl.String).str.zfill(8))
        .alias("contact_id"),
        pl.col("received").dt.strftime("%Y-%m-%d %H:%M:%S").alias("received_at"),
        "channel", "service", "reason", "demand_type", "failure_type",
        pl.concat_str(pl.lit("CUST-"), pl.col("customer").cast(pl.String).str.zfill(8))
        .alias("customer_ref"),
        pl.concat_str(pl.lit("CASE-"), pl.col("case").cast(pl.String).str.zfill(7))
        .alias("case_ref"),
        "resolved_at_first_point", "wait_seconds", "handle_seconds", "abandoned",
        pl.col("replied").dt.strftime("%Y-%m-%d %H:%M:%S").alias("responded_at"),
        "safeguarding", "ward",
        pl.when(pl.col("channel").is_in(["phone", "webchat"])).then(pl.lit("Contact Centre"))
        .otherwise(pl.concat_str("service", pl.lit(" Team"))).alias("team"),
    ).select(COLUMNS)


def _clear_of_clock_change(wall: pl.Expr) -> pl.Expr:
    """Move 01:00–01:59 on the last Sunday of March (missing in UK time) and of October
    (ambiguous) to the hour after, so every wall-clock time names exactly one instant."""
    change_day = wall.dt.month().is_in([3, 10]) & (wall.dt.day() >= 25) & (wall.dt.weekday() == 7)
    return pl.when(change_day & (wall.dt.hour() == 1)).then(wall + pl.duration(hours=1)) \
        .otherwise(wall)


def _draw(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), n, p=p / p.sum())


def _nullable(values: np.ndarray) -> pl.Series:
    return pl.Series(np.ma.masked_array(values, mask=values < 0))


def _labels(names, codes: np.ndarray) -> pl.Series:
    return pl.Series(list(names), dtype=pl.String).gather(_nullable(codes))


def cached_contacts_csv(folder: Path | str, rows: int, seed: int = 0,
                        customers: int | None = None, **options) -> Path:
    """`write_contacts_csv` once: the file is kept in `folder` under a name made of its
    arguments and of this generator's source, and reused while both stay the same."""
    folder = Path(folder)
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    extra = "".join(f"-{k}{v}" for k, v in sorted(options.items()))
    path = folder / f"contacts-{rows}-s{seed}-c{customers or 'default'}{extra}-{version}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_contacts_csv(partial, rows, seed, customers, **options)
        partial.replace(path)  # only a complete file is ever found under the final name
    return path
