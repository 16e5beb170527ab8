"""The local PostgreSQL for the deployment tests: its superuser connection as libpq's variables
(psql, pg_dump and pg_restore read them), and a skip, or a failure under
ONCE_AND_DONE_REQUIRE_POSTGRES=1, when no server or client tools are here."""

import os
import shutil
import subprocess

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

CLIENTS = ("psql", "pg_dump", "pg_restore")


def admin_env() -> dict[str, str]:
    """This process's environment with libpq's variables for the tests' superuser."""
    url = make_url(POSTGRES_URL)
    parts = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
             "PGPASSWORD": url.password, "PGDATABASE": url.database}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return env | {k: str(v) for k, v in parts.items() if v is not None}


def url_as(role: str, password: str, database: str | None = None) -> str:
    """A SQLAlchemy URL for `role` on the tests' server (and database)."""
    url = make_url(POSTGRES_URL).set(username=role, password=password)
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def need_postgres() -> None:
    """Skip (or fail, when PostgreSQL is required) without the client tools or a server."""
    missing = [c for c in CLIENTS if not shutil.which(c)]
    reason = f"no {', '.join(missing)} (Debian: postgresql-client)" if missing else None
    if not reason:
        answer = subprocess.run(["psql", "-X", "-A", "-t", "-c", "SELECT 1"], env=admin_env(),
                                capture_output=True, text=True, timeout=30)
        if answer.returncode:
            reason = f"no PostgreSQL server at {make_url(POSTGRES_URL).host}: " \
                     f"{answer.stderr.strip()}"
    if reason and REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL is required (ONCE_AND_DONE_REQUIRE_POSTGRES=1) but {reason}")
    if reason:
        pytest.skip(reason)


def psql(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """psql with the given arguments (as the superuser unless `env` says otherwise); stops at
    the first error."""
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args],
                          env=env or admin_env(), capture_output=True, text=True, timeout=60)
