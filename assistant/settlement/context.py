"""What one settlement run needs to look up: the pack, the case, the identity, and the assumptions it made."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..knowledge.plain import is_citation
from ..lexicon import name_of
from ..money import fen, percent, yuan
from ..models import Case

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Citation, Pack, ParamValue

SOURCE_KIND = {"external": "外部来源", "local_config": "本地配置，文件未规定"}


_CITED: dict[int, dict] = {}
_NOTES: dict[tuple, str | None] = {}


def cites(citations) -> list[dict]:
    """A list of citations as results show them; shared like `cite`."""
    key = id(citations)
    found = _CITED_LISTS.get(key)
    if found is None or found[0] is not citations:
        found = _CITED_LISTS[key] = (citations, [cite(c) for c in citations])
    return found[1]


_CITED_LISTS: dict[int, tuple] = {}


def cite(c: Citation) -> dict:
    """The citation as the result shows it; shared between results, so treat results as read-only."""
    found = _CITED.get(id(c))
    if found is None or found["quote"] is not c.quote:
        found = _CITED[id(c)] = {"doc": c.doc, "clause": c.clause, "quote": c.quote}
    return found


@dataclass
class Run:
    pack: Pack
    case: Case
    identity: str | None
    explain: bool = True  # False while comparing identities: numbers only, words for the winner
    assumptions: dict[str, None] = field(default_factory=dict)  # ordered set
    flags: list[dict] = field(default_factory=list)

    def value(self, name: str, day: dt.date, key: str | None = None) -> Decimal:
        item = self.pack.param(name, day)
        if item is None:
            raise LookupError(name)
        if self.explain:
            self._note(name, item, key)
        raw = item.value
        return raw.get(key, raw.get("level1")) if isinstance(raw, dict) else raw

    def bands(self, name: str, day: dt.date):
        item = self.pack.param(name, day)
        if self.explain:
            self._note(name, item, None)
        return item.value

    def statistic(self, name: str, day: dt.date) -> Decimal:
        override = None
        if name == "statistics.per_capita_income":
            override = self.case.per_capita_income
        elif name == "statistics.rural_per_capita_income":
            override = self.case.rural_per_capita_income
        if override is not None:
            return override
        return self.value(name, day)

    def citation_of(self, name: str, day: dt.date) -> dict | None:
        item = self.pack.param(name, day)
        return cite(item.source) if item is not None and is_citation(item.source) else None

    def _note(self, name: str, item: ParamValue, key: str | None) -> None:
        memo = (id(self.pack), name, id(item), key)
        line = _NOTES.get(memo, False)
        if line is False:
            line = _NOTES[memo] = self._describe(name, item, key)
        if line is not None:
            self.assumptions[line] = None

    def _describe(self, name: str, item: ParamValue, key: str | None) -> str | None:
        if item.reading is None and not item.is_assumption:
            return None
        description = self.pack.parameters[name].description
        shown = item.value
        if isinstance(shown, dict):
            key = key if key in shown else "level1"
            label = name_of("hospital_level", key) if key in _LEVELS else name_of("insurance", key)
            shown = f"{label} {_show(shown[key], self.pack.parameters[name].unit)}"
        elif isinstance(shown, list):
            shown = "分段"
        else:
            shown = _show(shown, self.pack.parameters[name].unit)
        if item.is_assumption:
            kind = SOURCE_KIND["external" if hasattr(item.source, "external") else "local_config"]
            text = getattr(item.source, "external", None) or getattr(item.source, "local_config", "")
            url = getattr(item.source, "url", None)
            text += f"，{url}" if url else ""
            line = f"{description}：{shown}（{kind}：{text}）"
        else:
            line = f"{description}：{shown}"
        if item.reading:
            line += f"；{item.reading}"
        return line

    def assume(self, line: str) -> None:
        if self.explain:
            self.assumptions[line] = None

    def flag(self, code: str, message: str, citations: list[dict]) -> None:
        if not self.explain:
            return
        for existing in self.flags:
            if existing["code"] == code and existing["message"] == message:
                return
        self.flags.append({"code": code, "message": message, "citations": citations})


_LEVELS = {"township", "level1", "level2", "level3"}


def _show(value: Decimal, unit: str) -> str:
    return percent(value) if unit == "ratio" else f"{yuan(value)} 元"


__all__ = ["Run", "cite", "cites"]
