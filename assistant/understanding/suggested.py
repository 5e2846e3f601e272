"""Questions offered as buttons before a conversation starts (knowledge/help/questions.yaml)."""
from __future__ import annotations

from functools import lru_cache

from ..knowledge.files import knowledge_path, read_yaml


@lru_cache(maxsize=1)
def _questions() -> dict:
    return read_yaml(knowledge_path("help", "questions.yaml"))


def suggested_questions(region: str | None) -> list[str]:
    """The questions to offer for a region as the 问答 page names it (the default list otherwise)."""
    found = _questions()
    return list(found.get(region or "", None) or found["default"])
