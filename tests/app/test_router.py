"""The one private Streamlit API the dashboard relies on, checked so that an upgrade that changes
it fails here rather than silently.

Streamlit 1.67 has no public setting that turns off its old multipage mode (every file in a
`pages/` folder beside the main script becomes a page, until `st.navigation` has run once in the
server process): `PagesManager` decides it from the folder alone, and the script runner consults
`PagesManager.uses_pages_directory` on every run. `pages.shared._through_the_router` sets that
flag to False and runs the script again, through the router. These tests run a throwaway app
with a `pages/` folder and tell the two modes apart by whether the old mode's runner
(`_mpa_v1`) is on the stack of the running script.
"""

import inspect
import textwrap
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from pages.shared import _through_the_router

WHICH_MODE = """
import inspect
import streamlit as st
{patch}
old = any(frame.function == "_mpa_v1" for frame in inspect.stack())
st.write("old mode" if old else "router")
"""


def run(tmp_path: Path, patch: str = "") -> str:
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "pages" / "other.py").write_text('import streamlit as st\nst.write("other")\n')
    main = tmp_path / "main.py"
    main.write_text(WHICH_MODE.format(patch=textwrap.dedent(patch)))
    app = AppTest.from_file(str(main), default_timeout=30)
    app.run()
    assert not app.exception
    return app.markdown[-1].value


def test_the_flag_is_still_a_class_attribute_of_pages_manager():
    assert "uses_pages_directory" in vars(PagesManager)
    assert "uses_pages_directory" in inspect.getsource(_through_the_router)


def test_a_pages_folder_still_turns_the_old_mode_on(tmp_path):
    # If this fails, Streamlit dropped the old mode: the patch can go.
    assert run(tmp_path) == "old mode"
    assert PagesManager.uses_pages_directory is True


def test_switching_the_flag_off_runs_the_script_through_the_router(tmp_path):
    # If this fails, the runner no longer consults the flag: the patch no longer works.
    assert run(tmp_path, "from pages.shared import _through_the_router\n"
                         "_through_the_router()") == "router"
    assert PagesManager.uses_pages_directory is False


@pytest.fixture(autouse=True)
def _restore_the_flag():
    """AppTest sets the flag afresh for every run; leave it as the tests found it."""
    before = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = before
