"""`python -m pipelines demo` stopped part-way, as a real process: by kill -9, SIGTERM or Ctrl-C
(SIGINT). Its worker processes end within a few seconds, whatever stopped it; the build stays
unfinished in the warehouse, and `demo --if-empty` (what ./start.sh runs) builds it again to
the end, after which `--if-empty` does nothing.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from data.demo_builds import demo_state
from data.models import LoadLog
from data.warehouse import make_engine

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MONTHS = 3  # enough files that the build is still loading when it is stopped
# contacts, complaints and satisfaction each month; the members' enquiries; the programme's
# three sheets
FILES = 3 * MONTHS + 1 + 3
WORKERS_GONE_SECONDS = 5
TIMEOUT = 300
KEY_WARNING = "warning: ONCE_AND_DONE_PSEUDONYM_KEY is not set"


def _demo(url: str, folder: Path, *extra: str, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ONCE_AND_DONE_PSEUDONYM_KEY"}
    env["WAREHOUSE_URL"] = url
    return subprocess.Popen([sys.executable, "-m", "pipelines", "demo", "--months", str(MONTHS),
                             "--dir", str(folder), *extra], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_a_loaded_file(process: subprocess.Popen) -> list[str]:
    """Standard error's lines up to the first file loaded (read on a thread: no deadline is
    missed on a blocked read)."""
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if line.startswith("[1/"):
                seen.set()
        seen.set()

    threading.Thread(target=read, daemon=True).start()
    assert seen.wait(TIMEOUT), "no file loaded"
    assert any(line.startswith("[1/") for line in lines), "".join(lines)
    return lines


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["kill-9", "SIGTERM", "SIGINT"])
def test_a_stopped_demo_ends_its_workers_and_if_empty_builds_it_again(tmp_path, stop):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    folder = tmp_path / "demo"
    build = _demo(url, folder)
    try:
        lines = _wait_for_a_loaded_file(build)
        workers = [p for p in _children(build.pid) if _alive(p)]
        assert len(workers) >= 2, workers  # the two loaders (and the resource tracker)
        build.send_signal(stop)
        build.wait(TIMEOUT)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait(TIMEOUT)
    assert build.returncode in (-stop, 128 + stop), build.returncode
    assert KEY_WARNING in "".join(lines)
    deadline = time.monotonic() + WORKERS_GONE_SECONDS
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in workers if _alive(p)] == [], "workers still running after the demo"

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert demo_state(conn) == "partial"
        again = _demo(url, folder, "--if-empty")
        _, err = again.communicate(timeout=TIMEOUT)
        assert again.returncode == 0, err
        assert "stopped part-way: building it again" in err
        with engine.connect() as conn:
            assert demo_state(conn) == "complete"
            loaded = conn.execute(select(LoadLog.file_name).where(
                LoadLog.status == "loaded")).scalars().all()
        assert len(set(loaded)) == len(loaded) == FILES  # each file once, none twice
        done = _demo(url, folder, "--if-empty")
        _, err = done.communicate(timeout=TIMEOUT)
        assert done.returncode == 0 and "Building" not in err, err
    finally:
        engine.dispose()
