"""The `call_legs` adapter: Amazon Connect contact records as JSON lines (one record per leg,
`InitialContactId` shared by a call's legs, records delivered more than once), and a CSV
telephony export with durations as H:MM:SS and an answered flag. One contact per call, with
its wait, abandonment and handle time worked out by hand below."""

import json

import pytest

from tests.pipelines.helpers import TEST_KEY, pseudonym, quarantined, tables_containing, utc
from tests.pipelines.sources.helpers import config, contacts, export, run

CONNECT = """\
[[source]]
name = "telephony"
feed = "contacts"
adapter = "call_legs"
path = "ctr/*.jsonl"

[source.columns]
call_id = ["InitialContactId", "ContactId"]
leg_id = "ContactId"
started_at = "InitiationTimestamp"
queued_at = "Queue.EnqueueTimestamp"
dequeued_at = "Queue.DequeueTimestamp"
agent_connected_at = "Agent.ConnectedToAgentTimestamp"
handle_seconds = "Agent.AgentInteractionDuration"
queue = "Queue.Name"
updated_at = "LastUpdateTimestamp"
customer_ref = "CustomerEndpoint.Address"
channel = "Channel"

[source.values.channel]
VOICE = "phone"
CHAT = "webchat"

[source.values.service]
CouncilTaxQueue = "Council Tax"
WasteQueue = "Waste"

[source.exclude]
InitiationMethod = ["OUTBOUND", "CALLBACK"]
"""


def leg(contact: str, started: str, method: str = "INBOUND", initial: str | None = None,
        queue: tuple | None = None, agent: tuple | None = None, updated: str | None = None,
        caller: str = "+447700900001", channel: str = "VOICE") -> str:
    """One Amazon Connect contact record, as its export writes it (times in UTC)."""
    record = {
        "AWSAccountId": "111122223333", "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None if agent is None else {
            "ARN": "arn:aws:connect:eu-west-2:111122223333:instance/x/agent/y",
            "ConnectedToAgentTimestamp": f"2024-05-01T{agent[0]}Z",
            "AgentInteractionDuration": agent[1], "AfterContactWorkDuration": 15,
            "Username": "agent.one"},
        "Attributes": {"greetingPlayed": "true"},
        "Channel": channel, "ContactId": contact,
        "CustomerEndpoint": {"Address": caller, "Type": "TELEPHONE_NUMBER"},
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "InitialContactId": initial, "InitiationMethod": method,
        "InitiationTimestamp": f"2024-05-01T{started}Z",
        "LastUpdateTimestamp": f"2024-05-01T{updated or started}Z",
        "Queue": None if queue is None else {
            "ARN": "arn:aws:connect:eu-west-2:111122223333:instance/x/queue/z",
            "Name": queue[0], "EnqueueTimestamp": f"2024-05-01T{queue[1]}Z",
            "DequeueTimestamp": f"2024-05-01T{queue[2]}Z", "Duration": queue[3]},
        "SystemEndpoint": {"Address": "+441632960000", "Type": "TELEPHONE_NUMBER"},
    }
    return json.dumps(record)


LINES = [
    # A: answered in Council Tax after 90 s, then transferred to Waste (40 s more queueing).
    leg("a1", "09:00:00", queue=("CouncilTaxQueue", "09:00:20", "09:01:50", 90),
        agent=("09:01:50", 240), caller="+447700900101"),
    leg("a2", "09:06:00", "TRANSFER", "a1", queue=("WasteQueue", "09:06:00", "09:06:40", 40),
        agent=("09:06:40", 60), caller="+447700900101"),
    # B: hung up after 180 s in the queue.
    leg("b1", "10:00:00", queue=("WasteQueue", "10:00:30", "10:03:30", 180)),
    # C: ended in the IVR, before any queue.
    leg("c1", "11:00:00"),
    # D: delivered twice; the copy updated last (first in the file) was answered.
    leg("d1", "12:00:00", queue=("WasteQueue", "12:00:30", "12:01:00", 30),
        agent=("12:01:00", 100), updated="12:10:00"),
    leg("d1", "12:00:00", queue=("WasteQueue", "12:00:30", "12:05:00", 270),
        updated="12:05:00"),
    # E: unanswered in Council Tax for 120 s, moved to Waste, answered there after 30 s more.
    leg("e2", "13:02:10", "QUEUE_TRANSFER", "e1",
        queue=("WasteQueue", "13:02:10", "13:02:40", 30), agent=("13:02:40", 100)),
    leg("e1", "13:00:00", queue=("CouncilTaxQueue", "13:00:10", "13:02:10", 120)),
    # F and G: an outbound call and a callback, which are not contacts.
    leg("f1", "14:00:00", "OUTBOUND", agent=("14:00:05", 50)),
    leg("g1", "14:30:00", "CALLBACK", queue=("WasteQueue", "14:30:00", "14:31:00", 60)),
    "",
    '{"ContactId": "x1", "InitiationTimestamp": "2024-05-01T15:00:00Z" "Queue": null}',
    # H: a chat, through the same contact centre.
    leg("h1", "16:00:00", queue=("ChatQueue", "16:00:05", "16:00:35", 30),
        agent=("16:00:35", 400), channel="CHAT"),
]


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def test_amazon_connect_records_become_one_contact_per_call(engine, tmp_path):
    path = config(tmp_path, CONNECT)
    export(tmp_path, "ctr/2024-05-01.jsonl", "\n".join(LINES) + "\n")
    result = run(engine, path)

    # 12 records (the blank line is none): F and G excluded; a2, the older d1 and e2 combined.
    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_quarantined")] == [
        12, 2, 3, 7, 6, 1]
    assert len(result["errors"]) == 1
    assert result["errors"][0].startswith("ctr/2024-05-01.jsonl line 12: not valid JSON "
                                          "(Expecting ',' delimiter at column ")
    assert result["unmapped"] == {"service": {"ChatQueue": 1}}

    calls = contacts(engine, "telephony")
    shown = {k: (v["received_at"], v["channel"], v["service"], v["wait_seconds"],
                 v["abandoned"], v["handle_seconds"]) for k, v in calls.items()}
    assert shown == {
        "a1": (utc("2024-05-01 09:00"), "phone", "Council Tax", 90, False, 300),
        "b1": (utc("2024-05-01 10:00"), "phone", "Waste", 180, True, None),
        "c1": (utc("2024-05-01 11:00"), "phone", "Not recorded", None, False, None),
        "d1": (utc("2024-05-01 12:00"), "phone", "Waste", 30, False, 100),
        "e1": (utc("2024-05-01 13:00"), "phone", "Council Tax", 150, False, 100),
        "h1": (utc("2024-05-01 16:00"), "webchat", "ChatQueue", 30, False, 400),
    }
    assert calls["a1"]["customer_pseudonym"] == pseudonym("+447700900101")
    assert tables_containing(engine, "+447700900101") == []

    [bad] = quarantined(engine)
    assert (bad["row_number"], bad["record_id"]) == (12, None)
    assert bad["raw_text"].startswith("[withheld")


def test_the_quarantine_keeps_the_record_with_only_the_fields_read(sqlite_engine, tmp_path):
    path = config(tmp_path, CONNECT)
    export(tmp_path, "ctr/late.jsonl", leg("z1", "09:00:00", queue=(
        "WasteQueue", "09:00:20", "09:01:50", 90), caller="+447700900999").replace(
        "2024-05-01T09:00:00Z", "2099-05-01T09:00:00Z") + "\n")
    result = run(sqlite_engine, path)
    assert result["errors"] == [
        "ctr/late.jsonl line 1: received_at: before 2000-01-01 or more than a day after loading"]
    [kept] = quarantined(sqlite_engine)
    record = json.loads(kept["raw_text"])
    assert record["ContactId"] == "z1" and record["Queue"]["Name"] == "WasteQueue"
    assert record["CustomerEndpoint"] == {"Address": pseudonym("+447700900999"),
                                          "Type": "[withheld]"}
    assert record["SystemEndpoint"] == "[withheld]" and record["Attributes"] == "[withheld]"


TELEPHONY = """\
[[source]]
name = "switch"
feed = "contacts"
adapter = "call_legs"
path = "calls.csv"
datetime_format = "%d/%m/%Y %H:%M:%S"

[source.columns]
call_id = "Call ID"
leg_id = "Segment ID"
started_at = "Segment Start"
queue = "Queue"
queue_seconds = "Queue Time"
answered = "Answered"
handle_seconds = "Talk Time"
updated_at = "Last Modified"
service = "Wrap-up Service"
customer_ref = "CLI"

[source.values.service]
"Q_CTAX" = "Council Tax"
"Q_HOUSING" = "Housing"
"""


def test_a_telephony_export_with_durations_and_an_answered_flag(sqlite_engine, tmp_path):
    path = config(tmp_path, TELEPHONY)
    export(tmp_path, "calls.csv", (
        "Call ID,Segment ID,Segment Start,Queue,Queue Time,Answered,Talk Time,Last Modified,"
        "Wrap-up Service,CLI\n"
        # K: answered after 1:15 in the council tax queue; the agent recorded Benefits.
        "K,K-1,01/05/2024 09:00:00,Q_CTAX,0:01:15,Y,0:04:00,01/05/2024 09:06:00,Benefits,"
        "07700900201\n"
        # L: two segments; unanswered 45 s in housing, then answered after 0:10 more.
        "L,L-2,01/05/2024 10:01:00,Q_HOUSING,10,Y,200,01/05/2024 10:06:00,,07700900202\n"
        "L,L-1,01/05/2024 10:00:00,Q_HOUSING,0:45,N,,01/05/2024 10:01:00,,07700900202\n"
        # M: abandoned after 2:05.
        "M,M-1,01/05/2024 11:00:00,Q_CTAX,2:05,N,,01/05/2024 11:03:00,,\n"
        # N: the duration is not one.
        "N,N-1,01/05/2024 12:00:00,Q_CTAX,a while,N,,01/05/2024 12:03:00,,\n"
        # A segment without a call id is a call of its own, and has no id.
        ",P-1,01/05/2024 13:00:00,Q_CTAX,5,Y,60,01/05/2024 13:02:00,,\n"))
    result = run(sqlite_engine, path)
    assert [result[k] for k in ("records_read", "records_combined", "rows_read",
                                "rows_inserted", "rows_quarantined")] == [6, 1, 5, 3, 2]
    assert result["errors"] == [
        "calls.csv row 6: queue_seconds: not a number of seconds (e.g. 75 or 1:15)",
        "calls.csv row 7: contact_id: a value is required"]
    calls = contacts(sqlite_engine, "switch")
    assert {k: (v["service"], v["wait_seconds"], v["abandoned"], v["handle_seconds"],
                v["received_at"]) for k, v in calls.items()} == {
        # The agent's own service (from columns) wins over the queue's.
        "K": ("Benefits", 75, False, 240, utc("2024-05-01 08:00")),
        "L": ("Housing", 55, False, 200, utc("2024-05-01 09:00")),
        "M": ("Council Tax", 125, True, None, utc("2024-05-01 10:00")),
    }
    assert result["unmapped"] == {"service": {"Benefits": 1}}


# The configuration as sources.md writes it, comments and all: the call's id and start given as
# the contact's own columns.
SPEC_EXAMPLE = """\
[[source]]
name = "telephony"                 # the source system its rows load under
feed = "contacts"
adapter = "call_legs"              # canonical | csv | open311 | call_legs | survey
path = "exports/telephony/*.csv"   # file sources: a glob (or a list of globs)
# url = "https://..."              # HTTP sources (open311) instead of path

[source.columns]                   # canonical column = source column
contact_id = "Call ID"             # CSV: header text, matched as feeds.md matches headers
received_at = "Start Time"         # JSON: a key, or a dotted path into nested objects
service = "Queue"

[source.constants]                 # canonical column = the same value on every row
channel = "phone"

[source.values.service]            # for one canonical column: source value = canonical value
"CT Enquiries" = "Council Tax"

[source.classify]                  # the row's reason (after mapping) = its demand classification
"Chasing an existing request" = { demand_type = "failure", failure_type = "progress_chasing" }
"Report a missed bin" = { demand_type = "value" }

[source.exclude]                   # records that are not the feed's records, by source column
InitiationMethod = ["OUTBOUND", "CALLBACK"]
"""


def test_the_specifications_own_example(sqlite_engine, tmp_path):
    path = config(tmp_path, SPEC_EXAMPLE)
    export(tmp_path, "exports/telephony/calls-2024-05-01.csv", (
        "Call ID,Leg,Start Time,Queue,InitiationMethod\n"
        "C100,1,2024-05-01 09:00:05,CT Enquiries,INBOUND\n"
        "C100,2,2024-05-01 09:04:00,Waste,TRANSFER\n"
        "C101,1,2024-05-01 09:10:00,Waste,inbound\n"
        "C102,1,2024-05-01 09:20:00,CT Enquiries,OUTBOUND\n"
        "C103,1,2024-05-01 09:30:00,,INBOUND\n"))
    result = run(sqlite_engine, path)
    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_quarantined")] == [
        5, 1, 1, 3, 3, 0]
    calls = contacts(sqlite_engine, "telephony")
    assert {k: (v["received_at"], v["service"], v["channel"], v["abandoned"])
            for k, v in calls.items()} == {
        # Nothing says whether an agent answered: abandonment is not known.
        "C100": (utc("2024-05-01 08:00:05"), "Council Tax", "phone", None),
        "C101": (utc("2024-05-01 08:10"), "Waste", "phone", None),
        "C103": (utc("2024-05-01 08:30"), "Not recorded", "phone", None)}
    assert result["unmapped"] == {"service": {"Waste": 1}}


def test_records_back_to_back_on_a_line_and_a_json_list(sqlite_engine, tmp_path):
    """Some export streams write contact records one after another with no line break; a
    saved query may write them as one JSON list."""
    path = config(tmp_path, CONNECT.replace('path = "ctr/*.jsonl"', 'path = "ctr/*"'))
    a, b, c = LINES[2], LINES[3], LINES[-1]  # b1 (abandoned), c1 (IVR), h1 (chat)
    export(tmp_path, "ctr/stream.jsonl", f"{a}{b} {c}\n")
    streamed = run(sqlite_engine, path)
    assert [streamed[k] for k in ("records_read", "rows_inserted")] == [3, 3]
    export(tmp_path, "ctr/saved.json", f"[{a.replace('b1', 'b2')}, 42]")
    listed = run(sqlite_engine, path)
    assert [listed[k] for k in ("records_read", "rows_inserted", "rows_quarantined")] == [
        2, 1, 1]
    assert listed["errors"] == ["ctr/saved.json record 2: not a JSON object"]
    assert sorted(contacts(sqlite_engine, "telephony")) == ["b1", "b2", "c1", "h1"]
