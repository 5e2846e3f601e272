"""Finding the clauses that answer a question: BM25 (bm25s) over every sentence and every clause of
the five documents, words cut by jieba with the domain's dictionary, the question's everyday words
expanded to the documents' words, fuzzy matching (rapidfuzz) for words typed a little wrong, and the
search kept inside the region asked (plus the 内蒙古 framework for a region under it).

A question whose topic words the documents never use, or whose best clause does not contain its
topic, gets no clause: quoting something loosely related would mislead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..knowledge.store import documents, knowledge
from .vocabulary import from_pinyin, save_piece, stored_pieces, vocabulary, words_of

SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
SYNONYM_WEIGHT = 0.8
FUZZY_WEIGHT = 0.7
FUZZY_CUTOFF = 75
CLAUSE_WEIGHT = 0.3     # the whole clause's (and heading's) score adds to its best sentence's
CANDIDATES = 6
FRAMEWORK_FACTOR = 0.85  # a framework clause ranks below the region's own document on a tie


@dataclass(frozen=True, slots=True)
class Hit:
    doc: str
    clause: str
    quote: str       # the clause's sentence that matched best, verbatim
    score: float
    status: str


@dataclass(frozen=True, slots=True)
class Scope:
    docs: tuple[str, ...]                 # documents the answer may cite
    named: tuple[str, ...] = ()           # regions named in the question (document ids)
    unknown_place: str | None = None      # a place named that has no document


@dataclass
class Index:
    clauses: list[tuple[str, str]]        # (doc, clause id)
    clause_docs: np.ndarray               # document id of each clause
    sentences: list[str]
    sentence_clause: np.ndarray           # clause number of each sentence
    by_sentence: object                   # bm25s over sentences
    by_clause: object                     # bm25s over whole clauses with their headings
    text: str                             # every clause's text, for "is this word used at all"
    clause_texts: list[str]


BIGRAM_WEIGHT = 0.3      # two-character pieces catch words jieba cuts differently in question and text
PHRASE_WEIGHT = 0.8


def _tokens(text: str) -> list[str]:
    stop = vocabulary().stopwords
    return [w for w in words_of(text, for_search=True) if w not in stop] or ["∅"]


def _bigrams(text: str) -> list[str]:
    return [f"~{text[i:i + 2]}" for i in range(len(text) - 1) if _is_han(text[i]) and _is_han(text[i + 1])]


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _passage_tokens(text: str) -> list[str]:
    return _tokens(text) + _bigrams(text)


@lru_cache(maxsize=1)
def index() -> Index:
    """Built once from the loaded documents, then kept beside the knowledge cache for the next process."""
    stored = stored_pieces().get("index")
    if stored is not None:
        return stored
    import bm25s
    clauses, clause_docs, clause_tokens, clause_texts = [], [], [], []
    sentences, sentence_clause, sentence_tokens = [], [], []
    for doc in documents().values():
        for clause in doc.clauses:
            number = len(clauses)
            clauses.append((doc.id, clause.id))
            clause_docs.append(doc.id)
            clause_texts.append(clause.text)
            clause_tokens.append(_passage_tokens(" ".join([clause.heading or "", *clause.path, clause.text])))
            for sentence in sentences_of(clause.text):
                if len(sentence) >= 4:
                    sentences.append(sentence)
                    sentence_clause.append(number)
                    sentence_tokens.append(_passage_tokens(sentence))
    by_sentence = bm25s.BM25()
    by_sentence.index(sentence_tokens, show_progress=False)
    by_clause = bm25s.BM25()
    by_clause.index(clause_tokens, show_progress=False)
    built = Index(clauses, np.array(clause_docs), sentences, np.array(sentence_clause), by_sentence, by_clause,
                  "\n".join(clause_texts), clause_texts)
    save_piece("index", built)
    return built


def sentences_of(text: str) -> list[str]:
    """The clause's sentences, verbatim. A line break ends a sentence only where the line is short or
    ends in punctuation: the source texts wrap long sentences in the middle ("…宫颈癌、\n尘肺病…")."""
    lines, current = [], ""
    raw = text.split("\n")
    for number, line in enumerate(raw):
        current = f"{current}\n{line}" if current else line
        following = raw[number + 1] if number + 1 < len(raw) else ""
        wrapped = (len(line) >= 25 and re.match(r"[\u4e00-\u9fff、，,（(“]", line[-1:])
                   and following and not re.search(r"[:：]", following[:8]))
        if not wrapped:
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    found = []
    for block in lines:
        found += [m.group(0).strip() for m in SENTENCE.finditer(block)]
    return [s for s in found if len(s) >= 4]


def scope_of(text: str, region: str | None = None, policy: str | None = None) -> Scope:
    """The documents a question may be answered from: the regions it names, else the one asked for.

    A 巴彦淖尔 or 奈曼旗 question may also cite the 内蒙古 framework; nothing from another region,
    unless the person names it. With no region at all, every document may answer.
    """
    words = vocabulary()
    named = _named_docs(text)
    if not named:
        place = next((p for p in words.other_regions if p in text), None)
        if place is not None:
            return Scope((), (), place)
    if named:
        base = named
    elif policy and policy in documents():
        base = (policy,)
    elif region:
        base = _named_docs(region) or ()
        if not base:
            return Scope((), (), region)
    else:
        return Scope(tuple(documents()))
    allowed = list(base)
    for framework, below in words.frameworks.items():
        if any(doc in below for doc in base) and framework not in allowed:
            allowed.append(framework)
    return Scope(tuple(allowed), tuple(named))


def _named_docs(text: str) -> tuple[str, ...]:
    found, taken = [], [False] * len(text)
    lowered = text.lower()
    for name, doc_id in vocabulary().region_names:
        key = name.lower()
        if name.isascii():  # "tj", "nmg": only as a word of its own
            hit = re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", lowered)
            at = hit.start() if hit else -1
        else:
            at = lowered.find(key)
        if at >= 0 and not any(taken[at:at + len(key)]):
            taken[at:at + len(key)] = [True] * len(key)
            if doc_id not in found:
                found.append(doc_id)
    return tuple(found)


@dataclass
class Query:
    text: str                                  # the question with pinyin turned into words
    terms: list[str]                           # jieba's words, without stop words
    weighted: dict[str, float]                 # search tokens (and their synonyms) with weights
    alternatives: dict[str, tuple[str, ...]]   # each term and the document words it may appear as
    strong: list[str]                          # terms that say what the question is about
    unknown: list[str]                         # strong terms no document ever uses
    out_of_scope: list[str]
    asks_figure: bool                          # 多少, 几成: the answer must hold a figure
    phrase_words: tuple[str, ...] = ()         # the words the matched ways of asking point to
    only_person: bool = False                  # nothing but who or where ("那边缘户呢", "天津呢")


def read_query(question: str) -> Query:
    words = vocabulary()
    built = index()
    text = from_pinyin(question)
    region_words = {name for name, _ in words.region_names}
    identity_words = _identity_words()
    terms = [w for w in words_of(text) if w not in words.stopwords and w not in region_words]
    weighted: dict[str, float] = {}
    alternatives: dict[str, tuple[str, ...]] = {}

    def add(token: str, weight: float) -> None:
        if token in built.by_sentence.vocab_dict and weight > weighted.get(token, 0):
            weighted[token] = weight

    phrased = [phrase for phrase, _ in words.phrases if phrase in text]
    for phrase, others in words.phrases:
        if phrase in phrased:
            for other in others:
                for token in (*_tokens(other), *_bigrams(other)):
                    add(token, PHRASE_WEIGHT * (BIGRAM_WEIGHT if token.startswith("~") else 1))
    for term in terms:
        found = [term]
        pieces = _tokens(term)
        for token in pieces:
            add(token, 1.0 if token == term or len(pieces) == 1 else 0.6)
        for token in _bigrams(term):
            add(token, BIGRAM_WEIGHT)
        found += [p for p in pieces if len(p) >= 2 and p != term and p not in words.stopwords and p not in words.weak]
        for other in words.synonyms.get(term, ()):
            found.append(other)
            for token in _tokens(other):
                add(token, SYNONYM_WEIGHT)
        if term not in built.text and len(term) >= 3 and term not in words.synonyms:
            match = process.extractOne(term, words.words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if match is not None:
                found.append(match[0])
                for other in (match[0], *words.synonyms.get(match[0], ())):
                    found.append(other)
                    for token in _tokens(other):
                        add(token, FUZZY_WEIGHT)
        alternatives[term] = tuple(dict.fromkeys(found))
    strong = [t for t in terms if t not in words.weak and t not in identity_words and len(t) >= 2
              and not t.isdigit()]
    only_person = not strong and all(t in identity_words or t in words.weak or len(t) < 2 for t in terms)
    if not strong:  # "因病致贫重病患者是指什么人": the identity is the topic
        strong = [t for t in terms if t in identity_words]
    strong = [t for t in strong if not any(t in phrase for phrase in phrased)]  # said by a way of asking
    unknown = [t for t in strong if not any(a in built.text for a in alternatives[t])]
    outside = [w for w in words.out_of_scope if w in text]
    asks_figure = any(w in text for w in words.number_words)
    pointed = tuple(w for phrase, others in words.phrases if phrase in phrased for w in others)
    return Query(text, terms, weighted, alternatives, strong, unknown, outside, asks_figure, pointed, only_person)


@lru_cache(maxsize=1)
def _identity_words() -> frozenset[str]:
    found = set()
    for names in knowledge()["lexicon"]["identities"].values():
        found.update(str(n) for n in names)
    for word in ("五保户", "底保户", "贫困户", "边缘户", "监测户", "低保户", "残疾人"):
        found.add(word)
    return frozenset(found)


def rank(query: Query, scope: Scope, limit: int = 3) -> list[Hit]:
    """Clauses of the scope, best first; empty when nothing there answers the question."""
    if not scope.docs or query.out_of_scope or not query.weighted:
        return []
    built = index()
    sentence_scores = np.zeros(len(built.sentences), dtype=np.float64)
    clause_scores = np.zeros(len(built.clauses), dtype=np.float64)
    for token, weight in query.weighted.items():
        sentence_scores += weight * built.by_sentence.get_scores([token])
        clause_scores += weight * built.by_clause.get_scores([token])
    best_sentence = np.zeros(len(built.clauses), dtype=np.float64)
    np.maximum.at(best_sentence, built.sentence_clause, sentence_scores)
    scores = best_sentence + CLAUSE_WEIGHT * clause_scores
    allowed = np.isin(built.clause_docs, scope.docs)
    if _elsewhere_only(query, built, allowed):
        return []
    scores = np.where(allowed, scores, 0.0)
    status = {doc_id: doc.status for doc_id, doc in documents().items()}
    if scope.named == () and len(scope.docs) > 1:
        framework = np.array([status[d] == "framework" for d in built.clause_docs])
        scores = np.where(framework, scores * FRAMEWORK_FACTOR, scores)
    order = np.argsort(-scores, kind="stable")
    hits = []
    for number in order[:CANDIDATES]:  # the best few by score; only those that answer are kept
        if scores[number] <= 0 or len(hits) == limit:
            break
        quote = _best_sentence(built, number, sentence_scores, query)
        if not _answers(query, built.clause_texts[number], quote):
            continue
        doc_id, clause_id = built.clauses[number]
        hits.append(Hit(doc_id, clause_id, quote, float(scores[number]), status[doc_id]))
    return hits


def _elsewhere_only(query: Query, built: Index, allowed: np.ndarray) -> bool:
    """A topic word that only another region's document uses (天津's 诊察费 asked in 巴彦淖尔): the
    region asked has no rule on it, and quoting a neighbouring clause would mislead."""
    inside = "\n".join(t for t, ok in zip(built.clause_texts, allowed) if ok)
    domain = vocabulary().terms
    for term in query.strong:
        if term not in domain:  # only the domain's own terms, not everyday words like 以内
            continue
        options = query.alternatives[term]
        if not any(a in inside for a in options) and any(a in built.text for a in options):
            return True
    return False


def _answers(query: Query, clause_text: str, quote: str) -> bool:
    """Does the clause really speak to the question? Its topic words must be in it (at least half of
    them), and a question asking for a figure needs a sentence with one."""
    if query.asks_figure and not re.search(r"\d", quote) and not any(m in quote for m in vocabulary().figure_marks):
        return False
    covered = [t for t in query.strong if any(a in clause_text for a in query.alternatives[t])]
    if not query.strong and query.phrase_words:
        return any(w in clause_text for w in query.phrase_words)
    if not query.strong:
        # only everyday words (住院, 报销, 低保): too vague unless the clause has two of them
        weak = [t for t in query.terms if any(a in clause_text for a in query.alternatives.get(t, (t,)))]
        return len(set(weak)) >= 2 and not query.unknown
    # words no document uses ("伙食费") may be the real topic: then the clause must hold at least
    # as many of the question's topic words as there are unknown ones
    return len(covered) >= max(1, len(query.unknown), (len(query.strong) + 1) // 2)


def _best_sentence(built: Index, clause_number: int, sentence_scores: np.ndarray, query: Query) -> str:
    """The clause's sentence holding most of the question's topic words (then the best BM25 score)."""
    numbers = np.nonzero(built.sentence_clause == clause_number)[0]
    if len(numbers) == 0:
        return built.clause_texts[clause_number].strip()
    topic = [query.alternatives[t] for t in query.strong]
    coverage = np.array([sum(any(a in built.sentences[n] for a in options) for options in topic) for n in numbers])
    if coverage.max(initial=0) > 0:
        numbers = numbers[coverage == coverage.max()]
    if query.asks_figure:  # a question asking for a figure is answered by a sentence that has one
        with_figure = [n for n in numbers if re.search(r"\d", built.sentences[n])
                       or any(m in built.sentences[n] for m in vocabulary().figure_marks)]
        if with_figure and sentence_scores[with_figure].max() > 0:
            numbers = np.array(with_figure)
    best = numbers[int(np.argmax(sentence_scores[numbers]))]
    return built.sentences[best]
