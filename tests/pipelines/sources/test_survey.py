"""The `survey` adapter on exports shaped as the tools write them: Qualtrics (three header
rows: names, question texts, import ids), SurveyMonkey (two: questions, then answer labels; US
dates), GovMetric (Good/Average/Poor ratings). Previews and partial responses are excluded."""

import pytest

from tests.pipelines.helpers import TEST_KEY, quarantined, rows, tables_containing, utc
from tests.pipelines.sources.helpers import config, export, run

QUALTRICS = """\
[[source]]
name = "qualtrics"
feed = "satisfaction"
adapter = "survey"
path = "qualtrics/*.csv"
header_rows = 3

[source.columns]
response_id = "ResponseId"
responded_at = "RecordedDate"
channel = "channel"
service = "service"
csat = "Q1"
nps = "Q2"
ces = "Q3"
comment = "Q4"
contact_id = "contact_id"

[source.values.csat]
"Very satisfied" = 5
"Somewhat satisfied" = 4
"Neither satisfied nor dissatisfied" = 3
"Somewhat dissatisfied" = 2
"Very dissatisfied" = 1

[source.values.nps]
"Extremely likely" = 10
"Not at all likely" = 0

[source.values.ces]
"Very easy" = 7
"Easy" = 6
"Very difficult" = 1

[source.values.channel]
"Telephone" = "phone"

[source.exclude]
Status = ["Survey Preview", "Spam"]
Finished = ["False"]
"""

META = ("StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,"
        "RecordedDate,ResponseId,RecipientLastName,RecipientFirstName,RecipientEmail,"
        "DistributionChannel,UserLanguage,Q1,Q2,Q3,Q4,channel,service,contact_id\n")
QUESTIONS = ("Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),"
             "Finished,Recorded Date,Response ID,Recipient Last Name,Recipient First Name,"
             "Recipient Email,Distribution Channel,User Language,"
             "\"Overall, how satisfied were you with the service you received?\","
             "\"How likely are you to recommend contacting us this way to a friend?\","
             "\"How easy was it to get what you needed?\",\"Anything else you'd like to tell "
             "us?\",channel,service,contact_id\n")
IMPORT_IDS = ",".join(
    f'"{{""ImportId"":""{i}""{tz}}}"' for i, tz in [
        ("startDate", ',""timeZone"":""Europe/London""'),
        ("endDate", ',""timeZone"":""Europe/London""'), ("status", ""), ("ipAddress", ""),
        ("progress", ""), ("duration", ""), ("finished", ""),
        ("recordedDate", ',""timeZone"":""Europe/London""'), ("_recordId", ""),
        ("recipientLastName", ""), ("recipientFirstName", ""), ("recipientEmail", ""),
        ("distributionChannel", ""), ("userLanguage", ""), ("QID1", ""), ("QID2", ""),
        ("QID3", ""), ("QID4_TEXT", ""), ("channel", ""), ("service", ""),
        ("contact_id", "")]) + "\n"
RESPONSES = (
    "2024-05-01 10:30:02,2024-05-01 10:32:11,IP Address,192.0.2.10,100,129,True,"
    "2024-05-01 10:32:11,R_1a2B3c4D5e6F7g8,Smith,Jo,jo.smith@example.com,email,EN,"
    "Very satisfied,9,Very easy,\"Great, thanks. Reply to jo.smith@example.com\","
    "Telephone,Waste,C-1001\n"
    "2024-05-01 11:00:00,2024-05-01 11:01:00,Survey Preview,,100,60,True,"
    "2024-05-01 11:01:00,R_preview0000001,,,,preview,EN,Very dissatisfied,0,Very difficult,"
    "testing,web,Waste,\n"
    "2024-05-01 12:00:00,2024-05-01 12:00:30,IP Address,192.0.2.11,40,30,False,"
    "2024-05-08 12:00:30,R_partial0000001,,,,anonymous,EN,Very satisfied,,,,web,Waste,\n"
    "2024-05-02 09:00:00,2024-05-02 09:03:00,IP Address,192.0.2.12,100,180,True,"
    "2024-05-02 09:03:00,R_2b3C4d5E6f7G8h9,,,,anonymous,EN,"
    "Neither satisfied nor dissatisfied,Extremely likely,,,web,Council Tax,\n"
    "2024-05-02 10:00:00,2024-05-02 10:01:00,IP Address,192.0.2.13,100,60,True,"
    "2024-05-02 10:01:00,R_3c4D5e6F7g8H9i0,,,,anonymous,EN,Quite happy,7,Easy,,web,"
    "Council Tax,\n")


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def _responses(engine) -> dict[str, dict]:
    return {r["response_id"]: r for r in rows(engine, "fct_survey_responses")}


def test_a_qualtrics_export_with_three_header_rows(engine, tmp_path):
    path = config(tmp_path, QUALTRICS)
    export(tmp_path, "qualtrics/waste-survey.csv", META + QUESTIONS + IMPORT_IDS + RESPONSES)
    result = run(engine, path)

    # Five responses: a preview and a partial response excluded.
    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_quarantined")] == [
        5, 2, 0, 3, 2, 1]
    # Words on the tool's scale become the council's numbers; an unmapped one is reported
    # and fails the number rule (csat is a number, not an enum, so it is not guessed either).
    assert result["unmapped"] == {"csat": {"Quite happy": 1}}
    assert result["errors"] == ["qualtrics/waste-survey.csv row 8: csat: not a whole number"]
    stored = _responses(engine)
    first, second = stored["R_1a2B3c4D5e6F7g8"], stored["R_2b3C4d5E6f7G8h9"]
    assert (first["csat"], first["nps"], first["ces"], first["channel"]) == (5, 9, 7, "phone")
    assert first["responded_at"] == utc("2024-05-01 09:32:11")
    assert first["comment"] == "Great, thanks. Reply to [email]"
    assert first["contact_id"] == "C-1001"
    assert (second["csat"], second["nps"], second["ces"], second["service"]) == (
        3, 10, None, "Council Tax")
    # The respondent's name and e-mail are in columns no mapping reads: never stored.
    [kept] = quarantined(engine)
    assert "[withheld]" in kept["raw_text"] and "R_3c4D5e6F7g8H9i0" in kept["raw_text"]
    assert tables_containing(engine, "jo.smith@example.com") == []
    assert tables_containing(engine, "Smith") == []


SURVEYMONKEY_HEADER = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
    "Last Name,Custom Data 1,How satisfied were you with our service today?,"
    "\"How likely is it that you would recommend us to a friend or colleague?\","
    "What did you contact us about?,\n"
    ",,,,,,,,,Response,Response,Response,Other (please specify)\n")


def test_a_surveymonkey_export_with_two_header_rows_and_us_dates(sqlite_engine, tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "surveymonkey"
        feed = "satisfaction"
        adapter = "survey"
        path = "surveymonkey.csv"
        header_rows = 2
        datetime_format = "%m/%d/%Y %I:%M:%S %p"
        constants = { channel = "web" }

        [source.columns]
        response_id = "Respondent ID"
        responded_at = "End Date"
        csat = "How satisfied were you with our service today?"
        nps = "How likely is it that you would recommend us to a friend or colleague?"
        service = "What did you contact us about?"
        contact_id = "Custom Data 1"

        [source.values.csat]
        "Extremely satisfied" = 5
        "Very satisfied" = 4
        "Somewhat satisfied" = 3
        "Not so satisfied" = 2
        "Not at all satisfied" = 1
        """)
    export(tmp_path, "surveymonkey.csv", SURVEYMONKEY_HEADER + (
        "114187093412,258917834,05/01/2024 10:30:02 AM,05/01/2024 10:32:11 AM,192.0.2.10,,,,"
        "C-1001,Very satisfied,9,Bins,\n"
        "114187093413,258917834,05/12/2024 11:59:00 PM,05/13/2024 12:01:30 AM,192.0.2.11,,,,"
        ",Not at all satisfied,2,Other,Parking permit\n"))
    result = run(sqlite_engine, path)
    assert (result["rows_inserted"], result["rows_quarantined"]) == (2, 0)
    stored = _responses(sqlite_engine)
    first, second = stored["114187093412"], stored["114187093413"]
    assert (first["csat"], first["nps"], first["service"]) == (4, 9, "Bins")
    assert first["responded_at"] == utc("2024-05-01 09:32:11")  # May, not January; BST
    assert second["responded_at"] == utc("2024-05-12 23:01:30")  # 12:01 AM is just after midnight
    assert (second["csat"], second["contact_id"]) == (1, None)


def test_a_govmetric_export_maps_good_average_poor(sqlite_engine, tmp_path):
    path = config(tmp_path, """\
        [[source]]
        name = "govmetric"
        feed = "satisfaction"
        adapter = "survey"
        path = "govmetric.csv"

        [source.columns]
        response_id = "Feedback ID"
        responded_at = "Date Submitted"
        channel = "Channel"
        service = "Service Area"
        csat = "Rating"
        comment = "Comments"

        [source.values.csat]
        "Good" = 5
        "Average" = 3
        "Poor" = 1

        [source.values.channel]
        "Telephone" = "phone"
        "Face to Face" = "face_to_face"
        "Web" = "web"
        """)
    export(tmp_path, "govmetric.csv", (
        "Feedback ID,Date Submitted,Channel,Service Area,Rating,Reason,Comments\n"
        "GM-0001,01/05/2024 09:12,Telephone,Revenues,Good,Quick,Lovely staff\n"
        "GM-0002,01/05/2024 09:40,Face to face,Housing,Poor,Slow,\"Waited 40 mins, SW1A 1AA\"\n"
        "GM-0003,01/05/2024 10:05,Web,Parking,AVERAGE,,\n"
        "GM-0004,01/05/2024 10:20,Kiosk,Parking,Good,,\n"))
    result = run(sqlite_engine, path)
    stored = _responses(sqlite_engine)
    assert {k: (v["csat"], v["channel"]) for k, v in stored.items()} == {
        "GM-0001": (5, "phone"), "GM-0002": (1, "face_to_face"), "GM-0003": (3, "web")}
    assert stored["GM-0002"]["comment"] == "Waited 40 mins, [postcode]"
    assert result["unmapped"] == {"channel": {"Kiosk": 1}}
    assert result["errors"] == [
        'govmetric.csv row 5: unmapped channel value "Kiosk" (source govmetric)']
