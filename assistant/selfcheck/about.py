"""Facts for the app's 关于 page that come from the knowledge itself, never from the clock or git:
the newest document, the newest external source the packs cite, and when the rules were read."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..knowledge.store import documents, packs


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _published(item, seen: set | None = None, depth: int = 0) -> list[dt.date]:
    """Every `published` date inside a pack (the sources of its parameters), found by walking it once
    (the walk remembers what it visited: a pack's parts refer back to the pack)."""
    seen = set() if seen is None else seen
    if depth > 12 or id(item) in seen or isinstance(item, (str, bytes, int, float)):
        return []
    seen.add(id(item))
    found = []
    if isinstance(item, dict):
        for key, value in item.items():
            if key == "published" and _as_date(value):
                found.append(_as_date(value))
            else:
                found += _published(value, seen, depth + 1)
    elif isinstance(item, (list, tuple)):
        for value in item:
            found += _published(value, seen, depth + 1)
    elif hasattr(item, "__dict__"):
        found += _published(vars(item), seen, depth + 1)
    return found


@lru_cache(maxsize=1)
def knowledge_dates() -> dict:
    """{"newest_document": date, "newest_source": date or None, "rules_read": date or None}."""
    docs = [d for d in (_as_date(doc.date) for doc in documents().values()) if d]
    sources = [d for pack in packs().values() for d in _published(pack)]
    read = [d for d in (_as_date(getattr(pack, "reviewed", None)) for pack in packs().values()) if d]  # A: pack.reviewed
    return {"newest_document": max(docs) if docs else None, "newest_source": max(sources) if sources else None,
            "rules_read": max(read) if read else None}


def last_update() -> str:
    """The newest date the knowledge itself names (documents and the external sources it cites)."""
    dates = knowledge_dates()
    newest = max((d for d in (dates["newest_document"], dates["newest_source"]) if d), default=None)
    return newest.isoformat() if newest else "未知"
