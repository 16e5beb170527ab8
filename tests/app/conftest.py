"""AppTest fixtures: the real app on a real SQLite warehouse holding two months of the demo."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.warehouse import get_engine
from tests.once import sqlite_copy

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LATEST_MONTH = "2023-12"  # the second month of `demo_url` (tests/conftest.py)
# The Streamlit secrets of a deployment with sign-in, the `[access]` section as the README shows.
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "app-tests-cookie-secret-not-a-secret", "client_id": "app-tests",
        "client_secret": "app-tests-client-secret-not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS = {"signed_out": "sign_in", "claim": "groups",
          "roles": {"member": ["Councillors"], "manager": ["Service Managers"],
                    "analyst": ["Performance Team"], "safeguarding": ["Safeguarding Leads"],
                    "admin": ["Dashboard Admins"]}}


def sign_in(app: AppTest, *groups: str, email: str = "officer@example.com") -> AppTest:
    """`app` with a user signed in (AppTest's own `st.user`) whose `groups` claim holds
    `groups`."""
    app.user = {"is_logged_in": True, "name": "Test Officer", "email": email,
                "groups": list(groups)}
    return app


@pytest.fixture
def demo_engine(demo_url):
    return get_engine(demo_url)


def app_on(url: str, monkeypatch, timeout: int = 60) -> AppTest:
    """The app on the warehouse at `url`, with sign-in and roles configured, every cache
    cleared and nobody signed in."""
    monkeypatch.setenv("WAREHOUSE_URL", url)
    monkeypatch.delenv("ONCE_AND_DONE_DEMO", raising=False)
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.secrets["auth"] = AUTH
    app.secrets["access"] = ACCESS
    return app


@pytest.fixture
def signed_out_app(demo_url, monkeypatch):
    """The app on the demo warehouse, nobody signed in."""
    return app_on(demo_url, monkeypatch)


@pytest.fixture
def app(signed_out_app):
    """The same app with a councillor signed in: the `member` role, every aggregate page."""
    return sign_in(signed_out_app, "Councillors")


@pytest.fixture
def staff_app(signed_out_app):
    """The same app with a performance officer signed in: the `analyst` role."""
    return sign_in(signed_out_app, "Performance Team")


def open_page(app: AppTest, page: str) -> AppTest:
    """Run the app, then switch to `pages/<page>.py` and run it."""
    app.run()
    app.switch_page(f"pages/{page}.py").run()
    return app


@pytest.fixture
def warehouse_copy(demo_url, tmp_path, monkeypatch):
    """A copy of the demo warehouse for one test alone, which the app then reads, so that the
    test's writes (edits, extra rows) never reach the other tests. Returns its engine."""
    url = sqlite_copy(demo_url, tmp_path / "warehouse.db")
    monkeypatch.setenv("WAREHOUSE_URL", url)
    return get_engine(url)
