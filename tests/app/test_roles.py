"""Who sees what in AppTest: signed-out visitors, a sign-in that grants no role, the public
role, a configuration that cannot be used, and the demo switch, on and refused."""

from reports.escape import md
from tests.app.conftest import ACCESS, sign_in
from tests.pipelines.helpers import load

INVITATION = "Sign in to see the dashboard."
BANNER = "Fictional demo council"
CONTACTS = "contact_id,received_at,channel,service\nC1,2023-12-10 09:00,phone,Waste\n"


def texts(app, kind: str) -> list[str]:
    return [e.value for e in getattr(app, kind)]


def test_a_signed_out_visitor_sees_only_the_invitation(signed_out_app):
    signed_out_app.run()
    assert not signed_out_app.exception
    assert INVITATION in texts(signed_out_app, "info")
    assert not signed_out_app.metric
    assert [b.label for b in signed_out_app.button] == ["Sign in"]


def test_without_access_no_sign_in_grants_a_role_and_it_says_so(signed_out_app):
    del signed_out_app.secrets["access"]
    signed_out_app.run()
    assert INVITATION in texts(signed_out_app, "info")
    assert any("No role mapping is configured" in c for c in texts(signed_out_app, "caption"))
    sign_in(signed_out_app, "Councillors").run()
    assert not signed_out_app.metric
    assert any("grants no role" in w for w in texts(signed_out_app, "warning"))
    assert "Sign out" in [b.label for b in signed_out_app.button]


def test_a_sign_in_that_grants_no_role_is_told_and_offered_sign_out(signed_out_app):
    sign_in(signed_out_app, "Planning", "Safeguarding Leads").run()
    assert not signed_out_app.metric
    assert any(f"You are signed in as {md('officer@example.com')}, but your sign-in grants no "
               "role" in w
               for w in texts(signed_out_app, "warning"))
    assert [b.label for b in signed_out_app.button] == ["Sign out"]


def test_public_visitors_have_the_scorecard_and_the_papers_and_no_other_page(signed_out_app):
    """The other pages' addresses, answering "not available to your role", are checked in a
    real browser (tests/browser/test_roles.py)."""
    signed_out_app.secrets["access"] = {**ACCESS, "signed_out": "public"}
    signed_out_app.run()
    assert not signed_out_app.exception and signed_out_app.metric
    signed_out_app.switch_page("pages/papers.py").run()
    assert not signed_out_app.exception
    assert texts(signed_out_app, "title") == ["Papers and packs"]


def test_an_unknown_role_stops_the_dashboard_naming_it(signed_out_app):
    signed_out_app.secrets["access"] = {**ACCESS, "roles": {"members": ["Councillors"]}}
    signed_out_app.run()
    assert any('unknown role "members"' in e for e in texts(signed_out_app, "error"))
    assert not signed_out_app.metric


def test_the_demo_switch_opens_every_role_under_a_banner(signed_out_app, monkeypatch):
    """The banner on every page is checked in a real browser, on the tour of every page
    (tests/browser/test_roles.py): AppTest drops what app.py draws around a page once it
    switches pages."""
    monkeypatch.setenv("ONCE_AND_DONE_DEMO", "1")
    signed_out_app.run()
    assert any(BANNER in w for w in texts(signed_out_app, "warning"))
    signed_out_app.switch_page("pages/failure_demand.py").run()
    assert not signed_out_app.exception
    assert any("alias" in d.value.columns for d in signed_out_app.dataframe)
    signed_out_app.switch_page("pages/data_quality.py").run()
    assert "Record the change point" in [b.label for b in signed_out_app.button]


def test_the_demo_switch_is_refused_on_any_other_warehouse(signed_out_app, warehouse_copy,
                                                          monkeypatch, tmp_path):
    load(warehouse_copy, "contacts", tmp_path, "crm-cases.csv", CONTACTS, source_system="crm")
    monkeypatch.setenv("ONCE_AND_DONE_DEMO", "1")
    signed_out_app.run()
    assert not signed_out_app.exception
    assert any("is refused" in e for e in texts(signed_out_app, "error"))
    assert not any(BANNER in w for w in texts(signed_out_app, "warning"))
    assert INVITATION in texts(signed_out_app, "info")
    assert not signed_out_app.metric
