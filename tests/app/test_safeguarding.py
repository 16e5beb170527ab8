"""Safeguarding apart: chains with a contact flagged safeguarding, the survey comments that rate
such a contact and the quarantined rows of contacts files flagged safeguarding are shown (and
offered for download) to the `safeguarding` role only; anyone else is told how many were
withheld."""

import polars as pl
import pytest

from metrics.chains import contact_chains
from metrics.reads import sources_from_warehouse
from pipelines.ingest import ingest_file
from tests.app.conftest import LATEST_MONTH, open_page, sign_in
from tests.app.test_failure_demand import LATEST, tables


@pytest.fixture
def flagged_service(demo_engine) -> tuple[str, pl.DataFrame]:
    """A service of the demo whose latest month has chains with a safeguarding contact."""
    for service in sorted(sources_from_warehouse(demo_engine).parts["service"].unique()):
        found = contact_chains(demo_engine, service, LATEST)
        if found.get_column("safeguarding").any():
            return service, found
    pytest.fail(f"no service of the demo has a flagged chain in {LATEST_MONTH}")


def _chains_shown(app) -> pl.DataFrame:
    return next(t for t in tables(app) if "alias" in t.columns)


def test_a_manager_sees_the_chains_without_the_flagged_ones(signed_out_app, flagged_service):
    service, found = flagged_service
    app = open_page(sign_in(signed_out_app, "Service Managers"), "failure_demand")
    app.selectbox(key="fd_service").select(service).run()
    assert not app.exception
    flagged = found.filter(pl.col("safeguarding"))
    shown = _chains_shown(app)
    assert "safeguarding" not in shown.columns
    assert shown.get_column("alias").to_list() == found.filter(
        ~pl.col("safeguarding")).get_column("alias").to_list()
    word = "record" if flagged.height == 1 else "records"
    assert any(i.value.startswith(f"{flagged.height} {word} withheld") for i in app.info)


def test_the_safeguarding_role_sees_every_chain(signed_out_app, flagged_service):
    service, found = flagged_service
    app = open_page(sign_in(signed_out_app, "Service Managers", "Safeguarding Leads"),
                    "failure_demand")
    app.selectbox(key="fd_service").select(service).run()
    assert not app.exception
    shown = _chains_shown(app)
    assert shown.get_column("alias").to_list() == found.get_column("alias").to_list()
    assert shown.get_column("safeguarding").sum() > 0
    assert not any("withheld" in i.value for i in app.info)


# ---- comments and quarantined rows --------------------------------------------------------------

SERVICE = "Adult Social Care"
CONTACTS = ("contact_id,received_at,channel,service,safeguarding,customer_ref\n"
            f"SG-1,2023-12-14 10:00,phone,{SERVICE},true,CUST-SG-1\n"
            f"SG-2,2023-12-14 11:00,phone,{SERVICE},false,CUST-SG-2\n"
            f"SG-3,not a time,phone,{SERVICE}, Yes ,CUST-SG-3\n"  # quarantined, flagged
            f"SG-4,not a time,phone,{SERVICE},no,CUST-SG-4\n")  # quarantined, not flagged
RESPONSES = ("response_id,responded_at,channel,service,csat,comment,contact_id\n"
             f"RS-1,2023-12-15 10:00,phone,{SERVICE},2,About my mother's care,SG-1\n"
             f"RS-2,2023-12-15 11:00,phone,{SERVICE},4,Quick and kind,SG-2\n"
             f"RS-3,2023-12-15 12:00,phone,{SERVICE},5,No contact named,\n")


@pytest.fixture
def flagged_records(warehouse_copy, tmp_path):
    """The demo with a contact flagged safeguarding (and one not), a survey comment rating each
    and one rating none, and two quarantined contacts rows, one flagged."""
    for feed, name, text in (("contacts", "contacts.csv", CONTACTS),
                             ("satisfaction", "responses.csv", RESPONSES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert ingest_file(warehouse_copy, feed, tmp_path / name).status == "loaded"
    return warehouse_copy


def _comments(app) -> pl.DataFrame:
    app.selectbox(key="comments_service").select(SERVICE).run()
    assert not app.exception, app.exception
    return next(t for t in tables(app) if "comment" in t.columns)


def _ours(app) -> pl.DataFrame:
    quarantined = next(t for t in tables(app) if "raw_text" in t.columns)
    return quarantined.filter(pl.col("record_id").str.starts_with("SG-"))


def _withheld(app) -> list[str]:
    return [i.value for i in app.info if "withheld" in i.value]


def test_a_manager_does_not_see_a_comment_rating_a_flagged_contact(signed_out_app,
                                                                   flagged_records):
    app = open_page(sign_in(signed_out_app, "Service Managers"), "satisfaction")
    shown = _comments(app)
    assert shown.get_column("comment").to_list() == ["No contact named", "Quick and kind"]
    assert "safeguarding" not in shown.columns
    assert _withheld(app) == ["1 record withheld: comments rating a contact flagged safeguarding "
                              "are shown to the safeguarding role only (their scores count in "
                              "every figure)."]


def test_the_safeguarding_role_sees_every_comment_with_its_flag(signed_out_app, flagged_records):
    app = open_page(sign_in(signed_out_app, "Service Managers", "Safeguarding Leads"),
                    "satisfaction")
    shown = _comments(app)
    assert shown.select("comment", "safeguarding").rows() == [
        ("No contact named", False), ("Quick and kind", False),
        ("About my mother's care", True)]
    assert _withheld(app) == []


def test_an_analyst_does_not_see_a_flagged_quarantined_row(signed_out_app, flagged_records):
    app = open_page(sign_in(signed_out_app, "Performance Team"), "data_quality")
    assert not app.exception, app.exception
    assert _ours(app).get_column("record_id").to_list() == ["SG-4"]
    assert "safeguarding" not in _ours(app).columns
    assert _withheld(app) == ["1 record withheld: quarantined rows of contacts flagged "
                              "safeguarding are shown to the safeguarding role only."]


def test_the_safeguarding_role_sees_every_quarantined_row(signed_out_app, flagged_records):
    app = open_page(sign_in(signed_out_app, "Performance Team", "Safeguarding Leads"),
                    "data_quality")
    assert not app.exception, app.exception
    assert _ours(app).select("record_id", "safeguarding").rows() == [("SG-3", True),
                                                                      ("SG-4", False)]
    assert _withheld(app) == []
