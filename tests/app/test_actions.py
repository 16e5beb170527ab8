"""What we changed, on the complaints page in AppTest: staff record an action through the form;
it is listed with its measure before and after, and its month is marked in the table behind its
trend; a form with a field missing is refused by rule; visitors see the actions, not the form."""

from datetime import date

from metrics.actions import before_and_after
from metrics.reads import sources_from_warehouse
from tests.app.conftest import LATEST_MONTH, open_page, sign_in


def _frame(app, first: str):
    return [d.value for d in app.dataframe if list(d.value.columns)[:1] == [first]]


def test_staff_record_an_action_and_it_is_shown_on_its_trend(staff_app, warehouse_copy):
    app = open_page(staff_app, "complaints")
    assert any("No action has been recorded" in c.value for c in app.caption)
    app.selectbox(key="action_complaint_theme").set_value("missed collection")
    app.selectbox(key="action_service").set_value("Waste and Recycling")
    app.date_input(key="action_changed_on").set_value(date(2023, 12, 4))
    app.text_area(key="action_what_changed").set_value("Crews photograph bins left")
    app.text_input(key="action_changed_by").set_value("Head of Waste")
    app.selectbox(key="action_kpi").set_value("upheld_pct")
    app.button(key="record_action").click().run()
    assert not app.exception
    assert any("1 action(s) recorded." in m.value for m in app.success)
    src = sources_from_warehouse(warehouse_copy)
    recorded = src.actions.row(0, named=True)
    assert (recorded["recorded_by"], recorded["changed_on"]) == ("officer@example.com",
                                                                 date(2023, 12, 4))
    listed, = _frame(app, "Date")
    assert listed[["Theme", "Service", "What changed", "Measure"]].values.tolist() == [
        ["missed collection", "Waste and Recycling", "Crews photograph bins left",
         "Complaints upheld"]]
    expected = before_and_after(src, src.actions, LATEST_MONTH).row(0, named=True)
    assert listed["After"].tolist()[0] == round(expected["after"], 1)
    assert listed["After months"].tolist() == ["2023-12 to 2023-12"]
    trend, = _frame(app, "Month")[-1:]
    marked = trend[trend["Action"] != ""]
    assert marked[["Month", "Action"]].values.tolist() == [
        ["2023-12", "2023-12-04: Crews photograph bins left"]]
    assert any("the action on 2023-12-04 is marked by a dashed line" in c.value
               for c in app.caption)


def test_an_action_without_what_changed_is_refused_and_visitors_see_no_form(staff_app,
                                                                          warehouse_copy):
    app = open_page(staff_app, "complaints")
    app.date_input(key="action_changed_on").set_value(date(2023, 12, 4))
    app.text_input(key="action_changed_by").set_value("Head of Waste")
    app.button(key="record_action").click().run()
    assert any("Not recorded: The form: what\\_changed is required" in m.value
               or "Not recorded: The form: what_changed is required" in m.value
               for m in app.error)
    assert sources_from_warehouse(warehouse_copy).actions.height == 0
    sign_in(staff_app, "Councillors")  # a member: every aggregate page, no editing
    open_page(staff_app, "complaints")
    assert "record_action" not in [b.key for b in staff_app.button]
    assert any("Analysts record actions" in c.value for c in staff_app.caption)
