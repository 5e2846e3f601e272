"""Facts for the app's 关于 page that come from the knowledge itself, never from the clock or git:
the newest document, the newest external source the packs cite, and when the rules were read."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..knowledge.files import knowledge_path
from ..knowledge.store import documents, packs

PUBLISHED = re.compile(r"published:\s*[\"']?(\d{4}-\d{2}-\d{2})")


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _published() -> list[dt.date]:
    """Every `published:` date the policy packs give for their external sources (read from the files)."""
    found = []
    for path in sorted(knowledge_path("policies").glob("*.yaml")):
        for day in PUBLISHED.findall(path.read_text(encoding="utf-8")):
            if _as_date(day):
                found.append(_as_date(day))
    return found


@lru_cache(maxsize=1)
def knowledge_dates() -> dict:
    """{"newest_document": date, "newest_source": date or None, "rules_read": date or None}."""
    docs = [d for d in (_as_date(doc.date) for doc in documents().values()) if d]
    sources = _published()
    read = [d for d in (_as_date(getattr(pack, "reviewed", None)) for pack in packs().values()) if d]  # A: pack.reviewed
    return {"newest_document": max(docs) if docs else None, "newest_source": max(sources) if sources else None,
            "rules_read": max(read) if read else None}


def last_update() -> str:
    """The newest date the knowledge itself names (documents and the external sources it cites)."""
    dates = knowledge_dates()
    newest = max((d for d in (dates["newest_document"], dates["newest_source"]) if d), default=None)
    return newest.isoformat() if newest else "未知"
