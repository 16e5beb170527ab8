"""Hostile files are answered, not crashed on (`docs/feeds.md`, "Command-line contract"): exit 1
with a one-line message naming the file, the row or the rule, the `--json` object, and a
`load_log` row for a file rejected whole; or, where only some rows are at fault, those rows
quarantined and the rest loaded. On both warehouses, through the real command line.
"""

import json
import uuid

import pytest

from data.warehouse import get_engine
from pipelines.cli import main
from tests.pipelines.helpers import rows

HEADER = "contact_id,received_at,channel,service,reason\n"
GOOD = "C-{n},2024-01-10 09:00,phone,Waste,Missed bin\n"
CSV_FIELD_LIMIT = 131_072  # the csv module's default limit, which once rejected whole files


@pytest.fixture
def cli_url(warehouse_url, monkeypatch) -> str:
    """The test's warehouse as WAREHOUSE_URL, under a URL of its own: the command line keeps one
    engine per URL per process, and each PostgreSQL test empties the same schema."""
    url = warehouse_url
    if url.startswith("postgresql"):
        url += f"&application_name=t{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("WAREHOUSE_URL", url)
    return url


@pytest.fixture
def ingest(cli_url, capsys, tmp_path):
    """`python -m pipelines ingest contacts FILE --json [ARGS]` on the test's warehouse:
    (exit status, the JSON object, standard error)."""

    def run(name: str, content: bytes, *args: str) -> tuple[int, dict, str]:
        path = tmp_path / name
        path.write_bytes(content)
        status = main(["ingest", "contacts", str(path), "--json", *args])
        out, err = capsys.readouterr()
        assert len(out.splitlines()) == 1, out[:500]
        return status, json.loads(out), err

    return run


def _table(url: str, table: str, order_by: str | None = None) -> list[dict]:
    return rows(get_engine(url), table, order_by=order_by)


def test_a_50_mb_single_line_is_a_rejected_file(ingest, cli_url):
    status, answer, _ = ingest("one-line.csv", b"contact_id" + b"x" * 50_000_000)
    assert status == 1
    assert answer["status"] == "rejected"
    assert answer["errors"] == ["one-line.csv: missing required column(s): contact_id, "
                                "received_at, channel, service"]
    logged = _table(cli_url, "load_log", "load_id")
    assert [(r["file_name"], r["status"]) for r in logged] == [("one-line.csv", "rejected")]


def test_a_50_mb_cell_quarantines_its_row_only(ingest, cli_url):
    huge = "C-2,2024-01-10 09:00,phone,Waste," + "x" * 50_000_000 + "\n"
    status, answer, _ = ingest("huge-cell.csv", (HEADER + GOOD.format(n=1) + huge).encode())
    assert (status, answer["status"], answer["rows_inserted"], answer["rows_quarantined"]) == (
        0, "loaded", 1, 1)
    assert answer["errors"] == ["huge-cell.csv row 3: reason: longer than 200 characters"]


@pytest.mark.parametrize("internal", ["_row", "_ROW ", "_present", "record_id", "message"])
def test_a_column_named_like_an_internal_one_is_an_ignored_unknown_column(ingest, internal):
    text = (HEADER.strip() + f",{internal}\n" + GOOD.format(n=1).strip() + ",7\n").encode()
    status, answer, _ = ingest("internal.csv", text)
    assert (status, answer["status"], answer["rows_inserted"]) == (0, "loaded", 1)
    assert answer["errors"] == [
        f"internal.csv: ignored unknown column(s): {internal.strip().lower()}"]


def test_a_nul_byte_quarantines_its_row_withheld(ingest, cli_url):
    text = (HEADER + GOOD.format(n=1) + "C-2,2024-01-10 09:00,phone,Wa\x00ste,Missed bin\n"
            + GOOD.format(n=3)).encode()
    status, answer, _ = ingest("nul.csv", text)
    assert (status, answer["status"], answer["rows_inserted"], answer["rows_quarantined"]) == (
        0, "loaded", 2, 1)
    assert answer["errors"] == ["nul.csv row 3: row contains a NUL byte, which text cannot hold"]
    kept = _table(cli_url, "quarantine_rows")
    assert [(r["row_number"], r["raw_text"].startswith("[withheld")) for r in kept] == [(3, True)]


def test_a_nul_byte_in_the_header_is_a_rejected_file(ingest, cli_url):
    status, answer, _ = ingest("nul-header.csv", (b"contact_id,rec\x00eived_at\n"))
    assert (status, answer["status"]) == (1, "rejected")
    assert answer["errors"] == ["nul-header.csv: the header contains a NUL byte (not a text "
                                "file?)"]
    assert [r["status"] for r in _table(cli_url, "load_log", "load_id")] == ["rejected"]


def test_a_source_system_longer_than_the_warehouse_holds_is_a_rejected_file(ingest,
                                                                             cli_url):
    name = "s" * 150
    status, answer, _ = ingest("long-name.csv", (HEADER + GOOD.format(n=1)).encode(),
                               "--source-system", name)
    assert (status, answer["status"], answer["rows_inserted"]) == (1, "rejected", 0)
    assert answer["errors"] == ["long-name.csv: the source system's name is longer than 100 "
                                "characters; nothing was loaded"]
    logged = _table(cli_url, "load_log", "load_id")
    assert [(r["status"], r["source_system"]) for r in logged] == [
        ("rejected", "s" * 99 + "…")]
    assert _table(cli_url, "fct_contacts") == []


OVER_LONG = "C-2,2024-01-10 09:00,phone,Waste," + "y" * (CSV_FIELD_LIMIT + 10) + "\n"
MISALIGNED = "C-3,2024-01-10 09:00,phone,Waste,Missed, bin\n"


@pytest.mark.parametrize("bad, quarantined", [
    ([OVER_LONG, MISALIGNED], [3, 4]),
    ([OVER_LONG], [3]),
    ([MISALIGNED], [3]),
])
def test_an_over_long_cell_and_a_misaligned_row_quarantine_only_their_rows(
        ingest, cli_url, bad, quarantined):
    text = HEADER + GOOD.format(n=1) + "".join(bad) + GOOD.format(n=5)
    status, answer, _ = ingest("mixed.csv", text.encode())
    assert (status, answer["status"], answer["rows_inserted"], answer["rows_quarantined"]) == (
        0, "loaded", 2, len(bad))
    kept = _table(cli_url, "quarantine_rows", "row_number")
    assert [r["row_number"] for r in kept] == quarantined
    loaded = sorted(r["contact_id"] for r in _table(cli_url, "fct_contacts"))
    assert loaded == ["C-1", "C-5"]
