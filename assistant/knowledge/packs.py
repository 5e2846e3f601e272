"""Policy packs: every parameter with value, unit, valid period and source, validated on load.

A pack that cites a quote not found verbatim in its clause, lacks a unit, or has two values
whose periods overlap does not load; the message names the file and the field.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Union

from pydantic import Field, ValidationError, model_validator

from ..errors import KnowledgeError
from .documents import Document, describe_validation, load_documents
from .guarantee_schema import Citation, Guarantee, _Strict, check_guarantee  # one definition of each
from .plain import ConditionRules, GroupRules, PackRules, ParameterRules, ParamValueRules
from .store import packs  # noqa: F401  (the loaded packs, for callers that import them from here)
from .files import knowledge_path, read_yaml

KINDS = Literal["inpatient", "outpatient", "chronic_outpatient"]
INSURANCE = Literal["resident", "employee"]
IDENTITY_CODES = ("extreme_poverty", "orphan", "minimum_living", "near_minimum_living",
                  "monitored_at_risk", "illness_impoverished", "other_hardship",
                  "registered_poor", "disabled_child", "severe_disability")



class ExternalSource(_Strict):
    external: str
    url: str | None = None
    published: str | int | dt.date | None = None


class LocalSource(_Strict):
    local_config: str


Source = Union[Citation, ExternalSource, LocalSource]


class Band(_Strict):
    upto: Decimal | None
    ratio: Decimal


Value = Union[Decimal, dict[str, Decimal], list[Band]]


class ParamValue(_Strict, ParamValueRules):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")  # none: in force until a newer value is added
    value: Value
    source: Source
    also: list[Citation] = []  # further clauses the value rests on (e.g. the band edges a raised ratio keeps)
    reading: str | None = None  # a choice where the document is open: shown as an assumption
    derived: str | None = None  # arithmetic from the quote (14000 × 50% = 7000): shown with the formula

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self



class Parameter(_Strict, ParameterRules):
    description: str
    unit: Literal["yuan", "ratio", "bands"]
    by: Literal["hospital_level", "insurance"] | None = None
    values: list[ParamValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self):
        ordered = sorted(self.values, key=lambda v: v.start)
        for before, after in zip(ordered, ordered[1:]):
            if before.end is None or after.start <= before.end:
                raise ValueError(f"periods overlap: {before.start}–{before.end or '…'} and {after.start}–{after.end or '…'}")
        for item in self.values:
            keyed = isinstance(item.value, dict)
            if keyed != (self.by is not None):
                raise ValueError("value must be a table exactly when 'by' is set")
            if (self.unit == "bands") != isinstance(item.value, list):
                raise ValueError("bands must be a list of {upto, ratio} and only bands")
        return self


class BasicRule(_Strict):
    insurance: INSURANCE
    kinds: list[KINDS]
    identities: list[str] | None = None  # a tilt for these identities only (listed before the general rule)
    contribution_tier: Literal["high", "low"] | None = None
    deductible: str | None = None
    deductible_mode: Literal["per_visit", "first_visit", "annual"] = "per_visit"
    deductible_group: str | None = None
    ratio: str
    limit: str | None = None
    limit_group: str
    reading: str | None = None
    citations: list[Citation] = []  # the clauses for this rule's numbers; the tier's own when empty


class Basic(_Strict):
    name: str
    citations: list[Citation] = Field(min_length=1)
    rules: list[BasicRule]


class Condition(_Strict, ConditionRules):
    field: Literal["referral", "location", "hospital_level"]
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    flag: str | None = None
    message: str
    citations: list[Citation] = Field(min_length=1)


class Group(_Strict, GroupRules):
    identities: list[str] | Literal["all"]
    deductible: str | None = None
    deductible_of: str | None = None
    ratio: str | None = None
    bands: str | None = None
    limit: str | None = None
    limit_note: str | None = None

    @model_validator(mode="after")
    def _one_rate(self):
        if (self.ratio is None) == (self.bands is None):
            raise ValueError("a group needs exactly one of ratio or bands")
        return self


class TierRule(_Strict):
    kinds: list[KINDS]
    insurance: list[INSURANCE]
    conditions: list[Condition] = []
    groups: list[Group] = Field(min_length=1)
    reading: str | None = None


class NotFor(_Strict):
    insurance: INSURANCE
    flag: str
    message: str
    citations: list[Citation] = Field(min_length=1)


class Tier(_Strict):
    tier: str  # a code of knowledge/tiers.yaml (checked on load, with the order)
    name: str
    citations: list[Citation] = Field(min_length=1)
    not_for: list[NotFor] = []
    rules: list[TierRule] = Field(min_length=1)


class FlagRule(_Strict):
    code: str
    type: Literal["burden_above", "out_of_catalog_share"]
    share: str
    statistic: str | None = None
    identities: list[str] | None = None
    kinds: list[KINDS] | None = None
    message: str
    citations: list[Citation] = Field(min_length=1)


class When(_Strict):
    identities: list[str] | None = None
    insurance: INSURANCE | None = None


class EligibilityRule(_Strict):
    item: str
    when: When = When()
    result: str
    citations: list[Citation] = Field(min_length=1)


class ReadingChoice(_Strict):
    """A documented reading that changes the amount a lot: the result shows the other figure too."""
    code: str
    reading: str  # the one we settle at
    alternative: str
    tier: str  # under the alternative, visits of `kind` take rule `to_rule` of this tier
    kind: KINDS
    to_rule: int
    citations: list[Citation] = Field(min_length=1)


class IdentityEntry(_Strict):
    source: Citation


class Pack(_Strict, PackRules):
    id: str
    name: str
    region: str
    region_aliases: list[str] = []
    document: str
    status: Literal["current", "historical", "draft", "framework"]
    settles: bool
    valid_from: dt.date
    valid_to: dt.date | None = None  # none: in force until a newer document is added (POLICY_NOTES "Years after 2023")
    valid_note: str | None = None
    reviewed: dt.date | None = None  # when the pack's values were last checked against their sources
    contribution_tiers: list[Literal["high", "low"]] = []
    home_region_locations: list[str] = []  # 就医地 values that count as "in the home region" (shown by the app)
    identities: dict[str, IdentityEntry]
    identity_choice: list[Citation] = []  # the clause that says 就高不就低, where the document has one
    parameters: dict[str, Parameter]
    basic: Basic
    tiers: list[Tier]
    flags: list[FlagRule] = []
    eligibility: list[EligibilityRule] = []
    guarantee: Guarantee | None = None  # an outcome guarantee (naiman-2019's 健康扶贫兜底), after the tiers
    readings: list[ReadingChoice] = []


def _check_citation(cite: Citation, docs: dict[str, Document], where: str) -> None:
    doc = docs.get(cite.doc)
    if doc is None:
        raise KnowledgeError(f"{where}.doc: no document '{cite.doc}' in knowledge/documents")
    clause = doc.clause(cite.clause)
    if clause is None:
        raise KnowledgeError(f"{where}.clause: {cite.doc} has no clause '{cite.clause}'")
    if cite.quote not in clause.text:
        raise KnowledgeError(f"{where}.quote: '{cite.quote}' not found verbatim in {cite.doc} {cite.clause}")


def _check_covers(pack: Pack, pname: str, parameter: Parameter, name: str) -> None:
    """Every day the pack settles has exactly one value: from valid_from, without gaps, to valid_to (or open)."""
    where = f"{name}: field parameters.{pname}.values"
    ordered = sorted(parameter.values, key=lambda v: v.start)
    if ordered[0].start > pack.valid_from:
        raise KnowledgeError(f"{where}: starts {ordered[0].start}, after the pack's valid_from {pack.valid_from}")
    for before, after in zip(ordered, ordered[1:]):
        if (after.start - before.end).days != 1:
            raise KnowledgeError(f"{where}: no value from {before.end + dt.timedelta(days=1)} to "
                                 f"{after.start - dt.timedelta(days=1)}")
    last = ordered[-1].end
    if last is not None and (pack.valid_to is None or last < pack.valid_to):
        raise KnowledgeError(f"{where}: ends {last}, before the pack's valid_to {pack.valid_to or '(open)'}")


def _tier_codes() -> tuple[str, ...]:
    from .store import load_tiers
    return tuple(t["code"] for t in load_tiers(read_yaml(knowledge_path("tiers.yaml"))))


def _check_pack(pack: Pack, docs: dict[str, Document], name: str) -> None:
    if pack.document not in docs:
        raise KnowledgeError(f"{name}: field document: no document '{pack.document}'")
    for i, cite in enumerate(pack.identity_choice):
        _check_citation(cite, docs, f"{name}: field identity_choice[{i}]")
    for code, entry in pack.identities.items():
        if code not in IDENTITY_CODES:
            raise KnowledgeError(f"{name}: field identities.{code}: unknown identity code")
        _check_citation(entry.source, docs, f"{name}: field identities.{code}.source")
    for pname, parameter in pack.parameters.items():
        for i, value in enumerate(parameter.values):
            if isinstance(value.source, Citation):
                _check_citation(value.source, docs, f"{name}: field parameters.{pname}.values[{i}].source")
            for j, cite in enumerate(value.also):
                _check_citation(cite, docs, f"{name}: field parameters.{pname}.values[{i}].also[{j}]")
        _check_covers(pack, pname, parameter, name)

    def need(ref: str | None, where: str, units: tuple[str, ...]) -> None:
        if ref is None:
            return
        parameter = pack.parameters.get(ref)
        if parameter is None:
            raise KnowledgeError(f"{name}: field {where}: no parameter '{ref}'")
        if parameter.unit not in units:
            raise KnowledgeError(f"{name}: field {where}: '{ref}' has unit {parameter.unit}, expected {'/'.join(units)}")

    for i, cite in enumerate(pack.basic.citations):
        _check_citation(cite, docs, f"{name}: field basic.citations[{i}]")
    for i, rule in enumerate(pack.basic.rules):
        where = f"basic.rules[{i}]"
        for j, cite in enumerate(rule.citations):
            _check_citation(cite, docs, f"{name}: field {where}.citations[{j}]")
        need(rule.deductible, where + ".deductible", ("yuan",))
        need(rule.ratio, where + ".ratio", ("ratio",))
        need(rule.limit, where + ".limit", ("yuan",))
    order = _tier_codes()
    for t, tier in enumerate(pack.tiers):
        base = f"tiers[{t}]"
        if tier.tier not in order[1:]:
            raise KnowledgeError(f"{name}: field {base}.tier: '{tier.tier}' is not a later tier of tiers.yaml "
                                 f"({', '.join(order[1:])})")
        if t and order.index(tier.tier) <= order.index(pack.tiers[t - 1].tier):
            raise KnowledgeError(f"{name}: field {base}.tier: '{tier.tier}' is out of the settlement order of tiers.yaml")
        for i, cite in enumerate(tier.citations):
            _check_citation(cite, docs, f"{name}: field {base}.citations[{i}]")
        for i, absent in enumerate(tier.not_for):
            for j, cite in enumerate(absent.citations):
                _check_citation(cite, docs, f"{name}: field {base}.not_for[{i}].citations[{j}]")
        for r, rule in enumerate(tier.rules):
            for c, condition in enumerate(rule.conditions):
                for j, cite in enumerate(condition.citations):
                    _check_citation(cite, docs, f"{name}: field {base}.rules[{r}].conditions[{c}].citations[{j}]")
            for g, group in enumerate(rule.groups):
                where = f"{base}.rules[{r}].groups[{g}]"
                need(group.deductible, where + ".deductible", ("ratio",) if group.deductible_of else ("yuan",))
                need(group.deductible_of, where + ".deductible_of", ("yuan",))
                need(group.ratio, where + ".ratio", ("ratio",))
                need(group.bands, where + ".bands", ("bands",))
                need(group.limit, where + ".limit", ("yuan",))
                if group.identities != "all":
                    for code in group.identities:
                        if code not in pack.identities:
                            raise KnowledgeError(f"{name}: field {where}.identities: '{code}' is not among the pack's identities")
    for i, flag in enumerate(pack.flags):
        need(flag.share, f"flags[{i}].share", ("ratio",))
        need(flag.statistic, f"flags[{i}].statistic", ("yuan",))
        for j, cite in enumerate(flag.citations):
            _check_citation(cite, docs, f"{name}: field flags[{i}].citations[{j}]")
    for i, choice in enumerate(pack.readings):
        tier = next((t for t in pack.tiers if t.tier == choice.tier), None)
        if tier is None or not 0 <= choice.to_rule < len(tier.rules):
            raise KnowledgeError(f"{name}: field readings[{i}]: no rule {choice.to_rule} of tier '{choice.tier}'")
        for j, cite in enumerate(choice.citations):
            _check_citation(cite, docs, f"{name}: field readings[{i}].citations[{j}]")
    for i, rule in enumerate(pack.eligibility):
        for j, cite in enumerate(rule.citations):
            _check_citation(cite, docs, f"{name}: field eligibility[{i}].citations[{j}]")
    if pack.guarantee is not None:
        check_guarantee(pack, docs, name, need, _check_citation)


def load_pack_file(path, docs: dict[str, Document] | None = None) -> Pack:
    if docs is None:
        docs = load_documents()
    try:
        pack = Pack.model_validate(read_yaml(path))
    except ValidationError as error:
        raise KnowledgeError(describe_validation(path, error)) from None
    if pack.id != path.stem:
        raise KnowledgeError(f"{path.name}: field id: '{pack.id}' should match the file name")
    _check_pack(pack, docs, path.name)
    return pack


def load_packs(docs: dict[str, Document]) -> dict[str, Pack]:
    return {path.stem: load_pack_file(path, docs) for path in sorted(knowledge_path("policies").glob("*.yaml"))}
