"""The deployment files of `deploy/`, checked as their own tools read them: systemd-analyze on
the units, nginx on the proxy, psql and a real PostgreSQL on the roles, pg_dump and SQLite on
the backups."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/once-and-done"  # where the units expect the code (README, production)
KEY = "deploy-tests-pseudonym-key-not-a-secret"
# A small warehouse's files: each feed's first rows, one contact quarantined (so that the
# quarantine has a row) and the programme's three sheets.
FILES = {
    "contacts": "contact_id,received_at,channel,service,customer_ref,ward\n"
                "C1,2024-01-10 09:00,phone,Waste,CUST-1,Abbey\n"
                "C2,2024-01-12 10:00,web,Waste,CUST-1,Abbey\n"
                "C3,2024-02-03 11:00,email,Council Tax,CUST-2,Castle\n"
                "C4,not a time,phone,Waste,,\n",
    "complaints": "complaint_id,kind,stage,received_on,responded_on,service,outcome,category\n"
                  "K1,complaint,1,2024-01-11,2024-01-20,Waste,upheld,missed collection\n",
    "milestones": "milestone_id,workstream,title,owner,baseline_due_on,status\n"
                  "M1,Digital,Launch the web form,Jo,2024-06-30,on_track\n",
    "benefits": "benefit_id,month,title,kind,planned\nB1,2024-01,Fewer calls,non_cashable,100\n",
    "risks": "risk_id,title,likelihood,impact\nR1,Supplier delay,3,4\n",
}
# .ci/run sets this: test.sh installs the tools, so a missing one is a failure, not a skip.
REQUIRE_TOOLS = os.environ.get("ONCE_AND_DONE_REQUIRE_DEPLOY_TOOLS") == "1"


def need_tool(path: str, package: str) -> None:
    """Skip (or fail, when the tools are required) unless the program at `path` is here."""
    if not Path(path).exists():
        reason = f"{path} is not installed (Debian: {package}; ./test.sh installs it as root)"
        if REQUIRE_TOOLS:
            pytest.fail(f"required (ONCE_AND_DONE_REQUIRE_DEPLOY_TOOLS=1): {reason}")
        pytest.skip(reason)
