#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (SQLite and PostgreSQL).
# PostgreSQL tests use 127.0.0.1:5432/test (override with TEST_POSTGRES_URL); without a server
# they skip, unless ONCE_AND_DONE_REQUIRE_POSTGRES=1 makes that a failure (as .ci/run does).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# Browser tests drive the system's Chromium; without it they skip (or fail, with
# ONCE_AND_DONE_REQUIRE_BROWSER=1, as .ci/run sets). Never `playwright install`: it downloads.
# The document tests read PDFs with poppler's pdftotext and pdftoppm. The deployment tests
# (tests/deploy) check deploy/ with nginx, systemd-analyze and PostgreSQL's client tools.
if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftoppm ] || [ ! -x /usr/sbin/nginx ] ||
     [ ! -x /usr/bin/systemd-analyze ] || [ ! -x /usr/bin/pg_dump ]; } &&
   [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
      poppler-utils nginx-light systemd postgresql-client >/dev/null; } ||
    echo "test.sh: could not install chromium, poppler-utils, nginx-light, systemd and postgresql-client: browser and deployment tests skip, document tests fail" >&2
fi
# Lint and import order first: a violation fails the run before the suite starts.
.venv/bin/ruff check .
# Two processes (these machines have two cores); each module's tests, and the browser tests
# together, stay in one of them (tests/conftest.py). TEST_WORKERS=0 runs all in this process.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
