"""The words on a scorecard tile: changes in the KPI's own unit, SPC in symbol and words."""

import pytest

from metrics.registry import REGISTRY
from metrics.scorecard import change_text
from metrics.spc import assurance_label, variation_label, xmr


@pytest.mark.parametrize(("kpi", "value", "before", "expected"), [
    ("failure_demand_pct", 31.0, 38.0, "-7.0 points"),
    ("contacts", 12_500, 11_000, "+1,500"),
    ("cost_to_serve_gbp", 1000.0, 1250.4, "−£250"),
    ("ces_mean", 5.5, 5.25, "+0.2"),
])
def test_a_change_reads_in_the_kpis_own_unit(kpi, value, before, expected):
    assert change_text(REGISTRY[kpi], value, before) == expected


def test_no_change_without_both_figures():
    assert change_text(REGISTRY["contacts"], 10, None) is None
    assert change_text(REGISTRY["contacts"], None, 10) is None


def test_spc_labels_carry_a_symbol_and_words():
    # 12 steady months then a jump far beyond the upper limit, higher being better.
    jump = xmr([10.0, 12.0] * 6 + [30.0], "higher", target=5)
    assert variation_label(jump) == ("⬆", "Improvement: special cause")
    # Mean 162/13 = 12.46; the moving range of 18 is screened out (> 3.267 × 40/12), so the
    # limits are 12.46 ± 2.66 × 2 = 7.14 to 17.78, wholly above a target of 5: consistently passes.
    assert assurance_label(jump) == ("✔", "Consistently meets the target")
    assert variation_label(xmr([1.0, 2.0], "higher")) == ("…", "Too few months for SPC")
