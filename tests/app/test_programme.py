"""The Programme page on the demo warehouse (AppTest): the exception list with commentary or
"no commentary yet", milestones, benefits and risks, and for staff the commentary workflow,
where the author's own approval is refused."""

from datetime import date

import polars as pl

from data.edits import approve_commentary, write_commentary
from metrics.reads import exceptions_from_warehouse, read_programme
from pipelines.ingest import ingest_file
from reports.escape import md
from tests.app.conftest import LATEST_MONTH, open_page
from tests.programme.sheets import BENEFIT_HEADER, MILESTONE_HEADER, RISK_HEADER, csv_file


def _programme(engine, tmp_path) -> None:
    ingest_file(engine, "milestones", csv_file(tmp_path / "m.csv", MILESTONE_HEADER, [
        ["M1", "Web", "Website live", "Head of Digital", "2023-11-30", "2024-02-29", None,
         "at_risk", "Supplier late"],
        ["M2", "Web", "Forms moved", None, "2024-06-30", None, None, None, None]]))
    ingest_file(engine, "risks", csv_file(tmp_path / "r.csv", RISK_HEADER, [
        ["R1", "Supplier fails", "Head of Digital", None, None, 5, 4, None, None, None, None,
         None]]))
    ingest_file(engine, "benefits", csv_file(tmp_path / "b.csv", BENEFIT_HEADER, [
        ["B1", "2023-12", "Less failure demand", "non_cashable", "lower", "%", None,
         "failure_demand_pct", 1, None]]))


def test_the_page_lists_the_exceptions_with_their_commentary(app, warehouse_copy, tmp_path):
    _programme(warehouse_copy, tmp_path)
    done = write_commentary(warehouse_copy, "risk", "R1", LATEST_MONTH, "Second supplier found.",
                            by="ann@example.com")
    approve_commentary(warehouse_copy, done, by="bob@example.com")
    open_page(app, "programme")
    assert not app.exception
    assert app.title[0].value == "Programme"
    assert app.selectbox(key="programme_period").value == LATEST_MONTH
    listed = app.dataframe[0].value[["kind", "id", "reason", "commentary"]].values.tolist()
    # The list is the exception report itself: the demo's own programme and measures, and the
    # items loaded here.
    assert listed == [[i.kind, i.id, i.reason, i.commentary or "no commentary yet"]
                      for i in exceptions_from_warehouse(warehouse_copy, LATEST_MONTH)]
    for row in (["milestone", "M1", "slipping", "no commentary yet"],
                ["risk", "R1", "above appetite", "Second supplier found."],
                ["benefit", "B1", "above plan", "no commentary yet"]):
        assert row in listed
    assert any("Write commentary" in m.value for m in app.markdown) is False  # not staff


def test_staff_write_a_draft_and_cannot_approve_their_own(staff_app, warehouse_copy, tmp_path):
    _programme(warehouse_copy, tmp_path)
    open_page(staff_app, "programme")
    assert not staff_app.exception
    staff_app.selectbox(key="commentary_item").select(("risk", "R1"))
    staff_app.text_area(key="commentary_text").input("Mitigation agreed with the supplier.")
    staff_app.button[0].click().run()  # the form's "Save draft"
    assert not staff_app.exception
    assert "Draft saved" in staff_app.success[0].value
    mine = max(staff_app.selectbox(key="commentary_draft").options, key=int)  # the newest
    staff_app.selectbox(key="commentary_draft").select(int(mine))
    staff_app.button(key="approve_commentary").click().run()
    assert "the author cannot approve their own commentary" in staff_app.error[0].value
    # Updating a milestone is recorded under the signed-in officer.
    staff_app.selectbox(key="edit_milestone_id").select("M2").run()
    assert not staff_app.exception
    staff_app.date_input[0].set_value(date(2024, 9, 30))
    next(b for b in staff_app.button if b.label == "Save milestone").click().run()
    assert not staff_app.exception
    assert md("Saved: forecast_due_on.") in [s.value for s in staff_app.success]
    stored = read_programme(warehouse_copy).milestones.filter(pl.col("milestone_id") == "M2")
    assert stored.select("forecast_due_on", "edited_by").row(0) == (
        date(2024, 9, 30), "officer@example.com")


def _register(app) -> dict[str, tuple]:
    frame = next(d.value for d in app.dataframe if "trend" in d.value.columns)
    return {r.risk_id: (None if r.previous_score != r.previous_score else int(r.previous_score),
                        int(r.current_score), r.trend) for r in frame.itertuples()}


def test_staff_rescore_a_risk_and_the_register_and_its_chart_show_the_trend(
        staff_app, warehouse_copy):
    # Two months of the demo: each risk loaded once from its sheet, so every one is new.
    open_page(staff_app, "programme")
    assert not staff_app.exception
    assert _register(staff_app) == {"R1": (None, 6, "new"), "R2": (None, 16, "new"),
                                    "R3": (None, 6, "new"), "R4": (None, 8, "new"),
                                    "R5": (None, 5, "new")}
    # The supplier risk after mitigation: likelihood 4 -> 2, so 2 × 4 = 8 against 16.
    staff_app.selectbox(key="edit_risk_id").select(("canonical", "R2")).run()
    staff_app.selectbox(key="risk_residual_likelihood_R2").select(2)
    next(b for b in staff_app.button if b.label == "Save risk").click().run()
    assert not staff_app.exception
    assert md("Saved: residual_likelihood.") in [s.value for s in staff_app.success]
    history = read_programme(warehouse_copy).risk_scores.filter(pl.col("risk_id") == "R2")
    assert history.select("residual_likelihood", "residual_impact", "recorded_by").rows() == [
        (4, 4, history.item(0, "recorded_by")), (2, 4, "officer@example.com")]
    staff_app.selectbox(key="programme_risk").select(("canonical", "R2")).run()
    assert not staff_app.exception
    assert _register(staff_app)["R2"] == (16, 8, "falling ▼")
    words = next(c.value for c in staff_app.caption if c.value.startswith("Step chart"))
    assert words.startswith(md(
        "Step chart of the current score of Supplier delay to the housing repairs system "
        "(likelihood × impact, after mitigation where assessed) at each of its 2 recordings,"))
    assert words.endswith(md("with the appetite of 15 as a dashed line: 8 now against 16 before "
                             "(falling ▼); highest 16, lowest 8."))
