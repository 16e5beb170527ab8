"""A running dashboard sees what other processes write to the warehouse, without a restart: a
target, an assumption or an SPC change point edited by hand (plain SQL from another process), a
settings change followed by `python -m pipelines refresh`; each write clears only the figures
read from it; and the words on the pages state the standards as configured, never their
defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pages.shared
from metrics.reads import read_targets, sources_from_warehouse
from metrics.registry import REGISTRY
from metrics.scorecard import scorecard
from metrics.wording import format_value
from tests.app.conftest import LATEST_MONTH, open_page

ROOT = Path(__file__).resolve().parents[2]


def by_hand(engine, *statements: str) -> None:
    """Run SQL in another process, as an analyst at the sqlite3 prompt would."""
    script = ("import sqlite3, sys\n"
              "with sqlite3.connect(sys.argv[1]) as db:\n"
              "    for statement in sys.argv[2:]:\n"
              "        db.execute(statement)\n")
    subprocess.run([sys.executable, "-c", script, engine.url.database, *statements], check=True)


def refresh(engine) -> None:
    subprocess.run([sys.executable, "-m", "pipelines", "refresh"], cwd=ROOT, check=True,
                   env={**os.environ, "WAREHOUSE_URL": str(engine.url)}, capture_output=True)


def counted(reads: dict[str, int], name: str, function):
    """`function`, counting its calls in `reads[name]`."""
    def call(*args):
        reads[name] += 1
        return function(*args)
    return call


def metrics(app) -> dict:
    return {m.label: m for m in app.metric}


@pytest.fixture
def running(app, warehouse_copy):
    """The dashboard running on a warehouse of its own (caches warm), and that warehouse."""
    app.run()
    assert not app.exception
    return app, warehouse_copy


def test_a_target_edited_by_hand_is_seen_without_a_restart(running):
    app, engine = running
    targets = [m.value for m in app.markdown if "target" in m.value]
    assert any(t.endswith("target 80.0 %") for t in targets)
    by_hand(engine, "UPDATE ref_kpi_targets SET target = 55.5 WHERE kpi = 'csat_pct'")
    app.run()
    assert not app.exception
    tile = next(t for t in scorecard(sources_from_warehouse(engine), LATEST_MONTH,
                                     read_targets(engine)) if t.kpi.id == "csat_pct")
    assert tile.target == 55.5
    assert f"**{tile.rag.icon} {tile.rag.words}** · target 55.5 %" in [
        m.value for m in app.markdown]


def test_a_settings_change_and_a_refresh_are_seen_without_a_restart(running):
    app, engine = running
    before = metrics(app)["Repeat contact"]
    assert "within 7 days" in before.help
    by_hand(engine, "UPDATE ref_settings SET value = '14' WHERE key = 'repeat_window_days'")
    refresh(engine)
    app.run()
    assert not app.exception
    after = metrics(app)["Repeat contact"]
    expected = next(t for t in scorecard(sources_from_warehouse(engine), LATEST_MONTH,
                                         read_targets(engine)) if t.kpi.id == "repeat_contact_pct")
    assert after.value == format_value(expected.kpi, expected.value) != before.value
    assert "within 14 days" in after.help


def test_an_assumption_edited_by_hand_reprices_without_reading_the_facts_again(running,
                                                                               monkeypatch):
    app, engine = running
    app.switch_page("pages/channels.py").run()
    before = metrics(app)["Cost to serve"].value
    reads = {"facts": 0, "assumptions": 0}
    monkeypatch.setattr(pages.shared, "read_facts",
                        counted(reads, "facts", pages.shared.read_facts))
    monkeypatch.setattr(pages.shared, "assumption_factors",
                        counted(reads, "assumptions", pages.shared.assumption_factors))
    by_hand(engine, "UPDATE ref_channel_assumptions SET unit_cost_gbp = 7.5 "
                    "WHERE channel = 'phone'")
    app.run()
    assert not app.exception
    assert reads == {"facts": 0, "assumptions": 1}
    after = metrics(app)["Cost to serve"].value
    assert after != before
    cost = next(t for t in scorecard(sources_from_warehouse(engine), LATEST_MONTH,
                                     read_targets(engine)) if t.kpi.id == "cost_to_serve_gbp")
    assert after == format_value(cost.kpi, cost.value)


def test_a_change_point_recorded_by_hand_is_read_without_reading_the_facts_again(running,
                                                                                 monkeypatch):
    app, engine = running
    reads = {"facts": 0, "change_points": 0}
    for name, attribute in (("facts", "read_facts"), ("change_points", "change_points")):
        monkeypatch.setattr(pages.shared, attribute,
                            counted(reads, name, getattr(pages.shared, attribute)))
    by_hand(engine, "INSERT INTO ref_spc_change_points (month, kpi, reason, recorded_by, "
                    "recorded_at) VALUES ('2023-12', NULL, 'New phone system', 'analyst', "
                    "'2024-01-05 09:00:00.000000')")
    app.run()
    assert not app.exception
    assert reads == {"facts": 0, "change_points": 1}
    assert [(c.month, c.kpi, c.reason) for c in sources_from_warehouse(engine).change_points] == [
        ("2023-12", None, "New phone system")]
    app.run()  # read once: the next run takes it from the cache
    assert reads == {"facts": 0, "change_points": 1}


@pytest.mark.parametrize(("key", "value", "kpi_id", "phrase"), [
    ("repeat_window_days", "10", "repeat_contact_pct", "within 10 days of an earlier contact"),
    ("repeat_window_days", "1", "right_first_time_pct", "come back within 1 day (each"),
    ("answer_standard_seconds", "45", "answered_in_60s_pct", "picked up within 45 seconds"),
    ("written_standard_working_days", "3", "written_on_time_pct",
     "answered within 3 working days"),
])
def test_the_scorecard_states_each_standard_as_configured(running, key, value, kpi_id, phrase):
    app, engine = running
    by_hand(engine, f"UPDATE ref_settings SET value = '{value}' WHERE key = '{key}'")
    app.run()
    assert not app.exception
    label = REGISTRY[kpi_id].label.replace("{answer_standard}", f"{value} seconds")
    shown = metrics(app)[label]
    assert phrase in shown.help
    assert "{" not in shown.help
    assert not any(d in shown.help for d in ("7 days", "60 seconds", "5 working days"))


def test_the_label_of_the_answer_standard_follows_the_setting(running):
    app, engine = running
    assert "Calls answered in 60 seconds" in metrics(app)
    by_hand(engine, "UPDATE ref_settings SET value = '30' WHERE key = 'answer_standard_seconds'")
    app.run()
    assert "Calls answered in 30 seconds" in metrics(app)
    assert "Calls answered in 60 seconds" not in metrics(app)


def test_the_right_first_time_page_states_the_repeat_window(running):
    app, engine = running
    by_hand(engine, "UPDATE ref_settings SET value = '12' WHERE key = 'repeat_window_days'")
    app.switch_page("pages/right_first_time.py").run()
    assert not app.exception
    captions = " ".join(c.value for c in app.caption)
    assert "within the repeat window (12 days)" in captions
    # The headline's help: the description and the formula.
    assert "within 12 days" in metrics(app)["Right first time"].help
    assert "(t, t + 12 days]" in metrics(app)["Right first time"].help
    assert "[t − 12 days, t)" in metrics(app)["Repeat contact"].help


def test_the_failure_demand_chains_state_the_repeat_window(staff_app, warehouse_copy):
    by_hand(warehouse_copy,
            "UPDATE ref_settings SET value = '9' WHERE key = 'repeat_window_days'")
    open_page(staff_app, "failure_demand")
    assert not staff_app.exception
    assert any("within the repeat window (9 days) of the one before" in c.value
               for c in staff_app.caption)
