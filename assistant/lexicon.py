"""Codes of CONTRACT.md and the words people use for them (data in knowledge/lexicon.yaml)."""
from functools import lru_cache

from .knowledge.store import knowledge


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = knowledge()["lexicon"]
    lookup: dict[str, dict[str, str]] = {}
    for field in ("identities", "insurance", "contribution_tier", "kind", "hospital_level",
                  "location", "referral"):
        table = {}
        for code, names in data[field].items():
            table[code] = code
            for name in names:
                table[_key(name)] = code
        lookup[field] = table
    names = {field: {code: words[0] for code, words in data[field].items()}
             for field in lookup}
    return {"lookup": lookup, "names": names, "ordinary": {_key(w) for w in data["ordinary"]},
            "topics": tuple(data.get("topics", ())), "topic_synonyms": data.get("topic_synonyms", {})}


def _key(word: str) -> str:
    return "".join(str(word).split()).lower()


def code_for(field: str, word) -> str | None:
    table = lexicon()["lookup"][field]
    found = table.get(word) if isinstance(word, str) else None  # most input is a code already
    return found if found is not None else table.get(_key(word))


def name_of(field: str, code: str | None) -> str:
    if code is None:
        return "普通参保人"
    return lexicon()["names"][field].get(code, code)


def is_ordinary(word) -> bool:
    return _key(word) in lexicon()["ordinary"]


def choices(field: str) -> dict[str, str]:
    """code -> display name, in data order."""
    return dict(lexicon()["names"][field])
