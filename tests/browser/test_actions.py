"""Importing a sheet of actions against complaint themes in a real browser: the good row is
saved with who recorded it, the bad row is listed with its row and rule and not saved."""

import pytest

from data.edits import read_actions
from data.warehouse import get_engine
from tests.browser.conftest import assert_no_exception, open_url, wait_idle

pytestmark = pytest.mark.browser
SHEET = ("complaint_theme,service,changed_on,what_changed,changed_by,kpi\n"
         "missed collection,Waste and Recycling,2024-10-07,Crews photograph bins left,"
         "Head of Waste,upheld_pct\n"
         "missed collection,Waste and Recycling,2024-02-30,Round sheets checked,"
         "Head of Waste,upheld_pct\n")


def test_staff_import_a_sheet_row_by_row(page, nav, browser_warehouse, tmp_path):
    sheet = tmp_path / "actions.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    before = read_actions(get_engine(browser_warehouse)).height
    complaints, = [p for p in nav if p.title == "Complaints and compliments"]
    open_url(page, complaints.url)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(sheet)
    wait_idle(page)
    page.get_by_role("button", name="Import the sheet").click()
    wait_idle(page)
    assert_no_exception(page, "the complaints page")
    page.get_by_text("1 action(s) recorded.").wait_for(state="visible")
    page.get_by_text("actions.csv, row 3: changed_on must be a real date written YYYY-MM-DD"
                     ).wait_for(state="visible")
    actions = read_actions(get_engine(browser_warehouse))
    assert actions.height == before + 1
    added = actions.filter(actions["what_changed"] == "Crews photograph bins left").row(
        0, named=True)
    # the demo switch's visitor (pages.shared.editor)
    assert added["recorded_by"] == "demo council visitor"
    assert str(added["changed_on"]) == "2024-10-07"
