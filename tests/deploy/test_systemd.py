"""deploy/systemd/: the units, checked by `systemd-analyze verify` as systemd would load them,
and the dashboard's command run as its unit runs it.

`verify` also checks that each ExecStart program exists and is executable, and `--root` does
not help: it still looks for the program on this machine, and wants a whole systemd tree under
the root. So the units are copied with /srv/once-and-done (where README installs the code)
changed to this checkout, whose .venv/bin/python and deploy/backup.sh are what they would
run. A unit with a mistyped or unknown key still exits 0 (systemd ignores the line with a
warning), so any output at all fails the test.
"""

import configparser
import os
import shlex
import shutil
import subprocess
import sys

from tests.browser import free_port
from tests.deploy import DEPLOY, INSTALLED, ROOT, need_tool

UNITS = sorted((DEPLOY / "systemd").iterdir())
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read_string((DEPLOY / "systemd" / name).read_text().replace("\\\n", " "))
    return unit


def test_systemd_analyze_verifies_every_unit(tmp_path):
    need_tool(SYSTEMD_ANALYZE, "systemd")
    assert {u.name for u in UNITS} == {
        "once-and-done.service", "once-and-done-sources.service", "once-and-done-sources.timer",
        "once-and-done-backup.service", "once-and-done-backup.timer"}
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace(INSTALLED, str(ROOT)))
        copies.append(str(copy))
    checked = subprocess.run([SYSTEMD_ANALYZE, "verify", *copies], capture_output=True,
                             text=True, timeout=60)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_verify_would_catch_a_mistyped_key(tmp_path):
    """The check above is worth something: a misspelt hardening option is reported."""
    need_tool(SYSTEMD_ANALYZE, "systemd")
    copy = tmp_path / "once-and-done.service"
    copy.write_text((DEPLOY / "systemd" / "once-and-done.service").read_text()
                    .replace(INSTALLED, str(ROOT))
                    .replace("NoNewPrivileges=yes", "NoNewPrivilege=yes"))
    checked = subprocess.run([SYSTEMD_ANALYZE, "verify", str(copy)], capture_output=True,
                             text=True, timeout=60)
    assert "Unknown key 'NoNewPrivilege'" in checked.stderr


def test_the_dashboard_runs_serve_py_on_127_0_0_1_as_its_own_user_with_secrets_outside():
    service = _unit("once-and-done.service")["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[:5] == [f"{INSTALLED}/.venv/bin/python", "-m", "streamlit", "run",
                           "serve.py"]  # as ./start.sh runs it
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1"  # only nginx reaches it
    assert flags["--secrets.files"].startswith("/etc/once-and-done/")
    assert service["User"] == "onceanddone"
    assert service["EnvironmentFile"] == "/etc/once-and-done/dashboard.env"
    assert "ONCE_AND_DONE_ENVIRONMENT=production" in service["Environment"].split()
    assert service["UnsetEnvironment"] == "ONCE_AND_DONE_DEMO"
    for hardening in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert service[hardening] == "yes"
    assert service["ProtectSystem"] == "strict"


def test_the_timers_start_the_loads_and_the_backups():
    sources = _unit("once-and-done-sources.service")["Service"]
    assert shlex.split(sources["ExecStart"])[1:4] == ["-m", "pipelines", "run"]
    assert sources["EnvironmentFile"] == "/etc/once-and-done/pipelines.env"
    backup = _unit("once-and-done-backup.service")["Service"]
    assert shlex.split(backup["ExecStart"])[0] == f"{INSTALLED}/deploy/backup.sh"
    for timer in ("once-and-done-sources.timer", "once-and-done-backup.timer"):
        assert _unit(timer)["Timer"]["Persistent"] == "true"


def test_the_dashboard_unit_s_command_reads_the_secrets_file_it_names(tmp_path):
    """Its ExecStart, run from this checkout with the secrets file moved to tmp_path: a role
    mapping with an unknown role stops it, naming the role, so Streamlit read that file."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[access]\nsigned_out = "sign_in"\nclaim = "groups"\n\n'
                       '[access.roles]\nauditor = ["Internal Audit"]\n')
    service = _unit("once-and-done.service")["Service"]
    command = shlex.split(service["ExecStart"].replace(f"{INSTALLED}/.venv/bin/python",
                                                       sys.executable)
                          .replace("/etc/once-and-done/secrets.toml", str(secrets))
                          .replace("--server.port 8501", f"--server.port {free_port()}"))
    ran = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=os.environ | {"WAREHOUSE_URL": f"sqlite:///{tmp_path / 'w.db'}"})
    assert ran.returncode != 0
    assert 'Not starting: [access.roles]: unknown role "auditor"' in ran.stdout + ran.stderr
