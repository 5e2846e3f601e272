"""Help texts for the self-check's questions in each region's own words (knowledge/help/regions.yaml)."""
from __future__ import annotations

from functools import lru_cache

from ..knowledge.files import knowledge_path, read_yaml


@lru_cache(maxsize=1)
def _texts() -> dict:
    return read_yaml(knowledge_path("help", "regions.yaml"))


def region_help(policy: str | None) -> dict:
    """{levels: {code: examples}, level_unsure, ask, where_to_apply} for a policy pack id (default otherwise)."""
    texts = _texts()
    found = dict(texts["default"])
    found.update(texts.get(policy or "", {}) or {})
    return found
