"""What a load answers (`LoadResult`, the `--json` object of `docs/feeds.md`), and the record of
a file that loaded nothing. Light on imports (no SQLAlchemy, no polars) so that a re-sent file is
answered without the load path's (`pipelines.resent`)."""

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

COUNTS = ("rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_quarantined")


@dataclass
class LoadResult:
    feed: str
    file: str
    status: str  # loaded | skipped | rejected
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in COUNTS}


def skipped(feed: str, name: str) -> LoadResult:
    """The answer for a file whose exact bytes were loaded before."""
    return LoadResult(feed, name, "skipped",
                      errors=[f"{name}: these exact bytes were loaded before"])


def unloaded_record(log: dict, result: LoadResult) -> dict:
    """The load log's record of a file that loaded nothing (skipped or rejected): `log`'s
    columns, then its status and counts, when it finished and what was said."""
    return {**log, "status": result.status, **result.counts(),
            "finished_at": datetime.now(UTC), "errors": json.dumps(result.errors)}
