"""What settling derives from one pack, worked out once and kept on that pack.

A parameter's value on a day, which rule and group of a tier applies to whom, a group's
schedule (起付线 × bands × limit) with the citations and assumptions behind it, and the words
of each assumption: the same lookups repeat for every visit of every case. They live in one
`PackIndex` owned by the pack object (`index_for(pack)`), so a new or modified pack never
sees another pack's figures, and results copy what they show out of it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..errors import KnowledgeError
from ..knowledge.plain import is_citation
from ..lexicon import name_of
from ..money import fen, percent, yuan
from .banded import Schedule

SOURCE_KIND = {"external": "外部来源", "local_config": "本地配置，文件未规定"}
_LEVELS = {"township", "level1", "level2", "level3"}

Quote = tuple[str, str, str]  # (doc, clause, quote): results get fresh dicts made from these


def quote_of(citation) -> Quote:
    return (citation.doc, citation.clause, citation.quote)


def as_dicts(quotes) -> list[dict]:
    """Citations as a result shows them: new dicts every time, so no two results share one."""
    return [{"doc": d, "clause": c, "quote": q} for d, c, q in quotes]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A group's schedule on a day, with what it rests on (kept so no result has to recompute it)."""
    schedule: Schedule
    quotes: tuple[Quote, ...]
    notes: tuple[str, ...]
    used: tuple[str, ...]  # the values it rests on, as the fingerprint records them
    names: tuple[str, ...]  # the parameters it read


class PackIndex:
    def __init__(self, pack):
        self.pack = pack
        self._values: dict[tuple[str, dt.date], object] = {}
        self._rules: dict[tuple, tuple] = {}
        self._schedules: dict[tuple, Compiled] = {}
        self._notes: dict[tuple, str | None] = {}
        self._lookups: dict[tuple, tuple] = {}
        self.variants: dict[str, object] = {}  # reading code -> the pack read the other way (ranges.py)

    # parameters -----------------------------------------------------------------------------
    def item(self, name: str, day: dt.date):
        """The dated value of a parameter on a day; a KnowledgeError names both when there is none."""
        key = (name, day)
        found = self._values.get(key)
        if found is None:
            parameter = self.pack.parameters.get(name)
            if parameter is None:
                raise KnowledgeError(f"{self.pack.id}: no parameter '{name}'")
            found = parameter.at(day)
            if found is None:
                raise KnowledgeError(f"{self.pack.id}: parameter '{name}' has no value for {day}")
            self._values[key] = found
        return found

    def lookup(self, name: str, day: dt.date, key: str | None = None) -> tuple:
        """(value, assumption line or None, fingerprint mark) of a parameter on a day, for a level or insurance key."""
        memo = (name, day, key)
        found = self._lookups.get(memo)
        if found is None:
            item = self.item(name, day)
            raw = item.value
            value = raw.get(key, raw.get("level1")) if isinstance(raw, dict) else raw
            found = self._lookups[memo] = (value, *self.noted(name, item, key))
        return found

    def note(self, name: str, item, key: str | None) -> str | None:
        """The assumption line for a value that is not a quoted clause or that we read one way."""
        return self.noted(name, item, key)[0]

    def noted(self, name: str, item, key: str | None) -> tuple[str | None, str]:
        """(assumption line or None, the value as the fingerprint records it)."""
        memo = (name, item.start, key)
        try:
            return self._notes[memo]
        except KeyError:
            raw = item.value
            shown = raw.get(key, raw.get("level1")) if isinstance(raw, dict) and key is not None else raw
            mark = f"{self.pack.id}|{name}|{item.start}|{key or ''}|{_fingerprint_value(shown)}"
            found = self._notes[memo] = (self._describe(name, item, key), mark)
            return found

    def _describe(self, name: str, item, key: str | None) -> str | None:
        if item.reading is None and not item.is_assumption:
            return None
        parameter = self.pack.parameters[name]
        shown = item.value
        if isinstance(shown, dict):
            key = key if key in shown else "level1"
            label = name_of("hospital_level", key) if key in _LEVELS else name_of("insurance", key)
            shown = f"{label} {_show(shown[key], parameter.unit)}"
        elif isinstance(shown, list):
            shown = "分段"
        else:
            shown = _show(shown, parameter.unit)
        line = f"{parameter.description}：{shown}"
        if item.is_assumption:
            kind = SOURCE_KIND["external" if hasattr(item.source, "external") else "local_config"]
            text = getattr(item.source, "external", None) or getattr(item.source, "local_config", "")
            url = getattr(item.source, "url", None)
            text += f"，{url}" if url else ""
            line += f"（{kind}：{text}）"
        if item.reading:
            line += f"；{item.reading}"
        return line

    @staticmethod
    def quotes(citations) -> tuple[Quote, ...]:
        """A pack's citation list as quote tuples (a handful each: cheaper to make than to look up)."""
        return tuple((c.doc, c.clause, c.quote) for c in citations)

    def value_quotes(self, name: str, day: dt.date) -> tuple[Quote, ...]:
        item = self.item(name, day)
        own = (quote_of(item.source),) if is_citation(item.source) else ()
        return own + tuple(quote_of(c) for c in getattr(item, "also", ()))

    # tiers ----------------------------------------------------------------------------------
    def resolve(self, t: int, kind: str, insurance: str, identity: str | None) -> tuple:
        """Which rule and group of tier t apply: ("absent", not_for) | ("norule",) |
        ("nogroup", rule) | ("rule", r, rule, g, group)."""
        key = (t, kind, insurance, identity)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = self._find(self.pack.tiers[t], kind, insurance, identity)
        return found

    @staticmethod
    def _find(tier, kind: str, insurance: str, identity: str | None) -> tuple:
        for absent in tier.not_for:
            if absent.insurance == insurance:
                return ("absent", absent)
        for r, rule in enumerate(tier.rules):
            if kind in rule.kinds and insurance in rule.insurance:
                for g, group in enumerate(rule.groups):
                    if group.covers(identity):
                        return ("rule", r, rule, g, group)
                return ("nogroup", rule)
        return ("norule",)

    def schedule(self, t: int, r: int, g: int, day: dt.date, income: Decimal | None) -> Compiled:
        """Tier t, rule r, group g on a day (income: the case's own 上年人均可支配收入, if typed).

        Kept by calendar year when every value it uses holds the whole year (the usual case),
        else by day.
        """
        schedules = self._schedules
        found = schedules.get((t, r, g, day.year, income))
        if found is None:
            found = schedules.get((t, r, g, day, income))
            if found is None:
                found = self._compile(t, r, g, day, income)
                whole_year = all(self._holds_year(name, day) for name in found.names)
                schedules[(t, r, g, day.year, income) if whole_year else (t, r, g, day, income)] = found
        return found

    def _holds_year(self, name: str, day: dt.date) -> bool:
        item = self.item(name, day)
        return item.start <= dt.date(day.year, 1, 1) and (item.end is None or item.end >= dt.date(day.year, 12, 31))

    def _compile(self, t: int, r: int, g: int, day: dt.date, income: Decimal | None) -> Compiled:
        tier = self.pack.tiers[t]
        group = tier.rules[r].groups[g]
        notes: dict[str, None] = {}
        used = []

        def value(name: str):
            item = self.item(name, day)
            line, mark = self.noted(name, item, None)
            if line:
                notes[line] = None
            used.append(mark)
            return item.value

        deductible = Decimal("0.00")
        if group.deductible:
            share = value(group.deductible)
            if group.deductible_of:
                base = income if income is not None else value(group.deductible_of)
                deductible = fen(share * base)
            else:
                deductible = share
        if group.bands:
            bands = tuple((band.upto, band.ratio) for band in value(group.bands))
        else:
            bands = ((None, value(group.ratio)),)
        limit = value(group.limit) if group.limit else None
        order = [group.deductible, group.ratio, group.limit, group.bands, group.deductible_of]
        ranked = {self.note(n, self.item(n, day), None): i for i, n in reversed(list(enumerate(order))) if n}
        notes = dict.fromkeys(sorted(notes, key=lambda line: ranked.get(line, len(order))))
        quotes = list(self.quotes(tier.citations))
        for name in (group.deductible, group.bands or group.ratio, group.limit):
            for quoted in (self.value_quotes(name, day) if name else ()):
                if quoted not in quotes:
                    quotes.append(quoted)
        names = tuple(n for n in (group.deductible, group.deductible_of, group.bands, group.ratio, group.limit) if n)
        return Compiled(Schedule(deductible, bands, limit), tuple(quotes), tuple(notes), tuple(used), names)


def index_for(pack) -> PackIndex:
    """The pack's index, made on first use and kept in the pack object itself."""
    found = pack.__dict__.get("_index")
    if found is None:
        found = pack.__dict__["_index"] = PackIndex(pack)
    return found


def _show(value: Decimal, unit: str) -> str:
    return percent(value) if unit == "ratio" else f"{yuan(value)} 元"


def _fingerprint_value(value) -> str:
    if isinstance(value, list):
        return ";".join(f"{b.upto}:{b.ratio}" for b in value)
    if isinstance(value, dict):
        return ";".join(f"{k}:{v}" for k, v in sorted(value.items()))
    return str(value)


__all__ = ["PackIndex", "index_for", "as_dicts", "quote_of", "Compiled"]
