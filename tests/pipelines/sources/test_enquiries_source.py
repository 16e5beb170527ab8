"""Members' enquiries from a council's casework system: a `csv` source of `pipelines run` may
target the `enquiries` feed (`sources.md`: "any feed of feeds.md"), and so may `canonical`; the
rows take the one load path (rules, quarantine, pseudonyms, upsert)."""

from datetime import date

import pytest

from tests.pipelines.helpers import (
    TEST_KEY,
    by_id,
    pseudonym,
    quarantined,
    rows,
    tables_containing,
)
from tests.pipelines.sources.helpers import config, export, run

CASEWORK = """\
[[source]]
name = "casework"
feed = "enquiries"
adapter = "csv"
path = "exports/members-*.csv"
date_format = "%d/%m/%Y"

[source.columns]
enquiry_id = "Ref"
received_on = "Logged"
service = "Department"
member = "Councillor"
ward = "Ward"
acknowledged_on = "Acknowledged"
responded_on = "Closed"
extended_due_on = "Agreed date"
customer_ref = "Resident email"

[source.values.service]
"Env Services" = "Waste"
"""

EXPORT = (
    "Ref,Logged,Department,Councillor,Ward,Acknowledged,Closed,Agreed date,Resident email\n"
    "ME-1,02/12/2024,Env Services,Cllr Ann Green,Abbey,03/12/2024,10/12/2024,,a@example.com\n"
    "ME-2,20/12/2024,Housing,Cllr Raj Patel,Castle,,,15/01/2025,b@example.com\n"
    "ME-3,05/12/2024,Housing,Cllr Raj Patel,Castle,04/12/2024,,,\n")

CANONICAL = """\
[[source]]
name = "members"
feed = "enquiries"
adapter = "canonical"
path = "exports/enquiries.csv"
"""


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def _stored(engine, source_system: str) -> dict[str, dict]:
    return {r["enquiry_id"]: r for r in rows(engine, "fct_enquiries")
            if r["source_system"] == source_system}


def test_a_casework_export_loads_as_enquiries_through_the_one_load_path(engine, tmp_path):
    path = config(tmp_path, CASEWORK)
    export(tmp_path, "exports/members-2024-12.csv", EXPORT)
    result = run(engine, path)

    assert (result["feed"], result["status"]) == ("enquiries", "loaded")
    assert [result[k] for k in ("rows_read", "rows_inserted", "rows_quarantined")] == [3, 2, 1]
    assert result["errors"] == [
        "exports/members-2024-12.csv row 4: acknowledged_on: earlier than received_on"]
    stored = _stored(engine, "casework")
    assert sorted(stored) == ["ME-1", "ME-2"]
    assert (stored["ME-1"]["service"], stored["ME-1"]["member"], stored["ME-1"]["ward"],
            stored["ME-1"]["received_on"], stored["ME-1"]["responded_on"]) == (
        "Waste", "Cllr Ann Green", "Abbey", date(2024, 12, 2), date(2024, 12, 10))
    assert (stored["ME-2"]["extended_due_on"], stored["ME-2"]["responded_on"]) == (
        date(2025, 1, 15), None)
    assert stored["ME-1"]["customer_pseudonym"] == pseudonym("a@example.com")
    assert [q["record_id"] for q in quarantined(engine)] == ["ME-3"]
    assert tables_containing(engine, "a@example.com") == []

    # Sent again with ME-2 answered: it replaces the stored row; ME-1 is unchanged.
    export(tmp_path, "exports/members-2024-12b.csv",
           EXPORT.replace(",,,15/01/2025,", ",,14/01/2025,15/01/2025,"))
    again = run(engine, path)
    assert [again[k] for k in ("rows_read", "rows_inserted", "rows_updated",
                               "rows_unchanged", "rows_quarantined")] == [3, 0, 1, 1, 1]
    assert _stored(engine, "casework")["ME-2"]["responded_on"] == date(2025, 1, 14)


def test_a_canonical_source_may_target_enquiries(sqlite_engine, tmp_path):
    path = config(tmp_path, CANONICAL)
    export(tmp_path, "exports/enquiries.csv",
           "enquiry_id,received_on,service,ward\nE1,2024-12-02,Waste,Abbey\n")
    result = run(sqlite_engine, path)
    assert [result[k] for k in ("feed", "status", "rows_inserted")] == ["enquiries", "loaded", 1]
    assert _stored(sqlite_engine, "members")["E1"]["ward"] == "Abbey"
    assert by_id(sqlite_engine, "enquiries") == {}
