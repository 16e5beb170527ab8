#!/usr/bin/env bash
# Install, build the demo council on first start (progress shown), and open the dashboard.
# Uses WAREHOUSE_URL when set; otherwise the embedded SQLite file data/warehouse.db.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
if [ -z "${WAREHOUSE_URL:-}" ] && [ ! -s data/warehouse.db ]; then
  echo "First start: building the demo council (about a minute)…"
  .venv/bin/python -m pipelines demo
fi
exec .venv/bin/python -m streamlit run app.py --browser.gatherUsageStats false "$@"
