"""Direct answers to "how much" questions, from the policy pack's own parameters: the figure for that
person in one sentence ("低保对象大病保险起付标准是7000元（14000元降低50%），…"), each figure with the
clause its value is quoted from. Only parameters grounded in a clause are used, never local
configuration; when the question does not say which benefit it means, there is no direct answer.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from ..knowledge.store import knowledge, packs
from ..lexicon import name_of

# Which benefit a question is about: words -> the prefix of the pack's parameter names.
TIER_WORDS = (
    (("倾斜救助", "倾斜"), "tilted_aid."),
    (("重特大疾病", "重特大"), "major_illness_aid."),
    (("大病保险", "大病"), "critical_illness."),
    (("医疗救助", "救助"), "medical_aid."),
    (("乙类",), "category_b_self_pay"),
    (("目录外", "自费药", "自费"), "flags.out_of_catalog_share"),
    (("因病返贫",), "flags.return_to_poverty_share"),
    (("因病致贫监测", "致贫监测"), "flags.impoverishment_share"),
    (("门诊", "住院", "基本医保", "医保"), "basic."),
)
MEASURE_WORDS = {
    "deductible": ("起付", "门槛"),
    "ratio": ("比例", "几成", "报多少", "百分之", "报销多少", "自付多少", "先自付", "自付几成"),
    "limit": ("限额", "封顶", "最多", "最高"),
}
LEVEL_NAMES = {"township": "乡镇卫生院", "level1": "一级", "level2": "二级", "level3": "三级"}
INSURANCE_NAMES = {"resident": "城乡居民", "employee": "职工"}
# Words a description uses for several identities at once.
GROUP_WORDS = {"困难群体": ("extreme_poverty", "minimum_living", "near_minimum_living"),
               "困难群众": ("extreme_poverty", "orphan", "minimum_living", "near_minimum_living", "monitored_at_risk")}
NO_LIMIT = ("不设最高支付限额", "取消封顶线")


@lru_cache(maxsize=1)
def _identity_names() -> dict[str, tuple[str, ...]]:
    return {code: tuple(str(n) for n in names) for code, names in knowledge()["lexicon"]["identities"].items()}


def figure_answer(doc_id: str, text: str, slots: dict) -> tuple[str, list[dict]] | None:
    """(sentence, citations) when the question asks a figure the pack of `doc_id` holds; else None."""
    pack = next((p for p in packs().values() if p.document == doc_id), None)
    if pack is None:
        return None
    prefix = next((p for words, p in TIER_WORDS if any(w in text for w in words)), None)
    if prefix is None:
        return None
    measures = [m for m, words in MEASURE_WORDS.items() if any(w in text for w in words)]
    if not measures and not any(w in text for w in ("多少", "几")):
        return None
    identities = list(slots.get("identities") or ())
    for word, codes in GROUP_WORDS.items():
        if word in text:
            identities += [c for c in codes if c not in identities]
    candidates = []
    for name, parameter in pack.parameters.items():
        if not name.startswith(prefix) or name.startswith("statistics."):
            continue
        value = _value(parameter, slots)
        if value is None or getattr(value.source, "quote", None) is None:
            continue  # local configuration is not an answer from the documents
        candidates.append((name, parameter, value))
    candidates = _narrow(candidates, text, slots, [])
    candidates = _for_person(candidates, identities)
    if measures:  # what was asked first, then the rest of that benefit (起付线, 比例, 限额)
        wanted = {"deductible": ("deductible",), "ratio": ("ratio", "bands", "self_pay", "share"), "limit": ("limit",)}
        asked = [c for c in candidates if any(w in c[0] for m in measures for w in wanted[m])]
        if not asked and measures == ["limit"] and candidates:
            return _no_limit_answer(candidates, identities, text)
        if not asked:
            return None
        candidates = asked + [c for c in candidates if c not in asked]
    no_limit = None
    if identities and candidates:
        first = candidates[0][2].source
        no_limit = _no_limit(_clause_text(first.doc, first.clause), identities, candidates)
        if no_limit:  # 不设最高支付限额 for this person: the general limit does not apply to them
            candidates = [c for c in candidates if not ("limit" in c[0] and not _named(c[1].description))]
    candidates = candidates[:3]
    if not candidates:
        return None
    group = next((word for word in GROUP_WORDS if word in text), None)
    who = group or _who(candidates, identities)
    parts, citations = [], []
    for name, parameter, value in candidates:
        parts.append(_phrase(pack, name, parameter, value, slots, first=not parts))
        source = value.source
        if not any((c["doc"], c["clause"]) == (source.doc, source.clause) for c in citations):
            citations.append({"doc": source.doc, "clause": source.clause, "quote": source.quote})
    if no_limit and not any("limit" in name for name, _, _ in candidates) and not any(no_limit in p for p in parts):
        parts.append(no_limit)
    return who + "，".join(parts) + "。", citations


def _value(parameter, slots: dict):
    day = _day(slots)
    if day is not None:
        found = parameter.at(day)
        if found is not None:
            return found
    return parameter.values[-1] if parameter.values else None


def _day(slots: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(slots["date"]) if slots.get("date") else None
    except ValueError:
        return None


def _narrow(candidates: list, text: str, slots: dict, measures: list[str]) -> list:
    def keep(test):
        kept = [c for c in candidates if test(c[0])]
        return kept or candidates

    if "门诊" in text and "慢" not in text:
        candidates = keep(lambda n: "outpatient" in n or "inpatient" not in n)
    elif "住院" in text:
        candidates = keep(lambda n: "inpatient" in n or "outpatient" not in n)
    insurance = slots.get("insurance") or ("employee" if "职工" in text else "resident")
    # never another insurance's figure: 职工 asked and only 城乡居民's cited -> no direct answer
    candidates = [c for c in candidates if f".{insurance}." in c[0] or (".resident." not in c[0] and ".employee." not in c[0])]
    tier = slots.get("contribution_tier") or "high"
    candidates = keep(lambda n: n.endswith(f"_{tier}") or not (n.endswith("_high") or n.endswith("_low")))
    return candidates


def _named(description: str) -> set[str]:
    """Identity codes a parameter's description names (特困人员、孤儿、低保对象 …)."""
    found = set()
    for code, names in _identity_names().items():
        if any(name in description for name in names if len(name) >= 2):
            found.add(code)
    for word, codes in GROUP_WORDS.items():
        if word in description:
            found.update(codes)
    return found


def _for_person(candidates: list, identities: list[str]) -> list:
    """The parameters for this person's identity; for an ordinary insuree, the general ones."""
    general = [c for c in candidates if not _named(c[1].description)]
    if identities:
        own = [c for c in candidates if _named(c[1].description) & set(identities)]
        if own:
            # a general figure the identity's own ones do not replace (a ratio when only the 起付 differs)
            kinds = {_measure(c[0]) for c in own}
            return own + [c for c in general if _measure(c[0]) not in kinds and "_share" not in c[0]]
        if any(_named(c[1].description) for c in candidates) and not general:
            return []
    return general or candidates if not identities else general


def _measure(name: str) -> str:
    for key in ("deductible", "limit", "bands", "ratio"):
        if key in name:
            return "ratio" if key == "bands" else key
    return name


def _who(candidates: list, identities: list[str]) -> str:
    if identities and any(_named(c[1].description) & set(identities) for c in candidates):
        return name_of("identities", identities[0])
    return ""


def _phrase(pack, name: str, parameter, value, slots: dict, first: bool) -> str:
    description = parameter.description
    for word in _all_names():
        description = description.replace(word, "")
    for word in GROUP_WORDS:
        description = description.replace(word, "")
    description = re.sub(r"^[、，,\s]+", "", re.sub(r"、+", "、", description))
    main, paren = description, ""
    match = re.match(r"^(.*?)（(.*)）$", description)
    if match:
        main, paren = match.group(1), match.group(2)
    figure = _figure(value.value, parameter.unit, slots)
    if paren.startswith("占") and paren.endswith("的比例"):
        return f"{main}是{paren[1:-3]}的{figure}"
    if "_share" in name and "deductible" in name and "statistics.per_capita_income" in pack.parameters:
        base = re.sub(r"（.*）$", "", pack.parameters["statistics.per_capita_income"].description)
        return f"{main}是{base}的{figure}" + (f"（{paren}）" if paren else "")
    return f"{main}是{figure}" + (f"（{paren}）" if paren else "")


@lru_cache(maxsize=1)
def _all_names() -> tuple[str, ...]:
    """Every identity name, longest first (低保边缘家庭成员 before 低保)."""
    names = {n for group in _identity_names().values() for n in group if len(n) >= 2}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def _figure(value, unit: str, slots: dict) -> str:
    if isinstance(value, dict):
        wanted = slots.get("hospital_level") if set(value) <= set(LEVEL_NAMES) else slots.get("insurance")
        if wanted in value:
            return _figure(value[wanted], unit, slots)
        shown = {}
        for key, item in value.items():
            shown.setdefault(_figure(item, unit, slots), []).append(LEVEL_NAMES.get(key) or INSURANCE_NAMES.get(key, key))
        if len(shown) == 1:
            return next(iter(shown))
        return "、".join(f"{'、'.join(keys)}{figure}" for figure, keys in shown.items())
    if unit == "bands" or isinstance(value, list):
        parts, low = [], None
        for band in value:
            upto = band.get("upto") if isinstance(band, dict) else getattr(band, "upto", None)
            ratio = band.get("ratio") if isinstance(band, dict) else getattr(band, "ratio", None)
            span = (f"起付线至{_yuan(upto)}" if low is None else f"{_yuan(low)}至{_yuan(upto)}") if upto else \
                f"{_yuan(low)}以上" if low else "起付线以上"
            parts.append(f"{span}{_percent(ratio)}")
            low = upto
        return "、".join(parts)
    if unit == "ratio":
        return _percent(value)
    if unit == "yuan":
        return _yuan(value)
    return str(value)


def _percent(value) -> str:
    number = Decimal(str(value)) * 100
    return f"{number.normalize():f}%"


def _yuan(value) -> str:
    number = Decimal(str(value))
    if number >= 10000 and number % 10000 == 0:
        return f"{(number / 10000).normalize():f}万元"
    return f"{number.normalize():f}元"


def _clause_text(doc_id: str, clause_id: str) -> str:
    from ..knowledge.store import documents
    clause = documents()[doc_id].clause(clause_id)
    return clause.text if clause is not None else ""


def _no_limit_answer(candidates: list, identities: list[str], text: str) -> tuple[str, list[dict]] | None:
    """"低保户大病保险有封顶吗": the clause's own words when it lifts the limit for this person."""
    source = candidates[0][2].source
    clause_text = _clause_text(source.doc, source.clause)
    phrase = _no_limit(clause_text, identities, candidates)
    if not phrase:
        return None
    sentence = next(s for s in re.split(r"[。；]", clause_text) if phrase in s)
    quote = sentence[:sentence.find(phrase) + len(phrase)].strip()
    group = next((word for word in GROUP_WORDS if word in text), None)
    who = group or name_of("identities", identities[0])
    benefit = next(words[0] for words, prefix in TIER_WORDS if candidates[0][0].startswith(prefix))
    return f"{who}的{benefit}{phrase}。", [{"doc": source.doc, "clause": source.clause, "quote": quote}]


def _no_limit(clause_text: str, identities: list[str], candidates: list) -> str | None:
    """'不设最高支付限额' said in the clause's sentence about this person's identity."""
    if not identities:
        return None
    names = [n for code in identities for n in _identity_names().get(code, ()) if len(n) >= 2]
    names += [w for w, codes in GROUP_WORDS.items() if set(codes) & set(identities)]
    for sentence in re.split(r"[。；]", clause_text):
        if any(n in sentence for n in names):
            for phrase in NO_LIMIT:
                if phrase in sentence:
                    return phrase
    return None
