"""What one settlement run needs to look up: the pack (through its index), the case, the identity,
and what the run noted on the way (assumptions, flags, the parameter values it used)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..models import Case
from .index import PackIndex, as_dicts, index_for, quote_of

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Citation, Pack


def cites(citations) -> list[dict]:
    """A list of citations as results show them (fresh dicts: every result owns its lists)."""
    return [{"doc": c.doc, "clause": c.clause, "quote": c.quote} for c in citations]


def cite(c: Citation) -> dict:
    return {"doc": c.doc, "clause": c.clause, "quote": c.quote}


@dataclass
class Notes:
    """What the runs of one result note: shared by the years of a case, so the result lists them once."""
    assumptions: dict[str, None] = field(default_factory=dict)  # ordered set
    flags: list[dict] = field(default_factory=list)
    used: dict[str, None] = field(default_factory=dict)  # every parameter value used ("pack|name|start|key|value")


@dataclass
class Run:
    pack: Pack
    case: Case
    identity: str | None
    explain: bool = True  # False while comparing identities: numbers only, words for the winner
    notes: Notes = field(default_factory=Notes)
    contribution_tier: str | None = None  # the tier settled at (the case's, or the assumed one)
    index: PackIndex = field(init=False)

    def __post_init__(self):
        self.index = index_for(self.pack)

    @property
    def assumptions(self) -> dict[str, None]:
        return self.notes.assumptions

    @property
    def flags(self) -> list[dict]:
        return self.notes.flags

    def value(self, name: str, day: dt.date, key: str | None = None) -> Decimal:
        value, line, mark = self.index.lookup(name, day, key)
        if self.explain:
            if line is not None:
                self.notes.assumptions[line] = None
            self.notes.used[mark] = None
        return value

    def statistic(self, name: str, day: dt.date) -> Decimal:
        override = self.override(name)
        if override is not None:
            if self.explain:
                self.notes.used[f"{self.pack.id}|{name}|case||{override}"] = None
            return override
        return self.value(name, day)

    def override(self, name: str) -> Decimal | None:
        """The figure the user typed for a statistic, if any."""
        if name == "statistics.per_capita_income":
            return self.case.per_capita_income
        if name == "statistics.rural_per_capita_income":
            return self.case.rural_per_capita_income
        return None

    def citation_of(self, name: str, day: dt.date) -> list[dict]:
        return as_dicts(self.index.value_quotes(name, day))

    def assume(self, line: str) -> None:
        if self.explain:
            self.notes.assumptions[line] = None

    def flag(self, code: str, message: str, citations: list[dict]) -> None:
        if not self.explain:
            return
        for existing in self.notes.flags:
            if existing["code"] == code and existing["message"] == message:
                return
        self.notes.flags.append({"code": code, "message": message, "citations": citations})


__all__ = ["Run", "Notes", "cite", "cites", "quote_of"]
