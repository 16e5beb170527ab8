"""The programme's sentences, each against the counts it is made from."""

from metrics.wording import (
    benefits_sentence,
    exceptions_sentence,
    milestones_sentence,
    risks_sentence,
)


def test_the_exception_sentence_adds_up_the_kinds_it_names():
    assert exceptions_sentence({"milestone": 0, "risk": 0, "benefit": 0, "kpi": 0},
                               "30 June 2026") == (
        "At the report date, 30 June 2026, no item is on the exception list.")
    assert exceptions_sentence({"milestone": 0, "risk": 1, "benefit": 0, "kpi": 0},
                               "30 June 2026") == (
        "At the report date, 30 June 2026, 1 item needs attention: 1 risk.")
    assert exceptions_sentence({"milestone": 3, "risk": 0, "benefit": 1, "kpi": 2},
                               "30 June 2026") == (
        "At the report date, 30 June 2026, 6 items need attention: 3 milestones, 1 benefit "
        "and 2 measures.")


def test_the_status_sentences_state_their_counts():
    assert milestones_sentence({}) == "No milestone is recorded."
    assert milestones_sentence({"complete": 2, "cancelled": 1, "slipping": 1, "overdue": 0,
                                "on course": 4}) == (
        "Of 8 milestones, 2 are complete and 1 cancelled; 1 slipping, 0 overdue and 4 on "
        "course.")
    assert risks_sentence(0, 0, 2, 15) == "No risk is open; 2 risks closed."
    assert risks_sentence(1, 1, 0, 12.5) == (
        "Of 1 open risk, 1 scores at least the risk appetite of 12.5; no risks closed.")
    assert benefits_sentence(0, 0, 0, 10) == "No benefit has a plan in the period."
    assert benefits_sentence(3, 2, 1, 10) == (
        "Of 3 benefits with a plan in the period, 2 miss their plan by more than 10 % in their "
        "latest month and 1 has no actual yet.")
