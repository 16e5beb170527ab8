"""Large source exports for the sources benchmark, each with the canonical contacts file of the
same contacts, so that `pipelines run` on the export and `pipelines ingest` on the canonical
file load the very same rows.

- A telephony switch's call detail export (`call_legs`): one row per call segment, durations
  as H:MM:SS, an answered flag, day-first times, about 1 % of segments delivered twice.
  A call is 1 to 3 segments: the first queues (answered 90 % of the time, else abandoned and
  alone); a call answered first time may be transferred once or twice, each transfer queueing
  and answered; 3 % of calls end in the menu before any queue. So, per call, the canonical
  values are: wait = the first segment's queue time; abandoned = not answered; handle = the
  sum of talk times; service = the first queue's service ("Not recorded" for the menu).
- A CRM case export (`csv`): the rows of `bench.feeds_gen.contacts_frame` under the CRM's own
  column names and channel words, with the reason the only classification: the canonical twin
  carries the demand type the classify table gives that reason.

Both write the canonical twin first; the same arguments always give the same bytes.
"""

from pathlib import Path

import numpy as np
import polars as pl

from bench.feeds_gen import FAILURE_REASONS, FAILURE_TYPES, VALUE_REASONS, contacts_frame

QUEUES = {"Q_CTAX": "Council Tax", "Q_WASTE": "Waste and Recycling", "Q_BEN": "Housing Benefit",
          "Q_PARK": "Parking", "Q_HOUS": "Housing Options", "Q_PLAN": "Planning"}
QUEUE_WEIGHTS = (30, 25, 15, 12, 12, 6)
LEGS_CONFIG = """\
[[source]]
name = "switch"
feed = "contacts"
adapter = "call_legs"
path = "{path}"

[source.columns]
call_id = "Call ID"
leg_id = "Segment ID"
started_at = "Segment Start"
queue = "Queue"
queue_seconds = "Queue Time"
answered = "Answered"
handle_seconds = "Talk Time"
updated_at = "Last Modified"
customer_ref = "CLI"

[source.values.service]
{queues}
"""

CRM_CHANNELS = {"phone": "Telephone", "email": "E-mail", "web": "Web form",
                "face_to_face": "Walk-in", "letter": "Post", "webchat": "Chat",
                "social_media": "Social", "app": "Mobile app", "other": "Other"}
CRM_CONFIG = """\
[[source]]
name = "crm"
feed = "contacts"
adapter = "csv"
path = "{path}"

[source.columns]
contact_id = "Case Number"
received_at = "Date/Time Opened"
channel = "Case Origin"
service = "Type"
reason = "Case Reason"
customer_ref = "Contact Id"
case_ref = "Parent Case"
resolved_at_first_point = "Resolved First Time"
wait_seconds = "Wait (s)"
handle_seconds = "Handling (s)"
abandoned = "Abandoned"
responded_at = "First Response"
safeguarding = "Safeguarding Flag"
ward = "Ward"
team = "Owner Team"

[source.values.channel]
{channels}

[source.classify]
{classify}
"""


def write_call_legs(folder: Path, legs: int, seed: int = 11) -> tuple[Path, Path, Path]:
    """(legs export, its canonical twin, the sources.toml reading the export) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    export, twin = folder / f"calls-{legs}.csv", folder / f"calls-{legs}-canonical.csv"
    config = folder / f"calls-{legs}.toml"
    if not export.exists():
        segments, calls = _calls(legs, seed)
        calls.write_csv(twin)
        segments.write_csv(export)
    queues = "\n".join(f'"{q}" = "{s}"' for q, s in QUEUES.items())
    config.write_text(LEGS_CONFIG.format(path=export.name, queues=queues))
    return export, twin, config


def _calls(legs: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    duplicates = legs // 100
    calls = int((legs - duplicates) / 1.3)
    ivr = rng.random(calls) < 0.03
    answered = ~ivr & (rng.random(calls) < 0.9)
    count = np.where(answered, rng.choice([1, 2, 3], calls, p=[0.72, 0.22, 0.06]), 1)
    # Trim or pad single-segment calls so that segments and repeats make exactly `legs`.
    excess = count.sum() + duplicates - legs
    count[np.flatnonzero(count > 1)[:max(excess, 0)]] -= 1
    if excess < 0:
        extra = rng.choice(np.flatnonzero(answered), -excess, replace=False)
        count[extra] += 1
    wall = _wall_starts(rng, calls)
    queue = rng.choice(len(QUEUES), calls, p=np.array(QUEUE_WEIGHTS) / sum(QUEUE_WEIGHTS))
    first_wait = np.where(ivr, -1, rng.gamma(1.4, 55, calls).astype(np.int64) + 1)
    call_id = np.char.add("CALL-", np.char.zfill(np.arange(1, calls + 1).astype(str), 8))
    customer = rng.integers(0, calls // 3, calls)

    leg_call = np.repeat(np.arange(calls), count)
    leg_index = np.arange(len(leg_call)) - np.repeat(np.cumsum(count) - count, count)
    first = leg_index == 0
    leg_wait = np.where(first, first_wait[leg_call], rng.integers(5, 90, len(leg_call)))
    leg_wait = np.where(ivr[leg_call], -1, leg_wait)
    leg_talk = np.where(answered[leg_call], rng.lognormal(5.3, 0.6, len(leg_call))
                        .astype(np.int64) + 1, -1)
    # Each transfer starts when the segment before it ended: its queue time and talk time on.
    offsets = np.zeros(len(leg_call), np.int64)
    span = np.maximum(leg_wait, 0) + np.maximum(leg_talk, 0) + 20
    for k in (1, 2):
        later = leg_index == k
        offsets[later] = offsets[np.flatnonzero(later) - 1] + span[np.flatnonzero(later) - 1]
    leg_queue = np.where(first, queue[leg_call], rng.integers(0, len(QUEUES), len(leg_call)))
    segment_start = wall[leg_call] + offsets.astype("timedelta64[s]")
    segments = pl.DataFrame({
        "Call ID": call_id[leg_call],
        "Segment ID": np.char.add(np.char.add(call_id[leg_call], "-"),
                                  (leg_index + 1).astype(str)),
        "start": segment_start.astype("datetime64[us]"),
        "Queue": np.array(list(QUEUES))[leg_queue],
        "queue_seconds": leg_wait, "answered": answered[leg_call], "talk": leg_talk,
        "CLI": np.char.add("CUST-", np.char.zfill(customer[leg_call].astype(str), 8)),
        "ivr": ivr[leg_call],
    })
    export = segments.select(
        "Call ID", "Segment ID",
        pl.col("start").dt.strftime("%d/%m/%Y %H:%M:%S").alias("Segment Start"),
        pl.when(~pl.col("ivr")).then(pl.col("Queue")).alias("Queue"),
        pl.when(pl.col("queue_seconds") >= 0).then(_clock(pl.col("queue_seconds")))
        .alias("Queue Time"),
        pl.when(pl.col("ivr")).then(None).when(pl.col("answered")).then(pl.lit("Y"))
        .otherwise(pl.lit("N")).alias("Answered"),
        pl.when(pl.col("talk") >= 0).then(pl.col("talk").cast(pl.String)).alias("Talk Time"),
        (pl.col("start") + pl.duration(hours=1)).dt.strftime("%d/%m/%Y %H:%M:%S")
        .alias("Last Modified"),
        "CLI")
    again = export.sample(duplicates, seed=seed).with_columns(
        pl.col("Segment Start").alias("Last Modified"))  # an earlier delivery of the same segment
    export = pl.concat([export, again]).sample(fraction=1.0, shuffle=True, seed=seed)
    twin = segments.group_by("Call ID", maintain_order=True).agg(
        pl.col("start").min().dt.strftime("%Y-%m-%d %H:%M:%S").alias("received_at"),
        pl.col("Queue").first(), pl.col("ivr").first(), pl.col("answered").first(),
        pl.col("queue_seconds").first(), pl.col("talk").sum(), pl.col("CLI").first())
    twin = twin.select(
        pl.col("Call ID").alias("contact_id"), "received_at", pl.lit("phone").alias("channel"),
        pl.when(pl.col("ivr")).then(pl.lit("Not recorded"))
        .otherwise(pl.col("Queue").replace_strict(QUEUES)).alias("service"),
        pl.col("CLI").alias("customer_ref"),
        pl.when(~pl.col("ivr")).then(pl.col("queue_seconds").cast(pl.String))
        .alias("wait_seconds"),
        pl.when(pl.col("answered")).then(pl.col("talk").cast(pl.String))
        .alias("handle_seconds"),
        pl.when(~pl.col("ivr") & ~pl.col("answered")).then(pl.lit("true"))
        .otherwise(pl.lit("false")).alias("abandoned"))
    return export, twin


def _wall_starts(rng: np.random.Generator, calls: int) -> np.ndarray:
    """London wall-clock call starts over a year, office hours, clear of the clock changes
    (the night hours they touch)."""
    day = rng.integers(0, 365, calls)
    seconds = day * 86_400 + (8 * 3600) + rng.integers(0, 9 * 3600, calls)
    return np.datetime64("2025-10-01T00:00:00") + seconds.astype("timedelta64[s]")


def _clock(seconds: pl.Expr) -> pl.Expr:
    """Seconds as H:MM:SS."""
    return pl.format("{}:{}:{}", seconds // 3600,
                     (seconds // 60 % 60).cast(pl.String).str.zfill(2),
                     (seconds % 60).cast(pl.String).str.zfill(2))


def write_crm(folder: Path, rows: int, seed: int = 12) -> tuple[Path, Path, Path]:
    """(CRM export, its canonical twin, the sources.toml reading the export) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    export, twin = folder / f"crm-{rows}.csv", folder / f"crm-{rows}-canonical.csv"
    config = folder / f"crm-{rows}.toml"
    reasons = {**dict.fromkeys(VALUE_REASONS, ("value", None)),
               **{r: ("failure", t) for r, t in zip(FAILURE_REASONS, FAILURE_TYPES)}}
    if not export.exists():
        frame = contacts_frame(rows, seed, id_prefix=f"CRM{seed:02d}-")
        classified = frame.with_columns(
            pl.col("reason").replace_strict({r: d for r, (d, _) in reasons.items()})
            .alias("demand_type"),
            pl.col("reason").replace_strict({r: f for r, (_, f) in reasons.items()},
                                            return_dtype=pl.String).alias("failure_type"))
        classified.write_csv(twin)
        frame.select(
            pl.col("contact_id").alias("Case Number"),
            pl.col("received_at").str.to_datetime("%Y-%m-%d %H:%M:%S")
            .dt.strftime("%d/%m/%Y %H:%M:%S").alias("Date/Time Opened"),
            pl.col("channel").replace_strict(CRM_CHANNELS).alias("Case Origin"),
            pl.col("service").alias("Type"), pl.col("reason").alias("Case Reason"),
            pl.lit("Closed").alias("Status"), pl.col("customer_ref").alias("Contact Id"),
            pl.col("case_ref").alias("Parent Case"),
            pl.col("resolved_at_first_point").alias("Resolved First Time"),
            pl.col("wait_seconds").alias("Wait (s)"),
            pl.col("handle_seconds").alias("Handling (s)"), pl.col("abandoned").alias("Abandoned"),
            pl.col("responded_at").str.to_datetime("%Y-%m-%d %H:%M:%S")
            .dt.strftime("%d/%m/%Y %H:%M:%S").alias("First Response"),
            pl.col("safeguarding").alias("Safeguarding Flag"), pl.col("ward").alias("Ward"),
            pl.col("team").alias("Owner Team"),
            pl.lit("Imported from the contact centre").alias("Description"),
        ).write_csv(export)
    channels = "\n".join(f'"{word}" = "{code}"' for code, word in CRM_CHANNELS.items())
    classify = "\n".join(
        f'"{r}" = {{ demand_type = "{d}"' + (f', failure_type = "{f}"' if f else "") + " }"
        for r, (d, f) in reasons.items())
    config.write_text(CRM_CONFIG.format(path=export.name, channels=channels, classify=classify))
    return export, twin, config
