#!/usr/bin/env bash
# Creates .venv with the project and its dependencies; with "test", also the test tools,
# headless Chromium and a Chinese font (Debian packages) for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}
if [ "$want_test" = test ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
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
