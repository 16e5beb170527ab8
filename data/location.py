"""Where the warehouse is, told without importing SQLAlchemy: `WAREHOUSE_URL`, else the SQLite
file beside the code; and the file that a plain SQLite URL names.

A re-sent file is answered on a SQLite warehouse before SQLAlchemy is imported
(`data.sqlite_log`), so these stay in a module of their own.
"""

import os
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "warehouse.db"
# The URL forms of one SQLite file that SQLAlchemy reads as the path after the third slash.
SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


def warehouse_url() -> str:
    return os.environ.get("WAREHOUSE_URL") or f"sqlite:///{DEFAULT_PATH}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (`sqlite:///data/warehouse.db`, `sqlite:////srv/w.db`);
    None for any other URL, including SQLite URLs with options (`?mode=ro`), escapes or none
    (in memory), which only SQLAlchemy reads as it means."""
    prefix = next((p for p in SQLITE_PREFIXES if url.startswith(p)), None)
    path = url.removeprefix(prefix) if prefix else ""
    return Path(path) if path and not set(path) & set("?#%") else None
