#!/usr/bin/env bash
# Installs everything the tests need (Python packages, Debian chromium and fonts-noto-cjk) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
