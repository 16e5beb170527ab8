#!/usr/bin/env bash
# Install, build the demo council on first start (progress shown), and open the dashboard.
# Uses WAREHOUSE_URL when set; otherwise the embedded SQLite file data/warehouse.db.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
if [ -z "${WAREHOUSE_URL:-}" ]; then
  # First start on the embedded warehouse: generate and load the demo council, with progress.
  .venv/bin/python -m pipelines demo --if-empty
  # Every role for every visitor, under a banner; the dashboard refuses it unless the warehouse
  # holds the demo council only.
  export ONCE_AND_DONE_DEMO="${ONCE_AND_DONE_DEMO:-1}"
fi
exec .venv/bin/python -m streamlit run serve.py --browser.gatherUsageStats false "$@"
