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
            "diseases": load_disease_lists(docs)}


def documents() -> dict:
    """Document id -> the validated document (plain objects)."""
    return knowledge()["documents"]


def packs() -> dict:
    """Pack id -> the validated policy pack (plain objects)."""
    return knowledge()["packs"]


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
