"""The warehouse's version: one counter per part of the warehouse, moved by every write to it,
so that a cache knows when what it read has changed, and a change clears only what it touches.

- `loads` (load_log, quarantine_rows): every file offered to the load path, whatever became
  of it;
- a feed's name (`contacts`, `complaints`, `satisfaction`, `enquiries`: its fact table): every
  load of that feed that is neither skipped nor rejected;
- `marts` (mart_contacts_monthly, and the data horizon it was computed at): a contacts load
  that writes rows, and `pipelines refresh`;
- `settings` (ref_settings), `targets` (ref_kpi_targets), `assumptions`
  (ref_channel_assumptions, ref_assumption_changes), `change_points` (ref_spc_change_points),
  `owners` (ref_kpi_owners), `commentary` (ref_commentary), `actions` (ref_complaint_actions):
  any insert, update or delete, by anyone, through triggers; a contacts load also moves
  `settings`, where it records the horizon of its marts.

A part moves in the same transaction as the write it stands for, so a reader never sees new
rows under an old version. Reference tables are small and analysts edit them by hand too
(`UPDATE ref_kpi_targets ...` in psql), so the warehouse moves their parts itself, through the
row triggers `install` creates; fact tables take a million rows at a time, where a trigger per
row would slow every load, so the load path moves their parts (`moved`).

A new table joins in one of three ways:

- loaded through `pipelines.ingest.load` as a feed: nothing to do, a load moves the part named
  after its feed;
- a reference table that may be edited by hand: add it to `HAND_EDITED` (table -> part);
- written anywhere else: call `moved(conn, part)` inside the writing transaction.

Readers then name the parts they read (`pages.shared.cached`).
"""

import secrets

from sqlalchemy import DDL, BigInteger, Connection, Engine, String, column, func, select
from sqlalchemy import table as table_clause

from data.run_lock import warehouse_key

# `data.models.WarehouseVersion`'s table, named here without the models (and so without
# SQLModel's import) so that recording a re-sent file (`data.load_log`) starts fast; a test
# keeps the two alike.
VERSIONS = table_clause("warehouse_versions", column("part", String), column("version", BigInteger))

# table -> the part every write to it moves (by trigger)
HAND_EDITED = {
    "ref_settings": "settings",
    "ref_kpi_targets": "targets",
    "ref_channel_assumptions": "assumptions",
    "ref_assumption_changes": "assumptions",
    "ref_spc_change_points": "change_points",
    "ref_kpi_owners": "owners",
    "ref_commentary": "commentary",
    "ref_complaint_actions": "actions",
}
# A random number drawn when the warehouse is created: a warehouse built again from nothing
# restarts its counters, and must not pass for the one a cache read.
CREATED = "created"
EVENTS = ("INSERT", "UPDATE", "DELETE")
INSTALL_LOCK = 4244  # a PostgreSQL advisory lock (data.run_lock lists them all)
# One trigger function on PostgreSQL, told its part as the trigger's argument.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION warehouse_version_moves() RETURNS trigger AS $$
BEGIN
    UPDATE warehouse_versions SET version = version + 1 WHERE part = TG_ARGV[0];
    RETURN NULL;
END
$$ LANGUAGE plpgsql"""


def install(engine: Engine) -> None:
    """Every part's row, the creation number and the triggers of `HAND_EDITED`, where missing.
    Run on every engine (`data.warehouse.make_engine`), so that older warehouses gain them; once
    all are there it only reads, so a server starting while a load runs does not wait for it."""
    table = VERSIONS
    with engine.connect() as conn:
        if _complete(conn, set(conn.execute(select(table.c.part)).scalars())):
            return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two processes starting at once would otherwise create the same triggers together.
            conn.execute(select(func.pg_advisory_xact_lock(*warehouse_key(INSTALL_LOCK))))
        have = set(conn.execute(select(table.c.part)).scalars())
        rows = [{"part": p, "version": 0} for p in sorted(set(HAND_EDITED.values()))
                if p not in have]
        if CREATED not in have:
            rows.append({"part": CREATED, "version": secrets.randbits(62)})
        if rows:
            conn.execute(table.insert(), rows)
        if conn.dialect.name == "postgresql":
            conn.execute(DDL(PG_FUNCTION))
        existing = _triggers(conn)
        for name, part in HAND_EDITED.items():
            for event in EVENTS:
                if _trigger_name(name, event) not in existing:
                    conn.execute(DDL(_trigger(conn.dialect.name, name, part, event)))


def _complete(conn: Connection, parts: set[str]) -> bool:
    wanted = {_trigger_name(t, e) for t in HAND_EDITED for e in EVENTS}
    return {CREATED, *HAND_EDITED.values()} <= parts and wanted <= _triggers(conn)


def _triggers(conn: Connection) -> set[str]:
    """The names of the triggers on the tables this connection sees."""
    if conn.dialect.name == "postgresql":
        trigger = table_clause("pg_trigger", column("tgname"), column("tgrelid"))
        relation = table_clause("pg_class", column("oid"))
        query = (select(trigger.c.tgname)
                 .join(relation, relation.c.oid == trigger.c.tgrelid)
                 .where(func.pg_table_is_visible(relation.c.oid)))
    else:
        master = table_clause("sqlite_master", column("name"), column("type"))
        query = select(master.c.name).where(master.c.type == "trigger")
    return set(conn.execute(query).scalars())


def moved(conn: Connection, *parts: str) -> None:
    """Move the given parts' versions by one, inside the caller's transaction."""
    table = VERSIONS
    # Imported here: each dialect's module is loaded already by the engine that uses it.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert  # noqa: PLC0415
    else:
        from sqlalchemy.dialects.sqlite import insert  # noqa: PLC0415
    for part in parts:
        statement = insert(table).values(part=part, version=1)
        conn.execute(statement.on_conflict_do_update(
            index_elements=[table.c.part], set_={"version": table.c.version + 1}))


def read_versions(conn: Connection) -> dict[str, int]:
    """part -> version, for every part written at least once, and `created`."""
    table = VERSIONS
    return dict(conn.execute(select(table.c.part, table.c.version)).tuples().all())


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_{event.lower()}_moves_version"


def _trigger(dialect: str, table: str, part: str, event: str) -> str:
    name = _trigger_name(table, event)
    if dialect == "postgresql":
        return (f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION warehouse_version_moves('{part}')")
    return (f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN "
            f"UPDATE warehouse_versions SET version = version + 1 WHERE part = '{part}'; END")
