"""The `open311` adapter: GeoReport v2 service requests shaped as Chicago's endpoint returns them
(`extensions=true`: channel, ward and duplicate under `extended_attributes`), from saved files
and over HTTP from a real server on 127.0.0.1 (`open311_server.Open311Server`): windows, pages,
retries, failures that change nothing, and the watermark."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from data.sources import read_watermark
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
from tests.pipelines.sources.open311_server import Open311Server

FILES = """\
[[source]]
name = "streets"
feed = "contacts"
adapter = "open311"
path = "open311/*.json"
timezone = "America/Chicago"

[source.columns]
customer_ref = "address"

[source.values.channel]
"Phone Call" = "phone"
"mobile" = "app"
"Internet" = "web"
"""


def request(request_id, requested: str, updated: str | None = None, **extra) -> dict:
    """A service request as Chicago's endpoint writes it with extensions=true."""
    found = {
        "service_request_id": request_id, "status": "open",
        "service_name": "Pothole in Street", "service_code": "4fd3b656e750846c53000004",
        "description": "Large pothole outside the school", "agency_responsible": "Streets",
        "requested_datetime": requested, "updated_datetime": updated or requested,
        "address": "1 Example Street", "lat": 41.74685764200721, "long": -87.6536401592609,
        "extended_attributes": {"channel": "Phone Call", "ward": "21", "police": "6"},
    }
    for key, value in extra.items():
        if key in ("channel", "ward", "duplicate"):
            found["extended_attributes"][key] = value
        elif value is None:
            found.pop(key, None)
        else:
            found[key] = value
    return found


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", TEST_KEY)


def test_a_saved_requests_file_with_chicagos_shapes(engine, tmp_path):
    path = config(tmp_path, FILES)
    saved = [
        # A numeric id, an offset: absolute.
        request(771923, "2024-05-09T19:02:21-05:00"),
        # A text id; wall-clock time in the source's time zone (CDT, UTC-5); a list of agencies.
        request("24-00684314", "2024-05-10T08:00:00", channel="mobile",
                agency_responsible=["Sanitation", "Streets"]),
        # A duplicate report: failure demand; no agency, so the service is the request type.
        request("24-00684315", "2024-05-10T09:00:00-05:00", channel="Internet",
                duplicate=True, agency_responsible=None, service_name="Graffiti Removal"),
        # Returned twice: the copy updated last wins, wherever it is.
        request("24-00684316", "2024-05-10T10:00:00-05:00", "2024-05-12T10:00:00-05:00",
                status="closed", ward="22"),
        request("24-00684316", "2024-05-10T10:00:00-05:00", "2024-05-11T10:00:00-05:00"),
        # No id yet (Chicago returns such requests while they are still being processed).
        request(None, "2024-05-10T11:00:00-05:00", service_request_id=None),
        # A channel nobody mapped.
        request("24-00684317", "2024-05-10T12:00:00-05:00", channel="Carrier pigeon"),
    ]
    export(tmp_path, "open311/2024-05-10.json", json.dumps(saved))
    result = run(engine, path)

    assert [result[k] for k in ("records_read", "records_excluded", "records_combined",
                                "rows_read", "rows_inserted", "rows_quarantined")] == [
        7, 0, 1, 6, 4, 2]
    assert result["errors"] == [
        "open311/2024-05-10.json record 6: request without service_request_id (it has no id "
        "yet)",
        'open311/2024-05-10.json record 7: unmapped channel value "Carrier pigeon" (source '
        "streets)"]
    assert result["unmapped"] == {"channel": {"Carrier pigeon": 1}}
    stored = contacts(engine, "streets")
    assert {k: (v["received_at"], v["channel"], v["service"], v["reason"], v["ward"],
                v["demand_type"], v["failure_type"]) for k, v in stored.items()} == {
        "771923": (utc("2024-05-10 00:02:21"), "phone", "Streets", "Pothole in Street", "21",
                   None, None),
        "24-00684314": (utc("2024-05-10 13:00"), "app", "Sanitation", "Pothole in Street",
                        "21", None, None),
        "24-00684315": (utc("2024-05-10 14:00"), "web", "Graffiti Removal", "Graffiti Removal",
                        "21", "failure", "duplicate_report"),
        "24-00684316": (utc("2024-05-10 15:00"), "phone", "Streets", "Pothole in Street", "22",
                        None, None),
    }
    # The place is followed, pseudonymised like any identifier; the description is withheld.
    assert stored["771923"]["customer_pseudonym"] == pseudonym("1 Example Street")
    kept = json.loads(quarantined(engine)[1]["raw_text"])
    assert kept["service_request_id"] == "24-00684317"
    assert kept["address"] == pseudonym("1 Example Street")
    assert kept["description"] == "[withheld]" and kept["lat"] == "[withheld]"
    assert tables_containing(engine, "1 Example Street") == []


@pytest.mark.parametrize("document", [
    lambda items: {"requests": items},
    lambda items: {"service_requests": items},
    lambda items: [{"request": item} for item in items],
], ids=["requests", "service_requests", "wrapped"])
def test_the_older_response_shapes(sqlite_engine, tmp_path, document):
    path = config(tmp_path, FILES)
    export(tmp_path, "open311/a.json", json.dumps(document([
        request(1, "2024-05-09T19:02:21Z"), request(2, "2024-05-09T19:03:00Z")])))
    result = run(sqlite_engine, path)
    assert (result["rows_inserted"], result["rows_quarantined"]) == (2, 0)
    assert sorted(contacts(sqlite_engine, "streets")) == ["1", "2"]


def test_a_saved_file_that_is_not_a_list_of_requests_fails_the_source(sqlite_engine, tmp_path):
    path = config(tmp_path, FILES)
    export(tmp_path, "open311/a.json", '{"error": "rate limited"}')
    result = run(sqlite_engine, path)
    assert result["status"] == "failed"
    assert result["errors"][0] == ("open311/a.json: not a JSON list of records or an object "
                                   "holding one under requests or service_requests")


# ---- over HTTP ---------------------------------------------------------------------------------

def pull_config(tmp_path, url: str, since: str, **options) -> object:
    options.setdefault("timeout_seconds", 2)
    extra = "\n".join(f"{k} = {json.dumps(v)}" for k, v in options.items())
    return config(tmp_path, f"""\
        [[source]]
        name = "chicago"
        feed = "contacts"
        adapter = "open311"
        url = "{url}"
        since = "{since}"
        backoff_seconds = 0.05
        {extra}
        params = {{ extensions = "true", jurisdiction_id = "cityofchicago.org" }}

        [source.values.channel]
        "Phone Call" = "phone"
        """)


def at(moment: datetime) -> str:
    """A UTC instant as Chicago's server writes it: local time with its offset (CDT)."""
    return (moment - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S-05:00")


@pytest.fixture
def today() -> datetime:
    """Midnight UTC today: the tests' requests are dated from it."""
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


def test_a_pull_reads_every_window_and_page_and_moves_the_watermark(engine, tmp_path, today):
    since = today - timedelta(days=10)
    boundary = since + timedelta(days=4)  # the end of the first window and start of the next
    requests = [request(f"R{i}", at(since + timedelta(days=1, hours=i))) for i in range(5)]
    requests.append(request("EDGE", at(boundary)))
    requests.append(request("LATE", at(today - timedelta(days=1))))
    with Open311Server(requests) as server:
        path = pull_config(tmp_path, server.url, since.date().isoformat(), window_days=4,
                           page_size=2)
        result = run(engine, path)
        seen = list(server.seen)

    windows = [(q["start_date"], q["end_date"], q.get("page")) for q in seen]
    first_end = boundary.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Window 1: five requests and EDGE on its last instant, in pages of 2 until one of 0.
    assert windows[:4] == [(since.strftime("%Y-%m-%dT%H:%M:%SZ"), first_end, str(p))
                           for p in (1, 2, 3, 4)]
    assert windows[4][:2] == (first_end,
                              (boundary + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert len({(q["start_date"], q["end_date"]) for q in seen}) == 3  # 10 days in 4s: 3
    assert all(q["extensions"] == "true" and q["jurisdiction_id"] == "cityofchicago.org"
               and q["page_size"] == "2" for q in seen)
    # EDGE falls on both windows' boundary: returned twice, one row.
    assert [result[k] for k in ("records_read", "records_combined", "rows_read",
                                "rows_inserted")] == [8, 1, 7, 7]
    assert len(result["inputs"]) == len(seen)
    assert sorted(contacts(engine, "chicago")) == ["EDGE", "LATE", "R0", "R1", "R2", "R3", "R4"]
    with engine.connect() as conn:
        assert read_watermark(conn, "chicago") == today - timedelta(days=1)
    [logged] = load_log(engine)
    assert logged["file_name"].startswith("pull ")


def test_the_next_pull_starts_from_the_watermark_less_the_overlap(engine, tmp_path, today):
    since = today - timedelta(days=30)
    old = [request("OLD", at(today - timedelta(days=20))),
           request("RECENT", at(today - timedelta(days=5)))]
    with Open311Server(old) as server:
        path = pull_config(tmp_path, server.url, since.date().isoformat(), overlap_days=2)
        run(engine, path)
        server.requests = [*old, request("NEW", at(today - timedelta(hours=3))),
                           request("RECENT", at(today - timedelta(days=5)),
                                   at(today - timedelta(hours=1)), status="closed",
                                   agency_responsible="Water Management")]
        server.seen.clear()
        second = run(engine, path)
        dry = run(engine, path, dry_run=True)
        starts = [q["start_date"] for q in server.seen]
    # From the watermark (RECENT, 5 days ago) less 2 days: OLD is not asked for again.
    assert starts[0] == (today - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [second[k] for k in ("status", "records_read", "records_combined", "rows_inserted",
                                "rows_updated")] == ["loaded", 3, 1, 1, 1]
    assert contacts(engine, "chicago")["RECENT"]["service"] == "Water Management"
    with engine.connect() as conn:
        assert read_watermark(conn, "chicago") == today - timedelta(hours=3)
    # A dry run reads from the same watermark and moves nothing.
    assert (dry["rows_unchanged"], dry["rows_inserted"]) == (1, 0)
    with engine.connect() as conn:
        assert read_watermark(conn, "chicago") == today - timedelta(hours=3)


def test_500_429_and_a_timeout_are_retried(sqlite_engine, tmp_path, today):
    requests = [request("R1", at(today - timedelta(days=2)))]
    with Open311Server(requests) as server:
        server.faults = [("status", 500, {}), ("status", 429, {"Retry-After": "1"}),
                         ("sleep", 3)]
        path = pull_config(tmp_path, server.url, (today - timedelta(days=5)).date().isoformat(),
                           timeout_seconds=0.5)
        result = run(sqlite_engine, path)
        arrivals = list(server.arrivals)
    assert (result["status"], result["rows_inserted"]) == ("loaded", 1)
    assert len(arrivals) == 4  # three failures, then the answer
    # After the 429, the client waited as Retry-After asked; after the 500, backoff (0.05 s).
    assert arrivals[2] - arrivals[1] >= 1.0
    assert result["inputs"] == [result["inputs"][0]]


@pytest.mark.parametrize("faults, message", [
    ([("status", 503, {})] * 4, "HTTP 503 Service Unavailable, and again on each of 3 retries; "
                                "giving up"),
    ([("sleep", 1)] * 4, "no answer within 0.3 s, and again on each of 3 retries; giving up"),
    ([("status", 404, {})], "HTTP 404 Not Found"),
], ids=["503-four-times", "timeout-four-times", "404"])
def test_a_failed_pull_changes_nothing_and_the_watermark_stays(engine, tmp_path, today, faults,
                                                               message):
    requests = [request("R1", at(today - timedelta(days=3)))]
    with Open311Server(requests) as server:
        path = pull_config(tmp_path, server.url, (today - timedelta(days=5)).date().isoformat(),
                           timeout_seconds=0.3)
        run(engine, path)
        server.requests.append(request("R2", at(today - timedelta(days=1))))
        server.faults = list(faults)
        result = run(engine, path)
    assert result["status"] == "failed"
    assert result["errors"][0].endswith(message)
    assert "api_key" not in result["errors"][0]
    assert [result[k] for k in ("records_read", "rows_read", "rows_inserted")] == [0, 0, 0]
    assert sorted(contacts(engine, "chicago")) == ["R1"]
    with engine.connect() as conn:
        assert read_watermark(conn, "chicago") == today - timedelta(days=3)


def test_a_malformed_page_fails_the_whole_pull(engine, tmp_path, today):
    requests = [request(f"R{i}", at(today - timedelta(days=2, hours=i))) for i in range(3)]
    with Open311Server(requests) as server:
        # Page 1 is fine; page 2 is cut short: nothing of the pull may load.
        server.faults = [("body", json.dumps(requests[:2]).encode()),
                         ("body", b'[{"service_request_id": "R2", "requested_dat')]
        path = pull_config(tmp_path, server.url, (today - timedelta(days=5)).date().isoformat(),
                           page_size=2)
        result = run(engine, path)
    assert result["status"] == "failed"
    assert "page=2" in result["errors"][0]
    assert "the answer is not JSON" in result["errors"][0]
    assert rows(engine, "fct_contacts") == [] and load_log(engine) == []
    with engine.connect() as conn:
        assert read_watermark(conn, "chicago") is None


def test_the_api_key_comes_from_the_environment_and_is_never_shown(sqlite_engine, tmp_path,
                                                                   today, monkeypatch):
    monkeypatch.setenv("CHICAGO_OPEN311_KEY", "s3cret-key")
    with Open311Server([request("R1", at(today - timedelta(days=1)))]) as server:
        path = pull_config(tmp_path, server.url, (today - timedelta(days=2)).date().isoformat(),
                           api_key_env="CHICAGO_OPEN311_KEY")
        result = run(sqlite_engine, path)
        assert {q["api_key"] for q in server.seen} == {"s3cret-key"}
    assert "s3cret-key" not in json.dumps(result)
    assert tables_containing(sqlite_engine, "s3cret-key") == []
    assert result["rows_inserted"] == 1


def test_nothing_returned_is_nothing_new_and_loads_nothing(sqlite_engine, tmp_path, today):
    with Open311Server([]) as server:
        path = pull_config(tmp_path, server.url, (today - timedelta(days=2)).date().isoformat())
        result = run(sqlite_engine, path)
    assert result["status"] == "nothing_new" and result["records_read"] == 0
    assert load_log(sqlite_engine) == []


def test_a_server_that_cannot_be_reached_fails_at_once(sqlite_engine, tmp_path, today):
    with Open311Server([]) as server:
        url = server.url  # the port is free again once the server has gone
    path = pull_config(tmp_path, url, (today - timedelta(days=2)).date().isoformat())
    result = run(sqlite_engine, path)
    assert result["status"] == "failed"
    assert result["errors"][0].startswith(f"{url}?extensions=true&jurisdiction_id=")
    assert "cannot connect (" in result["errors"][0]


def test_retry_after_as_seconds_or_an_http_date():
    from email.utils import format_datetime

    from pipelines.sources.http import _retry_after
    assert _retry_after("2") == 2.0
    assert _retry_after("86400") == 300.0  # waited for 5 minutes at most
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= _retry_after(in_a_minute) <= 60
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_constants_win_over_what_the_adapter_derives(sqlite_engine, tmp_path):
    path = config(tmp_path, FILES.replace('[source.columns]', 'constants = { channel = "web" }\n'
                                          '\n[source.columns]'))
    export(tmp_path, "open311/a.json", json.dumps([
        request(1, "2024-05-09T19:02:21Z", channel="Carrier pigeon"),
        request(2, "2024-05-09T19:03:00Z", duplicate=True)]))
    result = run(sqlite_engine, path)
    stored = contacts(sqlite_engine, "streets")
    # The channel is the constant, whatever the request says (so nothing is unmapped), and a
    # duplicate is still failure demand, derived from the request.
    assert {k: (v["channel"], v["demand_type"]) for k, v in stored.items()} == {
        "1": ("web", None), "2": ("web", "failure")}
    assert result["unmapped"] == {} and result["rows_quarantined"] == 0
