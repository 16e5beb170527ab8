"""Column types of the warehouse.

`UtcDateTime` is the type of every timestamp column: an instant, stored in UTC. PostgreSQL keeps
it as `timestamp with time zone`; SQLite, which has no such type, as the text
`YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the one format `data.bulk` writes. A datetime bound to such
a column in any statement (a comparison, an insert, an update) is converted to UTC first,
whatever its time zone, so that SQLite's text comparisons order instants correctly; a naive
datetime is refused rather than guessed. The DDL is that of `DateTime(timezone=True)`.
"""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a timestamp must be timezone-aware, got {value!r}")
        utc = value.astimezone(UTC)
        # SQLite's own DATETIME writer then prints the naive UTC time as
        # `YYYY-MM-DD HH:MM:SS.ffffff`, the text data.bulk stores.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc
