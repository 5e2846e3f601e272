"""The words of the domain: jieba with the domain's dictionary, everyday synonyms and miswritings,
pinyin and pinyin initials typed on a kiosk, and the places that have documents.

All of it is data in knowledge/retrieval.yaml and knowledge/lexicon.yaml; this module only reads
it. Everything is built once per process by lru_cache'd functions without arguments.
"""
from __future__ import annotations

import logging
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..knowledge.files import knowledge_path, read_yaml
from ..knowledge.store import documents, knowledge, packs

ASCII_WORD = re.compile(r"[A-Za-z]+")
PUNCTUATION = re.compile(r"[\s,，、;；。.!！?？:：“”\"'（）()\[\]【】《》<>/\\~～…—\-]+")


@dataclass(frozen=True)
class Vocabulary:
    synonyms: dict[str, tuple[str, ...]]
    miswritings: tuple[tuple[str, str], ...]        # typed -> meant, longest first
    phrases: tuple[tuple[str, tuple[str, ...]], ...]   # way of asking -> words of the answering clause
    stopwords: frozenset[str]
    weak: frozenset[str]
    out_of_scope: tuple[str, ...]
    other_regions: tuple[str, ...]
    region_names: tuple[tuple[str, str], ...]      # (name, document id), longest first
    frameworks: dict[str, tuple[str, ...]]          # framework doc -> docs below it
    status_labels: dict[str, str]
    number_words: tuple[str, ...]
    figure_marks: tuple[str, ...]
    words: frozenset[str]                            # every dictionary word (for fuzzy matching)
    terms: frozenset[str]                            # the domain's own terms (dictionary and lexicon names)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = read_yaml(knowledge_path("retrieval.yaml"))
    lexicon = knowledge()["lexicon"]
    synonyms = {word: tuple(others) for word, others in data["synonyms"].items()}
    names = []
    for doc_id, aliases in data["region_aliases"].items():
        names += [(name, doc_id) for name in aliases]
    for doc in documents().values():
        names.append((doc.region, doc.id))
    for pack in packs().values():
        names += [(name, pack.document) for name in (pack.region, *pack.region_aliases)]
    names = sorted(set(names), key=lambda item: (-len(item[0]), item[0]))
    words = set(data["dictionary"]) | set(synonyms) | {w for others in synonyms.values() for w in others}
    for field in ("identities", "kind", "hospital_level", "referral", "insurance", "contribution_tier", "location"):
        for items in lexicon[field].values():
            words.update(str(item) for item in items)
    words.update(lexicon.get("topics", ()))
    words = {w for w in words if len(w) >= 2 and not w.isascii()}
    terms = (set(data["dictionary"]) | {str(n) for field in ("identities", "kind", "hospital_level")
                                        for names in lexicon[field].values() for n in names}) & words
    return Vocabulary(
        synonyms=synonyms,
        miswritings=tuple(sorted(data.get("miswritings", {}).items(), key=lambda item: -len(item[0]))),
        phrases=tuple((k, tuple(v)) for k, v in data.get("phrases", {}).items()),
        stopwords=frozenset(data["stopwords"]), weak=frozenset(data["weak"]),
        out_of_scope=tuple(data["out_of_scope"]), other_regions=tuple(data["other_regions"]),
        region_names=tuple(names), frameworks={k: tuple(v) for k, v in data["frameworks"].items()},
        status_labels=dict(data["status_labels"]), number_words=tuple(data["number_words"]),
        figure_marks=tuple(data["figure_marks"]), words=frozenset(words), terms=frozenset(terms))


@lru_cache(maxsize=1)
def pinyin_keys() -> dict[str, str]:
    """Full pinyin and initials -> word, built on the first question typed in Latin letters."""
    stored = stored_pieces().get("pinyin")
    if stored is not None:
        return stored
    from .retrieval import index
    document_words = {w for w in index().by_sentence.vocab_dict
                      if 2 <= len(w) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in w)}
    keys = _pinyin_keys(set(vocabulary().words), list(vocabulary().region_names), document_words)
    save_piece("pinyin", keys)
    return keys


def _pinyin_keys(words: set[str], names: list[tuple[str, str]], document_words: set[str]) -> dict[str, str]:
    """'dibaohu' and 'dbh' -> 低保户. Where two words share initials, the shorter, more everyday one
    (an identity or a topic people type) wins: a kiosk user types initials of what they say."""
    from pypinyin import Style, lazy_pinyin
    keys: dict[str, str] = {}
    for word in sorted(words | {name for name, _ in names if not name.isascii()}, key=lambda w: (len(w), w)):
        full = "".join(lazy_pinyin(word)).lower()
        initials = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER)).lower()
        if full.isascii() and full.isalpha():
            keys.setdefault(full, word)
        if len(initials) >= 2 and initials.isalpha():
            keys.setdefault(initials, word)
    for word in sorted(document_words, key=lambda w: (len(w), w)):  # full pinyin only: initials would clash
        full = "".join(lazy_pinyin(word)).lower()
        if full.isascii() and full.isalpha():
            keys.setdefault(full, word)
    return keys


EVERYDAY_WORDS = 40000  # jieba's most frequent words kept besides those the documents and lexicon use


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of its own (the global one is left alone) with the domain's words.

    jieba's whole dictionary (half a million words) takes seconds to load; the domain needs the words
    the documents and the lexicon use and everyday words, so the dictionary is cut to those once and
    kept with the built index (see stored_pieces).
    """
    import jieba
    jieba.setLogLevel(logging.WARNING)
    cutter = jieba.Tokenizer()
    stored = stored_pieces().get("jieba")
    if stored is not None:
        cutter.FREQ, cutter.total = stored
        cutter.initialized = True
        return cutter
    cutter.initialize()
    cutter.FREQ, cutter.total = _domain_dictionary(cutter.FREQ)
    for word in sorted(vocabulary().words):
        cutter.add_word(word, freq=200000)
    for name, _ in vocabulary().region_names:
        if not name.isascii():
            cutter.add_word(name, freq=200000)
    save_piece("jieba", (cutter.FREQ, cutter.total))
    return cutter


def _domain_dictionary(freq: dict[str, int]) -> tuple[dict[str, int], int]:
    """jieba's words that the documents or the lexicon contain, and its most frequent everyday words,
    with every prefix jieba's cutting looks up (frequency 0), as jieba builds them."""
    words = vocabulary()
    text = "\n".join(clause.text for doc in documents().values() for clause in doc.clauses)
    text += "\n".join([*words.words, *words.stopwords, *words.weak, *words.out_of_scope, *words.other_regions,
                       *(p for p, _ in words.phrases)])
    common = sorted(((f, w) for w, f in freq.items() if f > 0), reverse=True)[:EVERYDAY_WORDS]
    kept = {w: f for f, w in common}
    pieces = {text[i:i + n] for n in range(2, 9) for i in range(len(text) - n + 1)}
    kept.update({w: f for w, f in freq.items() if f > 0 and w in pieces})
    out = dict(kept)
    for word in kept:
        for end in range(1, len(word)):
            out.setdefault(word[:end], 0)
    return out, sum(kept.values())


CACHE = knowledge_path(".cache", "understanding.pickle")
CODE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def stored_pieces() -> dict:
    """The pieces built before (the cut dictionary, the pinyin keys, the index), when the knowledge
    and this code are unchanged since; {} otherwise (they are built again and saved)."""
    if os.environ.get("SANCHONG_NO_CACHE"):
        return {}
    try:
        with open(CACHE, "rb") as handle:
            stored = pickle.load(handle)
        if stored.get("fingerprint") == _fingerprint():
            return stored
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    return {}


def save_piece(name: str, value) -> None:
    """Keep a built piece for the next process; a folder we cannot write to just means no cache."""
    if os.environ.get("SANCHONG_NO_CACHE"):
        return
    pieces = stored_pieces()
    if not pieces:
        pieces["fingerprint"] = _fingerprint()
    pieces[name] = value
    try:
        CACHE.parent.mkdir(exist_ok=True)
        temporary = CACHE.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(pieces, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, CACHE)
    except OSError:
        pass


def _fingerprint() -> list:
    import jieba
    from ..knowledge.store import _fingerprint as knowledge_marks
    marks = list(knowledge_marks())
    for path in sorted(CODE.glob("*.py")):
        info = path.stat()
        marks.append((str(path), info.st_mtime_ns, info.st_size))
    import bm25s
    return [*marks, ("jieba", jieba.__version__), ("bm25s", bm25s.__version__)]


def from_pinyin(text: str) -> str:
    """Latin letters typed for Chinese (dbh, dibaohu, zhuyuan) replaced by the words they stand for;
    a run that is not pinyin of a known word stays as it is."""
    if not ASCII_WORD.search(text):
        return text
    keys = pinyin_keys()

    def replace(match: re.Match) -> str:
        run = match.group(0).lower()
        if run in keys:
            return keys[run]
        out, at = [], 0
        while at < len(run):  # greedy longest known key: "dibaohudabing" -> 低保户 大病
            for end in range(len(run), at, -1):
                if run[at:end] in keys and end - at >= 2:
                    out.append(keys[run[at:end]])
                    at = end
                    break
            else:
                return match.group(0)
        return "".join(out)

    return ASCII_WORD.sub(replace, text)


def normalise(text: str) -> str:
    """The question as meant: pinyin turned into words, miswritings (大并, 医了救助) corrected."""
    text = from_pinyin(text or "")
    for typed, meant in vocabulary().miswritings:
        if typed in text and meant not in text:
            text = text.replace(typed, meant)
    return text


def words_of(text: str, *, for_search: bool = False) -> list[str]:
    """jieba's words of the text, without punctuation."""
    cutter = tokenizer()
    pieces = cutter.cut_for_search(text) if for_search else cutter.cut(text)
    return [w for w in pieces if w.strip() and not PUNCTUATION.fullmatch(w)]


def status_label(status: str) -> str:
    return vocabulary().status_labels.get(status, status)
