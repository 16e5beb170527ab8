"""Invariants on a seeded, randomly generated medium input (a few thousand contacts over 14
months), and a row-by-row recomputation of every KPI straight from `docs/kpis.md`.

hypothesis is not installed: the input comes from numpy's default_rng with a fixed seed, shaped
so that the awkward cases occur many times (repeats across month ends and channels, contacts of
one matter at the same instant, contacts without a customer_ref, the censored last week, written
contacts over bank holidays, a service that starts after the baseline).
"""

import dataclasses
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.compute import Query, compute
from metrics.registry import REGISTRY, kpis_of
from tests.metrics.builders import assumptions, complaints, contacts, responses, sources
from transform.calendar import add_working_days

LONDON = ZoneInfo("Europe/London")
SEED = 20240531
START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2025, 3, 1, tzinfo=UTC)  # 14 months
SERVICES = ["Waste", "Housing", "Council Tax", "Benefits"]
LATE_SERVICE = "Parking"  # only from 2025: absent from the baseline
CHANNELS = ["phone", "email", "web", "face_to_face", "letter", "webchat", "social_media", "app",
            "other"]
CHANNEL_WEIGHTS = [0.35, 0.15, 0.15, 0.08, 0.07, 0.07, 0.04, 0.05, 0.04]
WARDS = ["North", "South", "East", "West", "Central", None]
DIGITAL = {"email", "web", "webchat", "social_media", "app"}
SELF_SERVICE = {"web", "app"}
WRITTEN = {"email", "web", "letter"}
WINDOW = timedelta(days=7)
CONTACT_KPIS = list(kpis_of("contacts", needs=("parts",)))
COMPLAINT_KPIS = list(kpis_of("complaints"))
SATISFACTION_KPIS = list(kpis_of("satisfaction"))
MONEY = {"cost_to_serve_gbp", "carbon_kg", "channel_shift_saving_gbp", "carbon_saving_kg"}


def _maybe(rng, value, p_null):
    return None if rng.random() < p_null else value


def generate(seed: int = SEED, n: int = 3000):
    rng = np.random.default_rng(seed)
    span = (END - START).total_seconds()
    rows = []
    for _ in range(n):
        # Whole minutes, so that some contacts of one matter share an instant by chance too.
        received = START + timedelta(minutes=int(rng.integers(0, int(span // 60))))
        service = (LATE_SERVICE if received.year == 2025 and rng.random() < 0.1
                   else SERVICES[rng.integers(len(SERVICES))])
        channel = str(rng.choice(CHANNELS, p=CHANNEL_WEIGHTS))
        row = {
            "received_at": received, "channel": channel, "service": service,
            "ward": WARDS[rng.integers(len(WARDS))],
            "demand_type": ["value", "failure", None][rng.integers(3)],
            # 250 customers: plenty of repeats; a quarter of contacts cannot be matched.
            "customer_ref": _maybe(rng, f"cust{rng.integers(250)}", 0.25),
            "resolved_at_first_point": [True, False, None][rng.integers(3)],
            "safeguarding": [True, False, False, False, None][rng.integers(5)],
        }
        if channel == "phone" or rng.random() < 0.05:
            row["abandoned"] = [True, False, False, None][rng.integers(4)]
            row["wait_seconds"] = _maybe(rng, int(rng.integers(0, 180)), 0.1)
        if channel in WRITTEN or rng.random() < 0.05:
            row["responded_at"] = _maybe(
                rng, received + timedelta(minutes=int(rng.integers(0, 20 * 24 * 60))), 0.2)
        rows.append(row)
    # Same matter at the same instant on another channel; and follow-ups days later, some across
    # a month end.
    for i in rng.choice(n, 60, replace=False):
        rows.append({**rows[i], "channel": CHANNELS[rng.integers(len(CHANNELS))]})
    for i in rng.choice(n, 300, replace=False):
        later = rows[i]["received_at"] + timedelta(hours=int(rng.integers(1, 10 * 24)))
        if later < END:
            rows.append({**rows[i], "received_at": later,
                         "channel": CHANNELS[rng.integers(len(CHANNELS))], "responded_at": None})
    # A burst in the last week, so that the censored week is well populated.
    for _ in range(80):
        received = END - timedelta(minutes=int(rng.integers(1, 7 * 24 * 60)))
        rows.append({"received_at": received, "channel": "phone",
                     "service": SERVICES[rng.integers(len(SERVICES))],
                     "customer_ref": f"cust{rng.integers(250)}"})
    contact_rows = contacts(*rows)

    complaint_list = []
    for _ in range(400):
        received = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 425)))
        kind = str(rng.choice(["complaint", "compliment", "comment"], p=[0.8, 0.15, 0.05]))
        stage = int(rng.choice([1, 2], p=[0.8, 0.2]))
        responded = _maybe(rng, received + timedelta(days=int(rng.integers(0, 45))), 0.2)
        if responded and responded >= date(2025, 3, 1):
            responded = None
        complaint_list.append({
            "received_on": received, "kind": kind, "stage": stage if kind == "complaint" else None,
            "service": str(rng.choice(SERVICES + [LATE_SERVICE, "Libraries"])),
            "acknowledged_on": _maybe(rng, received + timedelta(days=int(rng.integers(0, 4))),
                                      0.5),
            "extended_due_on": _maybe(rng, received + timedelta(days=int(rng.integers(10, 60))),
                                      0.85),
            "responded_on": responded,
            "outcome": (str(rng.choice(["upheld", "partly_upheld", "not_upheld", "withdrawn"]))
                        if responded and rng.random() < 0.9 else None),
            "channel": _maybe(rng, CHANNELS[rng.integers(len(CHANNELS))], 0.3),
            "ward": WARDS[rng.integers(len(WARDS))],
        })
    complaint_rows = complaints(*complaint_list)

    response_list = []
    for _ in range(600):
        scores = {"csat": _maybe(rng, int(rng.integers(1, 6)), 0.3),
                  "nps": _maybe(rng, int(rng.integers(0, 11)), 0.3),
                  "ces": _maybe(rng, int(rng.integers(1, 8)), 0.3)}
        if all(v is None for v in scores.values()):
            scores["csat"] = 3
        response_list.append({
            "responded_at": START + timedelta(minutes=int(rng.integers(0, int(span // 60)))),
            "channel": CHANNELS[rng.integers(len(CHANNELS))],
            "service": SERVICES[rng.integers(len(SERVICES))], **scores})
    return contact_rows, complaint_rows, responses(*response_list)


@pytest.fixture(scope="module")
def data():
    return generate()


@pytest.fixture(scope="module")
def results(data):
    src = sources(*data)
    return {by: compute(src, Query(by=by)) for by in
            [(), ("service",), ("channel",), ("ward",), ("service", "channel")]}


# ---- a row-by-row recomputation of docs/kpis.md -----------------------------------------------

def _month(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m")


def _london_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def reference_contact_figures(rows: list[dict]) -> dict:
    """(month, kpi) -> (numerator, denominator), one contact at a time, as docs/kpis.md says."""
    as_of = max(r["received_at"] for r in rows)
    as_of_date = _london_day(as_of)
    matters = defaultdict(list)
    for r in rows:
        if r["customer_ref"] is not None:
            matters[(r["customer_ref"], r["service"])].append(r["received_at"])
    out = defaultdict(lambda: [0, 0])

    def add(month, kpi, numerator, denominator):
        out[(month, kpi)][0] += int(numerator)
        out[(month, kpi)][1] += int(denominator)

    for r in rows:
        t, month, channel = r["received_at"], _month(r["received_at"]), r["channel"]
        known = r["customer_ref"] is not None
        others = matters[(r["customer_ref"], r["service"])] if known else []
        repeat = known and any(t - WINDOW <= o < t for o in others)
        eligible = known and not repeat and t + WINDOW <= as_of
        followed = any(t < o <= t + WINDOW for o in others)
        add(month, "contacts", 1, 0)
        classified = r["demand_type"] in ("value", "failure")
        add(month, "failure_demand_pct", r["demand_type"] == "failure", classified)
        add(month, "classified_pct", classified, 1)
        add(month, "repeat_contact_pct", repeat, known)
        add(month, "right_first_time_pct",
            eligible and not followed and r["resolved_at_first_point"] is not False, eligible)
        add(month, "digital_pct", channel in DIGITAL, 1)
        add(month, "self_service_pct", channel in SELF_SERVICE, 1)
        phone = channel == "phone"
        add(month, "abandoned_pct", phone and r["abandoned"] is True,
            phone and r["abandoned"] is not None)
        answered = phone and r["abandoned"] is False and r["wait_seconds"] is not None
        add(month, "answered_in_60s_pct", answered and r["wait_seconds"] <= 60, answered)
        written = channel in WRITTEN
        due = add_working_days(_london_day(t), 5)
        responded = r["responded_at"] is not None
        add(month, "written_on_time_pct",
            written and responded and _london_day(r["responded_at"]) <= due,
            written and (responded or due < as_of_date))
        add(month, "safeguarding_contacts", r["safeguarding"] is True, 0)
    return {k: tuple(v) for k, v in out.items()}


def reference_complaint_figures(rows: list[dict], contact_rows: list[dict]) -> dict:
    out = defaultdict(lambda: [0, 0])

    def add(month, kpi, numerator, denominator):
        out[(month, kpi)][0] += numerator
        out[(month, kpi)][1] += denominator

    for r in rows:
        received = r["received_on"].strftime("%Y-%m")
        if r["kind"] == "compliment":
            add(received, "compliments_received", 1, 0)
        if r["kind"] != "complaint":
            continue
        add(received, "complaints_received", 1, 0)
        add(received, "escalation_pct", int(r["stage"] == 2), int(r["stage"] == 1))
        add(received, "complaints_per_1000_contacts", 1000, 0)
        if r["responded_on"] is None:
            continue
        responded = r["responded_on"].strftime("%Y-%m")
        start = r["acknowledged_on"] or r["received_on"]
        due = r["extended_due_on"] or add_working_days(start, 10 if r["stage"] == 1 else 20)
        add(responded, f"stage{r['stage']}_on_time_pct", int(r["responded_on"] <= due), 1)
        add(responded, "upheld_pct", int(r["outcome"] in ("upheld", "partly_upheld")),
            int(r["outcome"] in ("upheld", "partly_upheld", "not_upheld")))
    for c in contact_rows:
        add(_month(c["received_at"]), "complaints_per_1000_contacts", 0, 1)
    return {k: tuple(v) for k, v in out.items()}


def reference_satisfaction_figures(rows: list[dict]) -> dict:
    out = defaultdict(lambda: [0, 0])
    for r in rows:
        month = _month(r["responded_at"])
        out[(month, "survey_responses")][0] += 1
        for kpi, score, good in (("csat_pct", r["csat"], lambda s: int(s >= 4)),
                                 ("nps", r["nps"], lambda s: (s >= 9) - (s <= 6)),
                                 ("ces_mean", r["ces"], lambda s: s)):
            out[(month, kpi)][1] += score is not None
            out[(month, kpi)][0] += good(score) if score is not None else 0
    return {k: tuple(v) for k, v in out.items()}


def reference_cost_figures(rows: list[dict]) -> dict:
    prices = {c: (cost, kg) for c, cost, kg in assumptions().iter_rows()}
    by_month = defaultdict(lambda: defaultdict(int))
    for r in rows:
        by_month[_month(r["received_at"])][r["channel"]] += 1
    first = min(by_month)
    year, mon = map(int, first.split("-"))
    last = f"{year + (mon + 10) // 12:04d}-{(mon + 10) % 12 + 1:02d}"  # first + 11 months
    base = defaultdict(int)
    for month, counts in by_month.items():
        if first <= month <= last:
            for channel, n in counts.items():
                base[channel] += n
    base_total = sum(base.values())
    out = {}
    for month, counts in by_month.items():
        total = sum(counts.values())
        for i, (kpi, saving) in enumerate((("cost_to_serve_gbp", "channel_shift_saving_gbp"),
                                           ("carbon_kg", "carbon_saving_kg"))):
            out[(month, kpi)] = sum(n * prices[c][i] for c, n in counts.items())
            out[(month, saving)] = sum(
                (base[c] / base_total * total - counts.get(c, 0)) * prices[c][i]
                for c in set(base) | set(counts))
    return out


def _as_dict(result: pl.DataFrame, kpis) -> dict:
    rows = result.filter(pl.col("kpi").is_in(kpis))
    return {(m, k): (n, d) for m, k, n, d in
            rows.select("month", "kpi", "numerator", "denominator").iter_rows()}


def test_contact_kpis_match_a_row_by_row_recomputation(data, results):
    expected = reference_contact_figures(data[0].to_dicts())
    got = _as_dict(results[()], CONTACT_KPIS)
    assert set(got) == set(expected)
    for key, (numerator, denominator) in expected.items():
        has_denominator = REGISTRY[key[1]].has_denominator
        assert got[key] == (numerator, denominator if has_denominator else None), key


def test_complaint_kpis_match_a_row_by_row_recomputation(data, results):
    expected = reference_complaint_figures(data[1].to_dicts(), data[0].to_dicts())
    got = _as_dict(results[()], COMPLAINT_KPIS)
    assert set(got) == set(expected)
    for key, (numerator, denominator) in expected.items():
        has_denominator = REGISTRY[key[1]].has_denominator
        assert got[key] == (numerator, denominator if has_denominator else None), key


def test_satisfaction_kpis_match_a_row_by_row_recomputation(data, results):
    expected = reference_satisfaction_figures(data[2].to_dicts())
    got = _as_dict(results[()], SATISFACTION_KPIS)
    assert set(got) == set(expected)
    for key, (numerator, denominator) in expected.items():
        has_denominator = REGISTRY[key[1]].has_denominator
        assert got[key] == (numerator, denominator if has_denominator else None), key


def test_cost_kpis_match_a_row_by_row_recomputation(data, results):
    expected = reference_cost_figures(data[0].to_dicts())
    got = _as_dict(results[()], list(MONEY))
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key][0] == pytest.approx(value, rel=1e-9, abs=1e-9), key
        assert got[key][1] is None


def test_the_generated_input_has_the_awkward_cases(data, results):
    frame = data[0]
    matter = ["customer_ref", "service", "received_at"]
    assert frame.filter(pl.col("customer_ref").is_not_null()).select(matter).is_duplicated().any()
    assert frame.get_column("customer_ref").null_count() > 500
    overall = results[()]
    repeats = overall.filter(pl.col("kpi") == "repeat_contact_pct")
    assert repeats.get_column("numerator").min() > 0
    february = overall.filter(pl.col("month") == "2025-02")
    rft = february.filter(pl.col("kpi") == "right_first_time_pct")
    count = february.filter(pl.col("kpi") == "contacts")
    assert rft.item(0, "denominator") < count.item(0, "numerator") / 2  # the censored week
    months = set(overall.get_column("month"))
    assert len(months) == 14


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_do_not_depend_on_the_order_of_the_rows(data, results, seed):
    # The warehouse returns rows in no particular order, and differently on SQLite and
    # PostgreSQL; money and carbon are floating-point sums, yet exports must be identical.
    src = sources(*data)
    shuffled = dataclasses.replace(src, **{
        name: getattr(src, name).sample(fraction=1.0, shuffle=True, seed=seed)
        for name in ("parts", "complaints", "responses", "assumptions")})
    for by in [(), ("service",), ("service", "channel")]:
        assert_frame_equal(compute(shuffled, Query(by=by)), results[by], check_exact=True)


# ---- additivity across groups -----------------------------------------------------------------

def _summed(result: pl.DataFrame, over: list[str]) -> pl.DataFrame:
    keep = [c for c in ("service", "channel", "ward") if c not in over]
    return result.group_by("month", *keep, "kpi").agg(
        pl.col("numerator").sum(),
        pl.when(pl.col("denominator").is_null().all()).then(None)
        .otherwise(pl.col("denominator").sum()).alias("denominator"))


def _assert_adds_up(parts: pl.DataFrame, whole: pl.DataFrame, over: list[str], kpis) -> None:
    keys = ["month", *(c for c in ("service", "channel", "ward") if c not in over), "kpi"]
    summed = _summed(parts.filter(pl.col("kpi").is_in(kpis)), over)
    expected = whole.filter(pl.col("kpi").is_in(kpis)).select(*keys, "numerator", "denominator")
    joined = expected.join(summed.drop(over, strict=False), on=keys, how="full", coalesce=True,
                           suffix="_sum")
    assert joined.height == expected.height, "groups without an all-group figure, or vice versa"
    for row in joined.iter_rows(named=True):
        assert row["numerator_sum"] == pytest.approx(row["numerator"], rel=1e-9, abs=1e-9), row
        if row["denominator"] is None:
            assert row["denominator_sum"] is None, row
        else:
            assert row["denominator_sum"] == row["denominator"], row


ADDITIVE_BY_CHANNEL = CONTACT_KPIS + SATISFACTION_KPIS + ["cost_to_serve_gbp", "carbon_kg"]
ADDITIVE_BY_SERVICE = ADDITIVE_BY_CHANNEL + COMPLAINT_KPIS


def test_channels_add_up_to_all_channels(results):
    # Matters are matched across channels, so repeats and RFT split by channel still add up.
    _assert_adds_up(results[("channel",)], results[()], ["channel"], ADDITIVE_BY_CHANNEL)


def test_services_add_up_to_all_services(results):
    _assert_adds_up(results[("service",)], results[()], ["service"], ADDITIVE_BY_SERVICE)


def test_service_by_channel_adds_up_both_ways(results):
    _assert_adds_up(results[("service", "channel")], results[("service",)], ["channel"],
                    ADDITIVE_BY_CHANNEL)
    _assert_adds_up(results[("service", "channel")], results[("channel",)], ["service"],
                    ADDITIVE_BY_CHANNEL)


def test_wards_add_up_to_all_wards_for_contact_kpis(results):
    _assert_adds_up(results[("ward",)], results[()], ["ward"],
                    CONTACT_KPIS + ["cost_to_serve_gbp", "carbon_kg"])


def test_by_channel_leaves_out_complaints_and_savings(results):
    for by in (("channel",), ("service", "channel")):
        kpis = set(results[by].get_column("kpi"))
        assert not kpis & (set(COMPLAINT_KPIS) | {"channel_shift_saving_gbp", "carbon_saving_kg"})


def test_the_late_service_has_no_savings(results):
    late = results[("service",)].filter(pl.col("service") == LATE_SERVICE)
    kpis = set(late.get_column("kpi"))
    assert "cost_to_serve_gbp" in kpis
    assert not kpis & {"channel_shift_saving_gbp", "carbon_saving_kg"}


# ---- bounds -----------------------------------------------------------------------------------

@pytest.mark.parametrize("by", [(), ("service",), ("channel",), ("ward",), ("service", "channel")])
def test_numerators_never_exceed_denominators(results, by):
    result = results[by]
    for kpi_id, kpi in REGISTRY.items():
        rows = result.filter(pl.col("kpi") == kpi_id)
        # escalation_pct is a % but not a share: its numerator (stage-2 complaints received)
        # is not a subset of its denominator (stage-1 complaints received in the same month).
        if kpi.unit == "%" and kpi_id != "escalation_pct":
            assert (rows.get_column("numerator") >= 0).all(), kpi_id
            assert (rows.get_column("numerator") <= rows.get_column("denominator")).all(), kpi_id
            values = rows.get_column("value").drop_nulls()
            assert ((values >= 0) & (values <= 100)).all(), kpi_id
        elif kpi_id == "nps":
            assert (rows.get_column("numerator").abs() <= rows.get_column("denominator")).all()
            assert (rows.get_column("value").drop_nulls().abs() <= 100).all()
        elif kpi_id == "ces_mean":
            values = rows.get_column("value").drop_nulls()
            assert ((values >= 1) & (values <= 7)).all()
        if kpi.has_denominator:
            undefined = rows.filter(pl.col("denominator") == 0)
            assert undefined.get_column("value").null_count() == undefined.height, kpi_id
            defined = rows.filter(pl.col("denominator") > 0)
            assert defined.get_column("value").null_count() == 0, kpi_id
        else:
            assert rows.get_column("denominator").null_count() == rows.height, kpi_id
            assert rows.get_column("value").equals(rows.get_column("numerator"),
                                                   check_names=False), kpi_id
