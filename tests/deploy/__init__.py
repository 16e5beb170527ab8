"""The deployment files of `deploy/`, checked as their own tools read them: systemd-analyze on
the units, nginx on the proxy, psql and a real PostgreSQL on the roles, pg_dump and SQLite on
the backups."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/once-and-done"  # where the units expect the code (README, production)
