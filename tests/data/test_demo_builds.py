"""The demo switch's question, `data.demo_builds.holds_demo_only`, on both warehouses: only a
warehouse whose latest demo build finished, and every load of which ran during the demo's
builds, counts as the demo council's."""

from data.demo_builds import begin_build, finish_build, holds_demo_only
from tests.pipelines.helpers import load

CONTACTS = "contact_id,received_at,channel,service\nC1,2024-01-10 09:00,phone,Waste\n"


def _demo_only(engine) -> bool:
    with engine.connect() as conn:
        return holds_demo_only(conn)


def _build(engine, tmp_path, finish: bool = True, name: str = "contacts-2024-01.csv") -> None:
    """A demo build that loads one file, finished or stopped part-way."""
    with engine.begin() as conn:
        build = begin_build(conn, seed=1, months=1)
    load(engine, "contacts", tmp_path, name, CONTACTS)
    if finish:
        with engine.begin() as conn:
            finish_build(conn, build)


def test_an_empty_warehouse_is_not_the_demo(engine):
    assert not _demo_only(engine)


def test_a_finished_build_alone_is_the_demo(engine, tmp_path):
    _build(engine, tmp_path)
    assert _demo_only(engine)


def test_a_build_stopped_part_way_is_not_the_demo(engine, tmp_path):
    _build(engine, tmp_path, finish=False)
    assert not _demo_only(engine)


def test_a_file_loaded_after_the_demo_makes_it_not_the_demo(engine, tmp_path):
    _build(engine, tmp_path)
    load(engine, "contacts", tmp_path, "calls-may.csv", CONTACTS.replace("C1,", "C2,"))
    assert not _demo_only(engine)


def test_a_file_loaded_before_the_demo_makes_it_not_the_demo(engine, tmp_path):
    load(engine, "contacts", tmp_path, "calls-may.csv", CONTACTS.replace("C1,", "C2,"))
    _build(engine, tmp_path)
    assert not _demo_only(engine)


def test_loads_without_any_demo_build_are_not_the_demo(engine, tmp_path):
    load(engine, "contacts", tmp_path, "contacts-2024-01.csv", CONTACTS)
    assert not _demo_only(engine)
