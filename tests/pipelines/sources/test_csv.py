"""The `csv` adapter and the mapping rules of `sources.md`, on a CRM case export shaped like a
Salesforce case report (Case Number, Date/Time Opened, Case Origin, ...): value maps, enums,
classification, exclusion, column lists, formats, time zones, nulls, encodings, header rows,
short and long rows, refused files, dry runs and repeated runs."""

import pytest

from tests.pipelines.helpers import (
    TEST_KEY,
    load_log,
    pseudonym,
    quarantined,
    rows,
    tables_containing,
    utc,
)
from tests.pipelines.sources.helpers import config, contacts, export, run

CRM = """\
[[source]]
name = "crm"
feed = "contacts"
adapter = "csv"
path = "exports/cases-*.csv"
datetime_format = "%d/%m/%Y %H:%M"

[source.columns]
contact_id = "Case Number"
received_at = "Date/Time Opened"
channel = "Case Origin"
service = "Type"
reason = "Case Reason"
customer_ref = "Contact Email"
ward = ["Ward", "Account Name"]

[source.values.channel]
"Phone" = "phone"
"E-mail" = "email"
"Web-form" = "web"
"Walk in" = "face_to_face"

[source.values.service]
"CT" = "Council Tax"

[source.classify]
"Chasing progress" = { demand_type = "failure", failure_type = "progress_chasing" }
"New request" = { demand_type = "value" }

[source.exclude]
Status = ["Test case", "Spam"]
"""

HEADER = ("Case Number,Date/Time Opened,Case Origin,Case Reason,Type,Status,Contact Email,"
          "Description,Ward,Account Name\n")
CASES = HEADER + (
    "00001001,01/05/2024 09:15,phone,Chasing progress,CT,New,a@example.com,"
    "\"Rang twice, no reply\",Abbey,\n"
    "00001002,01/05/2024 10:00,e mail,NEW-REQUEST,Waste,New,b@example.com,,,Castle\n"
    "00001003,01/05/2024 11:00,WEB FORM,Complaint about staff,CT,New,,,Abbey,\n"
    "00001004,01/05/2024 12:00,Voice,New request,CT,New,d@example.com,"
    "Call 07700 900456,Abbey,\n"
    "00001005,31/02/2024 10:00,Pigeon,New request,CT,test  case,e@example.com,,Abbey,\n"
    "00001006,01/05/2024 13:00,,New request,CT,New,,,Abbey,\n"
    "00001007,01/05/2024 14:00, walk-in ,,CT,Closed,,,Abbey,\n")


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def test_a_crm_export_maps_classifies_excludes_and_quarantines(engine, tmp_path):
    path = config(tmp_path, CRM)
    export(tmp_path, "exports/cases-2024-05.csv", CASES)
    result = run(engine, path)

    assert result["status"] == "loaded"
    assert result["inputs"] == [str(tmp_path / "exports/cases-2024-05.csv")]
    # 7 records: 00001005 is a test case (excluded before its impossible date is even read).
    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_updated", "rows_unchanged",
                                "rows_quarantined")] == [7, 1, 0, 6, 4, 0, 0, 2]
    # As the source wrote them, with their counts; the empty channel is not counted; the
    # reason no classify key matched is reported under reason.
    assert result["unmapped"] == {"channel": {"Voice": 1}, "service": {"Waste": 1},
                                  "reason": {"Complaint about staff": 1}}
    assert result["errors"] == [
        'exports/cases-2024-05.csv row 5: unmapped channel value "Voice" (source crm)',
        "exports/cases-2024-05.csv row 7: channel: a value is required"]

    stored = contacts(engine, "crm")
    assert sorted(stored) == ["00001001", "00001002", "00001003", "00001007"]
    one, two, three, seven = (stored[i] for i in sorted(stored))
    # Values matched ignoring case, spaces and hyphens; text maps optional; BST wall-clock.
    assert (one["channel"], one["service"], one["received_at"]) == (
        "phone", "Council Tax", utc("2024-05-01 08:15"))
    assert (two["channel"], two["service"], three["channel"], seven["channel"]) == (
        "email", "Waste", "web", "face_to_face")
    # Classification by reason; a miss leaves the row unclassified; no reason, no lookup.
    assert (one["demand_type"], one["failure_type"], one["reason"]) == (
        "failure", "progress_chasing", "Chasing progress")
    assert (two["demand_type"], two["failure_type"]) == ("value", None)
    assert (three["demand_type"], seven["demand_type"]) == (None, None)
    # A column list: the first non-empty value wins.
    assert (one["ward"], two["ward"]) == ("Abbey", "Castle")
    assert one["customer_pseudonym"] == pseudonym("a@example.com")


def test_the_quarantine_keeps_the_source_record_without_personal_data(engine, tmp_path):
    path = config(tmp_path, CRM)
    export(tmp_path, "exports/cases-2024-05.csv", CASES)
    run(engine, path)

    kept = quarantined(engine)
    assert [(q["file_name"], q["row_number"], q["record_id"], q["reasons"]) for q in kept] == [
        ("exports/cases-2024-05.csv", 5, "00001004",
         ['unmapped channel value "Voice" (source crm)']),
        ("exports/cases-2024-05.csv", 7, "00001006", ["channel: a value is required"])]
    # The CSV line's fields: the identifier pseudonymised, the column no mapping reads
    # (Description, free text with a phone number) withheld.
    assert kept[0]["raw_text"] == (f"00001004,01/05/2024 12:00,Voice,New request,CT,New,"
                                   f"{pseudonym('d@example.com')},[withheld],Abbey,")
    assert tables_containing(engine, "d@example.com") == []
    assert tables_containing(engine, "07700 900456") == []


def test_own_demand_type_wins_over_the_classify_table_and_unknown_is_none(sqlite_engine,
                                                                          tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "crm"
        feed = "contacts"
        adapter = "csv"
        path = "cases.csv"
        constants = { channel = "phone", service = "Waste" }

        [source.columns]
        contact_id = "Ref"
        received_at = "Opened"
        reason = "Reason"
        demand_type = "Demand"
        failure_type = "Failure"

        [source.classify]
        "Chasing progress" = { demand_type = "failure", failure_type = "progress_chasing" }
        "Missed bin" = { demand_type = "value" }
        """)
    export(tmp_path, "cases.csv", "Ref,Opened,Reason,Demand,Failure\n"
                                  "A,2024-05-01 09:00,Chasing progress,value,\n"
                                  "B,2024-05-01 09:00,Chasing progress,Unknown,\n"
                                  "C,2024-05-01 09:00,Missed bin,,\n"
                                  "D,2024-05-01 09:00,Odd one,failure,not_done_right\n"
                                  "E,2024-05-01 09:00,Odd one,,\n")
    result = run(sqlite_engine, path)
    stored = contacts(sqlite_engine, "crm")
    assert {k: (v["demand_type"], v["failure_type"]) for k, v in stored.items()} == {
        "A": ("value", None), "B": ("failure", "progress_chasing"), "C": ("value", None),
        "D": ("failure", "not_done_right"), "E": (None, None)}
    # D has its own demand type, so its reason was never looked up; only E missed.
    assert result["unmapped"] == {"reason": {"Odd one": 1}}
    assert {k: v["channel"] for k, v in stored.items()} == dict.fromkeys("ABCDE", "phone")


def test_a_status_history_keeps_the_latest_record_of_each_id(engine, tmp_path):
    """A ServiceNow-style incident event log: one record per update, `?` for empty, day-first
    dates; keep_latest_by keeps each incident's latest state."""
    path = config(tmp_path, """\
        [[source]]
        name = "servicenow"
        feed = "contacts"
        adapter = "csv"
        path = "incident_event_log.csv"
        keep_latest_by = "sys_updated_at"
        datetime_format = "%d/%m/%Y %H:%M"
        nulls = ["?"]

        [source.columns]
        contact_id = "number"
        received_at = "opened_at"
        channel = "contact_type"
        service = "assignment_group"
        reason = "category"
        customer_ref = "caller_id"

        [source.values.channel]
        "Self service" = "web"
        "Direct opening" = "face_to_face"
        """)
    export(tmp_path, "incident_event_log.csv", (
        "number,incident_state,active,sys_mod_count,caller_id,opened_at,sys_updated_at,"
        "contact_type,assignment_group,category\n"
        "INC0000045,New,true,0,Caller 2403,29/2/2016 01:16,29/2/2016 01:23,Phone,"
        "Group 56,Category 55\n"
        "INC0000045,Resolved,true,2,Caller 2403,29/2/2016 01:16,29/2/2016 11:29,Phone,"
        "Group 70,Category 55\n"
        "INC0000045,Active,true,1,Caller 2403,29/2/2016 01:16,29/2/2016 08:53,Phone,"
        "Group 24,Category 55\n"
        "INC0000047,New,true,0,?,29/2/2016 04:40,29/2/2016 04:57,Self service,?,?\n"
        "INC0000047,Active,true,1,?,29/2/2016 04:40,29/2/2016 04:57,Self service,"
        "Group 24,Category 40\n"
        "INC0000050,New,true,0,Caller 1,29/2/2016 06:10,?,Direct opening,Group 9,?\n"))
    result = run(engine, path)
    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_quarantined")] == [
        6, 0, 3, 3, 3, 0]
    stored = contacts(engine, "servicenow")
    # The latest by sys_updated_at (not the last in the file); on equal times the later record.
    assert (stored["INC0000045"]["service"], stored["INC0000047"]["service"]) == (
        "Group 70", "Group 24")
    assert stored["INC0000047"]["customer_pseudonym"] is None  # "?" is empty
    assert stored["INC0000050"]["reason"] is None
    assert stored["INC0000045"]["received_at"] == utc("2016-02-29 01:16")  # GMT in February
    assert {v["channel"] for v in stored.values()} == {"phone", "web", "face_to_face"}


def test_formats_and_time_zones_read_wall_clock_times_as_the_source_writes_them(sqlite_engine,
                                                                               tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "us-crm"
        feed = "contacts"
        adapter = "csv"
        path = "cases.csv"
        datetime_format = ["%m/%d/%Y %I:%M %p", "%Y%m%dT%H%M%S%z"]
        timezone = "America/New_York"
        constants = { channel = "web", service = "Parking" }

        [source.columns]
        contact_id = "Id"
        received_at = "Created"
        responded_at = "Replied"
        """)
    export(tmp_path, "cases.csv", (
        "Id,Created,Replied\n"
        "A,05/01/2024 09:15 AM,2024-05-01 15:00\n"  # EDT (UTC-4); the second in feeds.md form
        "B,11/03/2024 01:30 AM,\n"  # occurs twice that night: the first (EDT)
        "C,03/10/2024 02:30 AM,\n"  # does not exist: clocks went forward at 2 am
        "D,20240501T091500+0100,\n"  # an offset is absolute
        "E,1 May 2024,\n"))
    result = run(sqlite_engine, path)
    stored = contacts(sqlite_engine, "us-crm")
    assert stored["A"]["received_at"] == utc("2024-05-01 13:15")
    assert stored["A"]["responded_at"] == utc("2024-05-01 19:00")
    assert stored["B"]["received_at"] == utc("2024-11-03 05:30")
    assert stored["D"]["received_at"] == utc("2024-05-01 08:15")
    assert result["errors"] == [
        "cases.csv row 4: received_at: a time that does not exist in "
        "America/New_York time (the clocks went forward that hour)",
        "cases.csv row 6: received_at: not a timestamp (%m/%d/%Y %I:%M %p or "
        "%Y%m%dT%H%M%S%z, or YYYY-MM-DD HH:MM[:SS])"]


def test_dates_in_the_sources_format(sqlite_engine, tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "cases"
        feed = "complaints"
        adapter = "csv"
        path = "complaints.csv"
        date_format = "%d.%m.%Y %H:%M"

        [source.columns]
        complaint_id = "Ref"
        stage = "Stage"
        received_on = "Received"
        responded_on = "Closed"
        service = "Service"

        [source.values.stage]
        "Stage One" = "1"
        "Stage Two" = "2"
        """)
    export(tmp_path, "complaints.csv", "Ref,Stage,Received,Closed,Service\n"
                                       "K1,Stage One,01.05.2024 16:20,2024-05-09,Waste\n"
                                       "K2,stage-two,02.05.2024 09:00,,Waste\n"
                                       "K3,Stage Three,02.05.2024 09:00,,Waste\n")
    result = run(sqlite_engine, path)
    stored = {r["complaint_id"]: r for r in rows(sqlite_engine, "fct_complaints")}
    assert (str(stored["K1"]["received_on"]), str(stored["K1"]["responded_on"]),
            stored["K1"]["stage"], stored["K2"]["stage"]) == ("2024-05-01", "2024-05-09", 1, 2)
    # stage is an enum column: an unmapped stage quarantines the row.
    assert result["errors"] == [
        'complaints.csv row 4: unmapped stage value "Stage Three" (source cases)']
    assert result["unmapped"] == {"stage": {"Stage Three": 1}}


def test_nulls_short_rows_blank_lines_and_rows_with_too_many_fields(sqlite_engine, tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "crm"
        feed = "contacts"
        adapter = "csv"
        path = "cases.csv"
        nulls = ["?", "N/A"]

        [source.columns]
        contact_id = "Ref"
        received_at = "Opened"
        channel = "Channel"
        service = "Service"
        ward = "Ward"
        team = "Team"
        customer_ref = "Customer"
        """)
    export(tmp_path, "cases.csv", "Ref,Opened,Channel,Service,Ward,Team,Customer\n"
                                  "R1,2024-05-01 09:00,phone,Waste,?, N/A ,C-1\n"
                                  "\n"
                                  "R2,2024-05-01 09:30,email,Waste\n"
                                  ",,,,,,\n"
                                  "R3,2024-05-01 10:00,phone,Waste,North,Bins,C-3,extra\n")
    result = run(sqlite_engine, path)
    assert [result[k] for k in ("records_read", "rows_read", "rows_inserted",
                                "rows_quarantined")] == [3, 3, 2, 1]
    assert result["errors"] == ["cases.csv row 6: row has 8 fields but the header has 7"]
    stored = contacts(sqlite_engine, "crm")
    assert (stored["R1"]["ward"], stored["R1"]["team"]) == (None, None)
    assert (stored["R2"]["ward"], stored["R2"]["team"], stored["R2"]["channel"]) == (
        None, None, "email")
    # Its cells are shifted, so anything may sit anywhere: the text is withheld.
    assert [q["raw_text"] for q in quarantined(sqlite_engine)] == [
        "[withheld: the record could not be read as its fields are laid out]"]
    assert tables_containing(sqlite_engine, "C-3") == []


def test_a_windows_export_with_semicolons_and_a_second_header_row(sqlite_engine, tmp_path):
    text = ("Ref;Opened;Origin;Team\n"
            "(reference);(date opened);(how it came in);(team)\n"
            "R1;01/05/2024 09:00;Phone;Housing \u2013 Repairs \u00a3\n")
    export(tmp_path, "report.csv", text.encode("cp1252"))
    source = """\
        [[source]]
        name = "crm"
        feed = "contacts"
        adapter = "csv"
        path = "report.csv"
        delimiter = ";"
        header_rows = 2
        constants = { service = "Housing" }
        columns = { contact_id = "Ref", received_at = "Opened", channel = "Origin", team = "Team" }
        """
    result = run(sqlite_engine, config(tmp_path, source + 'encoding = "cp1252"\n'))
    assert [result[k] for k in ("records_read", "rows_inserted")] == [1, 1]
    stored = contacts(sqlite_engine, "crm")["R1"]
    assert (stored["team"], stored["channel"]) == ("Housing \u2013 Repairs \u00a3", "phone")

    failed = run(sqlite_engine, config(tmp_path, source.replace('"crm"', '"crm2"'), "u.toml"))
    assert failed["status"] == "failed"
    assert failed["errors"][0] == (
        "report.csv: not utf-8 text (byte 0x96 on line 3); set the source's encoding (e.g. "
        "cp1252 for a file saved by Excel on Windows)")


def test_a_file_missing_a_required_column_fails_the_source_and_nothing_of_it_loads(engine,
                                                                                   tmp_path):
    path = config(tmp_path, CRM)
    export(tmp_path, "exports/cases-2024-05.csv", CASES)
    export(tmp_path, "exports/cases-2024-06.csv",
           CASES.replace("Case Origin", "Origin").replace("00001", "00002"))
    result = run(engine, path)
    assert result["status"] == "failed"
    assert result["errors"] == [
        'exports/cases-2024-06.csv: no column "Case Origin" in the header (named in columns '
        "for channel, which is required)",
        "nothing of this source was loaded: fix or remove the file(s) above and run again"]
    assert [result[k] for k in ("records_read", "rows_read", "rows_inserted")] == [0, 0, 0]
    assert rows(engine, "fct_contacts") == [] and load_log(engine) == []

    # Fixed, the next run loads both files, one load each.
    export(tmp_path, "exports/cases-2024-06.csv", CASES.replace("00001", "00002"))
    fixed = run(engine, path)
    assert (fixed["status"], fixed["rows_inserted"]) == ("loaded", 8)
    assert [(r["file_name"], r["rows_inserted"]) for r in load_log(engine)] == [
        ("exports/cases-2024-05.csv", 4), ("exports/cases-2024-06.csv", 4)]


def test_each_file_loads_once_and_a_new_file_alone_is_loaded_next_time(engine, tmp_path):
    path = config(tmp_path, CRM)
    export(tmp_path, "exports/cases-2024-05.csv", CASES)
    first = run(engine, path)
    again = run(engine, path)
    assert (first["status"], again["status"]) == ("loaded", "nothing_new")
    assert [again[k] for k in ("records_read", "rows_read", "rows_inserted")] == [0, 0, 0]
    assert again["unmapped"] == {} and again["errors"] == []

    # A corrected re-send of one case, in a new file: one update, the rest unchanged.
    export(tmp_path, "exports/cases-2024-05b.csv",
           CASES.replace("CT,New,a@example.com", "Waste,New,a@example.com"))
    third = run(engine, path)
    assert [third[k] for k in ("status", "rows_read", "rows_inserted", "rows_updated",
                               "rows_unchanged", "rows_quarantined")] == [
        "loaded", 6, 0, 1, 3, 2]
    assert contacts(engine, "crm")["00001001"]["service"] == "Waste"
    assert len(load_log(engine)) == 2


def test_a_dry_run_reports_what_would_load_and_writes_nothing(engine, tmp_path):
    path = config(tmp_path, CRM)
    export(tmp_path, "exports/cases-2024-05.csv", CASES)
    dry = run(engine, path, dry_run=True)
    for table in ("fct_contacts", "load_log", "quarantine_rows", "source_runs",
                  "mart_contacts_monthly"):
        assert rows(engine, table) == [], table
    real = run(engine, path)
    assert dry == real
