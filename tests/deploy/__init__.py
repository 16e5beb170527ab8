"""The deployment files of `deploy/`, checked as their own tools read them: systemd-analyze on
the units, nginx on the proxy, psql and a real PostgreSQL on the roles, pg_dump and SQLite on
the backups."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/once-and-done"  # where the units expect the code (README, production)
# .ci/run sets this: test.sh installs the tools, so a missing one is a failure, not a skip.
REQUIRE_TOOLS = os.environ.get("ONCE_AND_DONE_REQUIRE_DEPLOY_TOOLS") == "1"


def need_tool(path: str, package: str) -> None:
    """Skip (or fail, when the tools are required) unless the program at `path` is here."""
    if not Path(path).exists():
        reason = f"{path} is not installed (Debian: {package}; ./test.sh installs it as root)"
        if REQUIRE_TOOLS:
            pytest.fail(f"required (ONCE_AND_DONE_REQUIRE_DEPLOY_TOOLS=1): {reason}")
        pytest.skip(reason)
