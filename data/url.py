"""The warehouse's URL as a message may name it: never with its password.

`WAREHOUSE_URL` carries the database password (`postgresql+psycopg://user:password@host/db`);
logs, pages, papers and error messages show the URL with `***` in its place, and any text that
reaches them has the password taken out.
"""

import os

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

HIDDEN = "***"


def shown_url(url: str) -> str:
    """`url` without its password, as messages show it."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(WAREHOUSE_URL, which is not a SQLAlchemy URL)"


def url_problem(url: str) -> str | None:
    """Why `url` cannot name a warehouse, in one line that never repeats it (a URL that does not
    parse may hold its password anywhere); None when SQLAlchemy can use it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "WAREHOUSE_URL is not a SQLAlchemy URL (dialect+driver://user@host/database)"
    except ValueError:
        return "WAREHOUSE_URL is not a SQLAlchemy URL (its port is not a number)"
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        return f"WAREHOUSE_URL names no database driver installed here ({parsed.drivername})"
    return None


def without_password(text: str, url: str | None = None) -> str:
    """`text` with the password of `url` (by default `WAREHOUSE_URL`'s) replaced by ***: for
    any message built from a driver's or a library's own words."""
    url = url if url is not None else os.environ.get("WAREHOUSE_URL", "")
    try:
        password = make_url(url).password if url else None
    except (ArgumentError, ValueError):
        return text.replace(url, shown_url(url)) if url else text
    return text.replace(str(password), HIDDEN) if password else text
