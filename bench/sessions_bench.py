"""Many people on the dashboard at once: `python -m bench.sessions_bench [--sessions 20]
[--rounds 2] [--contacts 10000000] [--warehouse URL]`.

1. The dashboard (`streamlit run serve.py`, as `start.sh` starts it) on the warehouse of
   `bench.export_bench` (built there once, reused here, only read), with sign-in at a live OIDC
   provider on 127.0.0.1 (oidc-provider-mock) and `[access]` as the README shows it.
2. Each session is a context of its own in one headless Chromium, driven through playwright's
   async API so that all of them move at once. It signs in as a councillor (`member`: every
   aggregate page), then `--rounds` times opens every page of its navigation by its sidebar link,
   starting at a page of its own so that the sessions spread over the pages, and on the
   scorecard adds a service to the "Service" filter. Each step is timed from the click until
   the page has its title and Streamlit has finished the run (and stays finished a moment).
3. First one session alone, then `--sessions` together. Printed for each: the median and the
   slowest step, overall and per page, and the errors: a step that did not finish in
   `--step-timeout` seconds, an exception shown on a page, a traceback in the server's log.
   The whole concurrent phase is bounded by `--deadline` seconds.

The server's peak resident memory (VmHWM of the Streamlit process) is printed after each phase.
Prints figures; asserts nothing about time.
"""

import argparse
import asyncio
import logging
import multiprocessing
import os
import statistics
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.dashboard_bench import CONTACTS, CONTACTS_CHANGED
from bench.export_bench import built_warehouse
from bench.ingest_bench import BENCH_KEY, KEY_VARIABLE, OUT, vm_hwm_mb
from tests.browser import IDLE

GROUP = "Councillors"
ACCESS = f"""[access]
signed_out = "sign_in"
claim = "groups"

[access.roles]
member = ["{GROUP}"]
"""
RUNNING = '[data-testid="stStatusWidget"]'
# The page's title is its navigation link's (pages/site.py).
TITLED = "(title) => document.querySelector('h1')?.innerText.trim() === title"


@dataclass
class Session:
    """What one visitor's session saw: (page, seconds) for each step, and its errors."""

    number: int
    steps: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _settled(page) -> None:
    """Until Streamlit has finished the run and stays finished for a moment (a page may rerun
    straight after its first run), as the browser tests wait."""
    settled = 0
    while settled < 3:
        await page.locator(IDLE).wait_for(state="attached")
        await page.wait_for_timeout(100)
        idle = await page.locator(IDLE).count() and not await page.locator(RUNNING).count()
        settled = settled + 1 if idle else 0


async def _nav_links(page) -> list[tuple[str, str]]:
    links = page.locator('[data-testid="stSidebarNavLink"]')
    await links.first.wait_for(state="visible")
    return [((await link.inner_text()).strip().splitlines()[-1].strip(),
             await link.get_attribute("href")) for link in await links.all()]


async def _step(session: Session, page, what: str, action, done) -> None:
    started = time.perf_counter()
    try:
        await action()
        await done()
        await _settled(page)
    except Exception as e:  # noqa: BLE001 (a step that fails is counted, the session goes on)
        session.errors.append(f"session {session.number}, {what}: {type(e).__name__}: "
                              f"{str(e).splitlines()[0] if str(e) else ''}")
        return
    session.steps.append((what, time.perf_counter() - started))
    if await page.locator('[data-testid="stException"]').count():
        session.errors.append(f"session {session.number}, {what}: an exception is shown")


async def _visit(browser, server_url: str, number: int, rounds: int, step_timeout: float,
                 sub: str) -> Session:
    session = Session(number)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(step_timeout * 1000)
    page = await context.new_page()
    try:
        await page.goto(server_url)
        await page.get_by_role("button", name="Sign in").first.click()
        await page.locator('input[name="sub"]').fill(sub)
        await page.get_by_role("button", name="Authorize").click()
        await page.wait_for_url(f"{server_url}/**")
        await page.locator("h1").first.wait_for(state="visible")
        await _settled(page)
        links = await _nav_links(page)
        start = number % len(links)
        for _ in range(rounds):
            for title, href in links[start:] + links[:start]:
                link = page.locator(f'[data-testid="stSidebarNavLink"][href="{href}"]')
                await _step(session, page, title, link.click,
                            lambda t=title: page.wait_for_function(TITLED, arg=t))
                if href == links[0][1]:
                    await _filter_change(session, page)
    except Exception as e:  # noqa: BLE001 (sign-in or navigation failed: the session ends)
        session.errors.append(f"session {number}: {type(e).__name__}: "
                              f"{str(e).splitlines()[0] if str(e) else ''}")
    finally:
        await context.close()
    return session


async def _filter_change(session: Session, page) -> None:
    """Add the first service not yet chosen to the scorecard's "Service" filter."""
    before = await page.evaluate(CONTACTS)
    await page.locator('[data-testid="stSidebar"]').get_by_role("combobox",
                                                                name="Service").click()
    option = page.locator('[role="option"]:not([data-key^="__"])').first

    async def choose() -> None:
        await option.click()

    await _step(session, page, "Service filter", choose,
                lambda: page.wait_for_function(CONTACTS_CHANGED, arg=before, polling="raf"))
    await page.keyboard.press("Escape")


async def _phase(server_url: str, subs: list[str], rounds: int, step_timeout: float,
                 deadline: float) -> tuple[list[Session], float]:
    from playwright.async_api import async_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        started = time.perf_counter()
        tasks = [asyncio.ensure_future(_visit(browser, server_url, n, rounds, step_timeout, sub))
                 for n, sub in enumerate(subs)]
        done, pending = await asyncio.wait(tasks, timeout=deadline)
        for task in pending:
            task.cancel()
        seconds = time.perf_counter() - started
        sessions = [t.result() for t in done]
        sessions += [Session(n, errors=[f"session {n}: not finished within {deadline:.0f} s"])
                     for n, t in enumerate(tasks) if t in pending]
        await browser.close()
    return sessions, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sessions_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    parser.add_argument("--warehouse", metavar="URL", help="measure this warehouse instead")
    parser.add_argument("--step-timeout", type=float, default=120.0)
    parser.add_argument("--deadline", type=float, default=1800.0)
    args = parser.parse_args(argv)
    os.environ.setdefault(KEY_VARIABLE, BENCH_KEY)

    if args.warehouse:
        url, described = args.warehouse, args.warehouse
    else:
        db = built_warehouse(args.contacts, args.per_file)
        url = f"sqlite:///{db}"
        described = f"{args.contacts:,} contacts, {db.relative_to(OUT.parent.parent)}"
    subs = [f"councillor{n}@council.example" for n in range(args.sessions)]
    load_before = os.getloadavg()
    with _serving(url, subs) as server:
        alone, alone_seconds = asyncio.run(
            _phase(server.url, subs[:1], args.rounds, args.step_timeout, args.deadline))
        alone_memory = vm_hwm_mb(server.process.pid)
        together, together_seconds = asyncio.run(
            _phase(server.url, subs, args.rounds, args.step_timeout, args.deadline))
        together_memory = vm_hwm_mb(server.process.pid)
        tracebacks = server.log_text().count("Traceback")
    print(f"Concurrent sessions benchmark: {described}")
    print(f"Machine: {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (a shared machine: figures are noisy)")
    print()
    _report("one session alone", alone, alone_seconds, alone_memory)
    _report(f"{args.sessions} sessions together", together, together_seconds, together_memory)
    print(f"\ntracebacks in the server's log: {tracebacks}")
    return 0


def _provider(port: int, subs: list[str]) -> None:
    """The identity provider, in a process of its own: this one is busy driving the browser,
    and a provider starved of time here fails sign-ins (Streamlit gives up fetching its keys
    after 5 s) that a council's real provider would not."""
    from oidc_provider_mock import User, run_server_in_thread

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the provider's request lines
    users = [User(sub=sub, claims={"email": sub, "groups": [GROUP]}) for sub in subs]
    with run_server_in_thread(port=port, user_claims=users):
        threading.Event().wait()


@contextmanager
def _serving(url: str, subs: list[str]):
    """The dashboard with sign-in at a live provider whose users are councillors."""
    from tests.browser import ARTIFACTS, free_port, start_server

    port, provider_port = free_port(), free_port()
    provider = multiprocessing.get_context("spawn").Process(
        target=_provider, args=(provider_port, subs), daemon=True)
    provider.start()
    try:
        metadata = f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration"
        _wait_for(metadata)
        secrets = ARTIFACTS / "sessions-bench-secrets.toml"
        secrets.parent.mkdir(parents=True, exist_ok=True)
        secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "sessions-bench-cookie-secret-not-a-secret"
client_id = "once-and-done-sessions-bench"
client_secret = "sessions-bench-client-secret-not-a-secret"
server_metadata_url = "{metadata}"

{ACCESS}""")
        server = start_server({"WAREHOUSE_URL": url}, ARTIFACTS / "sessions-bench.log",
                              timeout=300, port=port, flags=("--secrets.files", str(secrets)))
        try:
            yield server
        finally:
            server.stop()
    finally:
        provider.terminate()
        provider.join()


def _wait_for(address: str, timeout: float = 60) -> None:
    started = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(address, timeout=1):
                return
        except OSError:
            if time.perf_counter() - started > timeout:
                raise
            time.sleep(0.1)


def _report(what: str, sessions: list[Session], seconds: float, memory_mb: float) -> None:
    steps = [s for session in sessions for s in session.steps]
    errors = [e for session in sessions for e in session.errors]
    times = [t for _, t in steps]
    print(f"{what}: {len(steps)} steps in {seconds:.1f} s; server peak memory "
          f"{memory_mb:,.0f} MB; errors: {len(errors)}")
    if times:
        print(f"  {'every step':<40} median {statistics.median(times):>6.2f} s   "
              f"slowest {max(times):>6.2f} s")
    for name in sorted({n for n, _ in steps}):
        own = [t for n, t in steps if n == name]
        print(f"  {name:<40} median {statistics.median(own):>6.2f} s   "
              f"slowest {max(own):>6.2f} s   ({len(own)})")
    for error in errors[:20]:
        print(f"  error: {error}")
    if len(errors) > 20:
        print(f"  and {len(errors) - 20} more errors")


if __name__ == "__main__":
    sys.exit(main())
