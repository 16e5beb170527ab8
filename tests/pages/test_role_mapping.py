"""The role mapping's changes in the audit trail (`pages.role_mapping`): what changed, in words,
recorded at server start only when it changed, on both warehouses."""

from data.audit import ROLE_MAPPING, read_events
from pages.access import parse_access
from pages.role_mapping import WHO, as_record, changes, record_at_start

MAPPING = {"signed_out": "sign_in", "claim": "groups",
           "roles": {"member": ["Councillors"], "manager": ["Service Managers"],
                     "admin": ["Dashboard Admins"]}}


def _changed(**edits) -> dict:
    section = {**MAPPING, **edits}
    return as_record(parse_access(section))


def test_each_change_is_said_in_words():
    before = as_record(parse_access(MAPPING))
    assert changes(before, before) == []
    assert changes(None, before) == ["first recorded"]
    assert changes(before, _changed(signed_out="public", claim="roles")) == [
        "signed_out: sign_in → public", "claim: groups → roles"]
    assert changes(before, _changed(roles={
        "member": ["Councillors"], "manager": ["Service Managers", "Area Managers"],
        "analyst": "Performance Team"})) == [
        "admin no longer granted (was Dashboard Admins)",
        "analyst granted by Performance Team",
        "manager: Service Managers → Service Managers, Area Managers"]
    assert changes(before, as_record(parse_access(None))) == [
        "[access] removed", "admin no longer granted (was Dashboard Admins)",
        "manager no longer granted (was Service Managers)",
        "member no longer granted (was Councillors)"]


def test_the_mapping_is_recorded_at_start_only_when_it_changed(engine):
    first = record_at_start(engine, parse_access(MAPPING))
    assert first == "first recorded"
    assert record_at_start(engine, parse_access(MAPPING)) is None  # a restart, unchanged
    widened = {**MAPPING, "roles": {**MAPPING["roles"], "manager": ["Service Managers",
                                                                    "Area Managers"]}}
    said = record_at_start(engine, parse_access(widened))
    assert said == "manager: Service Managers → Service Managers, Area Managers"
    events = read_events(engine)
    assert events.select("who", "action", "page").rows() == [(WHO, "edit", ROLE_MAPPING)] * 2
    newest = events.get_column("detail")[0]
    assert newest.startswith(f"{said}. In force: ")
    assert '"manager": ["Service Managers", "Area Managers"]' in newest
