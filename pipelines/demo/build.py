"""Loading the demo feeds through `pipelines.ingest`, two files at a time.

Each file is its own load, with its own transaction and load log row. Two worker processes share
the two cores: reading and validating a file runs in parallel, while the warehouse writes are
serialised by the load's lock, so every load sees the ones committed before it (derived facts
come out the same whatever the order). Workers are spawned, not forked: polars' thread pool does
not survive a fork. Each worker ends itself when its parent is gone, however the parent ended
(kill -9 included): its load's transaction is then rolled back, as after any crash.
"""

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from sqlalchemy import Engine

from data.demo_builds import begin_build, finish_build
from data.warehouse import make_engine
from pipelines.demo.actions import record_demo_actions
from pipelines.demo.calendar import demo_period
from pipelines.demo.generate import generate_demo
from pipelines.demo.programme import record_commentary, record_risk_reviews, write_programme
from pipelines.ingest import ingest_file
from pipelines.results import LoadResult

Progress = Callable[[int, int, str], None]
WORKERS = 2
PARENT_POLL_SECONDS = 0.5

_engine: Engine | None = None


def build_demo(engine: Engine, out_dir: Path, seed: int = 2026, months: int = 36,
               progress: Progress | None = None) -> list[LoadResult]:
    """Generate the demo feeds and the programme's sheets, record the programme board's earlier
    risk reviews, load every file, then record the officers' commentary and the council's
    actions against complaint themes; progress(done, total, file name) is called as each file
    finishes. Returns the LoadResults in the files' order.

    The build is recorded in `demo_builds` before the first file loads and marked finished
    only after the last: a build stopped part-way stays unfinished (`demo --if-empty` redoes
    it), and only a finished one lets the demo switch open every role."""
    with engine.begin() as conn:
        build_id = begin_build(conn, seed, months)
    files = generate_demo(out_dir, seed, months)
    files += write_programme(Path(out_dir), demo_period(months))
    # Before the risk sheet loads: its scores are then the latest review's, not a new change.
    record_risk_reviews(engine, demo_period(months))
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    results: dict[int, LoadResult] = {}
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_connect,
                             initargs=(url,)) as pool:
        pending = {pool.submit(_load, feed, path): i for i, (feed, path) in enumerate(files)}
        for future in as_completed(pending):
            results[pending[future]] = future.result()
            if progress is not None:
                progress(len(results), len(files), results[pending[future]].file)
    record_commentary(engine, demo_period(months))
    record_demo_actions(engine, months)
    with engine.begin() as conn:
        finish_build(conn, build_id)
    return [results[i] for i in range(len(files))]


def _connect(url: str) -> None:
    global _engine
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    _engine = make_engine(url)


def _end_with_parent(parent: int) -> None:
    # An orphan is adopted by another process: its parent id changes.
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _load(feed: str, path: Path) -> LoadResult:
    return ingest_file(_engine, feed, path)
