"""Safeguarding apart: chains with a contact flagged safeguarding are shown to the
`safeguarding` role only; a manager without it is told how many were withheld."""

import polars as pl
import pytest

from metrics.chains import contact_chains
from metrics.reads import sources_from_warehouse
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
