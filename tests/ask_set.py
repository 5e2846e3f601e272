"""Runs `ask` over the labelled set (tests/data/questions.yaml) and measures it: top-1 and top-3 per
document and per kind, citations on questions no document answers, region leaks, slot accuracy,
follow-ups, and whether each bill's settlement is the one its labelled facts reach through `settle`.

Used by tests/test_ask_set.py (which asserts the aims) and benchmarks/ask.py (which times it).
The region table here is the test's own, written from the contract, not read from the product.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from assistant.errors import InputError
from assistant.knowledge.store import documents, packs
from assistant.settlement import settle
from assistant.jsonio import dumps
from assistant.understanding.answer import ask

SET = Path(__file__).resolve().parent / "data" / "questions.yaml"
HOLDOUT = SET.with_name("questions_holdout.yaml")   # written after tuning, never tuned on
# Place names -> the documents a question naming them may cite (the contract's regions).
PLACES = {"巴彦淖尔": "bayannur-2023", "临河": "bayannur-2023", "乌拉特": "bayannur-2023", "天津": "tianjin-2023",
          "tj": "tianjin-2023", "奈曼": "naiman-2019", "内蒙古": "inner-mongolia-2015", "自治区": "inner-mongolia-2015",
          "nmg": "inner-mongolia-2015", "浙江": "zhejiang-2022-draft", "zhejiang": "zhejiang-2022-draft"}
REGIONS = {"巴彦淖尔市": "bayannur-2023", "天津市": "tianjin-2023", "奈曼旗": "naiman-2019",
           "内蒙古自治区": "inner-mongolia-2015", "浙江省": "zhejiang-2022-draft"}
UNDER_FRAMEWORK = {"bayannur-2023", "naiman-2019"}


def load_set(path: Path = SET) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def allowed_docs(question: str, region: str | None) -> set[str] | None:
    """Documents a question may cite; None when any may (no region said or given)."""
    named = {doc for place, doc in PLACES.items() if place in question}
    base = named or ({REGIONS[region]} if region else set())
    if not base:
        return None
    if base & UNDER_FRAMEWORK:
        base = base | {"inner-mongolia-2015"}
    return base


def _cites(item) -> list[str]:
    cite = item["cite"]
    return [str(c) for c in (cite if isinstance(cite, list) else [cite])]


def _is_right(citation: dict, doc: str, cites: list[str]) -> bool:
    clause = documents()[citation["doc"]].clause(citation["clause"])
    return citation["doc"] == doc and clause is not None and any(c in clause.text for c in cites)


def _expected_value(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


@dataclass
class Report:
    top1: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))   # key -> [right, asked]
    top3: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    answer_has: list = field(default_factory=lambda: [0, 0])
    none_cited: list = field(default_factory=list)      # questions no document answers that cited something
    none_total: int = 0
    leaks: list = field(default_factory=list)
    slots: list = field(default_factory=lambda: [0, 0])
    follow_ups: list = field(default_factory=lambda: [0, 0])
    settlements: list = field(default_factory=lambda: [0, 0])
    misses: list = field(default_factory=list)
    unsettled: list = field(default_factory=list)   # bills the core itself cannot settle (e.g. a date no pack covers)
    questions: int = 0

    def share(self, pair) -> float:
        return pair[0] / pair[1] if pair[1] else 1.0

    def lines(self) -> list[str]:
        out = [f"questions asked: {self.questions}"]
        for name, table in (("top-1", self.top1), ("top-3", self.top3)):
            for key in sorted(table):
                right, asked = table[key]
                out.append(f"{name:6} {key:28} {right:3}/{asked:<3} {right / asked:6.1%}")
        out.append(f"direct answers holding the figure: {self.answer_has[0]}/{self.answer_has[1]}")
        out.append(f"no document answers: {self.none_total - len(self.none_cited)}/{self.none_total} cite nothing"
                   + (f"; cited: {self.none_cited}" if self.none_cited else ""))
        out.append(f"region leaks: {len(self.leaks)}" + (f" {self.leaks}" if self.leaks else ""))
        out.append(f"slots right: {self.slots[0]}/{self.slots[1]} ({self.share(self.slots):.1%})")
        out.append(f"follow-ups right: {self.follow_ups[0]}/{self.follow_ups[1]} ({self.share(self.follow_ups):.1%})")
        out.append(f"settlements equal to settle() on the labelled facts: {self.settlements[0]}/{self.settlements[1]}")
        if self.unsettled:
            out.append(f"bills the core refuses on the labelled facts too (answered with its message): {self.unsettled}")
        out += [f"miss: {m}" for m in self.misses]
        return out


def run_set(data: dict | None = None, ask_one=ask) -> Report:
    data = data or load_set()
    report = Report()
    for item in data["lookups"]:
        answer = _ask(ask_one, item["q"], item.get("region"), None, report)
        _check_lookup(item, answer, report)
    for item in data["bills"]:
        answer = _ask(ask_one, item["q"], item.get("region"), None, report)
        _check_bill(item, answer, report, item["q"])
    for conversation in data["conversations"]:
        state = None
        for turn in conversation["turns"]:
            answer = _ask(ask_one, turn["q"], conversation.get("region"), state, report)
            # the state goes through JSON as the command and the page pass it
            state = json.loads(dumps(answer["state"]))
            if "cite" in turn:
                _check_lookup({**turn, "kind": "conversation", "doc": REGIONS[conversation["region"]]}, answer, report)
            _check_bill(turn, answer, report, " → ".join(t["q"] for t in conversation["turns"]))
            if "choice" in turn:
                report.follow_ups[1] += 1
                report.follow_ups[0] += turn["choice"] in (answer.get("choices") or [])
    return report


def _ask(ask_one, question, region, state, report) -> dict:
    report.questions += 1
    answer = ask_one(question, region=region, state=state)
    allowed = allowed_docs(question, region)
    if allowed is not None:
        for citation in answer["citations"]:
            if citation["doc"] not in allowed:
                report.leaks.append((question, citation["doc"], citation["clause"]))
    return answer


def _check_lookup(item: dict, answer: dict, report: Report) -> None:
    if item["kind"] == "none":
        report.none_total += 1
        if answer["citations"]:
            report.none_cited.append(item["q"])
        return
    cites = _cites(item)
    right = [_is_right(c, item["doc"], cites) for c in answer["citations"][:3]]
    for key in (f"doc {item['doc']}", f"kind {item['kind']}", "all"):
        report.top1[key][1] += 1
        report.top3[key][1] += 1
        report.top1[key][0] += bool(right and right[0])
        report.top3[key][0] += any(right)
    if not any(right):
        report.misses.append(f"{item['q']} -> {[(c['doc'], c['clause']) for c in answer['citations'][:3]]}")
    if item.get("answer_has"):
        report.answer_has[1] += 1
        report.answer_has[0] += all(str(word) in answer["answer"] for word in item["answer_has"])


def _check_bill(item: dict, answer: dict, report: Report, label: str) -> None:
    for key, value in (item.get("slots") or {}).items():
        report.slots[1] += 1
        got = answer["slots"].get(key)
        ok = got == _expected_value(value) or (isinstance(value, list) and got == value)
        report.slots[0] += ok
        if not ok:
            report.misses.append(f"slot {key}={value!r} got {got!r}: {label}")
    if "follow_up" in item:
        report.follow_ups[1] += 1
        pending = answer["state"].get("pending")
        ok = pending == item["follow_up"] and (answer["follow_up"] is None) == (item["follow_up"] is None)
        report.follow_ups[0] += ok
        if not ok:
            report.misses.append(f"follow-up {item['follow_up']} got {pending}: {label}")
    if item.get("answer_has"):
        report.answer_has[1] += 1
        report.answer_has[0] += all(str(word) in answer["answer"] for word in item["answer_has"])
    if item.get("slots") and "follow_up" not in item and item.get("settles") is False:
        report.settlements[1] += 1
        report.settlements[0] += answer["settlement"] is None
        return
    if answer["settlement"] is not None or item.get("follow_up", "x") is None:
        report.settlements[1] += 1
        expected = _labelled_settlement(answer["slots"], item)
        if answer["settlement"] is None and expected is None:  # the core refuses the labelled facts too
            report.unsettled.append(label)
            ok = True
        else:
            ok = answer["settlement"] is not None and expected is not None and \
                answer["settlement"]["totals"] == expected["totals"]
        if ok and item.get("out_of_pocket"):
            ok = f"{answer['settlement']['totals']['out_of_pocket']:.2f}" == item["out_of_pocket"]
        report.settlements[0] += ok
        if not ok:
            report.misses.append(f"settlement differs: {label}")


def _labelled_settlement(slots: dict, item: dict):
    """settle() on the facts of the conversation so far, with the labelled ones put in."""
    facts = dict(slots)
    facts.update({k: _expected_value(v) for k, v in (item.get("slots") or {}).items()})
    pack = packs().get(facts.get("policy") or "")
    if pack is None or not pack.settles or "kind" not in facts or "total" not in facts:
        return None
    today = dt.date.today()  # an undated bill is this year's when the pack covers today (else its first day)
    visit = {"date": facts.get("date") or (today if pack.covers(today) else pack.valid_from).isoformat(), "kind": facts["kind"], "total": facts["total"],
             **{k: facts[k] for k in ("hospital_level", "location", "referral", "basic_paid") if k in facts}}
    case = {"policy": pack.id, "visits": [visit],
            **{k: facts[k] for k in ("identities", "insurance", "contribution_tier") if facts.get(k)}}
    for out_of_catalog in (facts.get("out_of_catalog", "unknown"), None):  # None: a core without "unknown"
        if out_of_catalog is None:
            if "out_of_catalog" in facts:
                return None
            visit.pop("out_of_catalog", None)
        else:
            visit["out_of_catalog"] = out_of_catalog
        try:
            return settle(case)
        except InputError:
            continue
    return None


if __name__ == "__main__":
    import sys
    print("\n".join(run_set(load_set(HOLDOUT if "--holdout" in sys.argv else SET)).lines()))
