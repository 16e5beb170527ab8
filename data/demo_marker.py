"""Whether the warehouse holds the fictional demo council and nothing else: the one question the
demo switch (every role for every visitor) asks before it opens anything.

Until the demo build writes a marker of its own, the answer is read from the record of loads:
`pipelines demo` loads each month's canonical files, named `<feed>-<YYYY-MM>.csv`, under the
source system `canonical`, and runs no source of `pipelines run`. A warehouse with any other
load, any source run, or no load at all is not the demo's.
"""

import re

from sqlalchemy import Connection, func, select

from data.models import LoadLog, SourceRun

DEMO_FILE = re.compile(r"(contacts|complaints|satisfaction)-\d{4}-\d{2}\.csv")


def holds_demo_only(conn: Connection) -> bool:
    """True when every load is one of the demo build's files, and there is at least one."""
    log = LoadLog.__table__.c
    if conn.execute(select(func.count()).select_from(SourceRun.__table__)).scalar_one():
        return False
    names = conn.execute(select(log.file_name, log.source_system).distinct()).all()
    return bool(names) and all(system == "canonical" and DEMO_FILE.fullmatch(name)
                               for name, system in names)
