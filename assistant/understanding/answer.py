"""`ask`: one question in ordinary Chinese, one answer (CONTRACT.md "An answer" and "Conversation").

A question that states a bill is settled by the core (`settle`, the self-check's function) once the
facts it needs are there; otherwise the one missing fact is asked for, with choices to tap, and the
conversation's `state` carries what was understood to the next turn. Any other question is answered
from the documents of the region asked: a figure question with the figure for that person from the
pack, then the clause; a how/who question with the clause's sentence. Nothing found means saying so
and where to ask, never citing something loosely related.
"""
from __future__ import annotations

import re

from ..errors import InputError
from ..knowledge.store import documents
from .conversation import Turn, bill_answer, continues_bill, load_state, starts_bill
from .facts import figure_answer
from .retrieval import rank, read_query, scope_of
from .slots import read_slots
from .vocabulary import normalise, status_label

WHERE_TO_ASK = "可以向参保地的旗县区医保经办机构咨询，或拨打医保服务热线12393。"
STATUS_NOTES = {
    "historical": "这是2019年的历史政策，现在已不执行，仅供了解。",
    "draft": "这是征求意见稿，未正式实施，不能作为报销依据。",
    "framework": "这是自治区的框架性文件，只定原则，具体标准以当地细则为准。",
}


def ask(question: str, policy: str | None = None, region: str | None = None, state=None) -> dict:
    text = normalise((question or "").strip())
    if not text:
        raise InputError("请输入一个问题，例如“低保户住院大病保险起付线是多少？”")
    if len(text) > 500:
        raise InputError("问题太长了，请用一两句话说清楚（500字以内）。")
    if policy is not None and policy not in documents():
        raise InputError(f"没有编号为“{policy}”的政策，可选：{'、'.join(documents())}。")
    turn = Turn(text=text, said=read_slots(text), previous=load_state(state), policy=policy, region=region)
    if continues_bill(turn) or starts_bill(turn):
        return bill_answer(turn)
    return lookup_answer(turn)


def lookup_answer(turn: Turn) -> dict:
    slots = turn.person_facts()
    text = turn.text
    query = read_query(text)
    if query.only_person and turn.asks_again():
        text = turn.previous["question"]  # the facts said now (slots) answer the earlier question again
        query = read_query(text)
    earlier = turn.previous.get("slots", {}).get("policy")
    scope = scope_of(turn.text if "policy" in turn.said else text, region=turn.region,
                     policy=turn.policy or (None if turn.region else earlier))
    state = turn.next_state(mode="lookup", slots=slots, pending=None, question=text)
    if scope.unknown_place:
        return _nothing(slots, state, f"收录的政策文件里没有{scope.unknown_place}的规定，这里不能回答。")
    hits = rank(query, scope)
    figure = None
    for doc_id in () if query.out_of_scope else scope.docs:
        figure = figure_answer(doc_id, text, {**slots, **turn.said})
        if figure is not None:
            break
    if not hits and figure is None:
        return _nothing(slots, state, "现有的政策文件里没有找到能回答这个问题的规定。")
    citations = []
    if figure is not None:
        citations += [_citation(c["doc"], c["clause"], c["quote"]) for c in figure[1]]
    for hit in hits:
        if not any((c["doc"], c["clause"]) == (hit.doc, hit.clause) for c in citations):
            citations.append(_citation(hit.doc, hit.clause, hit.quote))
    citations = citations[:4]
    first = citations[0]
    doc = documents()[first["doc"]]
    where = f"《{doc.title}》{first['clause']}（{first['status_label']}）"
    if figure is not None:
        answer = f"{figure[0]}依据：{where}。"
    else:
        short = short_answer(query, first["quote"])
        answer = f"{short}。依据：{where}：“{first['quote']}”" if short else f"{where}规定：{first['quote']}"
    note = STATUS_NOTES.get(doc.status)
    if note:
        answer += note
    return {"answer": answer, "citations": citations, "slots": _shown(slots), "follow_up": None,
            "settlement": None, "state": state}


def short_answer(query, sentence: str) -> str | None:
    """The part of the clause's sentence that speaks to the question ("特困人员给予全额救助"), verbatim;
    None when that is the whole sentence anyway."""
    topic = {a for term in query.strong for a in query.alternatives.get(term, (term,)) if len(a) >= 2}
    topic |= {w for w in query.phrase_words if len(w) >= 2}
    other = {a for term in query.terms for a in query.alternatives.get(term, (term,)) if len(a) >= 2} - topic
    parts = [p.strip() for p in re.split(r"[，,：:]", sentence.rstrip("。；;")) if p.strip()]

    def score(part: str) -> int:  # the question's topic counts most; a figure, when one is asked
        figure = query.asks_figure and (re.search(r"\d", part) or "标准由" in part)
        return 3 * sum(w in part for w in topic) + sum(w in part for w in other) + (3 if figure else 0)

    scored = [(score(part), i) for i, part in enumerate(parts)]
    best = max(scored, default=(0, 0))
    if best[0] == 0 or len(parts) <= 2:
        return None
    keep = {best[1]}
    if query.asks_figure:  # and the part that holds the figure asked for
        figures = [(sc, i) for sc, i in scored if re.search(r"\d", parts[i]) or "标准由" in parts[i]]
        if figures:
            keep.add(max(figures)[1])
    return "，".join(parts[i] for i in sorted(keep))


def _citation(doc_id: str, clause: str, quote: str) -> dict:
    status = documents()[doc_id].status
    return {"doc": doc_id, "clause": clause, "quote": quote, "status": status, "status_label": status_label(status)}


def _nothing(slots: dict, state: dict, lead: str) -> dict:
    return {"answer": f"{lead}{WHERE_TO_ASK}", "citations": [], "slots": _shown(slots), "follow_up": None,
            "settlement": None, "state": state}


def _shown(slots: dict) -> dict:
    return {k: v for k, v in slots.items() if k not in ("region", "hospital_named", "hospital_guess")}
