"""The configuration file of `sources.md`: read with tomllib, every key checked before anything
is processed, and every problem named by file, source and key."""

from pathlib import Path

import pytest

from pipelines.sources.config import ConfigError, check_environment, match_key, read_config
from tests.pipelines.sources.helpers import config

GOOD = """\
[[source]]
name = "telephony"
feed = "contacts"
adapter = "call_legs"
path = "exports/telephony/*.csv"

[source.columns]
call_id = ["InitialContactId", "ContactId"]
started_at = "Start Time"
service = "Queue"

[source.constants]
channel = "phone"

[source.values.service]
"CT Enquiries" = "Council Tax"

[source.classify]
"Chasing an existing request" = { demand_type = "failure", failure_type = "progress_chasing" }
"Report a missed bin" = { demand_type = "value" }

[source.exclude]
InitiationMethod = ["OUTBOUND", "CALLBACK"]
"""


def test_the_specifications_example_reads_as_written(tmp_path):
    path = config(tmp_path, GOOD)
    [source] = read_config(path).sources
    assert (source.name, source.feed.name, source.adapter) == ("telephony", "contacts",
                                                               "call_legs")
    assert source.paths == ("exports/telephony/*.csv",) and source.folder == tmp_path
    assert source.columns["call_id"] == ("InitialContactId", "ContactId")
    assert source.constants == {"channel": "phone"}
    assert source.values == {"service": {"ct_enquiries": "Council Tax"}}
    assert source.classify == {"chasing_an_existing_request": ("failure", "progress_chasing"),
                               "report_a_missed_bin": ("value", None)}
    assert source.exclude == {"InitiationMethod": ("outbound", "callback")}
    assert (source.timezone, source.encoding, source.delimiter, source.header_rows) == (
        "Europe/London", "utf-8", ",", 1)


@pytest.mark.parametrize("text, key, problem", [
    ('name = "Telephony Main"', "name", "must be 1 to 40 characters of a-z, 0-9, _ and -"),
    ('adapter = "callegs"', "adapter",
     '"callegs" is not one of canonical, csv, open311, call_legs, survey'),
    ('feed = "calls"', "feed", '"calls" is not one of contacts, complaints, satisfaction'),
    ('feed = "complaints"', "feed", "the call_legs adapter makes contacts rows"),
    ('colums = { call_id = "x" }', "colums", "not a key of the call_legs adapter"),
    ('columns = { call_id = "Id", contact_ref = "x", started_at = "S" }', "columns.contact_ref",
     '"contact_ref" is not a column of the contacts feed, or a call leg\'s field'),
    ('columns = { call_id = [], started_at = "S" }', "columns.call_id",
     "must be a text or a list of texts"),
    ('columns = { started_at = "S" }', "columns.call_id", "required by the call_legs adapter"),
    ('columns = { call_id = "Id", started_at = "S", channel = "Line" }', "constants.channel",
     "also given in columns; a column comes from one or the other"),
    ('constants = { channel = "telephone" }', "constants.channel",
     '"telephone" is not a channel value (phone, email, web, face_to_face, letter, webchat, '
     "social_media, app, other)"),
    ('values = { channel = { "Voice" = "telephone" } }', "values.channel.Voice",
     '"telephone" is not a channel value'),
    ('values = { customer_ref = { "x" = "y" } }', "values.customer_ref",
     "customer_ref cannot have a value map (its values are personal or free text)"),
    ('values = { service = { "CT" = "Council Tax", "ct" = "Parking" } }', "values.service",
     '"ct" matches another key, which maps elsewhere'),
    ('classify = { "Chasing" = { demand_type = "failure", failure = "x" } }',
     "classify.Chasing", 'must be { demand_type = "..." }'),
    ('classify = { "Chasing" = { demand_type = "waste" } }', "classify.Chasing",
     "demand_type must be value or failure"),
    ('classify = { "Bin" = { demand_type = "value", failure_type = "x" } }', "classify.Bin",
     "failure_type is a text, and only for failure demand"),
    ('timezone = "Europe/Londres"', "timezone", '"Europe/Londres" is not a time zone'),
    ('encoding = "latin-9000"', "encoding", '"latin-9000" is not a text encoding'),
    ('delimiter = ";;"', "delimiter", "must be one character"),
    ("header_rows = 0", "header_rows", "must be a whole number 1 or more"),
    ('nulls = "?"', "nulls", 'must be a list of texts, e.g. ["?", "NULL"]'),
    ('datetime_format = "dd/mm/yyyy"', "datetime_format", '"dd/mm/yyyy" is not a strptime '
                                                          "pattern"),
    ('url = "https://example.org/requests.json"', "url", "not a key of the call_legs adapter"),
])
def test_each_problem_names_the_file_the_source_and_the_key(tmp_path, text, key, problem):
    """Each line replaces (or adds to) the example's source table."""
    name = text.split(" = ")[0]
    lines = [line for line in GOOD.splitlines() if not line.startswith(f"{name} = ")]
    if name in ("columns", "constants", "values", "classify"):
        start = lines.index(f"[source.{name}]") if f"[source.{name}]" in lines else None
        if start is not None:
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
                       len(lines))
            del lines[start:end]
        if name == "values":
            lines = [line for line in lines if not line.startswith("[source.values")]
            lines = [line for line in lines if line != '"CT Enquiries" = "Council Tax"']
    lines.insert(4, text)
    path = config(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    message = str(raised.value)
    label = "telephony" if name != "name" else "Telephony Main"
    assert message.startswith(f'{path}: source "{label}", key "{key}": '), message
    assert problem in message


@pytest.mark.parametrize("text, message", [
    ("[[source]]\nname = 'a'\nfeed = \nadapter = 'csv'\n",
     "not a valid TOML file (Invalid value (at line 3, column 8))"),
    ("wait_seconds = 5\n", "no [[source]] table: the file must describe at least one source"),
    ("wait = 5\n" + GOOD, 'unknown key "wait"'),
    ("wait_seconds = -1\n" + GOOD, 'key "wait_seconds": must be a number of seconds, 0 or more'),
    (GOOD + GOOD, 'source "telephony", key "name": another source has this name'),
])
def test_problems_of_the_whole_file(tmp_path, text, message):
    path = config(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)


def test_a_missing_file_and_an_unknown_source(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        read_config(tmp_path / "sources.toml")
    found = read_config(config(tmp_path, GOOD))
    with pytest.raises(ConfigError, match='no source named "crm" \\(the file has: telephony\\)'):
        found.chosen(["crm"])


def test_adapter_specific_rules(tmp_path):
    csv_without_channel = GOOD.replace('adapter = "call_legs"', 'adapter = "csv"').replace(
        'call_id = ["InitialContactId", "ContactId"]\nstarted_at = "Start Time"',
        'contact_id = "Id"\nreceived_at = "Start Time"').replace(
        '[source.constants]\nchannel = "phone"\n', "")
    with pytest.raises(ConfigError, match='key "columns.channel": the contacts feed requires '
                                          "channel"):
        read_config(config(tmp_path, csv_without_channel))
    survey = GOOD.replace('adapter = "call_legs"', 'adapter = "survey"')
    with pytest.raises(ConfigError, match="the survey adapter makes satisfaction rows"):
        read_config(config(tmp_path, survey))
    survey = """\
        [[source]]
        name = "qualtrics"
        feed = "satisfaction"
        adapter = "survey"
        path = "q.csv"
        header_rows = 4
        columns = { response_id = "ResponseId", responded_at = "RecordedDate", channel = "c" }
        """
    with pytest.raises(ConfigError, match='key "header_rows": must be a whole number from 1 '
                                          "to 3"):
        read_config(config(tmp_path, survey))
    history = """\
        [[source]]
        name = "servicenow"
        feed = "contacts"
        adapter = "csv"
        path = "log.csv"
        keep_latest_by = "sys_updated_at"
        constants = { contact_id = "x", received_at = "2024-01-01", channel = "web" }
        columns = { service = "assignment_group" }
        """
    with pytest.raises(ConfigError, match='key "keep_latest_by": needs the source column of '
                                          "contact_id in columns"):
        read_config(config(tmp_path, history))
    no_input = GOOD.replace('path = "exports/telephony/*.csv"\n', "")
    with pytest.raises(ConfigError, match='key "path": the files to read are required'):
        read_config(config(tmp_path, no_input))
    classify_complaints = """\
        [[source]]
        name = "cases"
        feed = "complaints"
        adapter = "csv"
        path = "x.csv"
        columns = { complaint_id = "Id", received_on = "On", service = "S" }
        classify = { "x" = { demand_type = "value" } }
        """
    with pytest.raises(ConfigError, match="the complaints feed has no reason and demand_type"):
        read_config(config(tmp_path, classify_complaints))


def test_an_open311_source_and_its_secret(tmp_path, monkeypatch):
    path = config(tmp_path, """\
        [[source]]
        name = "chicago"
        feed = "contacts"
        adapter = "open311"
        url = "https://311api.cityofchicago.org/open311/v2/requests.json"
        since = 2024-01-01
        page_size = 500
        api_key_env = "CHICAGO_KEY"
        params = { extensions = true, jurisdiction_id = "cityofchicago.org" }
        """)
    [source] = read_config(path).sources
    assert (source.pull.window_days, source.pull.overlap_days, source.pull.page_size) == (
        90, 7, 500)
    assert source.pull.params == {"extensions": "true", "jurisdiction_id": "cityofchicago.org"}
    monkeypatch.delenv("CHICAGO_KEY", raising=False)
    with pytest.raises(ConfigError, match='source "chicago", key "api_key_env": the '
                                          "environment variable CHICAGO_KEY is not set"):
        check_environment(source)
    monkeypatch.setenv("CHICAGO_KEY", "k")
    check_environment(source)
    with pytest.raises(ConfigError, match='key "window_days": must be a whole number from 1 '
                                          "to 90"):
        read_config(config(tmp_path, path.read_text() + "window_days = 120\n"))


@pytest.mark.parametrize("written, key", [
    ("Face to face", "face_to_face"), ("  FACE-TO-FACE ", "face_to_face"),
    ("Chasing an existing request", "chasing_an_existing_request"), ("OUTBOUND", "outbound"),
])
def test_source_values_are_matched_as_enums_are(written, key):
    assert match_key(written) == key


def test_the_documentation_describes_every_key():
    """docs/sources.md lists every key a source or the file may hold."""
    from pipelines.sources.config import KEYS

    text = (Path(__file__).resolve().parents[3] / "docs" / "sources.md").read_text()
    keys = {"name", "feed", "adapter", "wait_seconds", *(k for ks in KEYS.values() for k in ks)}
    assert [k for k in sorted(keys) if f"`{k}`" not in text] == []
