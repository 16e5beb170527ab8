"""Reading the fact tables and the monthly mart, and replacing the mart's months.

Every query is a SQLAlchemy Core expression with bound parameters; instants are aware datetimes
(`data.types.UtcDateTime` binds them for either dialect). Period bounds are UTC instants
`[start, end)`: callers turn London months into instants (`transform.calendar.months_span`).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Table, delete, false, func, select

from data.bulk import insert_frame, read_frame
from data.models import Contact, ContactsMonthly, LoadLog, SurveyResponse
from data.vocabulary import DIMENSIONS


def read_table(conn: Connection, table: Table, columns: Sequence[str] | None = None,
               exclude: Sequence[str] = (), many: bool = False) -> pl.DataFrame:
    """A whole table: the given columns, else all but `exclude` (`many`: see `read_frame`)."""
    names = [c for c in (columns or table.columns.keys()) if c not in exclude]
    return read_frame(conn, select(*(table.c[n] for n in names)), many=many)


def contacts_received(conn: Connection, columns: Sequence[str], start: datetime, end: datetime,
                      filters: Mapping[str, Sequence[str]] | None = None,
                      identified: bool = False, except_load: int | None = None) -> pl.DataFrame:
    """The given columns of the contacts received in [start, end): the one query behind every
    read of a period's contacts (drill-downs, chains, the mart's refresh).

    filters: service, channel or ward -> the values to keep (an empty choice keeps nothing, as
    `metrics.compute`'s filters do); a ward not recorded matches ''. identified: only contacts
    with a customer pseudonym. except_load: leave out the rows of that load.
    """
    unknown = set(filters or {}) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot filter contacts by {sorted(unknown)}")
    c = Contact.__table__.c
    query = select(*(c[n] for n in columns)).where(c.received_at >= start, c.received_at < end)
    if identified:
        query = query.where(c.customer_pseudonym.is_not(None))
    if except_load is not None:
        query = query.where(c.load_id != except_load)
    for dim, values in (filters or {}).items():
        column = func.coalesce(c.ward, "") if dim == "ward" else c[dim]
        query = query.where(column.in_(tuple(values)) if values else false())
    return read_frame(conn, query, many=True)


def data_horizon(conn: Connection) -> datetime | None:
    """The latest received_at of all contacts loaded (`docs/kpis.md`, the data horizon)."""
    return _contact_instant(conn, func.max)


def first_received_at(conn: Connection) -> datetime | None:
    """The earliest received_at of all contacts loaded."""
    return _contact_instant(conn, func.min)


def _contact_instant(conn: Connection, aggregate) -> datetime | None:
    query = select(aggregate(Contact.__table__.c.received_at).label("at"))
    return read_frame(conn, query).item()


def has_contacts(conn: Connection) -> bool:
    c = Contact.__table__.c
    return conn.execute(select(c.contact_id).limit(1)).first() is not None


def latest_comments(conn: Connection, service: str, start: datetime, end: datetime,
                    channels: Sequence[str] = (), limit: int = 50) -> pl.DataFrame:
    """The latest `limit` non-empty comments for one service with responded_at in
    [start, end) (and, if given, on those channels), newest first: responded_at, channel, csat,
    nps, ces, comment, contact_id (the contact rated, if the survey said)."""
    r = SurveyResponse.__table__.c
    query = (select(r.responded_at, r.channel, r.csat, r.nps, r.ces, r.comment, r.contact_id)
             .where(r.service == service, r.responded_at >= start, r.responded_at < end,
                    r.comment.is_not(None), r.comment != "")
             .order_by(r.responded_at.desc()).limit(limit))
    if channels:
        query = query.where(r.channel.in_(tuple(channels)))
    return read_frame(conn, query)


def flagged_contacts(conn: Connection, contact_ids: Sequence[str]) -> set[str]:
    """Which of `contact_ids` are contacts flagged safeguarding, in any source system (a survey
    names the contact it rates without its system: a flag in any one counts).

    Looked up by the contacts' key, one source system at a time (those of the load log, a
    handful), so that a few ids cost a few index reads, whatever the size of the table."""
    if not contact_ids:
        return set()
    log = LoadLog.__table__.c
    systems = conn.execute(select(log.source_system).where(log.feed == "contacts")
                           .distinct()).scalars().all()
    c = Contact.__table__.c
    return set(conn.execute(select(c.contact_id).where(
        c.source_system.in_(systems), c.contact_id.in_(tuple(set(contact_ids))),
        c.safeguarding.is_(True))).scalars())


def latest_record_at(conn: Connection, table: Table, column: str,
                     source_system: str) -> pl.DataFrame:
    """The newest `column` of one source system's records (no rows when it has none)."""
    dated = table.c[column]
    # `|| ''` keeps the planner off the (source_system, id) key, which would sort every one of
    # the system's rows; the index on the date is read backwards and stops at the first match.
    query = (select(dated).where(table.c.source_system.concat("") == source_system)
             .order_by(dated.desc()).limit(1))
    return read_frame(conn, query)


def replace_mart_months(conn: Connection, first: str, last: str, rows: pl.DataFrame) -> None:
    """Replace the monthly mart's months first..last ("YYYY-MM") with `rows`."""
    mart = ContactsMonthly.__table__
    conn.execute(delete(mart).where(mart.c.month >= first, mart.c.month <= last))
    insert_frame(conn, mart, rows)


def clear_mart(conn: Connection) -> None:
    conn.execute(delete(ContactsMonthly.__table__))
