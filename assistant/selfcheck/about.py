"""Facts for the app's 关于 page that are not in a document: when the knowledge last changed."""
from __future__ import annotations

import datetime as dt
import subprocess
from functools import lru_cache

from ..knowledge.files import ROOT


@lru_cache(maxsize=1)
def last_update() -> str:
    """Date of the last commit that touched knowledge/ (the newest file's date when git is absent)."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "."], cwd=ROOT, capture_output=True,
                              text=True, timeout=3)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    newest = max((path.stat().st_mtime for path in ROOT.rglob("*.yaml")), default=None)
    return dt.date.fromtimestamp(newest).isoformat() if newest else "未知"
