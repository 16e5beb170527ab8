"""The monthly mart, refreshed load by load, must give exactly what the facts give."""

import polars as pl
import pytest

from data.bulk import read_frame, schema_of
from data.models import ChannelAssumption, Complaint, Contact, ContactsMonthly, SurveyResponse
from data.reference import read_settings
from metrics.compute import Query, compute, sources_from_facts
from metrics.reads import sources_from_warehouse
from pipelines.demo import build_demo
from transform.marts import refresh_contact_marts


def _facts(engine, model, exclude=()):
    schema = {k: v for k, v in schema_of(model.__table__).items() if k not in exclude}
    with engine.connect() as conn:
        return read_frame(conn, f"SELECT {', '.join(schema)} FROM {model.__tablename__}", schema)


@pytest.mark.slow
def test_incremental_marts_agree_with_facts_and_with_a_full_rebuild(engine, tmp_path):
    # Three months of the demo council, loaded file by file: each load moves the data horizon
    # and late-month contacts' right-first-time eligibility with it.
    build_demo(engine, tmp_path / "feeds", months=3)
    from_facts = sources_from_facts(
        _facts(engine, Contact, exclude=("prev_matter_at", "next_matter_at")),
        _facts(engine, Complaint), _facts(engine, SurveyResponse),
        _facts(engine, ChannelAssumption).select("channel", "unit_cost_gbp", "carbon_kg"),
        read_settings(engine))
    from_marts = sources_from_warehouse(engine)
    for by in [(), ("service",), ("channel",), ("service", "channel"), ("ward",)]:
        expected = compute(from_facts, Query(by=by))
        actual = compute(from_marts, Query(by=by))
        assert actual.height > 0
        assert actual.equals(expected), by

    def mart() -> pl.DataFrame:
        with engine.connect() as conn:
            return read_frame(conn, "SELECT * FROM mart_contacts_monthly ORDER BY "
                                    "month, service, channel, ward",
                              schema_of(ContactsMonthly.__table__))

    incremental = mart()
    with engine.begin() as conn:
        refresh_contact_marts(conn)
    rebuilt = mart()
    assert incremental.height == rebuilt.height > 1000
    assert incremental.equals(rebuilt)
