"""The real-browser harness: a Streamlit server on a free port and a headless Chromium, shared by
the browser tests and `bench/dashboard_bench.py` (stack.md, "Real browser")."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Offline, in a container, as root: no sandbox, no GPU, nothing fetched in the background.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Streamlit's own flag for "the script has finished this run".
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def browser_missing() -> str | None:
    """Why a real browser cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (./test.sh installs it)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (Debian package chromium; ./test.sh installs it as root)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A `streamlit run serve.py` process; its output goes to `log`."""

    process: subprocess.Popen
    url: str
    log: Path
    started: float  # time.perf_counter() just before the process was started
    healthy_after: float = 0.0  # seconds from start to /_stcore/health answering ok

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(env: dict[str, str], log: Path, timeout: float = 60,
                 script: Path | None = None, port: int | None = None,
                 flags: tuple[str, ...] = ()) -> Server:
    """Start the dashboard (or another `script`) with `env` added to this process's
    environment and `flags` after Streamlit's own; return once its health check answers ok
    (raises, with the server's output, if it does not in time)."""
    port = port or free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "streamlit", "run", str(script or "serve.py"),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *flags]
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=os.environ | env, stdout=out,
                                   stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log, started)
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as answer:
                if answer.read().decode().strip() == "ok":
                    server.healthy_after = time.perf_counter() - started
                    return server
        except OSError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"streamlit not healthy after {timeout} s:\n{server.log_text()}")


def launch_chromium(playwright):
    """The installed Debian Chromium, never a downloaded one (`playwright install` fails here)."""
    return playwright.chromium.launch(executable_path=shutil.which(CHROMIUM) or CHROMIUM,
                                      args=CHROMIUM_ARGS)
