#!/usr/bin/env bash
# Creates .venv with the project and its dependencies; with "test", also the test tools,
# headless Chromium and a Chinese font (Debian packages) for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}
# Debian packages the tests drive: chromium and the CJK font (browser tests), postgresql (storage
# tests start a throwaway server), a Java runtime (Spark in local mode), espeak-ng (read aloud),
# poppler-utils (PDF to PNG) and zbar-tools (decoding the summary's QR code).
TEST_DEBS="chromium fonts-noto-cjk postgresql default-jre-headless espeak-ng poppler-utils zbar-tools"
if [ "$want_test" = test ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=""
  for deb in $TEST_DEBS; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing="$missing $deb"
  done
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ "$want_test" = test ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
# Bytecode for the project itself, so each start does not recompile it (some environments set
# PYTHONDONTWRITEBYTECODE, which stops Python from caching it on import).
.venv/bin/python -m compileall -q assistant views app.py >/dev/null || true
# The screening kernel's machine code (numba caches it beside the source), so the first screening
# of a roster does not wait several seconds for the compiler.
.venv/bin/python -c "from assistant.screening.engine import warm; warm()" || true
