"""The words of the domain: jieba with the domain's dictionary, everyday synonyms and miswritings,
pinyin and pinyin initials typed on a kiosk, and the places that have documents.

All of it is data in knowledge/retrieval.yaml and knowledge/lexicon.yaml; this module only reads
it. Everything is built once per process by lru_cache'd functions without arguments.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

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
    pinyin: dict[str, str]                           # full pinyin or initials -> word
    words: frozenset[str]                            # every dictionary word (for fuzzy matching)


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
    return Vocabulary(
        synonyms=synonyms,
        miswritings=tuple(sorted(data.get("miswritings", {}).items(), key=lambda item: -len(item[0]))),
        phrases=tuple((k, tuple(v)) for k, v in data.get("phrases", {}).items()),
        stopwords=frozenset(data["stopwords"]), weak=frozenset(data["weak"]),
        out_of_scope=tuple(data["out_of_scope"]), other_regions=tuple(data["other_regions"]),
        region_names=tuple(names), frameworks={k: tuple(v) for k, v in data["frameworks"].items()},
        status_labels=dict(data["status_labels"]), number_words=tuple(data["number_words"]),
        figure_marks=tuple(data["figure_marks"]), pinyin=_pinyin_keys(words, names, _document_words()),
        words=frozenset(words))


def _document_words() -> set[str]:
    """Two- to four-character runs of Chinese the documents use (for full pinyin: zhuyuan -> 住院)."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    found = set()
    for doc in documents().values():
        for clause in doc.clauses:
            found.update(w for w in jieba.cut(clause.text, HMM=False) if 2 <= len(w) <= 4 and not w.isascii())
    return found


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


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of its own (the global one is left alone) with the domain's words."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    cutter = jieba.Tokenizer()
    cutter.initialize()
    for word in sorted(vocabulary().words):
        cutter.add_word(word, freq=200000)
    for name, _ in vocabulary().region_names:
        if not name.isascii():
            cutter.add_word(name, freq=200000)
    return cutter


def from_pinyin(text: str) -> str:
    """Latin letters typed for Chinese (dbh, dibaohu, zhuyuan) replaced by the words they stand for;
    a run that is not pinyin of a known word stays as it is."""
    keys = vocabulary().pinyin

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
