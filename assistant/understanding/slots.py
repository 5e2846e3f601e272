"""The facts a question states, in the contract's codes: region, identities, insurance, kind of visit,
hospital level, place, referral (with its negation: 没转诊 is not referred), amounts and their roles,
and the month of the visit. Nothing the text does not say.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..knowledge.files import knowledge_path, read_yaml
from ..knowledge.store import knowledge
from ..lexicon import lexicon
from .amounts import amounts_in
from .vocabulary import from_pinyin, vocabulary

# Words just before an amount that say what the amount is.
ROLE_WORDS = {
    "out_of_catalog": ("目录外", "全自费", "自费", "不能报", "医保外"),
    "basic_paid": ("医保报", "医保报销", "医保报了", "统筹支付", "基本医保", "医保支付", "报了", "医保给报了", "统筹报了"),
    "per_capita_income": ("人均可支配收入", "人均收入"),
}
WORD_FIELDS = ("identities", "insurance", "contribution_tier", "kind", "hospital_level", "location", "referral")
NEGATION = ("没有经过", "没经过", "没有", "未经", "没", "未", "不")
VISIT_MONTH = re.compile(r"(20\d\d)\s*年\s*(1[0-2]|0?[1-9])\s*月")
VISIT_DAY = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, str, str], ...]:
    """(word, field, code), longest words first so 门诊慢特病 wins over 门诊 and 未转诊 over 转诊."""
    words = []
    for field in WORD_FIELDS:
        for word, code in lexicon()["lookup"][field].items():
            if len(word) >= 2 and not word.isascii():  # 是/否 and the codes themselves are not free text
                words.append((word, field, code))
    return tuple(sorted(words, key=lambda item: (-len(item[0]), item[0])))


@lru_cache(maxsize=1)
def _disease_words() -> tuple[str, ...]:
    """Names and everyday words of the diseases the documents list (knowledge/diseases.yaml, when there)."""
    path = knowledge_path("diseases.yaml")
    if not path.exists():
        return ()
    words = set()
    for listing in (read_yaml(path) or {}).get("lists", {}).values():
        for disease in listing.get("diseases", ()):
            words.update(str(w) for w in (disease.get("name"), disease.get("shown"), *disease.get("aliases", ())) if w)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _inferred_hospitals() -> frozenset[str]:
    return frozenset(knowledge()["lexicon"].get("hospital_inferred", ()))


@lru_cache(maxsize=1)
def _unclear_hospitals() -> tuple[str, ...]:
    return tuple(sorted(knowledge()["lexicon"].get("hospital_unclear", ()), key=len, reverse=True))


def read_slots(text: str) -> dict:
    """Everything the text says that a case needs; nothing it does not say."""
    text = from_pinyin(text or "")
    slots: dict = {}
    taken = [False] * len(text)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(start: int, end: int) -> None:
        taken[start:end] = [True] * (end - start)

    for name, doc_id in vocabulary().region_names:
        if name.isascii():
            continue
        at = text.find(name)
        if at >= 0 and free(at, at + len(name)):
            slots.setdefault("policy", doc_id)
            slots.setdefault("region", name)
            take(at, at + len(name))
    for match in VISIT_MONTH.finditer(text):
        slots.setdefault("date", f"{match.group(1)}-{int(match.group(2)):02d}-01")
        take(match.start(), match.end())
    for match in VISIT_DAY.finditer(text):
        slots.setdefault("date", match.group(0))
        take(match.start(), match.end())
    for word, field, code in _vocabulary():
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if free(start, end):
                take(start, end)
                if field == "referral" and code == "referred" and _negated(text, start):
                    code = "not_referred"
                if field == "hospital_level" and word in _inferred_hospitals() and "hospital_level" not in slots:
                    slots["hospital_guess"] = word
                if field == "identities":
                    slots.setdefault("identities", [])
                    if code not in slots["identities"]:
                        slots["identities"].append(code)
                else:
                    slots.setdefault(field, code)
            start = text.find(word, end)
    lowered = text.lower()
    for word in _disease_words():
        at = lowered.find(word.lower())
        if at >= 0 and free(at, at + len(word)):
            slots["disease"] = text[at:at + len(word)]  # as the person said it; the core reads everyday words
            take(at, at + len(word))
            break
    if "hospital_level" not in slots:
        for word in _unclear_hospitals():
            at = text.find(word)
            if at >= 0 and free(at, at + len(word)):
                slots["hospital_named"] = word
                take(at, at + len(word))
                break
    for amount in amounts_in(text):
        if not free(amount.start, amount.end):
            continue
        before = text[max(0, amount.start - 8):amount.start]
        role = next((r for r, words in ROLE_WORDS.items() if any(w in before for w in words)), "total")
        if role not in slots:
            slots[role] = amount.value
            if role == "total" and amount.approximate:
                slots["total_approximate"] = True
    return slots


def _negated(text: str, start: int) -> bool:
    """没转诊, 未经转诊, 没有经过转诊: a negation right before the word."""
    return any(text[max(0, start - len(word)):start] == word for word in NEGATION)
