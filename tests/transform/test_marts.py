"""The monthly mart, refreshed load by load, must give exactly what the facts give."""

import polars as pl
import pytest
from sqlalchemy import select

from data.bulk import read_frame
from data.facts import read_table
from data.models import (
    ChannelAssumption,
    Complaint,
    Contact,
    ContactsMonthly,
    Enquiry,
    SurveyResponse,
)
from data.reference import read_settings
from metrics.compute import Query, compute, sources_from_facts
from metrics.reads import sources_from_warehouse
from pipelines.demo import build_demo
from transform.marts import refresh_contact_marts


def _facts(engine, model, exclude=()):
    with engine.connect() as conn:
        return read_table(conn, model.__table__, exclude=exclude)


@pytest.mark.slow
def test_incremental_marts_agree_with_facts_and_with_a_full_rebuild(engine, tmp_path):
    # Three months of the demo council, loaded file by file: each load moves the data horizon
    # and late-month contacts' right-first-time eligibility with it.
    build_demo(engine, tmp_path / "feeds", months=3)
    from_facts = sources_from_facts(
        _facts(engine, Contact, exclude=("prev_matter_at", "next_matter_at")),
        _facts(engine, Complaint), _facts(engine, SurveyResponse),
        _facts(engine, ChannelAssumption).select("channel", "unit_cost_gbp", "carbon_kg"),
        read_settings(engine), _facts(engine, Enquiry))
    from_marts = sources_from_warehouse(engine)
    for by in [(), ("service",), ("channel",), ("service", "channel"), ("ward",)]:
        expected = compute(from_facts, Query(by=by))
        actual = compute(from_marts, Query(by=by))
        assert actual.height > 0
        assert actual.equals(expected), by

    def mart() -> pl.DataFrame:
        table = ContactsMonthly.__table__
        with engine.connect() as conn:
            return read_frame(conn, select(table).order_by(
                table.c.month, table.c.service, table.c.channel, table.c.ward))

    incremental = mart()
    with engine.begin() as conn:
        refresh_contact_marts(conn)
    rebuilt = mart()
    assert incremental.height == rebuilt.height > 1000
    assert incremental.equals(rebuilt)
