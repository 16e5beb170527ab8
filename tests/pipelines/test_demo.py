"""The Fenbridge demo feeds: deterministic, shaped like `docs/feeds.md`, telling the story the
dashboard is meant to show, and invalid only where we meant them to be.

Most tests read one generation of the full default demo (36 months, a few seconds), because the
story needs its last year; determinism is checked on 3-month runs.
"""

import re
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from pipelines.demo import build_demo, generate_demo, write_demo
from pipelines.feeds import FEEDS as FEED_DECLARATIONS

FEEDS = ("contacts", "complaints", "satisfaction", "enquiries")
CHANNELS = ["phone", "email", "web", "face_to_face", "letter", "webchat", "social_media", "app",
            "other"]
DIGITAL = ["email", "web", "webchat", "social_media", "app"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def feeds(demo) -> dict[str, pl.DataFrame]:
    """Every file of each feed as text, with `month` taken from the file name."""
    return {feed: pl.concat([
        pl.read_csv(path, infer_schema=False).with_columns(month=pl.lit(path.stem[-7:]))
        for name, path in demo.files if name == feed]) for feed in FEEDS}


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate_demo(tmp_path / "a", seed=7, months=3)
    again = generate_demo(tmp_path / "b", seed=7, months=3)
    assert [p.read_bytes() for _, p in first] == [p.read_bytes() for _, p in again]


def test_another_seed_gives_other_files(tmp_path):
    first = generate_demo(tmp_path / "a", seed=7, months=1)
    other = generate_demo(tmp_path / "b", seed=8, months=1)
    assert all(a.read_bytes() != b.read_bytes() for (_, a), (_, b) in zip(first, other))


def test_files_are_listed_month_by_month_in_loading_order(demo):
    assert [(feed, path.name) for feed, path in demo.files[:4]] == [
        ("contacts", "contacts-2023-11.csv"), ("complaints", "complaints-2023-11.csv"),
        ("satisfaction", "satisfaction-2023-11.csv"), ("contacts", "contacts-2023-12.csv")]
    # The members' casework system exports one file for the whole period, loaded last.
    assert len(demo.files) == 109
    assert [(feed, path.name) for feed, path in demo.files[-2:]] == [
        ("satisfaction", "satisfaction-2026-10.csv"),
        ("enquiries", "enquiries-2023-11-to-2026-10.csv")]


@pytest.mark.parametrize("feed", FEEDS)
def test_headers_are_the_canonical_columns_of_the_feed(demo, feed):
    columns = [c.name for c in FEED_DECLARATIONS[feed].columns]
    path = next(p for f, p in demo.files if f == feed)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(columns)


def test_every_month_has_20_to_26_thousand_contacts(feeds):
    per_month = feeds["contacts"].group_by("month").len()["len"]
    assert per_month.len() == 36
    assert per_month.min() >= 20_000 and per_month.max() <= 26_000


def test_failure_demand_falls_from_about_40_percent_after_the_programme(feeds):
    share = _monthly(feeds["contacts"].filter(pl.col("demand_type").is_in(["value", "failure"])),
                     pl.col("demand_type") == "failure")
    first_quarter, last_year = share[:3].mean(), share[24:].mean()
    assert 35 <= first_quarter <= 45
    assert last_year <= first_quarter - 8


def test_digital_share_rises_from_about_35_to_about_60_percent(feeds):
    share = _monthly(feeds["contacts"], pl.col("channel").is_in(DIGITAL))
    assert 33 <= share[:3].mean() <= 40
    assert 56 <= share[-3:].mean() <= 65


def test_unclassified_contacts_and_customer_refs_are_realistic(feeds):
    contacts = feeds["contacts"]
    unclassified = contacts["demand_type"].is_null() | (contacts["demand_type"] == "unknown")
    assert 0.08 <= unclassified.mean() <= 0.12
    assert 0.80 <= contacts["customer_ref"].is_not_null().mean() <= 0.90


def test_council_tax_peaks_when_annual_bills_go_out(feeds):
    council_tax = feeds["contacts"].filter(pl.col("service") == "Council Tax")
    spring = council_tax.filter(pl.col("month").is_in(["2024-03", "2024-04"])).height
    winter = council_tax.filter(pl.col("month").is_in(["2023-11", "2023-12"])).height
    assert spring > 1.3 * winter


def test_many_customers_come_back_within_a_week_about_the_same_service(feeds):
    known = (feeds["contacts"].filter(pl.col("customer_ref").is_not_null(),
                                      pl.col("month") <= "2024-01")
             .with_columns(at=_instant("received_at"))
             .sort("customer_ref", "service", "at"))
    gap = pl.col("at") - pl.col("at").shift(1).over("customer_ref", "service")
    repeats = known.select((gap < pl.duration(days=7)).fill_null(False).mean()).item()
    assert 0.12 <= repeats <= 0.25


def test_complaints_escalate_after_their_stage_1_answer(feeds):
    complaints = feeds["complaints"].filter(pl.col("kind") == "complaint")
    per_month = complaints.group_by("month").len()["len"]
    assert per_month.min() >= 150 and per_month.max() <= 250
    stage1 = complaints.filter(pl.col("stage") == "1").select(
        escalated_from="complaint_id", answered=_date("responded_on"))
    stage2 = complaints.filter(pl.col("stage") == "2").with_columns(received=_date("received_on"))
    assert 0.05 <= stage2.height / stage1.height <= 0.15
    joined = stage2.join(stage1, on="escalated_from", how="left")
    assert joined["answered"].null_count() == 0
    assert (joined["received"] > joined["answered"]).all()


def test_compliments_and_comments_come_in_every_month(feeds):
    kinds = feeds["complaints"].group_by("month").agg(
        compliments=(pl.col("kind") == "compliment").sum(),
        comments=(pl.col("kind") == "comment").sum())
    assert 40 <= kinds["compliments"].mean() <= 80
    assert kinds["comments"].sum() > 36


def test_members_raise_enquiries_some_late_some_extended_some_about_the_same_matter(feeds):
    enquiries = feeds["enquiries"].with_columns(
        pl.col(c).str.to_date() for c in ("received_on", "acknowledged_on", "responded_on",
                                          "extended_due_on"))
    per_month = enquiries.group_by(pl.col("received_on").dt.strftime("%Y-%m")).len()["len"]
    assert per_month.len() == 36 and per_month.min() >= 25 and per_month.max() <= 80
    # Two councillors in each of the 20 wards, each raising enquiries for their own ward.
    assert enquiries.select(pl.col("ward").n_unique()).item() == 20
    assert enquiries.group_by("member").agg(pl.col("ward").n_unique())["ward"].max() == 1
    assert enquiries.select(pl.col("member").n_unique()).item() == 40
    extended = enquiries["extended_due_on"].is_not_null().mean()
    assert 0.03 <= extended <= 0.10
    still_open = enquiries["responded_on"].is_null().sum()
    assert 5 <= still_open <= 100
    # A member asking again about a resident's matter: same resident and service.
    repeats = enquiries.drop_nulls("customer_ref").select(
        pl.struct("customer_ref", "service").is_duplicated().mean()).item()
    assert 0.10 <= repeats <= 0.30
    # Answers fall behind at Christmas and improve with the programme: late in the first year
    # more often than in the last.
    answered = enquiries.drop_nulls("responded_on")
    first, last = (answered.filter(pl.col("received_on").is_between(*span))
                   for span in ((date(2023, 11, 1), date(2024, 10, 31)),
                                (date(2025, 11, 1), date(2026, 10, 31))))
    assert first.height and last.height
    assert ((first["responded_on"] - first["received_on"]).dt.total_days().mean()
            > (last["responded_on"] - last["received_on"]).dt.total_days().mean())


def test_survey_responses_per_month(feeds):
    per_month = feeds["satisfaction"].group_by("month").len()["len"]
    assert per_month.min() >= 1_500 and per_month.max() <= 3_000


# The deliberate bad rows, by file: (rule, rows) as `bad_rows` writes them each year.
EXPECTED_BAD = {
    "contacts-{y}-01.csv": [("duplicate contact_id", 2), ("negative wait_seconds", 1)],
    "contacts-{y}-02.csv": [("received_at 31 February", 1)],
    "contacts-{y}-03.csv": [("received_at in the clocks-go-forward gap", 1)],
    "contacts-{y}-06.csv": [("unknown channel", 1), ("missing service", 1)],
    "contacts-{y}-09.csv": [("responded_at before received_at", 1)],
    "satisfaction-{y}-04.csv": [("no csat, nps or ces", 1)],
    "satisfaction-{y}-07.csv": [("csat out of range", 1)],
}


def test_bad_rows_are_the_documented_handful_a_year(demo):
    found = {}
    for bad in demo.bad_rows:
        found.setdefault(bad.file, []).append(bad.rule)
    expected = {name.format(y=y): [rule for rule, rows in rules for _ in range(rows)]
                for name, rules in EXPECTED_BAD.items() for y in (2024, 2025, 2026)}
    assert found == expected
    assert len(demo.bad_rows) == 30


def test_bad_rows_can_be_seen_in_the_files(feeds):
    contacts = feeds["contacts"]
    in_month = contacts.filter(pl.col("month") == "2024-01")
    assert in_month.filter(pl.col("contact_id").is_duplicated()).height == 2
    assert contacts.filter(pl.col("received_at").str.starts_with("31/02/")).height == 3
    assert contacts.filter(pl.col("received_at") == "2024-03-31 01:30:00").height == 1
    assert contacts.filter(pl.col("channel") == "carrier pigeon").height == 3
    assert contacts.filter(pl.col("wait_seconds").str.starts_with("-")).height == 3
    assert contacts["service"].null_count() == 3
    survey = feeds["satisfaction"]
    assert survey.filter(pl.col("csat") == "6").height == 3


def test_only_the_deliberate_rows_break_the_rules_of_feeds_md(demo, feeds):
    invalid = set()
    for feed, rules in (("contacts", _contact_rules()), ("complaints", _complaint_rules()),
                        ("satisfaction", _satisfaction_rules())):
        frame = feeds[feed].with_columns(invalid=pl.any_horizontal(
            [rule.fill_null(False) for rule in rules]))
        id_column = frame.columns[0]
        invalid |= {(f"{feed}-{month}.csv", row_id) for month, row_id in
                    frame.filter("invalid").select("month", id_column).iter_rows()}
    assert invalid == {(bad.file, bad.row_id) for bad in demo.bad_rows}


def test_ids_are_unique_across_files_but_for_the_duplicates(feeds):
    assert feeds["contacts"]["contact_id"].n_unique() == feeds["contacts"].height - 3
    assert feeds["complaints"]["complaint_id"].is_unique().all()
    assert feeds["satisfaction"]["response_id"].is_unique().all()


def test_personal_details_are_fictional(feeds):
    def found(pattern: str) -> set[str]:
        return set().union(*(
            frame.select(pl.concat_str(pl.all(), separator=" ", ignore_nulls=True)
                         .str.extract_all(pattern).explode().drop_nulls().unique())
            .to_series().to_list() for frame in feeds.values()))

    emails = found(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    assert emails and {e.split("@")[1] for e in emails} == {"example.com", "example.org"}
    phones = found(r"\b0\d{3,4} ?\d{6}\b")
    assert phones and all(re.fullmatch(r"07700 900\d{3}|01632 960\d{3}", p) for p in phones)
    postcodes = found(r"\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b")
    assert postcodes and all(p.startswith("FB") for p in postcodes)


def test_build_demo_loads_every_file_through_real_ingest(sqlite_engine, tmp_path):
    told = []
    results = build_demo(sqlite_engine, tmp_path, months=2,
                         progress=lambda done, total, label: told.append((done, total, label)))
    # Ten files: contacts in order here; complaints, satisfaction and the enquiries of both
    # months from the worker; and the programme office's three sheets.
    assert sorted(r.file for r in results) == sorted([
        *(f"{feed}-{m}.csv" for feed in ("contacts", "complaints", "satisfaction")
          for m in ("2023-11", "2023-12")), "enquiries-2023-11-to-2023-12.csv",
        "programme-milestones.xlsx", "programme-benefits.csv", "programme-risks.csv"])
    assert [r.file for r in results if r.feed == "contacts"] == [
        "contacts-2023-11.csv", "contacts-2023-12.csv"]
    assert all(r.status == "loaded" and r.rows_quarantined == 0 for r in results)
    assert [done for done, _, _ in told] == list(range(1, 11))
    with sqlite_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT COUNT(*) FROM fct_contacts").scalar_one()
        logged = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM load_log WHERE status = 'loaded'").scalar_one()
    assert stored == sum(r.rows_inserted for r in results if r.feed == "contacts")
    assert logged == 10


def _monthly(frame: pl.DataFrame, condition: pl.Expr) -> pl.Series:
    """Percentage of rows meeting the condition, month by month."""
    return frame.group_by("month").agg(pct=condition.mean() * 100).sort("month")["pct"]


# Rules of `docs/feeds.md`, each an expression that is true where a row breaks it. The timestamp and
# date parsers accept the styles the generator writes, which is stricter than the spec.

def _instant(column: str) -> pl.Expr:
    text = pl.col(column)
    utc = text.str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%SZ", strict=False)
    local = pl.coalesce(text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
                        text.str.strptime(pl.Datetime("us"), "%d/%m/%Y %H:%M", strict=False))
    london = local.dt.replace_time_zone("Europe/London", ambiguous="earliest",
                                        non_existent="null")
    return pl.coalesce(utc, london.dt.convert_time_zone("UTC"))


def _date(column: str) -> pl.Expr:
    text = pl.col(column)
    return pl.coalesce(text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                       text.str.strptime(pl.Date, "%d/%m/%Y", strict=False))


def _bad_timestamp(column: str, required: bool) -> pl.Expr:
    at = _instant(column)
    latest = datetime.now(UTC) + timedelta(days=1)
    unreadable = pl.col(column).is_not_null() & at.is_null()
    out_of_range = (at < datetime(2000, 1, 1, tzinfo=UTC)) | (at > latest)
    return unreadable | out_of_range | (pl.col(column).is_null() if required else pl.lit(False))


def _not_in(column: str, allowed: list[str]) -> pl.Expr:
    return pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed)


def _not_between(column: str, low: int, high: int) -> pl.Expr:
    number = pl.col(column).cast(pl.Int64, strict=False)
    return pl.col(column).is_not_null() & (number.is_null() | (number < low) | (number > high))


def _too_long(lengths: dict[str, int]) -> list[pl.Expr]:
    return [pl.col(c).str.len_chars() > n for c, n in lengths.items()]


def _required(*columns: str) -> list[pl.Expr]:
    return [pl.col(c).is_null() for c in columns]


def _duplicated(column: str) -> pl.Expr:
    return pl.col(column).is_duplicated().over("month")


def _contact_rules() -> list[pl.Expr]:
    flags = ["true", "false"]
    return [
        *_required("contact_id", "service", "channel"), _duplicated("contact_id"),
        _bad_timestamp("received_at", True), _bad_timestamp("responded_at", False),
        _instant("responded_at") < _instant("received_at"),
        _not_in("channel", CHANNELS), _not_in("demand_type", ["value", "failure", "unknown"]),
        pl.col("failure_type").is_not_null() & (pl.col("demand_type") != "failure"),
        *(_not_in(c, flags) for c in ("resolved_at_first_point", "abandoned", "safeguarding")),
        _not_between("wait_seconds", 0, 10**9), _not_between("handle_seconds", 0, 10**9),
        *_too_long({"contact_id": 100, "service": 100, "reason": 200, "failure_type": 100,
                    "customer_ref": 200, "case_ref": 100, "ward": 100, "team": 100}),
    ]


def _complaint_rules() -> list[pl.Expr]:
    received = _date("received_on")
    is_complaint = pl.col("kind").is_null() | (pl.col("kind") == "complaint")
    dates = ("acknowledged_on", "responded_on", "extended_due_on")
    return [
        *_required("complaint_id", "received_on", "service"), _duplicated("complaint_id"),
        received.is_null(),
        *(pl.col(d).is_not_null() & (_date(d).is_null() | (_date(d) < received)) for d in dates),
        _not_in("kind", ["complaint", "compliment", "comment"]),
        is_complaint & ~pl.col("stage").is_in(["1", "2"]).fill_null(False),
        _not_in("outcome", ["upheld", "partly_upheld", "not_upheld", "withdrawn"]),
        _not_in("channel", CHANNELS),
        *_too_long({"complaint_id": 100, "service": 100, "category": 100, "customer_ref": 200,
                    "ward": 100}),
    ]


def _satisfaction_rules() -> list[pl.Expr]:
    return [
        *_required("response_id", "channel"), _duplicated("response_id"),
        _bad_timestamp("responded_at", True), _not_in("channel", CHANNELS),
        _not_between("csat", 1, 5), _not_between("nps", 0, 10), _not_between("ces", 1, 7),
        pl.all_horizontal(pl.col("csat", "nps", "ces").is_null()),
        *_too_long({"response_id": 100, "service": 100, "comment": 2000}),
    ]
