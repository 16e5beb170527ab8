"""What a load does as a whole (`docs/feeds.md`, "What happens to each row" and the common rules):
duplicates, corrections, skipped files, whole-file rejections, pseudonyms and masks, all or
nothing, and the derived facts and mart rows a load refreshes.
"""

import pytest

import pipelines.ingest
from pipelines.ingest import ingest_file
from tests.pipelines.helpers import (
    TABLES,
    TEST_KEY,
    by_id,
    csv_text,
    load,
    load_log,
    pseudonym,
    quarantined,
    rows,
    tables_containing,
    utc,
    write,
)

FEEDS = ["contacts", "complaints", "satisfaction", "enquiries"]
# Per feed: the smallest valid header, a row's cells after its id, and the same row with one
# value changed (a correction).
MINIMAL = {
    "contacts": (["contact_id", "received_at", "channel", "service"],
                 ["2024-01-10 09:00", "phone", "Waste"], ["2024-01-10 09:00", "phone", "Roads"]),
    "complaints": (["complaint_id", "stage", "received_on", "service"],
                   ["1", "2024-01-10", "Waste"], ["1", "2024-01-10", "Roads"]),
    "satisfaction": (["response_id", "responded_at", "channel", "csat"],
                     ["2024-01-10 09:00", "web", "4"], ["2024-01-10 09:00", "web", "2"]),
    "enquiries": (["enquiry_id", "received_on", "service"],
                  ["2024-01-10", "Waste"], ["2024-01-10", "Roads"]),
}
CHANGED = {"contacts": ("service", "Waste", "Roads"), "complaints": ("service", "Waste", "Roads"),
           "satisfaction": ("csat", 4, 2), "enquiries": ("service", "Waste", "Roads")}
ID = {"contacts": "contact_id", "complaints": "complaint_id", "satisfaction": "response_id",
      "enquiries": "enquiry_id"}


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def _minimal(feed: str, ids: list[str], changed: tuple[str, ...] = ()) -> str:
    header, cells, other = MINIMAL[feed]
    return csv_text(header, [[i, *(other if i in changed else cells)] for i in ids])


def _snapshot(engine) -> dict[str, list[dict]]:
    names = ["fct_contacts", "fct_complaints", "fct_survey_responses", "fct_enquiries",
             "quarantine_rows", "mart_contacts_monthly"]
    keys = {"fct_contacts": "contact_id", "fct_complaints": "complaint_id",
            "fct_survey_responses": "response_id", "fct_enquiries": "enquiry_id",
            "quarantine_rows": "quarantine_id",
            "mart_contacts_monthly": ("month", "service", "channel")}
    return {n: rows(engine, n, order_by=keys[n]) for n in names}


# ---- duplicates, corrections, repeated files --------------------------------------------------

@pytest.mark.parametrize("feed", FEEDS)
def test_every_occurrence_of_an_id_repeated_in_a_file_is_quarantined(engine, tmp_path, feed):
    load(engine, feed, tmp_path, "before.csv", _minimal(feed, ["D1"]))
    # D1 three times (once with spaces round it, which are trimmed), D2 and D3 once each.
    text = _minimal(feed, ["D1", "D2", " D1 ", "D3", "D1"], changed=("D1", " D1 "))
    result = load(engine, feed, tmp_path, "dups.csv", text)

    assert (result.rows_read, result.rows_inserted, result.rows_updated, result.rows_unchanged,
            result.rows_quarantined) == (5, 2, 0, 0, 3)
    reason = f"{ID[feed]}: duplicate id in file"
    assert result.errors == [f"dups.csv row {n}: {reason}" for n in (2, 4, 6)]
    assert [(q["file_name"], q["row_number"], q["record_id"], q["reasons"])
            for q in quarantined(engine)] == [("dups.csv", n, "D1", [reason]) for n in (2, 4, 6)]
    stored = by_id(engine, feed)
    assert sorted(stored) == ["D1", "D2", "D3"]
    # Nobody can tell which copy is right: the stored D1 keeps its earlier value.
    column, before, _after = CHANGED[feed]
    assert stored["D1"][column] == before


@pytest.mark.parametrize("feed", FEEDS)
def test_a_resent_id_replaces_its_row_an_identical_one_is_unchanged(engine, tmp_path, feed):
    first = load(engine, feed, tmp_path, "first.csv", _minimal(feed, ["A", "B", "C"]))
    assert (first.rows_inserted, first.rows_updated, first.rows_unchanged) == (3, 0, 0)

    text = _minimal(feed, ["A", "B", "D"], changed=("A",)) + ",".join(["E", "", "", ""]) + "\n"
    second = load(engine, feed, tmp_path, "second.csv", text)
    # A changed, B identical, D new, E breaks rules: 4 read = 1 + 1 + 1 + 1.
    assert (second.rows_read, second.rows_inserted, second.rows_updated, second.rows_unchanged,
            second.rows_quarantined) == (4, 1, 1, 1, 1)

    column, before, after = CHANGED[feed]
    stored = by_id(engine, feed)
    assert {k: r[column] for k, r in stored.items()} == {
        "A": after, "B": before, "C": before, "D": before}
    first_id, second_id = [r["load_id"] for r in load_log(engine)]
    assert {k: r["load_id"] for k, r in stored.items()} == {
        "A": second_id, "B": first_id, "C": first_id, "D": second_id}

    # Ids are per source system: the same ids from the CRM are new rows.
    crm = load(engine, feed, tmp_path, "crm.csv", _minimal(feed, ["A", "B"]),
               source_system="crm")
    assert (crm.status, crm.rows_inserted, crm.rows_updated, crm.rows_unchanged) == (
        "loaded", 2, 0, 0)
    assert sorted((r["source_system"], r[ID[feed]]) for r in rows(engine, TABLES[feed])) == [
        ("canonical", "A"), ("canonical", "B"), ("canonical", "C"), ("canonical", "D"),
        ("crm", "A"), ("crm", "B")]
    assert by_id(engine, feed)["A"][column] == after


def test_the_same_bytes_twice_are_skipped_and_nothing_changes(engine, tmp_path):
    text = _minimal("contacts", ["S1", "S2"]) + "S3,2024-01-10 09:00,pigeon,Waste\n"
    first = load(engine, "contacts", tmp_path, "march.csv", text)
    assert (first.status, first.rows_inserted, first.rows_quarantined) == ("loaded", 2, 1)
    before = _snapshot(engine)

    again = load(engine, "contacts", tmp_path, "march.csv", text)
    assert again.as_json() == {
        "feed": "contacts", "file": "march.csv", "status": "skipped", "rows_read": 0,
        "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 0,
        "errors": ["march.csv: these exact bytes were loaded before"]}
    # The same bytes under another name are the same file.
    renamed = load(engine, "contacts", tmp_path, "march-copy.csv", text)
    assert renamed.status == "skipped"

    assert _snapshot(engine) == before
    assert [(r["file_name"], r["status"], r["rows_read"]) for r in load_log(engine)] == [
        ("march.csv", "loaded", 3), ("march.csv", "skipped", 0), ("march-copy.csv", "skipped", 0)]


def test_a_failure_part_way_leaves_the_warehouse_as_it_was(engine, tmp_path, monkeypatch):
    text = _minimal("contacts", ["F1"]) + "F2,2024-01-10 09:00,pigeon,Waste\n"
    path = write(tmp_path, "crash.csv", text)

    def crash(*_args, **_kwargs):
        raise RuntimeError("disk full")

    # The marts are refreshed last, after the facts and the quarantine rows are written.
    monkeypatch.setattr(pipelines.ingest, "refresh_contact_marts", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(engine, "contacts", path)
    assert all(table == [] for table in _snapshot(engine).values())
    assert load_log(engine) == []

    monkeypatch.undo()
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)
    result = load(engine, "contacts", tmp_path, "crash.csv", text)  # not skipped: never loaded
    assert (result.status, result.rows_inserted, result.rows_quarantined) == ("loaded", 1, 1)


def test_an_enquiries_load_that_fails_part_way_leaves_the_warehouse_as_it_was(engine, tmp_path,
                                                                             monkeypatch):
    load(engine, "enquiries", tmp_path, "before.csv", _minimal("enquiries", ["E0"]))
    before = _snapshot(engine)
    text = _minimal("enquiries", ["E0", "E1"], changed=("E0",)) + "E2,2024-01-09,\n"
    path = write(tmp_path, "crash.csv", text)

    def crash(*_args, **_kwargs):
        raise RuntimeError("disk full")

    # The quarantine is written after the enquiry rows are inserted and replaced.
    monkeypatch.setattr(pipelines.ingest, "_quarantine", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(engine, "enquiries", path)
    assert _snapshot(engine) == before
    assert len(load_log(engine)) == 1

    monkeypatch.undo()
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)
    result = load(engine, "enquiries", tmp_path, "crash.csv", text)
    assert (result.status, result.rows_inserted, result.rows_updated,
            result.rows_quarantined) == ("loaded", 1, 1, 1)
    assert result.errors == ["crash.csv row 4: service: a value is required"]


# ---- whole files ------------------------------------------------------------------------------

HEADER = "contact_id,received_at,channel,service\n"
REJECTED = [
    ("contacts", b"contact_id,received_at,channel\nC1,2024-01-10 09:00,phone\n",
     "whole.csv: missing required column(s): service"),
    ("complaints", b"complaint_id,service,stage\nK1,Waste,1\n",
     "whole.csv: missing required column(s): received_on"),
    ("satisfaction", b"response_id,csat\nS1,4\n",
     "whole.csv: missing required column(s): responded_at, channel"),
    ("contacts", HEADER.encode() + b"C1,2024-01-10 09:00,phone,caf\xe9\n",  # latin-1
     "whole.csv: not UTF-8 text (byte 0xE9 on line 2); save the file as UTF-8 and send it again"),
    ("contacts", HEADER.encode("utf-16"),  # Excel's "Unicode text"
     "whole.csv: not UTF-8 text (byte 0xFF on line 1); save the file as UTF-8 and send it again"),
    ("contacts", b"",
     "whole.csv: the file is empty"),
    ("contacts", b"\n \r\n\n",
     "whole.csv: the file is empty"),
    ("contacts", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
     "whole.csv: not UTF-8 text (byte 0x89 on line 1); save the file as UTF-8 and send it again"),
    ("contacts", b"\x00\x01\x02\x03\xff\xfe\xfd",
     "whole.csv: not UTF-8 text (byte 0xFF on line 1); save the file as UTF-8 and send it again"),
    ("contacts", (HEADER + 'C1,2024-01-10 09:00,phone,"Waste\n').encode(),  # quote never closed
     "whole.csv: not a readable CSV file (unexpected end of data)"),
    ("contacts", b'{"contact_id": "C1", "channel": "phone"}\n',
     "whole.csv: missing required column(s): contact_id, received_at, channel, service"),
    ("contacts", b"contact_id,received_at,channel,service,service\nC1,2024-01-10 09:00,phone,A,B\n",
     "whole.csv: column 'service' appears more than once in the header"),
    ("contacts", b"contact_id,received_at,Channel, CHANNEL ,service\nC1,2024-01-10 09:00,a,b,c\n",
     "whole.csv: column 'channel' appears more than once in the header"),
]


@pytest.mark.parametrize(("feed", "content", "message"), REJECTED, ids=[
    "missing-column", "missing-complaint-column", "missing-two-columns", "latin-1", "utf-16",
    "zero-bytes", "only-blank-lines", "png", "binary", "unclosed-quote", "json",
    "repeated-column", "repeated-column-other-spelling"])
def test_a_file_that_cannot_be_read_is_rejected_whole(engine, tmp_path, feed, content, message):
    result = load(engine, feed, tmp_path, "whole.csv", content)
    assert result.as_json() == {
        "feed": feed, "file": "whole.csv", "status": "rejected", "rows_read": 0,
        "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 0,
        "errors": [message]}
    assert all(table == [] for table in _snapshot(engine).values())
    assert [(r["status"], r["file_name"]) for r in load_log(engine)] == [("rejected", "whole.csv")]


def test_a_header_only_file_loads_no_rows(engine, tmp_path):
    result = load(engine, "contacts", tmp_path, "header.csv", HEADER)
    assert (result.status, result.rows_read, result.rows_inserted, result.rows_quarantined,
            result.errors) == ("loaded", 0, 0, 0, [])
    assert all(table == [] for table in _snapshot(engine).values())
    assert [r["status"] for r in load_log(engine)] == ["loaded"]


def test_bom_header_spelling_and_line_endings_are_tolerated_unknown_columns_named(engine,
                                                                                  tmp_path):
    text = ("\ufeff Contact_ID ,RECEIVED_AT,Channel ,service,Colour,Notes\r\n"
            " C1 ,2024-01-10 09:00,phone,Waste,red,hello\r\n"
            "C2,2024-01-10 09:00,pigeon,Roads,blue,\r\n")
    result = load(engine, "contacts", tmp_path, "header.csv", text)
    assert (result.status, result.rows_inserted, result.rows_quarantined) == ("loaded", 1, 1)
    assert result.errors == [
        "header.csv: ignored unknown column(s): colour, notes",
        "header.csv row 3: channel: not one of phone, email, web, face_to_face, letter, webchat, "
        "social_media, app, other"]
    c1 = by_id(engine, "contacts")["C1"]
    assert (c1["received_at"], c1["channel"], c1["service"]) == (
        utc("2024-01-10 09:00"), "phone", "Waste")
    # Unknown columns are never stored, not even in the quarantine (they may hold anything).
    [q] = quarantined(engine)
    assert (q["row_number"], q["raw_text"]) == (3, "C2,2024-01-10 09:00,pigeon,Roads")


def test_blank_rows_are_not_records_and_row_numbers_still_count_them(engine, tmp_path):
    text = (HEADER
            + "C1,2024-01-10 09:00,phone,Waste\n"  # row 2
            + "\n"  # row 3: an empty line
            + ",,,\n"  # row 4: a spreadsheet's empty row
            + " , ,  ,\n"  # row 5: blanks only
            + "C2,2024-01-10 09:00,pigeon,Waste\n")  # row 6
    result = load(engine, "contacts", tmp_path, "blanks.csv", text)
    assert (result.rows_read, result.rows_inserted, result.rows_quarantined) == (2, 1, 1)
    assert result.errors == ["blanks.csv row 6: channel: not one of phone, email, web, "
                             "face_to_face, letter, webchat, social_media, app, other"]
    assert [q["row_number"] for q in quarantined(engine)] == [6]


def test_a_row_with_too_many_fields_is_quarantined_and_identifiers_stay_pseudonymised(engine,
                                                                                       tmp_path):
    text = ("contact_id,received_at,channel,service,customer_ref\n"
            "C1,2024-01-10 09:00,phone,Waste,REF-AAA-1,unexpected\n"
            "C2,2024-01-10 09:00,pigeon,Waste,REF-BBB-2\n"
            "C3,2024-01-10 09:00,phone,Waste,REF-CCC-3\n")
    result = load(engine, "contacts", tmp_path, "wide.csv", text)
    assert (result.rows_read, result.rows_inserted, result.rows_quarantined) == (3, 1, 2)
    assert result.errors == [
        "wide.csv row 2: row has 6 fields but the header has 5",
        "wide.csv row 3: channel: not one of phone, email, web, face_to_face, letter, webchat, "
        "social_media, app, other"]
    first, second = quarantined(engine)
    assert (first["record_id"], second["record_id"]) == ("C1", "C2")
    # Its cells may have shifted under other columns, so its text is withheld altogether.
    assert first["raw_text"] == "[withheld: the row's fields do not line up with the header]"
    assert second["raw_text"] == f"C2,2024-01-10 09:00,pigeon,Waste,{pseudonym('REF-BBB-2')}"
    assert by_id(engine, "contacts")["C3"]["customer_pseudonym"] == pseudonym("REF-CCC-3")
    for ref in ("REF-AAA-1", "REF-BBB-2", "REF-CCC-3"):
        assert tables_containing(engine, ref) == []


# ---- personal data ----------------------------------------------------------------------------

def test_customer_refs_become_the_same_keyed_pseudonym_in_every_file(engine, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", "council-key-one")
    expected = pseudonym("ALICE-123", key="council-key-one")
    assert len(expected) == 64 and set(expected) <= set("0123456789abcdef")

    contacts = "contact_id,received_at,channel,service,customer_ref\n"
    load(engine, "contacts", tmp_path, "jan.csv",
         contacts + "P1,2024-01-10 09:00,phone,Waste,ALICE-123\n"
                    "P2,2024-01-10 09:00,phone,Waste,BOB-456\n")
    load(engine, "contacts", tmp_path, "feb.csv",
         contacts + "P3,2024-02-10 09:00,email,Waste, ALICE-123 \n")  # trimmed first
    load(engine, "complaints", tmp_path, "complaints.csv",
         "complaint_id,stage,received_on,service,customer_ref\nK1,1,2024-02-11,Waste,ALICE-123\n")

    stored = by_id(engine, "contacts")
    assert {k: r["customer_pseudonym"] for k, r in stored.items()} == {
        "P1": expected, "P2": pseudonym("BOB-456", key="council-key-one"), "P3": expected}
    assert by_id(engine, "complaints")["K1"]["customer_pseudonym"] == expected
    load(engine, "enquiries", tmp_path, "enquiries.csv",
         "enquiry_id,received_on,service,member,customer_ref\n"
         "E1,2024-02-12,Waste,Cllr Jo Bloggs,ALICE-123\n")
    # The resident is pseudonymised; the councillor, a public office holder, is not.
    assert (by_id(engine, "enquiries")["E1"]["customer_pseudonym"],
            by_id(engine, "enquiries")["E1"]["member"]) == (expected, "Cllr Jo Bloggs")
    # The same contact is found as a repeat across files: it is the same matter.
    assert stored["P3"]["prev_matter_at"] == utc("2024-01-10 09:00")

    # Another key, another pseudonym: the key, not the hash alone, protects the identifier.
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", "council-key-two")
    load(engine, "contacts", tmp_path, "mar.csv", contacts + "P4,2024-03-10 09:00,web,Waste,"
                                                             "ALICE-123\n")
    assert by_id(engine, "contacts")["P4"]["customer_pseudonym"] == pseudonym(
        "ALICE-123", key="council-key-two") != expected
    for ref in ("ALICE-123", "BOB-456"):
        assert tables_containing(engine, ref) == []


MASKS = [
    ("Email me at jane.doe@example.org please", "Email me at [email] please"),
    ("Ring 07700 900123 after five", "Ring [phone] after five"),
    ("Office line (020) 7946 0958", "Office line [phone]"),
    ("+44 20 7946 0958 or 0161-496-0000", "[phone] or [phone]"),
    ("I live at SW1A 1AA near b1 1aa", "I live at [postcode] near [postcode]"),
    ("Bin missed on 10/01/2024 ref 12345", "Bin missed on 10/01/2024 ref 12345"),
    ("Great service!", "Great service!"),
]


def test_comments_have_emails_phone_numbers_and_postcodes_masked(engine, tmp_path):
    header = ["response_id", "responded_at", "channel", "csat", "comment"]
    lines = [[f"M{i}", "2024-01-10 09:00", "web", "4", text] for i, (text, _) in enumerate(MASKS)]
    lines.append(["MQ", "2024-01-10 09:00", "web", "9", "write to jane.doe@example.org"])
    result = load(engine, "satisfaction", tmp_path, "comments.csv", csv_text(header, lines))
    assert (result.rows_inserted, result.rows_quarantined) == (len(MASKS), 1)

    stored = by_id(engine, "satisfaction")
    assert [stored[f"M{i}"]["comment"] for i in range(len(MASKS))] == [m for _, m in MASKS]
    [q] = quarantined(engine)
    assert q["raw_text"] == "MQ,2024-01-10 09:00,web,9,write to [email]"
    for secret in ("jane.doe@example.org", "07700 900123", "7946 0958", "SW1A 1AA"):
        assert tables_containing(engine, secret) == []


# ---- derived facts and the monthly mart -------------------------------------------------------

CONTACTS = ["contact_id", "received_at", "channel", "service", "customer_ref", "demand_type"]


def _contacts(*lines: list[str]) -> str:
    return csv_text(CONTACTS, list(lines))


def _neighbours(engine) -> dict[str, tuple]:
    return {k: (r["prev_matter_at"], r["next_matter_at"])
            for k, r in by_id(engine, "contacts").items()}


def _mart(engine) -> dict[tuple, tuple]:
    return {(r["month"], r["service"], r["channel"]): (
        r["contacts"], r["with_customer"], r["repeats"], r["classified"], r["failure"])
        for r in rows(engine, "mart_contacts_monthly")}


def test_a_repeat_across_a_month_boundary_gets_its_previous_contact(engine, tmp_path):
    load(engine, "contacts", tmp_path, "jan.csv", _contacts(
        ["R1", "2024-01-31 10:00", "phone", "Waste", "CUST-X", "value"]))
    load(engine, "contacts", tmp_path, "feb.csv", _contacts(
        ["R2", "2024-02-02 09:00", "phone", "Waste", "CUST-X", "failure"],
        ["R3", "2024-02-01 12:00", "phone", "Roads", "CUST-X", ""],  # another matter
        ["R4", "2024-02-03 12:00", "phone", "Waste", "", ""]))  # no customer: no matter

    assert _neighbours(engine) == {
        "R1": (None, utc("2024-02-02 09:00")),
        "R2": (utc("2024-01-31 10:00"), None),
        "R3": (None, None),
        "R4": (None, None),
    }
    # (contacts, with_customer, repeats, classified, failure)
    assert _mart(engine) == {
        ("2024-01", "Waste", "phone"): (1, 1, 0, 1, 0),
        ("2024-02", "Waste", "phone"): (2, 1, 1, 1, 1),
        ("2024-02", "Roads", "phone"): (1, 1, 0, 0, 0),
    }


def test_a_late_contact_updates_both_stored_neighbours(engine, tmp_path):
    load(engine, "contacts", tmp_path, "first.csv", _contacts(
        ["L1", "2024-01-10 09:00", "phone", "Waste", "CUST-Y", ""],
        ["L3", "2024-01-20 09:00", "email", "Waste", "CUST-Y", ""]))
    assert _neighbours(engine) == {"L1": (None, utc("2024-01-20 09:00")),
                                   "L3": (utc("2024-01-10 09:00"), None)}
    # Ten days apart: no repeat within the 7-day window.
    assert _mart(engine) == {("2024-01", "Waste", "phone"): (1, 1, 0, 0, 0),
                             ("2024-01", "Waste", "email"): (1, 1, 0, 0, 0)}

    late = load(engine, "contacts", tmp_path, "late.csv", _contacts(
        ["L2", "2024-01-15 09:00", "web", "Waste", "CUST-Y", ""]))
    assert (late.rows_inserted, late.rows_updated) == (1, 0)
    assert _neighbours(engine) == {
        "L1": (None, utc("2024-01-15 09:00")),
        "L2": (utc("2024-01-10 09:00"), utc("2024-01-20 09:00")),
        "L3": (utc("2024-01-15 09:00"), None),
    }
    # L2 and L3 are now each five days after the previous contact: both repeats.
    assert _mart(engine) == {("2024-01", "Waste", "phone"): (1, 1, 0, 0, 0),
                             ("2024-01", "Waste", "web"): (1, 1, 1, 0, 0),
                             ("2024-01", "Waste", "email"): (1, 1, 1, 0, 0)}


def test_a_correction_that_changes_service_moves_the_contact_out_of_its_matter(engine,
                                                                                tmp_path):
    rows_ = [["M1", "2024-01-10 09:00", "phone", "Waste", "CUST-Z", ""],
             ["M2", "2024-01-12 09:00", "phone", "Waste", "CUST-Z", ""],
             ["M3", "2024-01-14 09:00", "phone", "Waste", "CUST-Z", ""]]
    load(engine, "contacts", tmp_path, "first.csv", _contacts(*rows_))
    assert _neighbours(engine)["M2"] == (utc("2024-01-10 09:00"), utc("2024-01-14 09:00"))
    assert _mart(engine) == {("2024-01", "Waste", "phone"): (3, 3, 2, 0, 0)}

    fix = load(engine, "contacts", tmp_path, "fix.csv", _contacts(
        ["M2", "2024-01-12 09:00", "phone", "Roads", "CUST-Z", ""]))
    assert (fix.rows_updated, fix.rows_inserted, fix.rows_unchanged) == (1, 0, 0)
    assert _neighbours(engine) == {
        "M1": (None, utc("2024-01-14 09:00")),
        "M2": (None, None),
        "M3": (utc("2024-01-10 09:00"), None),
    }
    assert _mart(engine) == {("2024-01", "Waste", "phone"): (2, 2, 1, 0, 0),
                             ("2024-01", "Roads", "phone"): (1, 1, 0, 0, 0)}
