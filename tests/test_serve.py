"""`streamlit run serve.py` at start (a real server process, no browser): it records a change of
the role mapping in the audit trail, deletes the events past their retention, and its log holds
none of the secrets it was given (the OIDC client and cookie secrets, the warehouse password).
"""

from datetime import UTC, datetime, timedelta

from data.audit import ROLE_MAPPING, read_events, record_event
from data.warehouse import make_engine
from pages.role_mapping import WHO
from tests.browser import ARTIFACTS, free_port, start_server

COOKIE_SECRET = "cookie-Hh61-never-shown"
CLIENT_SECRET = "client-Jb27-never-shown"
PASSWORD = "pw-Tr04-never-shown"
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "{cookie}"
client_id = "serve-tests"
client_secret = "{client}"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[access]
signed_out = "sign_in"
claim = "groups"

[access.roles]
member = ["Councillors"]
manager = {managers}
"""


def _start(tmp_path, url: str, managers: str, name: str) -> str:
    """Start the server with the given managers' claim values, stop it once healthy; its log."""
    secrets = tmp_path / f"{name}.toml"
    secrets.write_text(SECRETS.format(cookie=COOKIE_SECRET, client=CLIENT_SECRET,
                                      managers=managers), encoding="utf-8")
    server = start_server({"WAREHOUSE_URL": url}, ARTIFACTS / f"serve-start-{name}.log",
                          flags=("--secrets.files", str(secrets)))
    server.stop()
    return server.log_text()


def test_the_server_records_the_role_mapping_forgets_old_events_and_shows_no_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    engine = make_engine(url)
    try:
        ancient = datetime.now(UTC) - timedelta(days=2558)
        record_event(engine, "a@example.com", "view", "Failure demand", "long ago", now=ancient)
        first = _start(tmp_path, url, '["Service Managers"]', "first")
        assert "The role mapping is recorded in the audit trail: first recorded" in first
        second = _start(tmp_path, url, '["Service Managers", "Area Managers"]', "second")
        assert ("The role mapping is recorded in the audit trail: manager: Service Managers → "
                "Service Managers, Area Managers") in second
        events = read_events(engine)
        assert events.select("who", "action", "page").rows() == [(WHO, "edit", ROLE_MAPPING)] * 2
        assert "long ago" not in events.get_column("detail").to_list()  # 7 years and a day
    finally:
        engine.dispose()
    # A warehouse that cannot be reached, named with a password: the log says why, without it.
    unreachable = f"postgresql+psycopg://council:{PASSWORD}@127.0.0.1:{free_port()}/warehouse"
    third = _start(tmp_path, unreachable, '["Service Managers"]', "unreachable")
    assert "Could not record the role mapping in the audit trail: " in third
    assert "Could not read the warehouse before serving" in third
    for log in (first, second, third):
        assert "Traceback" not in log
        assert [s for s in (COOKIE_SECRET, CLIENT_SECRET, PASSWORD) if s in log] == []
