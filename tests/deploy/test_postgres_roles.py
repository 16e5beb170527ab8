"""deploy/postgresql/: the dashboard's role reads everything and writes only what staff edit;
the pipelines' role owns the tables and loads. Made on the real PostgreSQL as README says:
roles.sql as the superuser, the tables created and files loaded as the pipelines role,
grants.sql as that role, then the dashboard connects as its own role.

Roles belong to the whole server, so this run's have names of their own and are dropped after.
"""

import io
import os
import secrets
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from data.audit import read_events, record_event
from data.edits import (
    PROGRAMME_EDITS,
    approve_commentary,
    benefit_key,
    edit_programme_item,
    read_assumptions,
    record_actions,
    record_change_point,
    remove_change_point,
    set_kpi_owner,
    update_assumption,
    write_commentary,
)
from data.reference import read_settings, set_setting
from data.versions import read_versions
from data.warehouse import get_engine, make_engine
from metrics.export import write_export
from pages.site import PAGES
from pipelines.ingest import ingest_file
from tests.app.conftest import app_on, open_page, sign_in
from tests.deploy import DEPLOY, FILES, KEY
from tests.deploy.postgres import admin_env, need_postgres, psql, url_as

RUN = f"oad_{os.getpid()}_{secrets.token_hex(3)}"
SCHEMA, PIPELINES, DASHBOARD = RUN, f"{RUN}_pipelines", f"{RUN}_dashboard"
PASSWORD = secrets.token_urlsafe(16)
# The tables staff change from the dashboard (grants.sql); every other table is written by the
# pipelines alone, and a table added later is too until grants.sql says otherwise.
STAFF_EDITED = {"ref_settings", "ref_kpi_targets", "ref_kpi_owners", "ref_channel_assumptions",
                "ref_assumption_changes", "ref_spc_change_points", "ref_commentary",
                "ref_complaint_actions", "fct_milestones", "fct_benefits", "fct_risks",
                "ref_programme_changes", "fct_risk_scores", "audit_events", "warehouse_versions"}
LOADED_ONLY = sorted(set(SQLModel.metadata.tables) - STAFF_EDITED)
PERMISSION_DENIED = "42501"
DDL = ("CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "TRUNCATE")
STAFF = "analyst@example.com"


@dataclass(frozen=True)
class Deployed:
    pipelines_url: str
    dashboard_url: str


def _as(role: str) -> dict[str, str]:
    return admin_env() | {"PGUSER": role, "PGPASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Deployed:
    need_postgres()
    folder = tmp_path_factory.mktemp("roles")
    made = psql("-v", f"schema={SCHEMA}", "-v", f"pipelines={PIPELINES}",
                "-v", f"dashboard={DASHBOARD}", "-f", str(DEPLOY / "postgresql" / "roles.sql"),
                env=admin_env() | {"ONCE_AND_DONE_PIPELINES_PASSWORD": PASSWORD,
                                   "ONCE_AND_DONE_DASHBOARD_PASSWORD": PASSWORD})
    # No schema in either URL: roles.sql gave each role the warehouse's schema as its path.
    urls = Deployed(url_as(PIPELINES, PASSWORD), url_as(DASHBOARD, PASSWORD))
    try:
        assert made.returncode == 0, made.stderr
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", KEY)
            owner = make_engine(urls.pipelines_url)  # creates the tables, as a first load does
            for feed, text in FILES.items():
                path = folder / f"{feed}.csv"
                path.write_text(text)
                assert ingest_file(owner, feed, path).status == "loaded"
            owner.dispose()
        granted = psql("-v", f"dashboard={DASHBOARD}",
                       "-f", str(DEPLOY / "postgresql" / "grants.sql"), env=_as(PIPELINES))
        assert granted.returncode == 0, granted.stderr
        yield urls
    finally:
        if made.returncode == 0:  # the pools' connections, closed before their roles go
            for url in (urls.pipelines_url, urls.dashboard_url):
                get_engine(url).dispose()
        psql("-c", f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        for role in (PIPELINES, DASHBOARD):
            psql("-c", f'DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '
                       f"'{role}') THEN EXECUTE 'DROP OWNED BY \"{role}\"'; END IF; END $$",
                 "-c", f'DROP ROLE IF EXISTS "{role}"')


def _refused(engine: Engine, statement) -> str:
    """The SQLSTATE with which the server refused `statement`, or "done"."""
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    except DBAPIError as error:
        return getattr(error.orig, "sqlstate", None) or str(error.orig)
    return "done"


def test_roles_sql_runs_again_and_refuses_without_passwords(deployed):
    again = psql("-v", f"schema={SCHEMA}", "-v", f"pipelines={PIPELINES}",
                 "-v", f"dashboard={DASHBOARD}", "-v", f"pipelines_password={PASSWORD}",
                 "-v", f"dashboard_password={PASSWORD}",
                 "-f", str(DEPLOY / "postgresql" / "roles.sql"))
    assert again.returncode == 0, again.stderr
    bare = psql("-v", f"schema={SCHEMA}", "-v", f"pipelines={PIPELINES}",
                "-v", f"dashboard={DASHBOARD}", "-f", str(DEPLOY / "postgresql" / "roles.sql"))
    assert bare.returncode != 0
    assert "no password for the pipelines role" in bare.stderr


def test_the_dashboard_role_opens_the_warehouse_without_ddl_or_writes(deployed):
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        engine = make_engine(deployed.dashboard_url)
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    try:
        assert seen, "opening the warehouse read nothing"
        changes = [s for s in seen
                   if s.lstrip().split(None, 1)[0].upper() in (*DDL, "INSERT", "UPDATE", "DELETE")]
        assert changes == []
        with engine.connect() as conn:
            assert conn.execute(select(func.current_schema())).scalar_one() == SCHEMA
    finally:
        engine.dispose()


def test_the_server_warms_up_as_the_dashboard_role(deployed, monkeypatch):
    import streamlit as st

    from pages.shared import warm_caches

    monkeypatch.setenv("WAREHOUSE_URL", deployed.dashboard_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    # The horizon is 3 February 2024, so the scorecard opens on January, the last whole month.
    assert warm_caches() == "2024-01"


@pytest.mark.parametrize("page", [p.url_path for p in PAGES])
def test_every_page_reads_as_the_dashboard_role(deployed, monkeypatch, page):
    app = sign_in(app_on(deployed.dashboard_url, monkeypatch), "Dashboard Admins",
                  "Safeguarding Leads")
    open_page(app, page)
    assert not app.exception
    shown = " ".join(str(e.value) for e in (*app.error, *app.warning, *app.markdown))
    assert "permission denied" not in shown
    assert "cannot be reached" not in shown


def test_staff_edits_and_the_audit_trail_are_written_as_the_dashboard_role(deployed):
    engine = get_engine(deployed.dashboard_url)
    with engine.connect() as conn:
        before = read_versions(conn)

    assert update_assumption(engine, "phone", by=STAFF, unit_cost_gbp=4.25) == ["unit_cost_gbp"]
    point = record_change_point(engine, "2024-01", "New phone menu", by=STAFF)
    remove_change_point(engine, point, by=STAFF)
    set_kpi_owner(engine, "csat_pct", "owner@example.com", by=STAFF)
    draft = write_commentary(engine, "kpi", "csat_pct", "2024-01", "Better than December.",
                             by="owner@example.com")
    approve_commentary(engine, draft, by="head@example.com")
    with engine.begin() as conn:
        set_setting(conn, "risk_appetite", "12", by=STAFF)
    # Every field staff may edit, at once: each is a column the role may update.
    edited = {
        "milestones": ("M1", {"owner": "Sam", "forecast_due_on": date(2024, 7, 31),
                              "completed_on": date(2024, 1, 30), "status": "complete",
                              "rag_reason": "Done early"}),
        "benefits": (benefit_key("B1", "2024-01"), {"owner": "Sam", "actual": 90.0}),
        "risks": ("R1", {"owner": "Sam", "likelihood": 2, "impact": 3, "residual_likelihood": 1,
                         "residual_impact": 2, "mitigation": "A second supplier",
                         "review_on": date(2024, 3, 1), "status": "closed"}),
    }
    for feed, (key, values) in edited.items():
        assert set(values) == set(PROGRAMME_EDITS[feed][2])
        assert sorted(edit_programme_item(engine, feed, key, by=STAFF, **values)) == sorted(values)
    record_actions(engine, [{"complaint_theme": "missed collection", "service": "Waste",
                             "changed_on": date(2024, 1, 15), "what_changed": "Crews photograph "
                             "each bin", "changed_by": "Waste team", "kpi": "upheld_pct"}],
                   by=STAFF)
    record_event(engine, STAFF, "download", "Audit trail", "audit-trail.csv")

    with engine.connect() as conn:
        after = read_versions(conn)
    moved = {p for p in after if after[p] != before.get(p)}
    assert moved >= {"assumptions", "change_points", "owners", "commentary", "settings",
                     "milestones", "benefits", "risks", "actions"}
    phone = read_assumptions(engine).filter(channel="phone").row(0, named=True)
    assert (phone["unit_cost_gbp"], phone["updated_by"]) == (4.25, STAFF)
    assert read_settings(engine)["risk_appetite"] == "12"
    latest = read_events(engine, limit=1).row(0, named=True)
    assert (latest["who"], latest["action"], latest["detail"]) == (
        STAFF, "download", "audit-trail.csv")


def test_the_dashboard_role_cannot_write_facts_loads_quarantine_or_marts(deployed):
    assert {"fct_contacts", "fct_complaints", "fct_survey_responses", "fct_enquiries",
            "load_log", "quarantine_rows", "mart_contacts_monthly", "source_runs",
            "demo_builds"} <= set(LOADED_ONLY)
    engine = get_engine(deployed.dashboard_url)
    outcomes = {}
    for name in LOADED_ONLY:
        table = SQLModel.metadata.tables[name]
        key = next(iter(table.primary_key.columns))
        outcomes[name, "insert"] = _refused(
            engine, insert(table).from_select([key], select(key).limit(0)))
        outcomes[name, "update"] = _refused(engine, update(table).values({key: key}))
        outcomes[name, "delete"] = _refused(engine, delete(table))
    tables = SQLModel.metadata.tables
    # The programme: staff edit some fields; titles, baselines and plans come only by file.
    outcomes["fct_milestones", "update title"] = _refused(
        engine, update(tables["fct_milestones"]).values(title="Renamed"))
    outcomes["fct_milestones", "update baseline"] = _refused(
        engine, update(tables["fct_milestones"]).values(baseline_due_on=date(2030, 1, 1)))
    outcomes["fct_benefits", "update planned"] = _refused(
        engine, update(tables["fct_benefits"]).values(planned=0))
    outcomes["fct_risks", "delete"] = _refused(engine, delete(tables["fct_risks"]))
    # The audit trail is appended to, never rewritten.
    outcomes["audit_events", "update"] = _refused(
        engine, update(tables["audit_events"]).values(who="someone else"))
    with engine.begin() as conn:
        try:
            Table("made_by_the_dashboard", MetaData(), Column("x", Integer)).create(conn)
            outcomes["a new table", "create"] = "done"
        except DBAPIError as error:
            outcomes["a new table", "create"] = error.orig.sqlstate
    assert {k: v for k, v in outcomes.items() if v != PERMISSION_DENIED} == {}


def test_the_pipelines_role_loads_after_the_grants_and_the_dashboard_sees_it(deployed,
                                                                             tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", KEY)
    path = Path(tmp_path / "march.csv")
    path.write_text("contact_id,received_at,channel,service\n"
                    "C10,2024-03-01 09:00,phone,Waste\nC11,2024-03-02 09:00,web,Waste\n")
    result = ingest_file(get_engine(deployed.pipelines_url), "contacts", path)
    assert (result.status, result.rows_inserted) == ("loaded", 2)
    contacts = SQLModel.metadata.tables["fct_contacts"]
    with get_engine(deployed.dashboard_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(contacts)).scalar_one() == 5


def _export(engine: Engine) -> str:
    out = io.StringIO()
    write_export(engine, out)
    return out.getvalue()


def test_a_backup_restores_into_a_new_database_for_both_roles(deployed, tmp_path):
    """README's restore, step by step: backup.sh as the pipelines role, a new database,
    roles.sql on it, pg_restore over the schema that leaves; the dashboard's role then reads
    the same figures and keeps its rights, no more."""
    made = subprocess.run([str(DEPLOY / "backup.sh"), str(tmp_path)], capture_output=True,
                          text=True, timeout=120,
                          env=admin_env() | {"WAREHOUSE_URL": deployed.pipelines_url})
    assert made.returncode == 0, made.stderr
    database = f"{RUN}_restored"
    assert psql("-c", f'CREATE DATABASE "{database}"').returncode == 0
    restored = None
    try:
        roles = psql("-d", database, "-v", f"schema={SCHEMA}", "-v", f"pipelines={PIPELINES}",
                     "-v", f"dashboard={DASHBOARD}", "-v", f"pipelines_password={PASSWORD}",
                     "-v", f"dashboard_password={PASSWORD}",
                     "-f", str(DEPLOY / "postgresql" / "roles.sql"))
        assert roles.returncode == 0, roles.stderr
        loaded = subprocess.run(["pg_restore", "--clean", "--if-exists", "--exit-on-error",
                                 f"--dbname={database}", made.stdout.strip()],
                                env=admin_env(), capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        restored = make_engine(url_as(DASHBOARD, PASSWORD, database))
        assert _export(restored) == _export(get_engine(deployed.dashboard_url))
        record_event(restored, STAFF, "view", "Data quality", "quarantined rows")
        contacts = SQLModel.metadata.tables["fct_contacts"]
        assert _refused(restored, delete(contacts)) == PERMISSION_DENIED
    finally:
        if restored is not None:
            restored.dispose()
        psql("-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
