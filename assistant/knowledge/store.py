"""Loads the knowledge once: validated from YAML, then kept as a pickle beside it for the next start.

Validation (PyYAML + pydantic schema building) costs more than a whole settlement; the pickle is
used only while every knowledge file and the loading code are unchanged (size and mtime), and
is simply rebuilt otherwise. A folder we cannot write to just means no cache.
"""
from __future__ import annotations

import os
import pickle
from functools import lru_cache
from pathlib import Path

from .files import ROOT

CACHE = ROOT / ".cache" / "knowledge.pickle"
CODE = Path(__file__).resolve().parent


def _fingerprint() -> list[tuple[str, int, int]]:
    files = [*ROOT.glob("**/*.yaml"), *CODE.glob("*.py")]
    marks = []
    for path in sorted(files):
        info = path.stat()
        marks.append((str(path), info.st_mtime_ns, info.st_size))
    return marks


def _build() -> dict:
    from .diseases import load_disease_lists
    from .documents import load_documents
    from .files import knowledge_path, read_yaml
    from .packs import load_packs
    from .plain import plain
    docs = load_documents()
    return {"documents": plain(docs), "packs": plain(load_packs(docs)),
            "lexicon": read_yaml(knowledge_path("lexicon.yaml")),
            "diseases": load_disease_lists(docs),
            "tiers": (tiers := load_tiers(read_yaml(knowledge_path("tiers.yaml")))),
            "tier_codes": tuple(t["code"] for t in tiers)}


TIER_FIELDS = ("code", "name", "short", "help")


def load_tiers(raw) -> tuple[dict, ...]:
    """tiers.yaml checked: a list of {code, name, short, help}, codes unique, basic first."""
    from ..errors import KnowledgeError
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError("tiers.yaml: should be a list of tiers")
    seen = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != set(TIER_FIELDS):
            raise KnowledgeError(f"tiers.yaml: field [{i}]: needs exactly {', '.join(TIER_FIELDS)}")
        if not all(isinstance(item[f], str) and item[f].strip() for f in TIER_FIELDS):
            raise KnowledgeError(f"tiers.yaml: field [{i}]: every field must be non-empty text")
        if item["code"] in seen:
            raise KnowledgeError(f"tiers.yaml: field [{i}].code: '{item['code']}' appears twice")
        seen.add(item["code"])
    if raw[0]["code"] != "basic":
        raise KnowledgeError("tiers.yaml: field [0].code: the first tier must be basic")
    return tuple(dict(item) for item in raw)


def documents() -> dict:
    """Document id -> the validated document (plain objects)."""
    return knowledge()["documents"]


def packs() -> dict:
    """Pack id -> the validated policy pack (plain objects)."""
    return knowledge()["packs"]


def tiers() -> tuple[dict, ...]:
    """Every tier in settlement order: {code, name, short, help} (knowledge/tiers.yaml)."""
    return knowledge()["tiers"]


def tier_codes() -> tuple[str, ...]:
    """The tier codes in settlement order (the keys of a result's totals between policy_scope and out_of_pocket)."""
    return knowledge()["tier_codes"]


def tier_name(code: str) -> str:
    """The Chinese name of a tier code; an unknown code is shown as it is."""
    return next((t["name"] for t in tiers() if t["code"] == code), code)


@lru_cache(maxsize=1)
def knowledge() -> dict:
    if os.environ.get("SANCHONG_NO_CACHE"):
        return _build()
    marks = _fingerprint()
    try:
        with open(CACHE, "rb") as handle:
            stored = pickle.load(handle)
        if stored["fingerprint"] == marks:
            return stored["knowledge"]
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, AttributeError, ImportError, TypeError):
        pass
    built = _build()
    try:
        CACHE.parent.mkdir(exist_ok=True)
        temporary = CACHE.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump({"fingerprint": marks, "knowledge": built}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, CACHE)
    except OSError:
        pass
    return built
