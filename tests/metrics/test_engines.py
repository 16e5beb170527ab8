"""`compute` collects a scorecard's KPIs with polars' in-memory engine and grouped ones with its
streaming engine (`metrics.compute.polars_engine`, chosen by `bench.compute_bench`): the choice
is of speed only, so both engines give every query of the whole demo the same rows."""

import pytest
from polars.testing import assert_frame_equal

from metrics.compute import Query, kpi_plan, polars_engine

QUERIES = {
    "scorecard": Query(),
    "one service and ward": Query(filters={"service": ("Waste and Recycling",),
                                           "ward": ("Abbey Fields",)}),
    "one channel": Query(filters={"channel": ("phone",)}),
    "by service and channel": Query(by=("service", "channel")),
    "by ward, two services": Query(by=("ward",), filters={"service": ("Council Tax", "Parking")}),
}


def test_a_scorecard_is_collected_in_memory_and_a_grouped_query_streaming():
    assert polars_engine(Query()) == "in-memory"
    assert polars_engine(Query(filters={"ward": ("Abbey",)})) == "in-memory"
    assert polars_engine(Query(by=("service",))) == "streaming"


@pytest.mark.parametrize("name", list(QUERIES))
def test_both_engines_give_the_same_kpis(whole_demo, name):
    plan = kpi_plan(whole_demo[0], QUERIES[name])
    order = ["month", "service", "channel", "ward", "kpi"]
    streaming = plan.collect(engine="streaming").sort(order)
    in_memory = plan.collect(engine="in-memory").sort(order)
    assert streaming.height > 0
    assert in_memory.filter(in_memory["kpi"] == "contacts")["numerator"].sum() > 0
    assert_frame_equal(streaming, in_memory)
