"""Find clauses of every source document by keywords: plain substring first, then fuzzy (rapidfuzz).

Used by the app's 政策原文 page. A hit names the document, the clause, its heading, a short
snippet around the match, a score (0–100, substring hits score highest) and the document's
status, so a reader never mistakes a draft or an expired document for the rule in force.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ..knowledge.store import documents
from ..lexicon import code_for, lexicon

SNIPPET = 60  # characters of context around a match
SYNONYM_SCORE = 90.0  # a word found only through the lexicon (五保户 → 特困人员)
BIGRAM_CUTOFF = 60.0  # at least this share of a long word's two-character pieces must occur
_SPLIT = re.compile(r"[\s,，、;；。.!！?？:：“”\"'（）()]+")


@dataclass(frozen=True, slots=True)
class Hit:
    doc: str
    clause: str
    heading: str
    snippet: str
    score: float
    status: str


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, str, str, str, str, str], ...]:
    """(doc, clause, heading, searchable text, clause text, status) for every clause."""
    rows = []
    for doc in documents().values():
        for clause in doc.clauses:
            heading = clause.heading or ""
            searchable = " ".join([clause.id, heading, *clause.path, clause.text])
            rows.append((doc.id, clause.id, heading, searchable, clause.text, doc.status))
    return tuple(rows)


def _bigram_coverage(word: str, text: str) -> tuple[float, int]:
    """Share (0–100) of the word's two-character pieces found close together in the text, and where.

    Chinese has no spaces, so "门诊救助限额" should still find "门诊医疗救助……最高救助限额";
    the pieces must lie within a short window, or a long clause would match everything.
    """
    pieces = list(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1)))
    if not pieces:
        return 0.0, 0
    window = 4 * len(word)
    occurrences = []
    for index, piece in enumerate(pieces):
        start = text.find(piece)
        while start >= 0:
            occurrences.append((start, index))
            start = text.find(piece, start + 1)
    if not occurrences:
        return 0.0, 0
    occurrences.sort()
    best, best_at, right, inside = 0, 0, 0, {}
    for left, (at, _) in enumerate(occurrences):  # two pointers over a window of `window` chars
        while right < len(occurrences) and occurrences[right][0] < at + window:
            inside[occurrences[right][1]] = inside.get(occurrences[right][1], 0) + 1
            right += 1
        if len(inside) > best:
            best, best_at = len(inside), at
        index = occurrences[left][1]
        inside[index] -= 1
        if not inside[index]:
            del inside[index]
    return 100.0 * best / len(pieces), best_at


def _synonyms(word: str) -> list[str]:
    """Other words people (and documents) use for the same thing: 五保户 → 特困人员, 特困供养, …"""
    table = lexicon()["lookup"]
    found = []
    for field in ("identities", "kind", "hospital_level", "referral"):
        code = code_for(field, word)
        if code is None:
            continue
        found += [key for key, value in table[field].items() if value == code and key != code and key != word]
    return found


def keywords(query: str) -> list[str]:
    return [word for word in _SPLIT.split(query or "") if word]


def _snippet(text: str, start: int, length: int) -> str:
    begin = max(0, start - SNIPPET // 2)
    end = min(len(text), start + length + SNIPPET)
    return ("…" if begin > 0 else "") + text[begin:end].replace("\n", " ") + ("…" if end < len(text) else "")


def search(query: str, *, doc: str | None = None, limit: int = 20, fuzzy_cutoff: float = 75) -> list[Hit]:
    """Clauses matching the keywords of `query`, best first.

    Score: every keyword found as a substring counts fully (the whole query found verbatim
    gets 100); keywords not found verbatim count with their fuzzy partial ratio when it is
    at least `fuzzy_cutoff`. Clauses where nothing matches are left out.
    """
    words = keywords(query)
    if not words:
        return []
    whole = "".join(words)
    hits = []
    for doc_id, clause_id, heading, searchable, text, status in _index():
        if doc is not None and doc_id != doc:
            continue
        parts = []
        first = None
        for word in words:
            position = searchable.find(word)
            if position >= 0:
                parts.append(100.0)
                if first is None:
                    where = text.find(word)
                    first = (where, len(word)) if where >= 0 else (0, 0)
                continue
            synonym = next((other for other in _synonyms(word) if other in text), None)
            if synonym is not None:
                parts.append(SYNONYM_SCORE)
                if first is None:
                    first = (text.find(synonym), len(synonym))
                continue
            if len(word) < 2:
                parts.append(0.0)
                continue
            alignment = fuzz.partial_ratio_alignment(word, text, score_cutoff=fuzzy_cutoff)
            coverage, at = _bigram_coverage(word, text)
            if alignment is None and coverage < BIGRAM_CUTOFF:
                parts.append(0.0)
                continue
            if alignment is not None and alignment.score >= coverage:
                parts.append(alignment.score)
                where = (alignment.dest_start, alignment.dest_end - alignment.dest_start)
            else:
                parts.append(coverage)
                where = (at, 2)
            if first is None:
                first = where
        if not any(parts):
            continue
        score = sum(parts) / len(parts)
        if len(words) > 1 and whole in searchable.replace(" ", ""):
            score = 100.0
        if score < BIGRAM_CUTOFF:
            continue
        start, length = first or (0, 0)
        hits.append(Hit(doc_id, clause_id, heading, _snippet(text, start, length), round(score, 1), status))
    order = {doc_id: i for i, doc_id in enumerate(documents())}
    texts = {(row[0], row[1]): row[4] for row in _index()}
    # ties: the clause whose text is closest to the whole query, then documents in force first
    hits.sort(key=lambda h: (-h.score, -fuzz.partial_ratio(whole, texts[(h.doc, h.clause)]),
                             h.status != "current", order.get(h.doc, 0)))
    return hits[:limit]


def highlight_words(query: str) -> list[str]:
    """The query's keywords and the documents' words for them (五保户 → 特困人员, 特困 …), to mark in snippets."""
    words = keywords(query)
    return list(dict.fromkeys([*words, *(other for word in words for other in _synonyms(word))]))

