"""The facts a question states: region, identities, kind of visit, hospital level, amounts."""
from __future__ import annotations

from functools import lru_cache

from ..knowledge.store import documents, packs
from ..lexicon import lexicon
from .amounts import amounts_in

# Words just before an amount that say what the amount is.
ROLE_WORDS = {
    "out_of_catalog": ("目录外", "全自费", "自费", "不能报"),
    "basic_paid": ("医保报", "医保报销", "医保报了", "统筹支付", "基本医保", "医保支付", "报了"),
    "per_capita_income": ("人均可支配收入", "人均收入"),
}
WORD_FIELDS = ("identities", "insurance", "contribution_tier", "kind", "hospital_level", "location", "referral")


@lru_cache(maxsize=1)
def _vocabulary() -> list[tuple[str, str, str]]:
    """(word, field, code), longest words first so 门诊慢特病 wins over 门诊 and 未转诊 over 转诊."""
    words = []
    for field in WORD_FIELDS:
        for word, code in lexicon()["lookup"][field].items():
            if len(word) >= 2 and not word.isascii():  # 是/否 and the codes themselves are not free text
                words.append((word, field, code))
    return sorted(words, key=lambda item: -len(item[0]))


@lru_cache(maxsize=1)
def _regions() -> list[tuple[str, str]]:
    """(place name, document id): every pack's region and aliases, then every document's region."""
    names = []
    for pack in packs().values():
        names += [(name, pack.id) for name in (pack.region, *pack.region_aliases)]
    for doc in documents().values():
        names.append((doc.region, doc.id))
    return sorted(names, key=lambda item: -len(item[0]))


def read_slots(text: str) -> dict:
    """Everything the text says that a case needs; nothing it does not say."""
    slots: dict = {}
    taken = [False] * len(text)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    for name, doc_id in _regions():
        at = text.find(name)
        if at >= 0 and free(at, at + len(name)):
            slots.setdefault("policy", doc_id)
            slots.setdefault("region", name)
            taken[at:at + len(name)] = [True] * len(name)
    for word, field, code in _vocabulary():
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if free(start, end):
                taken[start:end] = [True] * len(word)
                if field == "identities":
                    slots.setdefault("identities", [])
                    if code not in slots["identities"]:
                        slots["identities"].append(code)
                else:
                    slots.setdefault(field, code)
            start = text.find(word, end)
    for start, end, value in amounts_in(text):
        if not free(start, end):
            continue
        before = text[max(0, start - 8):start]
        role = next((r for r, words in ROLE_WORDS.items() if any(w in before for w in words)), "total")
        slots.setdefault(role, value)
    return slots
