"""The dashboard's server: `streamlit run serve.py` serves app.py, having read the warehouse and
drawn up the opening scorecard before it accepts its first visitor.

Without this, the first visitor after every restart waits for the warehouse read, the imports
and the scorecard (3.2 s on a 10,000,000-contact warehouse, `bench/dashboard_bench.py`).
"""

import logging
import time
from contextlib import asynccontextmanager

import streamlit as st
from streamlit.logger import get_logger

LOG = get_logger("once_and_done.serve")


@asynccontextmanager
async def warm_up(_app):
    from metrics.reads import without_password  # noqa: PLC0415 (as below)
    from pages.access import AccessError  # noqa: PLC0415 (as below)
    from pages.role_mapping import record_at_start  # noqa: PLC0415 (as below)
    from pages.shared import access, engine, warm_caches  # noqa: PLC0415 (once the caches exist)

    try:
        mapping = access()
    except AccessError as error:
        # A mistake in who sees what must not be served: the server stops, naming it.
        LOG.error("Not starting: %s", error)
        raise SystemExit(f"Not starting: {error}") from None
    try:
        # The mapping is edited in the secrets, not on a page: its changes are recorded here.
        if changed := record_at_start(engine(), mapping):
            LOG.info("The role mapping is recorded in the audit trail: %s", changed)
    except Exception as error:  # noqa: BLE001 (the warm-up below says why; serving goes on)
        LOG.warning("Could not record the role mapping in the audit trail: %s",
                    without_password(str(error).splitlines()[0]))

    # Cached functions called outside a page warn that they have no page to draw on; here that
    # is the point, so the warning is only noise in the server's log.
    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = context_log.level
    context_log.setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        month = warm_caches()
    except Exception as error:  # noqa: BLE001 (pages show the reason; serving must go on)
        LOG.warning("Could not read the warehouse before serving (pages will say why, and "
                    "read it on the first visit): %s",
                    without_password(str(error).splitlines()[0]))
    else:
        LOG.info("Ready: the scorecard for %s drawn up in %.1f s", month or "(no contacts yet)",
                 time.perf_counter() - started)
    finally:
        context_log.setLevel(level)
    yield


app = st.App("app.py", lifespan=warm_up)
