"""A bill told in a conversation: what each turn adds to the facts, the one fact still missing (asked
with choices to tap), and the settlement by the core once nothing is missing.

The `state` handed back is plain JSON (amounts as strings) and opaque to callers: the command prints
it, the page keeps it in the session, and the next turn reads a reply ("二级", "三万五", "没转诊")
or a change ("要是低档缴费呢") against it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import InputError
from ..knowledge.store import documents, packs, tiers
from ..lexicon import name_of
from ..money import yuan
from .facts import figure_answer
from .slots import read_slots
from .vocabulary import status_label, vocabulary

STATE_VERSION = 1
AMOUNT_FIELDS = ("total", "out_of_catalog", "basic_paid", "per_capita_income")
PERSON_FIELDS = ("policy", "region", "identities", "insurance", "contribution_tier")
BILL_FIELDS = ("kind", "hospital_level", "hospital_named", "hospital_guess", "location", "referral", "total", "out_of_catalog",
               "basic_paid", "date", "disease")
BILL_WORDS = ("报销", "报多少", "能报", "自付", "花了", "花费", "自己付", "自己出", "掏了", "一共", "总共", "能报多少")
# A question about the rules, not about this bill (the 起付线 itself, the ratio, how to apply …).
LOOKUP_WORDS = ("起付线", "起付标准", "比例", "限额", "封顶", "押金", "最多", "最高", "怎么申请", "申请", "条件",
                "手续", "多长时间", "资助", "规定", "政策", "标准", "提高", "降低")
# Without an amount, only these say the person is telling their own bill ("监测户住院能报多少").
OWN_BILL_WORDS = ("能报", "花了", "花费", "自己付", "掏了", "一共", "总共", "我住院", "俺住院", "住院了", "看了", "做了",
                  "我是", "俺是", "我家", "俺家", "我们家")
WHAT_IF = re.compile(r"如果|要是|假如|假设|换成|改成|呢[？?]?$")
FOLLOW_UPS = {
    "policy": ("请问您在哪个地区参保？", None),
    "kind": ("请问这次是住院、普通门诊，还是门诊慢特病？", ["住院", "普通门诊", "门诊慢特病"]),
    "total": ("请问这次一共花了多少钱？（医院收费的总金额，例如“3万5”）", ["5000元", "1万", "3万", "5万"]),
    "hospital_level": ("请问是在几级医院？", ["乡镇卫生院", "一级", "二级", "三级"]),
}
LEVEL_KINDS = ("inpatient", "outpatient")  # kinds whose rules depend on the hospital level


@dataclass
class Turn:
    text: str
    said: dict
    previous: dict
    policy: str | None = None
    region: str | None = None
    _region_slots: dict = field(default_factory=dict)

    def region_name(self) -> str | None:
        return self.region or self.previous.get("region")

    def arg_policy(self) -> str | None:
        if self.policy:
            return self.policy
        if self.region:
            if not self._region_slots:
                self._region_slots = read_slots(self.region) or {"none": True}
            return self._region_slots.get("policy")
        return None

    def person_facts(self) -> dict:
        """Who the person is and where: from this turn, else the conversation so far, else the arguments."""
        facts = {k: v for k, v in self.previous.get("slots", {}).items() if k in PERSON_FIELDS}
        if "policy" not in facts and self.arg_policy():
            facts["policy"] = self.arg_policy()
        facts.update({k: v for k, v in self.said.items() if k in PERSON_FIELDS})
        return facts

    def next_state(self, *, mode: str, slots: dict, pending: str | None, question: str | None = None) -> dict:
        state = {"v": STATE_VERSION, "mode": mode, "pending": pending, "region": self.region_name(),
                 "slots": _encode(slots)}
        if question:
            state["question"] = question  # a lookup's question, for "那边缘户呢" to ask again
        return state

    def asks_again(self) -> bool:
        """"那边缘户呢" after a policy question: the same question for another person or place."""
        return (self.previous.get("mode") == "lookup" and bool(self.previous.get("question"))
                and bool(WHAT_IF.search(self.text)) and bool(self.said))


def load_state(state) -> dict:
    """The state handed back by the previous answer (a dict or its JSON text); {} for none."""
    if state in (None, "", {}):
        return {}
    if isinstance(state, str):
        try:
            state = json.loads(state)
        except ValueError:
            raise InputError("对话状态（--state）不是有效的 JSON，请原样传回上一次回答里的 state。") from None
    if not isinstance(state, dict) or state.get("v") != STATE_VERSION or not isinstance(state.get("slots", {}), dict):
        raise InputError("对话状态（state）无法识别，请原样传回上一次回答里的 state，或不带 state 重新提问。")
    decoded = dict(state)
    decoded["slots"] = _decode(state.get("slots", {}))
    return decoded


def _encode(slots: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in slots.items()}


def _decode(slots: dict) -> dict:
    out = {}
    for key, value in slots.items():
        if key in AMOUNT_FIELDS and value is not None:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise InputError(f"对话状态里的金额“{value}”无法识别，请不带 state 重新提问。") from None
        out[key] = value
    return out


def _asks_rules(text: str) -> bool:
    return any(word in text for word in LOOKUP_WORDS)


def continues_bill(turn: Turn) -> bool:
    """A reply to the follow-up, a change of one fact ("要是低档缴费呢"), or a new fact of this bill."""
    if turn.previous.get("mode") != "bill":
        return False
    said = set(turn.said)
    pending = turn.previous.get("pending")
    if pending and (pending in said or said & set(BILL_FIELDS) or (pending == "policy" and "policy" in said)):
        return True
    if WHAT_IF.search(turn.text) and said:
        return True
    return bool(said & set(BILL_FIELDS + ("identities", "insurance", "contribution_tier"))) and not _asks_rules(turn.text)


def starts_bill(turn: Turn) -> bool:
    said, text = turn.said, turn.text
    if _asks_rules(text) or any(word in text for word in vocabulary().out_of_scope):
        return False
    if "total" in said:
        return True
    if not ("kind" in said and (any(w in text for w in OWN_BILL_WORDS) or "hospital_level" in said)):
        return False
    # "三级医院看门诊报多少": when the documents give the rate, that is the answer, not a bill to fill in
    facts = turn.person_facts()
    return facts.get("policy") is None or figure_answer(facts["policy"], text, facts) is None


def bill_answer(turn: Turn) -> dict:
    if turn.previous.get("mode") == "bill":
        slots = dict(turn.previous.get("slots", {}))
    else:
        slots = {k: v for k, v in turn.person_facts().items()}
    said = dict(turn.said)
    if "hospital_level" in said:
        slots.pop("hospital_named", None)
        slots.pop("hospital_guess", None)
    if "total" in said and "total_approximate" not in said:
        slots.pop("total_approximate", None)
    slots.update(said)
    if "policy" not in slots and turn.arg_policy():
        slots["policy"] = turn.arg_policy()
    shown = {k: v for k, v in slots.items() if k not in ("region", "hospital_named", "hospital_guess")}
    doc = documents().get(slots.get("policy") or "")
    pack = packs().get(slots.get("policy") or "")
    if doc is not None and (pack is None or not pack.settles):
        words = (f"《{doc.title}》是{status_label(doc.status)}，不能用来计算报销金额；"
                 f"能计算的地区有：{'、'.join(_settling_regions())}。可以向当地医保经办机构咨询，或拨打12393。")
        return _reply(turn, words, shown, slots, pending=None)
    missing = _missing(slots, pack)
    if missing:
        question, choices = FOLLOW_UPS[missing]
        if missing == "policy":
            choices = _settling_regions()
        if missing == "hospital_level" and slots.get("hospital_named"):
            question = f"“{slots['hospital_named']}”看不出是几级医院，请问是几级？（看医院门口的牌子或问医院）"
        lead = _understood(slots)
        return _reply(turn, (lead + "还需要知道一件事。") if lead else "要估算能报多少，还需要知道一件事。",
                      shown, slots, pending=missing, follow_up=question, choices=choices)
    return _settle(turn, pack, slots, shown)


def _settling_regions() -> list[str]:
    return [p.region for p in packs().values() if p.settles]


def _missing(slots: dict, pack) -> str | None:
    if pack is None:
        return "policy"
    if "kind" not in slots:
        return "kind"
    if "total" not in slots:
        return "total"
    if slots["kind"] in LEVEL_KINDS and "hospital_level" not in slots:
        return "hospital_level"
    return None


def _understood(slots: dict) -> str:
    parts = []
    if slots.get("identities"):
        parts.append("、".join(name_of("identities", c) for c in slots["identities"]))
    if slots.get("kind"):
        parts.append(name_of("kind", slots["kind"]))
    if slots.get("total") is not None:
        parts.append(f"总费用{'约' if slots.get('total_approximate') else ''}{yuan(slots['total'])}元")
    return f"已记下：{'，'.join(parts)}。" if parts else ""


def _reply(turn: Turn, answer: str, shown: dict, slots: dict, *, pending: str | None, follow_up=None,
           choices=None, settlement=None, citations=None) -> dict:
    reply = {"answer": answer, "citations": citations or [], "slots": shown, "follow_up": follow_up,
             "settlement": settlement, "state": turn.next_state(mode="bill", slots=slots, pending=pending)}
    if follow_up:
        reply["choices"] = list(choices or [])
    return reply


def undated_day(pack) -> dt.date:
    """A bill told without a date is this year's (today), when the pack covers today."""
    today = dt.date.today()
    return today if pack.covers(today) else pack.valid_from


def case_of(pack, slots: dict) -> dict:
    """The case `settle` takes for the facts understood (the same shape the self-check builds)."""
    visit = {"date": slots.get("date") or undated_day(pack).isoformat(), "kind": slots["kind"], "total": slots["total"],
             "out_of_catalog": slots.get("out_of_catalog", "unknown")}
    for name in ("hospital_level", "location", "referral", "basic_paid", "disease"):
        if name in slots:
            visit[name] = slots[name]
    case = {"policy": pack.id, "visits": [visit]}
    for name in ("insurance", "contribution_tier", "identities", "per_capita_income"):
        if slots.get(name):
            case[name] = slots[name]
    return case


def _settle(turn: Turn, pack, slots: dict, shown: dict) -> dict:
    from ..settlement import settle
    case = case_of(pack, slots)
    notes = []
    try:
        result = settle(case)
    except InputError as error:
        if case["visits"][0].get("out_of_catalog") != "unknown":
            return _reply(turn, f"这笔费用还不能计算：{error.message}", shown, slots, pending=None)
        # a core without the "unknown" 目录外 of CONTRACT.md "Unknowns": settle without it and say so
        del case["visits"][0]["out_of_catalog"]
        try:
            result = settle(case)
        except InputError as again:
            return _reply(turn, f"这笔费用还不能计算：{again.message}", shown, slots, pending=None)
        notes.append("没有说目录外（全自费）费用，按0元计算；实际有目录外费用时，自己付的会更多。")
    if not slots.get("date"):
        day = case["visits"][0]["date"]
        result["assumptions"].insert(0, f"问题里没有说就诊日期，按{day}（{pack.name}）计算")
    citations = []
    for visit in result["visits"]:
        for tier in visit["tiers"]:
            if tier["amount"] > 0:
                for citation in tier["citations"]:
                    status = documents()[citation["doc"]].status
                    item = {**citation, "status": status, "status_label": status_label(status)}
                    if item not in citations:
                        citations.append(item)
    return _reply(turn, _bill_words(pack, result, slots, notes), shown, slots, pending=None,
                  settlement=result, citations=citations)


def yuan_text(amount) -> str:
    """An amount as the answers write it (2118.00), for the page."""
    return yuan(amount)


def paid_words(totals: dict) -> str:
    """基本医保 27600.00 元，大病保险 340.00 元 … : each tier that paid, in settlement order (knowledge/tiers.yaml)."""
    return "，".join(f"{tier['name']} {yuan(totals[tier['code']])} 元" for tier in tiers()
                    if totals.get(tier["code"], 0) > 0)


def _bill_words(pack, result: dict, slots: dict, notes: list[str]) -> str:
    totals = result["totals"]
    paid = paid_words(totals)
    who = name_of("identities", result["identity_applied"])
    about = "约" if slots.get("total_approximate") else ""
    person = "" if who in pack.name else f"（{who}）"
    words = (f"按{pack.name}估算{person}：总费用{about} {yuan(totals['total'])} 元，"
             f"{paid or '各项均不支付'}，个人自付约 {yuan(totals['out_of_pocket'])} 元。")
    if slots.get("hospital_guess"):
        level = name_of("hospital_level", slots["hospital_level"])
        words += f"“{slots['hospital_guess']}”按{level}医院算；如果不是，请说“一级”“二级”或“三级”。"
    if slots.get("total_approximate"):
        words += f"您说的是大约的数，按 {yuan(slots['total'])} 元算，实际花费多一些，自付也会多一些。"
    spread = (result.get("range") or {}).get("out_of_pocket")
    if spread:
        words += f"目录外费用不清楚，自己付的可能在 {yuan(spread['low'])} 元到 {yuan(spread['high'])} 元之间。"
    words += "".join(notes)
    if pack.status == "historical":
        words += "这是2019年的历史政策，只用来核对当年的费用，现在已不执行。"
    if "basic_paid" not in slots:
        words += "基本医保是按假设的起付线和比例估的，有医院结算单的，说出“医保报了多少”可以算得更准。"
    return words + "以医院“一站式”结算为准。"


def case_for(state: dict | None) -> dict | None:
    """The case a settled bill of the conversation was settled as, for the self-check to open prefilled."""
    if not state or state.get("mode") != "bill" or state.get("pending"):
        return None
    slots = _decode(state.get("slots", {}))
    pack = packs().get(slots.get("policy") or "")
    if pack is None or not pack.settles or _missing(slots, pack):
        return None
    return case_of(pack, slots)
