"""`ask`: one question in ordinary Chinese, one answer with its clauses (CONTRACT.md's answer shape).

A question that states a bill (an amount and what it was for) is settled by the core once the
facts it needs are there; otherwise the missing one is asked for. Any other question is looked
up in the documents; nothing found means saying so, never citing something loosely related.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..errors import InputError
from ..knowledge.store import documents, packs, tier_codes, tier_name
from ..lexicon import lexicon, name_of
from ..money import yuan
from .slots import read_slots

BILL_WORDS = ("报销", "报多少", "能报", "自付", "花了", "自己付", "自己出", "掏", "花费", "费用", "一共")
FOLLOW_UPS = {
    "policy": "请问您在哪个地区参保？（例如巴彦淖尔市、天津市）",
    "kind": "请问这次是住院、普通门诊，还是门诊慢特病？",
    "hospital_level": "请问是在几级医院？（乡镇卫生院、一级、二级、三级）",
}
_SENTENCES = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def ask(question: str, policy: str | None = None, region: str | None = None) -> dict:
    text = (question or "").strip()
    if not text:
        raise InputError("请输入一个问题，例如“低保户住院大病保险起付线是多少？”")
    slots = read_slots(text)
    if region and "policy" not in slots:
        slots.update({k: v for k, v in read_slots(region).items() if k in ("policy", "region")})
    if policy:
        slots["policy"] = policy
    if "total" in slots and ("kind" in slots or any(word in text for word in BILL_WORDS)):
        return _bill(slots)
    return _lookup(text, slots)


def _settling_pack(slots: dict):
    pack = packs().get(slots.get("policy") or "")
    return pack if pack is not None and pack.settles else None


def _bill(slots: dict) -> dict:
    pack = _settling_pack(slots)
    missing = [name for name in ("policy", "kind") if name not in slots or (name == "policy" and pack is None)]
    if slots.get("kind") == "inpatient" and "hospital_level" not in slots:
        missing.append("hospital_level")
    shown = _shown(slots)
    if missing:
        lead = "" if pack is not None or "policy" not in slots else "这个地区的文件不能用来计算报销金额。"
        return {"answer": lead + "要估算能报多少，还需要知道一件事。", "citations": [], "slots": shown,
                "follow_up": FOLLOW_UPS[missing[0]], "settlement": None}
    from ..settlement import settle
    day = dt.date.today() if pack.covers(dt.date.today()) else pack.valid_from  # a bill with no date: this year's
    visit = {"date": day.isoformat(), "kind": slots["kind"], "total": slots["total"]}
    for name in ("hospital_level", "location", "referral", "out_of_catalog", "basic_paid"):
        if name in slots:
            visit[name] = slots[name]
    case = {"policy": pack.id, "visits": [visit]}
    for name in ("insurance", "contribution_tier", "identities", "per_capita_income"):
        if name in slots:
            case[name] = slots[name]
    try:
        result = settle(case)
    except InputError as error:
        return {"answer": f"这笔费用还不能计算：{error.message}", "citations": [], "slots": shown,
                "follow_up": "请核对金额后再问一次。", "settlement": None}
    result["assumptions"].insert(0, f"问题里没有说就诊日期，按今年（{day}）的{pack.name}计算")
    return {"answer": _bill_words(pack, result, "basic_paid" in slots), "citations": _bill_citations(result), "slots": shown,
            "follow_up": None, "settlement": result}


def _bill_words(pack, result: dict, from_slip: bool) -> str:
    totals = result["totals"]
    paid = "，".join(f"{tier_name(t)} {yuan(totals[t])} 元" for t in tier_codes() if totals[t] > 0)
    who = name_of("identities", result["identity_applied"])
    words = (f"按{pack.name}估算（{who}）：总费用 {yuan(totals['total'])} 元，"
             f"{paid or '各项均不支付'}，个人自付约 {yuan(totals['out_of_pocket'])} 元。")
    if not from_slip:
        words += "基本医保是按假设的起付线和比例估的，有医院结算单的，说出“医保报了多少”可以算得更准。"
    return words + "以医院“一站式”结算为准。"


def _bill_citations(result: dict) -> list[dict]:
    found = []
    for visit in result["visits"]:
        for tier in visit["tiers"]:
            if tier["amount"] > 0:
                for citation in tier["citations"]:
                    item = {**citation, "status": documents()[citation["doc"]].status}
                    if item not in found:
                        found.append(item)
    return found


def _shown(slots: dict) -> dict:
    return {k: v for k, v in slots.items() if k != "region"}


def _topic_groups(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each policy word of the question with the words the documents use for it."""
    synonyms = lexicon()["topic_synonyms"]
    return [(word, (word, *synonyms.get(word, ()))) for word in lexicon()["topics"] if word in text]


@lru_cache(maxsize=1)
def _sentences() -> tuple[tuple[str, str, str, int], ...]:
    """(doc, clause, sentence, order) for every sentence of every document, in document order."""
    rows = []
    for order, doc in enumerate(documents().values()):
        for clause in doc.clauses:
            for match in _SENTENCES.finditer(clause.text):
                sentence = match.group(0).strip()
                if len(sentence) > 4:
                    rows.append((doc.id, clause.id, sentence, order))
    return tuple(rows)


def _lookup(text: str, slots: dict) -> dict:
    groups = _topic_groups(text)
    preferred = slots.get("policy")
    scored = []
    for doc_id, clause_id, sentence, order in _sentences():
        covered = [word for word, alternatives in groups if any(a in sentence for a in alternatives)]
        weight = sum(len(word) for word in covered)
        # one short common word (住院, 门诊) is too loose to answer with
        if len(covered) >= 2 or (covered and len(covered[0]) >= 4):
            status = documents()[doc_id].status
            scored.append((-weight, doc_id != preferred, status != "current", order, doc_id, clause_id, sentence))
    scored.sort()
    citations, seen = [], set()
    for *_, doc_id, clause_id, sentence in scored:
        if (doc_id, clause_id) in seen:
            continue
        seen.add((doc_id, clause_id))
        citations.append({"doc": doc_id, "clause": clause_id, "quote": sentence,
                          "status": documents()[doc_id].status})
        if len(citations) == 3:
            break
    if not citations:
        return _nothing(slots)
    first = citations[0]
    doc = documents()[first["doc"]]
    answer = f"《{doc.title}》{first['clause']}规定：“{first['quote']}”"
    if doc.status != "current":
        answer += f"（注意：这份文件是{doc.status_name}，不是现行的报销规则。）"
    return {"answer": answer, "citations": citations, "slots": _shown(slots), "follow_up": None,
            "settlement": None}


def _nothing(slots: dict) -> dict:
    return {"answer": "现有的政策文件里没有找到能回答这个问题的规定。可以换个说法再问，或向当地医保经办机构咨询。",
            "citations": [], "slots": _shown(slots), "follow_up": None, "settlement": None}
