"""deploy/backup.sh and the restore of README ("Backups and restore"): a small real warehouse
of each kind backed up, restored into a new one, and the KPI export and every table's row
count of the two compared."""

import io
import os
import subprocess
import time
from pathlib import Path
from uuid import uuid4

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from data.warehouse import make_engine
from metrics.export import write_export
from pipelines.ingest import ingest_file
from tests.deploy import DEPLOY, FILES, KEY
from tests.deploy.postgres import admin_env, need_postgres, psql

BACKUP = DEPLOY / "backup.sh"


def _loaded(url: str, folder: Path, monkeypatch) -> Engine:
    monkeypatch.setenv("ONCE_AND_DONE_PSEUDONYM_KEY", KEY)
    engine = make_engine(url)
    for feed, text in FILES.items():
        path = folder / f"{feed}.csv"
        path.write_text(text)
        assert ingest_file(engine, feed, path).status == "loaded"
    return engine


def _backup(url: str, folder: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BACKUP), str(folder)], capture_output=True, text=True,
                          timeout=120, env=admin_env() | {"WAREHOUSE_URL": url} | env)


def _contents(engine: Engine) -> tuple[str, dict[str, int]]:
    """The KPI export (CSV) and each table's row count."""
    out = io.StringIO()
    write_export(engine, out)
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                  for name, table in SQLModel.metadata.tables.items()}
    return out.getvalue(), counts


def test_a_backup_restores_to_the_same_warehouse(warehouse_url, tmp_path, monkeypatch):
    if warehouse_url.startswith("postgresql"):
        need_postgres()
    engine = _loaded(warehouse_url, tmp_path, monkeypatch)
    before = _contents(engine)
    assert before[1]["fct_contacts"] == 3 and before[1]["quarantine_rows"] == 1

    made = _backup(warehouse_url, tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.parent == tmp_path / "backups" and backup.name.startswith("warehouse-")
    assert backup.stat().st_mode & 0o077 == 0  # the service account's alone
    assert list(backup.parent.glob("*.partial")) == []

    if warehouse_url.startswith("sqlite"):
        assert backup.suffix == ".db"
        restored_path = tmp_path / "restored" / "warehouse.db"  # README: the file put in place
        restored_path.parent.mkdir()
        restored_path.write_bytes(backup.read_bytes())
        restored = make_engine(f"sqlite:///{restored_path}")
        try:
            assert _contents(restored) == before
        finally:
            restored.dispose()
        return

    assert backup.suffix == ".dump"
    database = f"oad_restore_{os.getpid()}_{uuid4().hex[:6]}"
    assert psql("-c", f'CREATE DATABASE "{database}"').returncode == 0
    restored = None
    url = make_url(warehouse_url).set(database=database)
    try:
        # README's restore runs roles.sql on the new database first, which leaves the schema
        # there, empty; the restore replaces it (--clean --if-exists).
        schema = url.query["options"].removeprefix("-csearch_path=")
        assert psql("-d", database, "-c", f'CREATE SCHEMA "{schema}"').returncode == 0
        loaded = subprocess.run(["pg_restore", "--clean", "--if-exists", "--exit-on-error",
                                 f"--dbname={database}", str(backup)], env=admin_env(),
                                capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        # The same schema in the new database, reached as the warehouse was.
        restored = make_engine(url.render_as_string(hide_password=False))
        assert _contents(restored) == before
    finally:
        if restored is not None:
            restored.dispose()
        psql("-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_old_backups_go_once_the_new_one_is_written(sqlite_engine, tmp_path):
    url = sqlite_engine.url.render_as_string()
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent = folder / "warehouse-20240101T023000Z.db", folder / "warehouse-20240301T023000Z.db"
    for path, days in ((old, 40), (recent, 20)):
        path.write_bytes(b"")
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))
    made = _backup(url, folder, ONCE_AND_DONE_BACKUP_KEEP_DAYS="35")
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [recent.name, Path(made.stdout.strip()).name])


def test_a_missing_sqlite_warehouse_is_named_and_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "warehouse.db"
    made = _backup(f"sqlite:///{missing}", tmp_path / "backups")
    assert made.returncode == 1
    assert made.stderr.strip() == f"backup.sh: no SQLite warehouse at {missing}"
    assert not missing.exists() and list((tmp_path / "backups").iterdir()) == []


