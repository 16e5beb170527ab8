"""The Data quality page's Sources view, read from the warehouse through metrics: each
source's latest run with its result in words, rows loaded and quarantined, watermark and the
values its mapping missed."""

import json
from datetime import UTC, datetime

from data.sources import advance_watermark, record_run
from metrics.sources_view import read_source_runs, source_status, unmapped_values


def _run(engine, source: str, status: str, at: datetime, **counts) -> None:
    run = {"source": source, "adapter": counts.pop("adapter", "csv"), "feed": "contacts",
           "status": status, "started_at": at, "finished_at": at, "inputs": "[]",
           "records_read": 0, "records_excluded": 0, "records_combined": 0, "rows_read": 0,
           "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 0,
           "unmapped": json.dumps(counts.pop("unmapped", {})),
           "errors": json.dumps(counts.pop("errors", []))}
    record_run(engine, {**run, **counts})


def test_each_sources_latest_run_in_words(engine):
    may, june = datetime(2024, 5, 1, 6, 15, tzinfo=UTC), datetime(2024, 6, 1, 6, 15, tzinfo=UTC)
    _run(engine, "crm", "loaded", may, rows_read=10, rows_inserted=10,
         unmapped={"channel": {"Voice": 4}})
    _run(engine, "crm", "loaded", june, records_read=9, rows_read=7, rows_inserted=3,
         rows_updated=2, rows_unchanged=1, rows_quarantined=1,
         unmapped={"channel": {"Social": 1}, "reason": {"Information": 2, "Other": 2}})
    _run(engine, "chicago", "failed", june, adapter="open311",
         errors=["https://x.example/requests.json: HTTP 503, and again on each of 3 retries; "
                 "giving up", "second"])
    _run(engine, "switch", "nothing_new", june, adapter="call_legs")
    with engine.begin() as conn:
        advance_watermark(conn, "chicago", datetime(2024, 5, 31, 23, 0, tzinfo=UTC))

    runs = read_source_runs(engine)
    status = source_status(runs)
    assert status.rows() == [
        ("chicago", "open311", "contacts", "✖ Failed", june, 0, 0, 0,
         datetime(2024, 5, 31, 23, 0, tzinfo=UTC), 0,
         "https://x.example/requests.json: HTTP 503, and again on each of 3 retries; giving up"),
        ("crm", "csv", "contacts", "✔ Loaded", june, 5, 1, 1, None, 3, None),
        ("switch", "call_legs", "contacts", "○ Nothing new", june, 0, 0, 0, None, 0, None),
    ]
    assert status.columns == ["source", "adapter", "feed", "result", "last_run", "rows_loaded",
                              "rows_unchanged", "rows_quarantined", "watermark",
                              "unmapped_values", "problem"]
    # Only the latest run's gaps: May's "Voice" was mapped since.
    assert unmapped_values(runs).rows() == [("crm", "reason", "Information", 2),
                                            ("crm", "reason", "Other", 2),
                                            ("crm", "channel", "Social", 1)]


def test_no_runs_yet(sqlite_engine):
    runs = read_source_runs(sqlite_engine)
    assert runs.height == 0
    assert source_status(runs).height == 0 and unmapped_values(runs).height == 0
