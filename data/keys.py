"""The fingerprint of the pseudonym key a warehouse was first loaded with (`pseudonym_key`).

Written by the first load inside its own transaction, so that a load killed part-way leaves no
fingerprint behind; read by the command line before any later load, which refuses another key.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from data.models import PseudonymKeyRecord

TABLE = PseudonymKeyRecord.__table__


def recorded_fingerprint(conn: Connection) -> tuple[str, datetime] | None:
    """The recorded fingerprint and when it was recorded; None before the first load."""
    row = conn.execute(select(TABLE.c.fingerprint, TABLE.c.recorded_at)).first()
    return None if row is None else (row.fingerprint, row.recorded_at)


def record_fingerprint(conn: Connection, fingerprint: str) -> None:
    """Record `fingerprint` inside the caller's transaction, unless one is recorded already
    (the first load's stays)."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(TABLE).values(key_id=1, fingerprint=fingerprint,
                                      recorded_at=datetime.now(UTC))
                 .on_conflict_do_nothing(index_elements=[TABLE.c.key_id]))
