"""A risk's trend, on both warehouses: its scores are recorded whenever a load or a staff edit
changes them, and the register's previous score, current score and trend words are what a
person works out from those recordings (current: residual likelihood × impact where both are
given, else likelihood × impact)."""

from datetime import UTC, datetime

from data.edits import edit_programme_item
from metrics.programme_view import risk_register
from metrics.reads import load_history, read_programme
from pipelines.demo.calendar import demo_period
from pipelines.demo.programme import REVIEWER, record_risk_reviews, write_programme
from pipelines.ingest import ingest_file
from tests.programme.sheets import RISK_HEADER, csv_file

WHO = "pat.analyst@council.example"
WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def _risk(risk_id, title, likelihood, impact, residual_likelihood=None, residual_impact=None,
          mitigation=None):
    return [risk_id, title, None, None, None, likelihood, impact, residual_likelihood,
            residual_impact, mitigation, None, None]


# R1 20 (5 × 4, not assessed after mitigation), R2 4 (2 × 2 after), R3 4, R5 6 (2 × 3).
FIRST = [_risk("R1", "Supplier fails", 5, 4), _risk("R2", "Skills gap", 3, 3, 2, 2),
         _risk("R3", "Data breach", 2, 2), _risk("R5", "Budget cut", 2, 3)]
# R1 mitigated to 3 × 4 = 12 (falling), R2 to 3 × 2 = 6 (rising), R3 retitled only (no new
# recording), R4 new, R5 re-scored 3 × 2 = 6 (steady: another product, the same score).
SECOND = [_risk("R1", "Supplier fails", 5, 4, 3, 4), _risk("R2", "Skills gap", 3, 3, 3, 2),
          _risk("R3", "Data breach of the CRM", 2, 2), _risk("R4", "Winter storms", 1, 5),
          _risk("R5", "Budget cut", 3, 2)]


def _register(engine) -> dict[str, tuple]:
    programme = read_programme(engine)
    frame = risk_register(programme.risks, {}, programme.risk_scores)
    return {r["risk_id"]: (r["previous_score"], r["current_score"], r["trend"])
            for r in frame.iter_rows(named=True)}


def _recordings(engine) -> list[tuple]:
    history = read_programme(engine).risk_scores
    return history.select("risk_id", "likelihood", "impact", "residual_likelihood",
                          "residual_impact", "recorded_by", "load_id").rows()


def test_loads_and_edits_record_scores_and_the_trend_reads_them(engine, tmp_path):
    ingest_file(engine, "risks", csv_file(tmp_path / "risks-1.csv", RISK_HEADER, FIRST))
    first_load = load_history(engine).item(0, "load_id")
    by_first = f"load {first_load}: risks-1.csv"
    assert _recordings(engine) == [("R1", 5, 4, None, None, by_first, first_load),
                                   ("R2", 3, 3, 2, 2, by_first, first_load),
                                   ("R3", 2, 2, None, None, by_first, first_load),
                                   ("R5", 2, 3, None, None, by_first, first_load)]
    assert _register(engine) == {"R1": (None, 20, "new"), "R2": (None, 4, "new"),
                                 "R3": (None, 4, "new"), "R5": (None, 6, "new")}

    ingest_file(engine, "risks", csv_file(tmp_path / "risks-2.csv", RISK_HEADER, SECOND))
    second_load = max(load_history(engine).get_column("load_id"))
    by_second = f"load {second_load}: risks-2.csv"
    assert _recordings(engine)[4:] == [("R1", 5, 4, 3, 4, by_second, second_load),
                                       ("R2", 3, 3, 3, 2, by_second, second_load),
                                       ("R4", 1, 5, None, None, by_second, second_load),
                                       ("R5", 3, 2, None, None, by_second, second_load)]
    assert _register(engine) == {"R1": (20, 12, "falling ▼"), "R2": (4, 6, "rising ▲"),
                                 "R3": (None, 4, "new"), "R4": (None, 5, "new"),
                                 "R5": (6, 6, "steady ▶")}

    # The page's edit: R1 after mitigation becomes 5 × 5 = 25, recorded under the editor.
    assert edit_programme_item(engine, "risks", "R1", by=WHO, now=WHEN, residual_likelihood=5,
                               residual_impact=5) == ["residual_likelihood", "residual_impact"]
    assert _recordings(engine)[-1] == ("R1", 5, 4, 5, 5, WHO, None)
    assert read_programme(engine).risk_scores.item(-1, "recorded_at") == WHEN
    assert _register(engine)["R1"] == (12, 25, "rising ▲")
    # An edit that changes no score records none; the trend stays.
    edit_programme_item(engine, "risks", "R1", by=WHO, mitigation="A second supplier")
    assert len(_recordings(engine)) == 9
    assert _register(engine)["R1"] == (12, 25, "rising ▲")

    # The same bytes again are skipped: nothing recorded. A file that puts R1 back to 3 × 4
    # wins over the edit, and is recorded: 25 before, 12 now.
    ingest_file(engine, "risks", csv_file(tmp_path / "risks-2.csv", RISK_HEADER, SECOND))
    assert len(_recordings(engine)) == 9
    ingest_file(engine, "risks", csv_file(tmp_path / "risks-3.csv", RISK_HEADER, SECOND[:1]))
    assert _recordings(engine)[-1][:5] == ("R1", 5, 4, 3, 4)
    assert _register(engine)["R1"] == (25, 12, "falling ▼")


def test_a_rejected_or_quarantined_risk_records_nothing(engine, tmp_path):
    bad = [_risk("R1", "Supplier fails", 6, 4), _risk("R2", "Skills gap", 3, 3)]
    result = ingest_file(engine, "risks", csv_file(tmp_path / "risks.csv", RISK_HEADER, bad))
    assert (result.rows_inserted, result.rows_quarantined) == (1, 1)
    assert [r[0] for r in _recordings(engine)] == ["R2"]


def test_the_demo_s_risks_carry_the_board_s_reviews(engine, tmp_path):
    """The 36-month demo's reviews, then its risk sheet through the load path: the sheet scores
    each risk as its latest review did, so the load records nothing more; a build run again
    records the reviews once."""
    period = demo_period(36)
    record_risk_reviews(engine, period)
    record_risk_reviews(engine, period)
    sheet = dict(write_programme(tmp_path, period))["risks"]
    assert ingest_file(engine, "risks", sheet).rows_inserted == 5
    recorded = read_programme(engine).risk_scores
    assert recorded.height == 12 and set(recorded.get_column("recorded_by")) == {REVIEWER}
    # Recorded at noon on the review month's last day: R2's last review in July 2026.
    last_r2 = recorded.filter(recorded["risk_id"] == "R2").item(-1, "recorded_at")
    assert last_r2 == datetime(2026, 7, 31, 12, tzinfo=UTC)
    # R1 2 × 3 = 6 after 3 × 3 = 9; R2 4 × 4 = 16 after 3 × 4 = 12; R3 3 × 2 = 6 after
    # 3 × 2 = 6 (its likelihood before mitigation went from 4 to 3); R4 first reviewed in its
    # last review; R5 1 × 5 = 5 after 2 × 5 = 10.
    assert _register(engine) == {"R1": (9, 6, "falling ▼"), "R2": (12, 16, "rising ▲"),
                                 "R3": (6, 6, "steady ▶"), "R4": (None, 8, "new"),
                                 "R5": (10, 5, "falling ▼")}
