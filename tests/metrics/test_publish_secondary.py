"""Secondary suppression (`docs/kpis.md`, "Publishing small numbers"): wherever a total is
published with its parts, no withheld figure can be worked out. Hand-made cases of the rule, and
an adversary that tries, on generated tables full of small counts, to recover every withheld
figure by subtraction (the total less the parts shown, chained across months and the half,
services and All, channels and All) and by rate × denominator, and finds none."""

import io
import random

import polars as pl
import pytest

from metrics.compute import Query
from metrics.export import GROUPINGS, export_frame, write_export
from metrics.publish import secondary, suppress_frame
from metrics.registry import measure
from pipelines.ingest import ingest_file
from tests.metrics.builders import contact, contacts, utc, write_csv

pytestmark = pytest.mark.filterwarnings("ignore:.*PSEUDONYM_KEY is not set")
ALL = "All"
HALF = "2025-H1"
MONTHS = [f"2025-0{m}" for m in range(1, 7)]
TOTALS = {"service": lambda v: None if v == ALL else ALL,
          "channel": lambda v: None if v == ALL else ALL,
          "month": lambda v: None if v == HALF else HALF}


def _services(counts: dict[str, int], kpi: str = "contacts") -> pl.DataFrame:
    rows = [("2025-01", s, ALL, kpi, float(n), None, float(n)) for s, n in counts.items()]
    return pl.DataFrame(rows, orient="row", schema={
        "month": pl.String, "service": pl.String, "channel": pl.String, "kpi": pl.String,
        "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64})


def _shown(counts: dict[str, int]) -> dict[str, str]:
    out = suppress_frame(_services(counts), {"contacts"}, totals={"service": TOTALS["service"]})
    return dict(out.select("service", "value").iter_rows())


def test_one_withheld_part_takes_the_smallest_other_with_it():
    assert _shown({"A": 3, "B": 20, "C": 7, "D": 0, ALL: 30}) == {
        "A": "<5", "B": "20", "C": "<5", "D": "0", ALL: "30"}


def test_ties_take_the_first_in_the_tables_order():
    assert _shown({"A": 3, "B": 7, "C": 7, ALL: 17}) == {"A": "<5", "B": "<5", "C": "7",
                                                          ALL: "17"}


def test_two_withheld_parts_need_nothing_more():
    assert _shown({"A": 3, "B": 2, "C": 40, ALL: 45}) == {"A": "<5", "B": "<5", "C": "40",
                                                           ALL: "45"}


def test_with_no_other_part_to_withhold_the_total_is_withheld():
    # 6 contacts have no service: the only part, 3, would be the total less nothing shown.
    assert _shown({"A": 3, "B": 0, ALL: 9}) == {"A": "<5", "B": "0", ALL: "<5"}


def test_a_withheld_total_is_not_the_sum_of_its_parts():
    # The total is withheld (say, by another family) while its parts are all shown.
    assert secondary([30, 20, 10], [True, False, False], [(0, [1, 2])]) == [True, False, True]


def test_withholding_cascades_across_families():
    # Services × channels: withholding a second service in one channel leaves that service's
    # own channel family with one withheld part, which takes another with it, and so on.
    rows = [("A", "phone", 3), ("A", "web", 30), ("B", "phone", 8), ("B", "web", 9)]
    cells = [*rows, *((s, ALL, sum(n for r, _, n in rows if r == s)) for s in "AB"),
             *((ALL, c, sum(n for _, r, n in rows if r == c)) for c in ("phone", "web")),
             (ALL, ALL, sum(n for *_, n in rows))]
    frame = pl.DataFrame([("2025-01", s, c, "contacts", float(n), None, float(n))
                          for s, c, n in cells], orient="row", schema=_services({}).schema)
    out = suppress_frame(frame, {"contacts"}, totals={k: TOTALS[k]
                                                       for k in ("service", "channel")})
    withheld = {(s, c) for s, c, v in out.select("service", "channel", "value").iter_rows()
                if v == "<5"}
    assert withheld == {("A", "phone"), ("B", "phone"), ("A", "web"), ("B", "web")}


# ---- the adversary ------------------------------------------------------------------------------

def _cube(seed: int) -> pl.DataFrame:
    """A count KPI and a rate KPI by month × service × channel, with every total (All, and the
    half), and many small counts."""
    rng = random.Random(seed)
    services, channels = ["Waste", "Housing", "Parking", "Council Tax"], ["phone", "web", "email"]
    cells = {}
    for m in MONTHS:
        for s in services:
            for c in channels:
                n = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30])
                d = rng.choice([0, 3, 6, 9, 11, 14, 25, 60])
                cells[(m, s, c)] = (n, rng.randint(0, d), d)
    rows = []
    for m in [*MONTHS, HALF]:
        for s in [*services, ALL]:
            for c in [*channels, ALL]:
                inside = [v for (m2, s2, c2), v in cells.items()
                          if m in (m2, HALF) and s in (s2, ALL) and c in (c2, ALL)]
                n = sum(v[0] for v in inside)
                num, den = sum(v[1] for v in inside), sum(v[2] for v in inside)
                rows.append((m, s, c, "contacts", float(n), None, float(n)))
                rows.append((m, s, c, "failure_demand_pct", float(num), float(den),
                             100 * num / den if den else None))
    return pl.DataFrame(rows, orient="row", schema=_services({}).schema)


FIGURES = ("value", "numerator", "denominator")


def _figure(text: str | None) -> float | None:
    return None if text is None or text.startswith("<") else float(text)


def _attack(published: pl.DataFrame) -> dict[tuple, tuple[float, float | None]]:
    """Every figure a reader can know: those shown, then, again and again, any figure that is
    the only one unknown in a family (a part: the total less the others; the total: the sum
    of the parts). Returns key -> (numerator, denominator)."""
    keys = ["month", "service", "channel", "kpi"]
    known = {}
    for row in published.iter_rows(named=True):
        key = tuple(row[k] for k in keys)
        value, numerator, denominator = (_figure(row[k]) for k in FIGURES)
        if value is None:
            continue
        if numerator is None and denominator:  # a rate shown beside its denominator
            numerator = round(value * denominator / measure(row["kpi"]).scale, 6)
        known[key] = (numerator, denominator)
    every = {tuple(r[k] for k in keys) for r in published.iter_rows(named=True)}
    families = {}
    for key in every:
        for at, column in enumerate(("month", "service", "channel")):
            parent = TOTALS[column](key[at])
            if parent is not None:
                total = (*key[:at], parent, *key[at + 1:])
                families.setdefault((total, column), []).append(key)
    learned = True
    while learned:
        learned = False
        for (total, _), parts in families.items():
            unknown = [k for k in (total, *parts) if k not in known]
            if len(unknown) != 1:
                continue
            (missing,) = unknown
            rest = [known[k] for k in parts if k != missing]
            parts_sum = (sum(r[0] for r in rest), sum(r[1] or 0 for r in rest))
            if missing == total:
                known[missing] = parts_sum
            else:
                whole = known[total]
                known[missing] = (whole[0] - parts_sum[0], (whole[1] or 0) - parts_sum[1])
            learned = True
    return known


def _recovered(truth: pl.DataFrame, published: pl.DataFrame) -> tuple[int, list]:
    """(how many non-zero figures are withheld, those the adversary works out)."""
    known = _attack(published)
    withheld, found = 0, []
    withheld = 0
    for real, shown in zip(truth.iter_rows(named=True), published.iter_rows(named=True)):
        key = (real["month"], real["service"], real["channel"], real["kpi"])
        weight = real["denominator"] if real["denominator"] is not None else real["numerator"]
        hidden = shown["value"] is None or shown["value"].startswith("<")
        if not hidden:
            # Rate × denominator gives a numerator only where the numerator is shown anyway.
            assert shown["numerator"] is not None and not shown["numerator"].startswith("<")
            continue
        assert shown["denominator"] is None or real["denominator"] is None  # nothing beside it
        if weight == 0:
            continue  # nobody to protect: a reader may learn that a zero is zero
        withheld += 1
        if key in known:
            found.append((key, known[key], real))
    return withheld, found


@pytest.mark.parametrize("seed", range(12))
def test_no_withheld_figure_can_be_worked_out(seed):
    truth = _cube(seed)
    published = suppress_frame(truth, {"contacts"}, proportions={"failure_demand_pct"},
                               totals=TOTALS)
    withheld, found = _recovered(truth, published)
    assert withheld > 50  # the tables were full of small numbers
    assert found == []


def test_the_adversary_works_out_figures_the_primary_rule_alone_withholds():
    truth = _cube(0)
    published = suppress_frame(truth, {"contacts"}, proportions={"failure_demand_pct"})
    _, found = _recovered(truth, published)
    assert found
    for _key, (numerator, denominator), real in found:  # and it works them out exactly
        assert numerator == pytest.approx(real["numerator"])
        assert real["denominator"] is None or denominator == real["denominator"]


# ---- the same adversary against `python -m metrics export --publish` on a real warehouse --------

def _small_warehouse(engine, folder) -> None:
    rng = random.Random(7)
    rows = []
    for service in ("Waste", "Housing", "Parking"):
        for channel in ("phone", "web", "email"):
            for month in (1, 2):
                rows += [contact(utc(2024, month, 1 + i, 10), channel, service,
                                 f"cust-{service}-{i}", demand_type=rng.choice(
                                     ["value", "failure", None]), safeguarding=i < 2)
                         for i in range(rng.choice([0, 1, 2, 3, 4, 6, 9, 14]))]
    result = ingest_file(engine, "contacts", write_csv(contacts(*rows), folder / "c.csv"))
    assert result.status == "loaded", result


def test_no_figure_withheld_by_publish_exports_can_be_worked_out(engine, tmp_path):
    _small_warehouse(engine, tmp_path)
    truth = pl.concat([export_frame(engine, Query(by=by)) for by in GROUPINGS])
    # Everything the four exports publish, read together.
    published = pl.concat([pl.read_csv(io.StringIO(_export(engine, by)), infer_schema=False)
                           for by in GROUPINGS]).with_columns(
        pl.col("numerator", "denominator", "value").cast(pl.String))
    published = truth.select("month", "service", "channel", "kpi").join(
        published, on=["month", "service", "channel", "kpi"], how="left", maintain_order="left")
    assert published.height == truth.height
    withheld, found = _recovered(truth, published)
    assert withheld > 20
    assert found == []


def _export(engine, by) -> str:
    out = io.StringIO()
    write_export(engine, out, Query(by=by), publish=True)
    return out.getvalue()
