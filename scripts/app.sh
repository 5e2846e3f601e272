#!/usr/bin/env bash
# Installs the project into .venv and starts the app on http://localhost:8501 (SQLite, no server to set up).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py --server.headless true "$@"
