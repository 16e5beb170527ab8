"""Demo members' enquiries (`docs/feeds.md`, enquiries): what Fenbridge's councillors raise on
their residents' behalf, from the members' casework system.

Two councillors per ward; a few dozen enquiries a month, mostly about the street scene, bins,
housing and planning. Acknowledged within 2 working days and answered within 10 (the council's
standard), more often on time as the programme takes hold and less often at Christmas; a few
answers are put back to a date agreed with the member; recent ones may still be open. About one
in eight is a member asking again about a resident's matter already raised.

The casework system exports one file for the whole period; each month draws from its own
generator, apart from the other feeds' (whose files stay as they were).
"""

import numpy as np
import polars as pl

from pipelines.demo.calendar import (
    Month,
    Period,
    add_working_days,
    draw_from,
    format_date,
    record_ids,
)
from pipelines.demo.columns import concat, known, labels, refs, take
from pipelines.demo.council import WARDS
from pipelines.demo.story import programme

ENQUIRY_STREAM = 7_777  # generator key, apart from the month keys of the other feeds
ENQUIRY_COLUMNS = ("enquiry_id", "received_on", "service", "member", "ward", "category",
                   "channel", "acknowledged_on", "responded_on", "extended_due_on",
                   "customer_ref")
ACKNOWLEDGE_DAYS, ANSWER_DAYS = 2, 10
REPEAT_SHARE = 0.12
# service -> (weight, what members ask about)
TOPICS = {
    "Street Cleansing": (5, ("Fly-tipping", "Overgrown verges", "Dog fouling")),
    "Waste and Recycling": (5, ("Missed collection", "Bin replacement", "Assisted collection")),
    "Housing Options": (4, ("Housing need", "Temporary accommodation", "Disrepair")),
    "Planning": (4, ("Planning application", "Enforcement", "Trees")),
    "Parking": (3, ("Parking restrictions", "Penalty charge", "Obstructive parking")),
    "Environmental Health": (2, ("Noise nuisance", "Pest control", "Air quality")),
    "Council Tax": (2, ("Bill query", "Recovery action")),
    "Housing Benefit": (1, ("Claim delay",)),
}
SERVICE_NAMES = tuple(TOPICS)
SERVICE_WEIGHTS = np.array([w for w, _ in TOPICS.values()], dtype=float)
CATEGORIES = tuple(dict.fromkeys(c for _, cs in TOPICS.values() for c in cs))
CATEGORY_OF = [np.array([CATEGORIES.index(c) for c in cs]) for _, cs in TOPICS.values()]
MEMBER_CHANNELS = ("email", "phone", "web")
CHANNEL_WEIGHTS = np.array([0.70, 0.20, 0.10])
FIRST_NAMES = ("Ann", "Raj", "Sam", "Helen", "Tom", "Priya", "Mark", "Grace", "Owen", "Lucy",
               "David", "Fatima", "Joe", "Karen", "Ben", "Ruth", "Imran", "Sarah", "Colin", "Mia")
SURNAMES = ("Green", "Patel", "Hill", "Walsh", "Baker", "Shah", "Turner", "Okafor", "Price",
            "Lloyd", "Reed", "Hussain", "Marsh", "Doyle", "Fox", "Ellis", "Begum", "Ward",
            "Hughes", "Nash")
# Two councillors per ward: (ward code, member name)
MEMBERS = tuple((w, f"Cllr {FIRST_NAMES[(3 * w + k) % 20]} {SURNAMES[(7 * w + 5 * k) % 20]}")
                for w in range(len(WARDS)) for k in range(2))
WARD_WEIGHTS = np.array([WARDS[w][1] for w, _ in MEMBERS])


def enquiries_for_month(seed: int, month: Month, period: Period,
                        customers: np.ndarray) -> dict:
    rng = np.random.default_rng([seed, month.index, ENQUIRY_STREAM])
    t = programme(month.index)
    n = rng.poisson(45 * (1.2 if month.calendar_month in (1, 2) else 1.0))
    member = draw_from(rng, WARD_WEIGHTS, n)
    service = draw_from(rng, SERVICE_WEIGHTS, n)
    rows = {
        "received_on": _received_days(rng, month, period, n),
        "member": member,
        "ward": np.array([MEMBERS[m][0] for m in member], dtype=int),
        "service": service,
        "category": np.array([rng.choice(CATEGORY_OF[s]) for s in service], dtype=int),
        "channel": draw_from(rng, CHANNEL_WEIGHTS, n),
        "customer": np.where(rng.random(n) < 0.85,
                             customers[rng.integers(0, len(customers), n)], -1),
    }
    rows = _with_repeats(rng, take(rows, np.argsort(rows["received_on"], kind="stable")))
    rows.update(_answers(rng, period, rows["received_on"], t))
    rows["id"] = record_ids("MEM", month, n, 4).to_numpy()
    return rows


def enquiries_frame(months: list[dict]) -> pl.DataFrame:
    """Every month's enquiries as the canonical CSV: every column text, empty for no value."""
    cols = concat(months)
    frame = pl.DataFrame({
        "enquiry_id": pl.Series(cols["id"].tolist(), dtype=pl.String),
        "received_on": cols["received_on"],
        "service": labels(SERVICE_NAMES, cols["service"]),
        "member": labels([name for _, name in MEMBERS], cols["member"]),
        "ward": labels([w for w, _ in WARDS], cols["ward"]),
        "category": labels(CATEGORIES, cols["category"]),
        "channel": labels(MEMBER_CHANNELS, cols["channel"]),
        "acknowledged_on": cols["acknowledged_on"],
        "responded_on": cols["responded_on"],
        "extended_due_on": cols["extended_due_on"],
        "customer_ref": refs("CUST-", cols["customer"], 7),
        "date_style": np.zeros(len(cols["id"]), dtype=np.uint8),
    })
    dates = ("received_on", "acknowledged_on", "responded_on", "extended_due_on")
    return (frame.with_columns(*(format_date(d) for d in dates))
            .select([pl.col(c).cast(pl.String) for c in ENQUIRY_COLUMNS]))


def _with_repeats(rng, rows: dict) -> dict:
    """A member chasing a matter already raised: the same resident, service, member and ward as
    an earlier enquiry of the month."""
    n = len(rows["received_on"])
    known = np.flatnonzero(rows["customer"] >= 0)
    for i in np.flatnonzero(rng.random(n) < REPEAT_SHARE):
        earlier = known[known < i]
        if earlier.size:
            j = earlier[rng.integers(0, earlier.size)]
            for name in ("customer", "service", "category", "member", "ward"):
                rows[name][i] = rows[name][j]
    return rows


def _answers(rng, period: Period, received: np.ndarray, t: float) -> dict:
    n = len(received)
    bank = period.bank_days
    horizon = period.horizon.astype("datetime64[D]")
    christmas = np.isin(received.astype("datetime64[M]").astype(int) % 12 + 1, (12,))
    p_acknowledged = np.where(christmas, 0.70, 0.80 + 0.12 * t)
    acknowledged = add_working_days(received, np.where(
        rng.random(n) < p_acknowledged, rng.integers(1, ACKNOWLEDGE_DAYS + 1, n),
        rng.integers(ACKNOWLEDGE_DAYS + 1, 7, n)), bank)
    acknowledged = known(acknowledged, (rng.random(n) < 0.85) & (acknowledged < horizon))
    extended = known(add_working_days(received, rng.integers(15, 26, n), bank),
                      rng.random(n) < 0.07)
    extended = known(extended, extended < horizon)
    due = np.where(np.isnat(extended), add_working_days(received, ANSWER_DAYS, bank), extended)
    allowed = np.busday_count(received, due, holidays=bank)
    p_on_time = np.where(christmas, 0.55, 0.68 + 0.20 * t)
    on_time = add_working_days(received, rng.integers(1, np.maximum(allowed, 1) + 1), bank)
    late = add_working_days(due, rng.integers(1, 12, n), bank)
    responded = np.where(rng.random(n) < p_on_time, on_time, late)
    responded = known(responded, responded < horizon)
    # An answer with no acknowledgement before it: the answer was the acknowledgement.
    acknowledged = known(acknowledged, np.isnat(responded) | (acknowledged <= responded))
    return {"acknowledged_on": acknowledged, "responded_on": responded,
            "extended_due_on": extended}


def _received_days(rng, month: Month, period: Period, n: int) -> np.ndarray:
    days = month.days
    weights = np.where(np.is_busday(days, holidays=period.bank_days), 1.0, 0.1)
    return days[draw_from(rng, weights, n)]
