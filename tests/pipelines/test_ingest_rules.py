"""The cell and row rules of `docs/feeds.md`, feed by feed: what is quarantined, with which words,
and what is accepted and how it is stored.

Each table below is one file: a good row first (spreadsheet row 2), then one row per case (row 3
onwards), then another good row. Every case row breaks exactly the rules listed next to it.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.pipelines.helpers import (
    TEST_KEY,
    by_id,
    csv_text,
    load,
    pseudonym,
    quarantined,
    tables_containing,
    utc,
)

CHANNELS = "phone, email, web, face_to_face, letter, webchat, social_media, app, other"
NOT_TIMESTAMP = "not a timestamp (YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS])"
NOT_DATE = "not a date (YYYY-MM-DD or DD/MM/YYYY)"
OUT_OF_RANGE = "before 2000-01-01 or more than a day after loading"
NOT_BOOL = "not true/false, yes/no, y/n or 1/0"
GAP = "a time that does not exist in UK time (the clocks went forward that hour)"

# Two days after now, as an absolute instant; and a date three days from today.
FUTURE = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%MZ")
FUTURE_DAY = (date.today() + timedelta(days=3)).isoformat()

RAW_REF = "RAW-CUSTOMER-REF-77310"

BASE = {
    "contacts": {
        "contact_id": "C-OK-1", "received_at": "2024-01-10 09:00", "channel": "phone",
        "service": "Waste", "demand_type": "", "failure_type": "", "customer_ref": RAW_REF,
        "wait_seconds": "", "handle_seconds": "", "abandoned": "", "safeguarding": "",
        "responded_at": ""},
    "complaints": {
        "complaint_id": "K-OK-1", "kind": "", "stage": "1", "received_on": "2024-01-10",
        "acknowledged_on": "", "responded_on": "", "extended_due_on": "", "service": "Waste",
        "outcome": "", "channel": "", "customer_ref": RAW_REF},
    "satisfaction": {
        "response_id": "S-OK-1", "responded_at": "2024-01-10 09:00", "channel": "web",
        "service": "", "csat": "4", "nps": "", "ces": "", "comment": ""},
    "enquiries": {
        "enquiry_id": "E-OK-1", "received_on": "2024-01-10", "service": "Waste",
        "member": "Cllr A. Example", "ward": "North", "category": "missed bin", "channel": "",
        "acknowledged_on": "", "responded_on": "", "extended_due_on": "",
        "customer_ref": RAW_REF},
}

# (feed, cells that differ from the feed's base row, every rule the row breaks in order)
BAD_ROWS = [
    ("contacts", {"received_at": "10-01-2024 09:00"},
     [f"received_at: {NOT_TIMESTAMP}"]),
    ("contacts", {"received_at": "31/02/2024 09:00"},
     [f"received_at: {NOT_TIMESTAMP}"]),
    ("contacts", {"received_at": "01/13/2024 09:00"},  # US month-first: there is no month 13
     [f"received_at: {NOT_TIMESTAMP}"]),
    ("contacts", {"received_at": "2024-01-10"},  # a date is not a timestamp
     [f"received_at: {NOT_TIMESTAMP}"]),
    ("contacts", {"received_at": "2024-03-31 01:30"},  # the hour skipped when clocks go forward
     [f"received_at: {GAP}"]),
    ("contacts", {"received_at": "2024-03-31 00:30", "channel": "email",
                  "responded_at": "31/03/2024 01:59"},
     [f"responded_at: {GAP}"]),
    ("contacts", {"received_at": "31/12/1999 23:59"}, [f"received_at: {OUT_OF_RANGE}"]),
    ("contacts", {"received_at": FUTURE}, [f"received_at: {OUT_OF_RANGE}"]),
    ("contacts", {"channel": "pigeon"}, [f"channel: not one of {CHANNELS}"]),
    ("contacts", {"demand_type": "maybe"}, ["demand_type: not one of value, failure"]),
    ("contacts", {"abandoned": "maybe"}, [f"abandoned: {NOT_BOOL}"]),
    ("contacts", {"safeguarding": "2"}, [f"safeguarding: {NOT_BOOL}"]),
    ("contacts", {"wait_seconds": "-5"}, ["wait_seconds: must be 0 or more"]),
    ("contacts", {"handle_seconds": "1.5"}, ["handle_seconds: not a whole number"]),
    ("contacts", {"service": "s" * 101}, ["service: longer than 100 characters"]),
    ("contacts", {"contact_id": "c" * 101}, ["contact_id: longer than 100 characters"]),
    ("contacts", {"customer_ref": "R" * 201}, ["customer_ref: longer than 200 characters"]),
    ("contacts", {"service": ""}, ["service: a value is required"]),
    ("contacts", {"received_at": ""}, ["received_at: a value is required"]),
    ("contacts", {"channel": "   "}, ["channel: a value is required"]),  # trimmed to nothing
    ("contacts", {"contact_id": ""}, ["contact_id: a value is required"]),
    ("contacts", {"channel": "email", "responded_at": "2024-01-10 08:59"},
     ["responded_at: earlier than received_at"]),
    # 09:00 BST is 08:00 UTC; 08:30+01:00 is 07:30 UTC: earlier, although it reads later.
    ("contacts", {"received_at": "2024-07-10 09:00", "channel": "email",
                  "responded_at": "2024-07-10T08:30+01:00"},
     ["responded_at: earlier than received_at"]),
    ("contacts", {"demand_type": "value", "failure_type": "progress_chasing"},
     ["failure_type: only allowed when demand_type is failure"]),
    ("contacts", {"failure_type": "progress_chasing"},
     ["failure_type: only allowed when demand_type is failure"]),
    ("contacts", {"abandoned": "maybe", "wait_seconds": "-1"},
     [f"abandoned: {NOT_BOOL}", "wait_seconds: must be 0 or more"]),
    ("contacts", {"received_at": "yesterday", "channel": "pigeon", "service": ""},
     [f"received_at: {NOT_TIMESTAMP}", f"channel: not one of {CHANNELS}",
      "service: a value is required"]),

    ("complaints", {"received_on": "31/02/2024"}, [f"received_on: {NOT_DATE}"]),
    ("complaints", {"received_on": "01/13/2024"}, [f"received_on: {NOT_DATE}"]),
    ("complaints", {"received_on": "10 Jan 2024"}, [f"received_on: {NOT_DATE}"]),
    ("complaints", {"acknowledged_on": "09/01/2024"},
     ["acknowledged_on: earlier than received_on"]),
    ("complaints", {"responded_on": "2024-01-09"}, ["responded_on: earlier than received_on"]),
    ("complaints", {"extended_due_on": "2024-01-01"},
     ["extended_due_on: earlier than received_on"]),
    ("complaints", {"stage": ""},  # kind empty: a complaint by default
     ["stage: a value is required when kind is complaint"]),
    ("complaints", {"kind": "Complaint", "stage": ""},
     ["stage: a value is required when kind is complaint"]),
    ("complaints", {"stage": "3"}, ["stage: must be from 1 to 2"]),
    ("complaints", {"stage": "0"}, ["stage: must be from 1 to 2"]),
    ("complaints", {"kind": "praise"}, ["kind: not one of complaint, compliment, comment"]),
    ("complaints", {"outcome": "rejected"},
     ["outcome: not one of upheld, partly_upheld, not_upheld, withdrawn"]),
    ("complaints", {"channel": "fax"}, [f"channel: not one of {CHANNELS}"]),
    ("complaints", {"received_on": "31/12/1999"}, [f"received_on: {OUT_OF_RANGE}"]),
    ("complaints", {"received_on": FUTURE_DAY}, [f"received_on: {OUT_OF_RANGE}"]),
    ("complaints", {"received_on": ""}, ["received_on: a value is required"]),
    ("complaints", {"service": ""}, ["service: a value is required"]),
    ("complaints", {"service": "s" * 101}, ["service: longer than 100 characters"]),
    ("complaints", {"stage": "3", "acknowledged_on": "2024-01-09"},
     ["stage: must be from 1 to 2", "acknowledged_on: earlier than received_on"]),

    ("satisfaction", {"csat": "6"}, ["csat: must be from 1 to 5"]),
    ("satisfaction", {"csat": "0"}, ["csat: must be from 1 to 5"]),
    ("satisfaction", {"csat": "", "nps": "11"}, ["nps: must be from 0 to 10"]),
    ("satisfaction", {"csat": "", "nps": "-1"}, ["nps: must be from 0 to 10"]),
    ("satisfaction", {"csat": "", "ces": "0"}, ["ces: must be from 1 to 7"]),
    ("satisfaction", {"csat": "", "ces": "8"}, ["ces: must be from 1 to 7"]),
    ("satisfaction", {"csat": ""}, ["needs at least one of csat, nps, ces"]),
    ("satisfaction", {"csat": "four"},
     ["csat: not a whole number", "needs at least one of csat, nps, ces"]),
    ("satisfaction", {"responded_at": "2024-13-01 10:00"},
     [f"responded_at: {NOT_TIMESTAMP}"]),
    ("satisfaction", {"responded_at": "1999-06-30T12:00Z"}, [f"responded_at: {OUT_OF_RANGE}"]),
    ("satisfaction", {"channel": ""}, ["channel: a value is required"]),
    ("satisfaction", {"comment": "c" * 2001}, ["comment: longer than 2000 characters"]),
    ("satisfaction", {"service": "s" * 101}, ["service: longer than 100 characters"]),
    ("satisfaction", {"csat": "6", "nps": "11", "ces": "0"},
     ["csat: must be from 1 to 5", "nps: must be from 0 to 10", "ces: must be from 1 to 7"]),
]

ID = {"contacts": "contact_id", "complaints": "complaint_id", "satisfaction": "response_id",
      "enquiries": "enquiry_id"}


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def _case_rows(feed: str) -> tuple[list[str], list[dict[str, str]], list[list[str]]]:
    """Header, the case rows as dicts, and every row of the file (good, cases..., good)."""
    base = BASE[feed]
    header = list(base)
    cases = []
    for i, (_feed, cells, _) in enumerate(c for c in BAD_ROWS if c[0] == feed):
        row = {**base, ID[feed]: f"{feed[0].upper()}-BAD-{i + 1:02d}", **cells}
        cases.append(row)
    last = {**base, ID[feed]: base[ID[feed]].replace("1", "2")}
    lines = [list(base.values()), *(list(r.values()) for r in cases), list(last.values())]
    return header, cases, lines


@pytest.mark.parametrize("feed", ["contacts", "complaints", "satisfaction", "enquiries"])
def test_each_bad_row_is_quarantined_with_its_text_row_number_and_every_rule(engine, tmp_path,
                                                                             feed):
    header, cases, lines = _case_rows(feed)
    expected = [reasons for f, _, reasons in BAD_ROWS if f == feed]
    result = load(engine, feed, tmp_path, f"bad-{feed}.csv", csv_text(header, lines))

    assert (result.status, result.rows_read, result.rows_inserted, result.rows_quarantined) == (
        "loaded", len(cases) + 2, 2, len(cases))
    # Row 1 is the header, row 2 the first good row: the cases are rows 3, 4, ...
    assert result.errors == [f"bad-{feed}.csv row {i + 3}: {'; '.join(reasons)}"
                             for i, reasons in enumerate(expected)]
    stored = quarantined(engine)
    assert [(q["row_number"], q["reasons"]) for q in stored] == [
        (i + 3, reasons) for i, reasons in enumerate(expected)]
    for q, case in zip(stored, cases):
        assert (q["feed"], q["source_system"], q["file_name"]) == (
            feed, "canonical", f"bad-{feed}.csv")
        assert q["record_id"] == (case[ID[feed]] or None)
        # The original text, cell for cell, except that customer_ref is its pseudonym.
        assert q["raw_text"] == ",".join(
            pseudonym(v) if k == "customer_ref" and v else v for k, v in case.items())
    good = BASE[feed][ID[feed]]
    assert sorted(by_id(engine, feed)) == [good, good.replace("1", "2")]
    for ref in {c.get("customer_ref") for c in cases} - {None}:
        assert tables_containing(engine, ref) == []


def test_contact_cells_are_normalised_as_feeds_md_says(engine, tmp_path):
    header = ["contact_id", "received_at", "channel", "service", "demand_type", "failure_type",
              "wait_seconds", "handle_seconds", "ward", "reason"]
    rows = [
        ["N1", "2024-01-10 09:00", "Face to face", "  Waste  ", "FAILURE", "progress_chasing",
         "0", "+15", " North ", ""],
        ["N2", "2024-01-10 09:00", "Social-Media", "Waste", "Unknown", "", "007", "", "", "why"],
        ["N3", "2024-01-10 09:00", " PHONE ", "Waste", "value", "", "", "", "", ""],
        ["N4", "2024-01-10 09:00", "WebChat", "Waste", "", "", "", "", "", ""],
    ]
    result = load(engine, "contacts", tmp_path, "normal.csv", csv_text(header, rows))
    assert (result.rows_inserted, result.rows_quarantined, result.errors) == (4, 0, [])

    stored = by_id(engine, "contacts")
    picked = {k: (r["channel"], r["service"], r["demand_type"], r["failure_type"],
                  r["wait_seconds"], r["handle_seconds"], r["ward"], r["reason"])
              for k, r in stored.items()}
    assert picked == {
        "N1": ("face_to_face", "Waste", "failure", "progress_chasing", 0, 15, "North", None),
        # demand_type `unknown` means not classified: stored as no value.
        "N2": ("social_media", "Waste", None, None, 7, None, None, "why"),
        "N3": ("phone", "Waste", "value", None, None, None, None, None),
        "N4": ("webchat", "Waste", None, None, None, None, None, None),
    }


BOOLEANS = [("true", True), ("TRUE", True), ("Yes", True), ("y", True), ("1", True),
            ("false", False), ("No", False), ("N", False), ("0", False), ("fAlSe", False),
            ("", None)]


def test_booleans_in_every_accepted_spelling(engine, tmp_path):
    header = ["contact_id", "received_at", "channel", "service", "abandoned",
              "resolved_at_first_point", "safeguarding"]
    rows = [[f"B{i}", "2024-01-10 09:00", "phone", "Waste", text, text, text]
            for i, (text, _) in enumerate(BOOLEANS)]
    result = load(engine, "contacts", tmp_path, "booleans.csv", csv_text(header, rows))
    assert (result.rows_inserted, result.rows_quarantined) == (len(BOOLEANS), 0)

    stored = by_id(engine, "contacts")
    for i, (text, value) in enumerate(BOOLEANS):
        row = stored[f"B{i}"]
        assert (row["abandoned"], row["resolved_at_first_point"], row["safeguarding"]) == (
            value, value, value), text


# (cell as written, the UTC instant stored)
TIMESTAMPS = [
    ("2024-01-10T09:00", "2024-01-10 09:00"),  # GMT: London = UTC
    ("2024-01-10 09:00:30", "2024-01-10 09:00:30"),
    ("2024-07-10 09:00:30.123456", "2024-07-10 08:00:30.123456"),  # BST: UTC+1
    ("2024-07-10T09:00Z", "2024-07-10 09:00"),  # an offset makes the instant absolute
    ("2024-07-10T09:00+01:00", "2024-07-10 08:00"),
    ("2024-01-10T09:00:00-05:00", "2024-01-10 14:00"),
    ("13/01/2024 10:00", "2024-01-13 10:00"),  # UK day-first: 13 January
    ("01/02/2024 10:00", "2024-02-01 10:00"),  # 1 February, never 2 January
    ("13/07/2024 10:00:15", "2024-07-13 09:00:15"),
    ("2024-03-31 00:59", "2024-03-31 00:59"),  # last minute before the clocks go forward
    ("2024-03-31 02:00", "2024-03-31 01:00"),  # first minute after: BST
    ("2024-10-27 00:59", "2024-10-26 23:59"),  # BST
    ("2024-10-27 01:30", "2024-10-27 00:30"),  # happens twice: the first (BST) occurrence
    ("2024-10-27 02:00", "2024-10-27 02:00"),  # GMT again
    ("2000-01-01 00:00", "2000-01-01 00:00"),  # the earliest allowed instant
]


def test_timestamps_are_read_as_uk_wall_clock_or_by_their_offset_and_stored_as_utc(engine,
                                                                                  tmp_path):
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=12)
    cases = [*TIMESTAMPS, (soon.strftime("%Y-%m-%dT%H:%MZ"), soon.strftime("%Y-%m-%d %H:%M"))]
    header = ["contact_id", "received_at", "channel", "service"]
    rows = [[f"T{i:02d}", text, "phone", "Waste"] for i, (text, _) in enumerate(cases)]
    result = load(engine, "contacts", tmp_path, "timestamps.csv", csv_text(header, rows))
    assert (result.rows_inserted, result.rows_quarantined, result.errors) == (len(cases), 0, [])

    stored = by_id(engine, "contacts")
    assert {text: stored[f"T{i:02d}"]["received_at"] for i, (text, _) in enumerate(cases)} == {
        text: utc(expected) for text, expected in cases}


def test_complaint_cells_dates_and_kinds(engine, tmp_path):
    header = ["complaint_id", "kind", "stage", "received_on", "acknowledged_on", "responded_on",
              "service", "outcome"]
    rows = [
        ["K1", "", "1", "13/01/2024", "2024-01-13", "", "Waste", "Partly upheld"],
        ["K2", "Compliment", "", "2024-01-13", "", "", "Waste", ""],  # no stage: fine
        ["K3", "COMMENT", "", "1/2/2024", "", "", "Waste", ""],
        ["K4", "complaint", "2", "01/02/2024", "", "02/03/2024", "Roads", "Not-Upheld"],
    ]
    result = load(engine, "complaints", tmp_path, "complaints.csv", csv_text(header, rows))
    assert (result.rows_inserted, result.rows_quarantined, result.errors) == (4, 0, [])

    stored = by_id(engine, "complaints")
    assert {k: (r["kind"], r["stage"], r["received_on"], r["acknowledged_on"],
                r["responded_on"], r["outcome"]) for k, r in stored.items()} == {
        "K1": ("complaint", 1, date(2024, 1, 13), date(2024, 1, 13), None, "partly_upheld"),
        "K2": ("compliment", None, date(2024, 1, 13), None, None, None),
        "K3": ("comment", None, date(2024, 2, 1), None, None, None),
        "K4": ("complaint", 2, date(2024, 2, 1), None, date(2024, 3, 2), "not_upheld"),
    }


def test_satisfaction_scores_at_their_limits_and_service_default(engine, tmp_path):
    header = ["response_id", "responded_at", "channel", "service", "csat", "nps", "ces"]
    rows = [
        ["S1", "2024-01-10 09:00", "web", "", "1", "", ""],
        ["S2", "2024-01-10 09:00", "App", "Waste", "5", "10", "7"],
        ["S3", "2024-01-10 09:00", "phone", "", "", "0", ""],
        ["S4", "2024-01-10 09:00", "phone", "", "", "", "1"],
    ]
    result = load(engine, "satisfaction", tmp_path, "survey.csv", csv_text(header, rows))
    assert (result.rows_inserted, result.rows_quarantined, result.errors) == (4, 0, [])

    stored = by_id(engine, "satisfaction")
    assert {k: (r["channel"], r["service"], r["csat"], r["nps"], r["ces"])
            for k, r in stored.items()} == {
        "S1": ("web", "Not recorded", 1, None, None),
        "S2": ("app", "Waste", 5, 10, 7),
        "S3": ("phone", "Not recorded", None, 0, None),
        "S4": ("phone", "Not recorded", None, None, 1),
    }
