#!/usr/bin/env bash
# Installs the project into .venv and starts the app on http://localhost:8501 (SQLite, no server to set up).
# As root on Debian/Ubuntu it also installs fonts-noto-cjk, the Chinese font the pages and the printable
# summary name ("Noto Sans CJK SC"), so Chinese never shows as empty boxes on a kiosk or server.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  # fonts-noto-cjk: Chinese in pages and the 明白纸; espeak-ng: 朗读结果; poppler-utils: the 明白纸 as a picture
  missing=""
  for deb in fonts-noto-cjk espeak-ng poppler-utils; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing="$missing $deb"
  done
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py --server.headless true "$@"
