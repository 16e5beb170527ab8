"""The audit trail records exactly the views of record-level data and the edits a scripted
session made (downloads are built in the browser: tests/browser/test_roles.py), and an admin
sees it."""

import pytest
from sqlalchemy import delete

from data.audit import read_events
from data.models import AuditEvent
from pages.access import parse_access
from pages.role_mapping import WHO as MAPPING_WHO
from pages.role_mapping import record_at_start
from tests.app.conftest import ACCESS, LATEST_MONTH, open_page, sign_in

WHO = "officer@example.com"


@pytest.fixture
def trail(warehouse_copy):
    """The test's own copy of the demo warehouse with an empty audit trail: other tests' views
    of the shared warehouse (made before this one, in whatever order the tests run) are not
    this session's."""
    with warehouse_copy.begin() as conn:
        conn.execute(delete(AuditEvent))
    return warehouse_copy


def _events(engine) -> list[tuple[str, str, str, str]]:
    return [tuple(r) for r in reversed(read_events(engine).select(
        "who", "action", "page", "detail").rows())]


def test_a_session_s_views_and_edits_are_recorded_exactly(signed_out_app, trail):
    app = open_page(sign_in(signed_out_app, "Performance Team"), "failure_demand")
    first = app.selectbox(key="fd_service").value
    app.radio(key="fd_pareto_by").set_value("Failure type and reason").run()  # a rerun
    second = next(o for o in app.selectbox(key="fd_service").options if o != first)
    app.selectbox(key="fd_service").select(second).run()
    app.switch_page("pages/satisfaction.py").run()
    comments_first = app.selectbox(key="comments_service").value
    comments_second = next(o for o in app.selectbox(key="comments_service").options
                           if o != comments_first)
    app.selectbox(key="comments_service").select(comments_second).run()
    app.switch_page("pages/data_quality.py").run()
    app.selectbox(key="change_point_month").set_value(LATEST_MONTH)
    app.text_input(key="change_point_reason").set_value("New phone system")
    app.button(key="record_change_point").click().run()
    assert not app.exception
    assert "Recorded: the SPC charts and verdicts now read it." in [m.value for m in app.success]
    assert _events(trail) == [
        (WHO, "view", "Failure demand", f"Contact chains: service {first}; {LATEST_MONTH}"),
        (WHO, "view", "Failure demand", f"Contact chains: service {second}; {LATEST_MONTH}"),
        (WHO, "view", "Satisfaction",
         f"Latest comments: service {comments_first}; {LATEST_MONTH}"),
        (WHO, "view", "Satisfaction",
         f"Latest comments: service {comments_second}; {LATEST_MONTH}"),
        (WHO, "view", "Data quality", "Quarantined rows: the latest 0"),
        (WHO, "edit", "Data quality",
         f"Change point recorded: {LATEST_MONTH}, every: New phone system"),
    ]


def test_a_member_leaves_no_record_level_view_and_an_admin_sees_the_trail(signed_out_app,
                                                                         trail):
    open_page(sign_in(signed_out_app, "Councillors"), "failure_demand")
    assert _events(trail) == []
    app = open_page(sign_in(signed_out_app, "Service Managers"), "failure_demand")
    assert len(_events(trail)) == 1
    sign_in(app, "Dashboard Admins", email="admin@example.com")
    app.switch_page("pages/audit.py").run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert shown[["who", "action", "page"]].values.tolist() == [
        [WHO, "view", "Failure demand"]]
    mapping = app.dataframe[1].value
    assert mapping.values.tolist()[0] == ["member", "Councillors"]


def test_an_admin_sees_the_role_mapping_s_changes_and_the_retention(signed_out_app,
                                                                    trail):
    # As serve.py does at start, with the app tests' mapping, then with one more manager group.
    record_at_start(trail, parse_access(ACCESS))
    roles = {**ACCESS["roles"], "manager": ["Service Managers", "Area Managers"]}
    record_at_start(trail, parse_access({**ACCESS, "roles": roles}))
    app = open_page(sign_in(signed_out_app, "Dashboard Admins"), "audit")
    assert not app.exception
    shown = app.dataframe[0].value
    assert shown[["who", "action", "page"]].values.tolist() == [
        [MAPPING_WHO, "edit", "role mapping"]] * 2
    assert shown["detail"].tolist()[0].startswith(
        "manager: Service Managers → Service Managers, Area Managers. In force: {")
    assert shown["detail"].tolist()[1].startswith("first recorded. In force: {")
    assert ("Events are kept for 2,557 days (`audit_retention_days` in `ref_settings`): older "
            "ones are deleted, except the latest record of the role mapping in force."
            in [c.value for c in app.caption])
