"""The programme's three feeds (`docs/programme.md`) through the one load path, on both
warehouses, from CSV and from the first sheet of a real `.xlsx` workbook: what is stored, what
is quarantined with which words, and that a later file never deletes a row it leaves out."""

from datetime import date

from metrics.quality import read_latest
from metrics.reads import load_history
from pipelines.ingest import ingest_file
from pipelines.sources.command import run_command
from tests.pipelines.helpers import check_accounted, quarantined, rows
from tests.programme.sheets import (
    BENEFIT_HEADER,
    MILESTONE_HEADER,
    RISK_HEADER,
    csv_file,
    xlsx_file,
)

MILESTONES = [
    ["M1", "Digital front door", "New website live", "Head of Digital", "2026-03-31",
     "2026-05-31", None, "at_risk", "Supplier late"],
    ["M2", "Digital front door", "Webchat pilot", None, "2031-01-15", None, None, None, None],
    ["M3", "Telephony", "New phone system", "ICT lead", "2025-09-30", None, "2025-09-20",
     "Complete", None],
]
BAD_MILESTONES = [
    # complete without a completion date
    (["M4", "Telephony", "IVR menus", None, "2025-10-31", None, None, "complete", None],
     ["completed_on: a value is required when status is complete"]),
    (["M5", "Telephony", "Call recording", None, "31/13/2025", None, None, "on track", None],
     ["baseline_due_on: not a date (YYYY-MM-DD or DD/MM/YYYY)"]),
    (["M6", "", "Training", None, "2025-10-31", None, None, "late", None],
     ["workstream: a value is required",
      "status: not one of not_started, on_track, at_risk, off_track, complete, cancelled"]),
]


def _load(engine, feed, path):
    result = ingest_file(engine, feed, path)
    check_accounted(engine, result)
    return result


def _milestones(engine) -> dict[str, dict]:
    return {r["milestone_id"]: r for r in rows(engine, "fct_milestones")}


def test_milestones_from_csv_are_stored_and_bad_rows_named(engine, tmp_path):
    path = csv_file(tmp_path / "milestones.csv", MILESTONE_HEADER,
                    MILESTONES + [r for r, _ in BAD_MILESTONES])
    result = _load(engine, "milestones", path)
    assert (result.status, result.rows_read, result.rows_inserted,
            result.rows_quarantined) == ("loaded", 6, 3, 3)
    stored = _milestones(engine)
    assert stored["M1"]["forecast_due_on"] == date(2026, 5, 31)
    assert stored["M1"]["status"] == "at_risk" and stored["M1"]["owner"] == "Head of Digital"
    # A plan may lie years ahead; an empty status is `not_started`; `Complete` is `complete`.
    assert stored["M2"]["baseline_due_on"] == date(2031, 1, 15)
    assert stored["M2"]["status"] == "not_started" and stored["M2"]["forecast_due_on"] is None
    assert stored["M3"]["status"] == "complete"
    assert stored["M3"]["completed_on"] == date(2025, 9, 20)
    assert [(q["row_number"], q["record_id"], q["reasons"]) for q in quarantined(engine)] == [
        (5, "M4", BAD_MILESTONES[0][1]), (6, "M5", BAD_MILESTONES[1][1]),
        (7, "M6", BAD_MILESTONES[2][1])]
    assert result.errors[0] == (f"milestones.csv row 5: {BAD_MILESTONES[0][1][0]}")


def _typed(row: list) -> list:
    """The row as a spreadsheet types it: ISO dates as date cells."""
    out = []
    for cell in row:
        try:
            out.append(date.fromisoformat(cell) if isinstance(cell, str) else cell)
        except ValueError:
            out.append(cell)
    return out


def test_milestones_from_an_xlsx_sheet_are_stored_as_from_csv(engine, tmp_path):
    path = xlsx_file(tmp_path / "milestones.xlsx", MILESTONE_HEADER,
                     [_typed(r) for r in MILESTONES] + [r for r, _ in BAD_MILESTONES])
    result = _load(engine, "milestones", path)
    assert (result.rows_read, result.rows_inserted, result.rows_quarantined) == (6, 3, 3)
    stored = _milestones(engine)
    assert stored["M1"]["baseline_due_on"] == date(2026, 3, 31)
    assert stored["M3"]["completed_on"] == date(2025, 9, 20)
    # Row numbers are the rows Excel shows, as for the CSV file.
    assert [(q["row_number"], q["reasons"]) for q in quarantined(engine)] == [
        (5, BAD_MILESTONES[0][1]), (6, BAD_MILESTONES[1][1]), (7, BAD_MILESTONES[2][1])]
    assert quarantined(engine)[0]["file_name"] == "milestones.xlsx"


BENEFITS = [
    ["B1", "2026-01", "Channel shift saving", "cashable", None, "£", "Head of CS", None,
     1000, 900],
    ["B1", "2026-02", "Channel shift saving", "cashable", None, "£", "Head of CS", None,
     1000.5, None],
    ["B2", "2026-01", "Less failure demand", "non_cashable", "lower", "%", None,
     "failure_demand_pct", 30, None],
]
BAD_BENEFITS = [
    (["B2", "2026-02", "Less failure demand", "non_cashable", "lower", "%", None,
      "failure_demand_pct", 29, 28],
     ["actual: only allowed when kpi is empty"]),
    (["B3", "2026-13", "Made up", "cashable", None, None, None, "happiness", "lots", None],
     ["month: not a month (YYYY-MM)", "planned: not a number",
      "kpi: not one of "]),
    (["B4", "2026-01", "Twice", "cashable", None, None, None, None, 5, None],
     ["benefit_id: duplicate benefit_id and month in file"]),
    (["B4", "2026-01", "Twice", "cashable", None, None, None, None, 6, None],
     ["benefit_id: duplicate benefit_id and month in file"]),
]


def _benefits(engine) -> dict[tuple[str, str], dict]:
    return {(r["benefit_id"], r["month"]): r for r in rows(engine, "fct_benefits")}


def _reasons_match(found: list[str], expected: list[str]) -> bool:
    return len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected))


def test_benefits_are_kept_per_month_and_an_actual_beside_a_kpi_is_quarantined(engine, tmp_path):
    path = csv_file(tmp_path / "benefits.csv", BENEFIT_HEADER,
                    BENEFITS + [r for r, _ in BAD_BENEFITS])
    result = _load(engine, "benefits", path)
    assert (result.rows_read, result.rows_inserted, result.rows_quarantined) == (7, 3, 4)
    stored = _benefits(engine)
    assert set(stored) == {("B1", "2026-01"), ("B1", "2026-02"), ("B2", "2026-01")}
    assert stored["B1", "2026-01"]["better"] == "higher"  # the default
    assert (stored["B1", "2026-01"]["planned"], stored["B1", "2026-01"]["actual"]) == (1000, 900)
    assert stored["B1", "2026-02"]["planned"] == 1000.5
    assert stored["B2", "2026-01"]["kpi"] == "failure_demand_pct"
    assert stored["B2", "2026-01"]["actual"] is None
    found = quarantined(engine)
    assert [q["row_number"] for q in found] == [5, 6, 7, 8]
    for q, (_row, reasons) in zip(found, BAD_BENEFITS):
        assert _reasons_match(q["reasons"], reasons), q["reasons"]


def test_benefits_from_xlsx_take_month_date_cells_and_whole_numbers(engine, tmp_path):
    path = xlsx_file(tmp_path / "benefits.xlsx", BENEFIT_HEADER,
                     [[*r[:8], float(r[8]), r[9]] for r in BENEFITS], month_cells=True)
    result = _load(engine, "benefits", path)
    assert (result.rows_inserted, result.rows_quarantined) == (3, 0), result.errors
    stored = _benefits(engine)
    assert stored["B1", "2026-02"]["planned"] == 1000.5
    assert stored["B2", "2026-01"]["planned"] == 30


RISKS = [
    ["R1", "Supplier fails", "Head of Digital", "One supplier", "No website", 4, 5, 3, 5,
     "Second supplier lined up", "2026-06-30", None],
    ["R2", "Staff leave", None, None, None, 3, 3, None, None, None, None, "Closed"],
]


def test_risks_load_from_xlsx_with_whole_numbers_typed_as_numbers(engine, tmp_path):
    typed = [[*r[:5], float(r[5]), float(r[6]), *r[7:10],
              date(2026, 6, 30) if r[10] else None, r[11]] for r in RISKS]
    bad = ["R3", "Too likely", None, None, None, 6, 2.5, None, None, None, None, "open"]
    path = xlsx_file(tmp_path / "risks.xlsx", RISK_HEADER, [*typed, bad])
    result = _load(engine, "risks", path)
    assert (result.rows_inserted, result.rows_quarantined) == (2, 1)
    stored = {r["risk_id"]: r for r in rows(engine, "fct_risks")}
    assert (stored["R1"]["likelihood"], stored["R1"]["impact"]) == (4, 5)
    assert (stored["R1"]["residual_likelihood"], stored["R1"]["residual_impact"]) == (3, 5)
    assert stored["R1"]["review_on"] == date(2026, 6, 30)
    assert stored["R1"]["status"] == "open" and stored["R2"]["status"] == "closed"
    assert quarantined(engine)[0]["reasons"] == [
        "impact: not a whole number", "likelihood: must be from 1 to 5"]


def test_a_later_file_updates_and_never_deletes_what_it_leaves_out(engine, tmp_path):
    _load(engine, "risks", csv_file(tmp_path / "risks-1.csv", RISK_HEADER, RISKS))
    closed = [["R1", *RISKS[0][1:11], "closed"]]
    result = _load(engine, "risks", csv_file(tmp_path / "risks-2.csv", RISK_HEADER, closed))
    assert (result.rows_inserted, result.rows_updated) == (0, 1)
    stored = {r["risk_id"]: r for r in rows(engine, "fct_risks")}
    assert set(stored) == {"R1", "R2"}
    assert stored["R1"]["status"] == "closed"


def test_a_workbook_that_is_not_one_is_rejected_whole(engine, tmp_path):
    path = tmp_path / "risks.xlsx"
    path.write_bytes(b"risk_id,title\nR1,x\n")
    result = _load(engine, "risks", path)
    assert result.status == "rejected"
    assert result.errors[0].startswith("risks.xlsx: not a readable .xlsx workbook")
    assert rows(engine, "fct_risks") == []


def test_the_kpis_a_benefit_may_name_are_the_registry_s():
    import metrics.kpis  # noqa: F401, PLC0415  (registers every KPI)
    from data.vocabulary import KPI_IDS  # noqa: PLC0415
    from metrics.registry import REGISTRY  # noqa: PLC0415

    assert KPI_IDS == tuple(REGISTRY)


def test_freshness_leaves_the_programme_s_sheets_to_the_load_history(engine, tmp_path):
    _load(engine, "risks", csv_file(tmp_path / "risks.csv", RISK_HEADER, RISKS))
    assert read_latest(engine).height == 0
    assert load_history(engine).get_column("feed").to_list() == ["risks"]


def test_a_programme_office_s_own_columns_load_as_a_csv_source(engine, tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "register.csv").write_text(
        "Ref,Risk,L,I,State\nR1,Supplier fails,5,4,Open\nR2,Skills gap,2,2,closed\n"
        "R3,Too likely,9,1,open\n", encoding="utf-8")
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "pmo"\nfeed = "risks"\nadapter = "csv"\n'
                      'path = "exports/register.csv"\n\n[source.columns]\nrisk_id = "Ref"\n'
                      'title = "Risk"\nlikelihood = "L"\nimpact = "I"\nstatus = "State"\n',
                      encoding="utf-8")
    monkeypatch.setenv("WAREHOUSE_URL", engine.url.render_as_string(hide_password=False))
    assert run_command(config, None, False, True, lambda _source: None) == 0
    stored = {r["risk_id"]: (r["likelihood"], r["impact"], r["status"], r["source_system"])
              for r in rows(engine, "fct_risks")}
    assert stored == {"R1": (5, 4, "open", "pmo"), "R2": (2, 2, "closed", "pmo")}
    assert quarantined(engine)[0]["reasons"] == ["likelihood: must be from 1 to 5"]
