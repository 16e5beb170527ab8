"""A demo-like warehouse whose feed text is hostile: two months of the demo council (a copy of
the suite's `demo_url`), and in its
second month services, reasons, failure types, wards, teams, complaint themes and survey
services named with Markdown and HTML that a browser would fetch or follow if it were drawn
as markup. Enough rows carry them that they lead every ranking, Pareto and drill-down."""

import csv
from pathlib import Path

from data.warehouse import get_engine
from pipelines.ingest import ingest_file
from tests.once import sqlite_copy

MONTH = "2023-12"  # the demo's second month, where the pages open
EVIL = "evil.example"
PIXEL = "/pixel.png"
PER_NAME = 1500  # contacts per hostile name: more than any demo service has in a month


def hostile_names(port: int) -> list[str]:
    """An image that would fetch 127.0.0.1:port/pixel.png, a Markdown link and an HTML link."""
    return [f"![t](http://127.0.0.1:{port}{PIXEL})", f"[click](http://{EVIL})",
            f'<a href="http://{EVIL}">x</a>']


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _contacts(names: list[str]) -> list[list[str]]:
    rows = []
    for n, name in enumerate(names):
        for i in range(PER_NAME):
            day, minute = 1 + i % 28, i % 600
            other = names[(n + 1) % len(names)]
            rows.append([f"hostile-{n}-{i}", f"2023-12-{day:02d}T{8 + minute // 60:02d}:"
                         f"{minute % 60:02d}:00Z", ("phone", "email", "web")[i % 3], name,
                         other, "failure" if i % 2 else "value",
                         other if i % 2 else "", name, other, f"cust-h{i % 400}",
                         "true" if i % 3 else "false"])
    return rows


def _complaints(names: list[str]) -> list[list[str]]:
    return [[f"hostile-k{n}-{i}", "complaint", "1", f"2023-12-{1 + i % 20:02d}", name,
             names[(n + 1) % len(names)], names[(n + 2) % len(names)]]
            for n, name in enumerate(names) for i in range(40)]


def _responses(names: list[str]) -> list[list[str]]:
    return [[f"hostile-r{n}-{i}", f"2023-12-{1 + i % 28:02d}T10:00:00Z", "phone", name,
             str(1 + i % 5), str(i % 11), f"{name} was fine"]
            for n, name in enumerate(names) for i in range(60)]


def build_hostile(demo_url: str, folder: Path, port: int) -> str:
    """A copy of the two months' demo warehouse at `demo_url` in `folder`, with the hostile rows
    loaded through the real ingest; returns its URL."""
    url = sqlite_copy(demo_url, folder / "warehouse.db")
    engine = get_engine(url)
    names = hostile_names(port)
    files = {
        "contacts": _write(folder / "hostile-contacts.csv", [
            "contact_id", "received_at", "channel", "service", "reason", "demand_type",
            "failure_type", "ward", "team", "customer_ref", "resolved_at_first_point"],
            _contacts(names)),
        "complaints": _write(folder / "hostile-complaints.csv", [
            "complaint_id", "kind", "stage", "received_on", "service", "category", "ward"],
            _complaints(names)),
        "satisfaction": _write(folder / "hostile-satisfaction.csv", [
            "response_id", "responded_at", "channel", "service", "csat", "nps", "comment"],
            _responses(names)),
    }
    for feed, path in files.items():
        result = ingest_file(engine, feed, path)
        assert (result.status, result.rows_quarantined) == ("loaded", 0), result
    return url
