"""Disease lists of the documents (knowledge/diseases.yaml) and the words people use for them.

A visit's `disease` is free text ("食管癌晚期", "尿毒症透析"); `match_disease` finds the listed
disease it names, or None. Matching is whole-word-or-contained and deterministic: the longest
name or alias found in the text wins, so no guess is made between two diseases silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import KnowledgeError
from .files import knowledge_path, read_yaml

FILE = "diseases.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class DiseaseEntry(_Strict):
    name: str = Field(min_length=1)
    shown: str | None = None  # the everyday word shown beside the document's (尿毒症 for 终末期肾病)
    since: int
    aliases: list[str] = []


class DiseaseList(_Strict):
    title: str
    doc: str
    clause: str
    diseases: list[DiseaseEntry] = Field(min_length=1)


class DiseaseFile(_Strict):
    lists: dict[str, DiseaseList]


@dataclass(frozen=True)
class Disease:
    name: str       # the document's word, verbatim in `clause`
    since: int
    list_id: str
    doc: str
    clause: str


def _key(text: str) -> str:
    """Case, spaces and punctuation ignored: "食管 癌" and "食管癌。" are the same words."""
    return re.sub(r"[\s，,。.、;；:：()（）\-—_/]+", "", str(text)).lower()


def load_disease_lists(docs) -> dict[str, dict]:
    """list id -> {"title", "doc", "clause", "words": [(key, Disease)] longest first}; checked verbatim."""
    path = knowledge_path(FILE)
    try:
        data = DiseaseFile.model_validate(read_yaml(path))
    except ValidationError as error:
        from .documents import describe_validation
        raise KnowledgeError(describe_validation(path, error)) from None
    found = {}
    for list_id, item in data.lists.items():
        doc = docs.get(item.doc)
        clause = doc.clause(item.clause) if doc is not None else None
        if clause is None:
            raise KnowledgeError(f"{FILE}: field lists.{list_id}: no clause {item.doc} {item.clause}")
        text = "".join(clause.text.split())  # the clause breaks a line inside the list
        words: dict[str, Disease] = {}
        for entry in item.diseases:
            if entry.name not in text:
                raise KnowledgeError(f"{FILE}: field lists.{list_id}: '{entry.name}' not found verbatim "
                                     f"in {item.doc} {item.clause}")
            disease = Disease(entry.name, entry.since, list_id, item.doc, item.clause)
            for word in (entry.name, *entry.aliases):
                key = _key(word)
                other = words.get(key)
                if other is not None and other != disease:
                    raise KnowledgeError(f"{FILE}: field lists.{list_id}: '{word}' names both "
                                         f"{other.name} and {entry.name}")
                words[key] = disease
        ordered = sorted(words.items(), key=lambda pair: -len(pair[0]))
        found[list_id] = {"title": item.title, "doc": item.doc, "clause": item.clause,
                          "names": [entry.name for entry in item.diseases], "words": ordered,
                          "labels": {e.name: f"{e.name}（{e.shown}）" if e.shown else e.name for e in item.diseases}}
    return found


def disease_lists() -> dict[str, dict]:
    from .store import knowledge
    return knowledge()["diseases"]


def match_disease(text: str | None, list_id: str, lists: dict | None = None) -> Disease | None:
    """The listed disease `text` names (an exact word or one contained in it), else None."""
    if not text:
        return None
    table = (lists or disease_lists()).get(list_id)
    if table is None:
        return None
    key = _key(text)
    if not key:
        return None
    for word, disease in table["words"]:
        if word == key:
            return disease
    for word, disease in table["words"]:  # longest first: "儿童淋巴瘤" before a shorter word
        if word in key:
            return disease
    return None


def names(list_id: str) -> list[str]:
    """The document's names of one list, in the document's order (for choices in the interview)."""
    return list(disease_lists()[list_id]["names"])


def labels(list_id: str) -> dict[str, str]:
    """The document's name -> the name with the everyday word beside it, in the document's order."""
    return dict(disease_lists()[list_id]["labels"])
