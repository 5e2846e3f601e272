"""Knowledge as plain objects: what settling reads at run time, without pydantic or YAML.

The pydantic schema (documents.py, packs.py) validates the files; `plain()` then copies the
validated tree into these light objects, which are what the cache keeps and what the engine
reads. The behaviour both need (a parameter's value on a day, a clause by id …) lives in the
mixins here, so it is written once.
"""
from __future__ import annotations

import datetime as dt

STATUS_NAMES = {"current": "现行有效", "historical": "历史文件（已过期）", "draft": "征求意见稿（未正式实施）",
                "framework": "框架性文件（原则要求）"}


def is_citation(source) -> bool:
    """A source that is a clause with its quote (not an external publication or local configuration)."""
    return getattr(source, "quote", None) is not None


class ParamValueRules:
    @property
    def is_assumption(self) -> bool:
        return not is_citation(self.source)


class ParameterRules:
    def at(self, day: dt.date):
        for item in self.values:
            if item.start <= day and (item.end is None or day <= item.end):
                return item
        return None


class ConditionRules:
    def allows(self, value: str) -> bool:
        if self.in_ is not None and value not in self.in_:
            return False
        return not (self.not_in is not None and value in self.not_in)


class GroupRules:
    def covers(self, identity: str | None) -> bool:
        return self.identities == "all" or (identity is not None and identity in self.identities)


class PackRules:
    def param(self, name: str, day: dt.date):
        """The parameter's dated value on a day; a KnowledgeError names both when there is none."""
        from ..errors import KnowledgeError
        parameter = self.parameters.get(name)
        found = parameter.at(day) if parameter is not None else None
        if found is None:
            raise KnowledgeError(f"{self.id}: parameter '{name}' has no value for {day}")
        return found

    @property
    def identity_order(self) -> tuple[str, ...]:
        return tuple(self.identities)

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DocumentRules:
    def clause(self, clause_id: str):
        index = self.__dict__.get("_clause_index")
        if index is None:
            index = self.__dict__["_clause_index"] = {c.id: c for c in self.clauses}
        return index.get(clause_id)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


class Plain:
    """Attributes only; equal when their fields are equal."""

    def __init__(self, fields: dict):
        self.__dict__.update(fields)

    def __eq__(self, other):
        return type(other) is type(self) and _fields(self) == _fields(other)

    __hash__ = object.__hash__

    def __getstate__(self):  # what settling derived from a pack (its index) is rebuilt, never stored
        return {k: v for k, v in self.__dict__.items() if k != "_index"}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in _fields(self).items())})"


def _fields(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}


class PlainParamValue(Plain, ParamValueRules):
    pass


class PlainParameter(Plain, ParameterRules):
    pass


class PlainCondition(Plain, ConditionRules):
    pass


class PlainGroup(Plain, GroupRules):
    pass


class PlainPack(Plain, PackRules):
    pass


class PlainDocument(Plain, DocumentRules):
    pass


_PLAIN = {"ParamValue": PlainParamValue, "Parameter": PlainParameter, "Condition": PlainCondition,
          "Group": PlainGroup, "Pack": PlainPack, "Document": PlainDocument}


def plain(value):
    """A validated pydantic tree copied into plain objects (lists, dicts and values as they are)."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    fields = getattr(type(value), "model_fields", None)
    if fields is None:
        return value
    kind = _PLAIN.get(type(value).__name__, Plain)
    return kind({name: plain(getattr(value, name)) for name in fields})
