"""The demo switch's question, `data.demo_marker.holds_demo_only`, on both warehouses: only a
warehouse whose every load is one of the demo build's files counts as the demo council's."""

from data.demo_marker import holds_demo_only
from tests.pipelines.helpers import load

CONTACTS = "contact_id,received_at,channel,service\nC1,2024-01-10 09:00,phone,Waste\n"


def _demo_only(engine) -> bool:
    with engine.connect() as conn:
        return holds_demo_only(conn)


def test_an_empty_warehouse_is_not_the_demo(engine):
    assert not _demo_only(engine)


def test_the_demo_builds_files_alone_are_the_demo(engine, tmp_path):
    load(engine, "contacts", tmp_path, "contacts-2024-01.csv", CONTACTS)
    assert _demo_only(engine)


def test_any_other_file_makes_it_not_the_demo(engine, tmp_path):
    load(engine, "contacts", tmp_path, "contacts-2024-01.csv", CONTACTS)
    load(engine, "contacts", tmp_path, "calls-may.csv",
         CONTACTS.replace("C1,", "C2,"))
    assert not _demo_only(engine)


def test_a_demo_named_file_from_another_system_is_not_the_demo(engine, tmp_path):
    load(engine, "contacts", tmp_path, "contacts-2024-01.csv", CONTACTS, source_system="crm")
    assert not _demo_only(engine)
