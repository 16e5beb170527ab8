"""The Members' enquiries page in AppTest on the demo warehouse: it shows what
`metrics.enquiries_view` computes, the ward table equals the export by ward, and a channel
filter leaves the figures out, saying why."""

import polars as pl

from metrics.compute import Query, compute
from metrics.enquiries_view import (
    ENQUIRY_KPIS,
    enquiry_totals,
    open_now,
    overdue_count,
    repeat_enquiries,
    service_table,
    ward_table,
)
from metrics.reads import sources_from_warehouse
from metrics.registry import measure
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page

LATEST = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH)


def counts(column) -> list[int | None]:
    """A shown column of counts, an empty cell as None."""
    return [None if v != v or v is None else int(v) for v in column.tolist()]


def frame_with(app, *columns: str):
    return next(d.value for d in app.dataframe if set(columns) <= set(d.value.columns))


def test_the_page_shows_the_figures_metrics_computes(app, demo_engine):
    open_page(app, "enquiries")
    assert not app.exception
    src = sources_from_warehouse(demo_engine)
    overall = enquiry_totals(src, LATEST).row(0, named=True)
    shown = {m.label: m.value for m in app.metric}
    for kpi in ENQUIRY_KPIS:
        assert shown[measure(kpi).label] == format_value(measure(kpi), overall[kpi])
    assert overall["member_enquiries_received"] > 0
    overdue = overdue_count(src.enquiries, src.as_of, src.standards, {})
    assert shown["Open enquiries overdue"] == f"{overdue:,}"

    # Volumes by ward equal the export's received by ward, summed by hand.
    wards = frame_with(app, "Ward", "Enquiries received")
    export = compute(src, Query(by=("ward",), first_month=LATEST_MONTH, last_month=LATEST_MONTH,
                                kpis=("member_enquiries_received",)))
    by_hand = {(w or "Not recorded"): n for w, n in export.group_by("ward").agg(
        pl.col("numerator").sum()).iter_rows()}
    # A ward whose only figure is a reply to an earlier month's enquiry received none: 0.
    assert {w: n for w, n in zip(wards["Ward"], wards["Enquiries received"]) if n} == by_hand
    assert wards["Ward"].tolist() == ward_table(enquiry_totals(src, LATEST, ("ward",)))[
        "Ward"].to_list()

    services = frame_with(app, "Service", "Answered on time %")
    expected = service_table(enquiry_totals(src, LATEST, ("service",)))
    assert services["Service"].tolist() == expected["Service"].to_list()
    assert counts(services["Replies"]) == expected["Replies"].to_list()

    for by, column in (("ward", "Ward"), ("member", "Member"), ("service", "Service")):
        shown_open = frame_with(app, column, "Open")
        assert counts(shown_open["Open"]) == open_now(
            src.enquiries, src.as_of, src.standards, {}, by)["Open"].to_list()
    repeats = frame_with(app, "Repeat enquiries")
    assert counts(repeats["Repeat enquiries"]) == repeat_enquiries(
        src.enquiries, LATEST)["Repeat enquiries"].to_list()


def test_a_ward_filter_narrows_and_a_channel_filter_explains(app, demo_engine):
    src = sources_from_warehouse(demo_engine)
    ward = src.enquiries.get_column("ward").drop_nulls()[0]
    open_page(app, "enquiries")
    app.sidebar.multiselect(key="filter_ward").select(ward).run()
    assert not app.exception
    wards = frame_with(app, "Ward", "Enquiries received")
    assert wards["Ward"].tolist() == [ward]

    app.sidebar.multiselect(key="filter_ward").unselect(ward).run()
    app.sidebar.multiselect(key="filter_channel").select("phone").run()
    assert not app.exception
    assert any("Members' enquiry figures are not defined by channel" in i.value
               for i in app.info)
