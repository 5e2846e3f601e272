"""Tier 1, 基本医保: the slip's figure when the user has it, otherwise the pack's deductible × ratio × limit."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import InputError
from ..lexicon import name_of
from ..models import KIND_NAMES, Visit
from ..money import ZERO, fen, percent, yuan
from .context import Run
from .guarantee import deductible_waiver, tilt_citations
from .index import as_dicts

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import BasicRule


@dataclass
class BasicState:
    """What the year has used so far: deductibles met and amounts paid against each limit."""
    deductible_used: dict[str, Decimal] = field(default_factory=dict)
    limit_paid: dict[str, Decimal] = field(default_factory=dict)
    stays: list[Visit] = field(default_factory=list)  # inpatient stays so far (同级别再次住院, naiman-2019)


def _rule_for(run: Run, visit: Visit, tier: str | None) -> BasicRule | None:
    for rule in run.pack.basic.rules:
        if rule.insurance == run.case.insurance and visit.kind in rule.kinds and (
                rule.contribution_tier is None or rule.contribution_tier == tier) and (
                getattr(rule, "identities", None) is None or run.identity in rule.identities):
            return rule
    return None


def basic_payment(run: Run, visit: Visit, scope: Decimal, state: BasicState, tier: str | None):
    """(amount, formula or None, citations or None); words only when run.explain."""
    explain = run.explain
    rule = _rule_for(run, visit, tier)
    # the rule's own clauses (天津 门诊: 二（二）3.), else the basic tier's general ones
    citations = as_dicts(run.index.quotes(rule.citations if rule is not None and rule.citations
                                          else run.pack.basic.citations)) if explain else None
    group = rule.limit_group if rule else visit.kind
    if visit.kind == "inpatient":
        state.stays.append(visit)
    if visit.basic_paid is not None:
        paid = visit.basic_paid
        if paid > scope:
            raise InputError(
                f"第{visit.index + 1}次填写的就诊（{visit.date}）的基本医保已支付（{yuan(paid)}）超过了政策范围内费用（{yuan(scope)}），"
                "请核对结算单上的“基本医保统筹支付”和目录外、乙类费用。", "basic_paid")
        state.limit_paid[group] = state.limit_paid.get(group, ZERO) + paid
        if rule is not None and rule.deductible is not None:
            _slip_deductible(run, rule, visit, scope, paid, state)
        return paid, (f"按结算单填写的基本医保统筹支付 {yuan(paid)} 元" if explain else None), citations
    if rule is None:
        run.assume(f"本政策包没有{name_of('insurance', run.case.insurance)}{KIND_NAMES[visit.kind]}的基本医保参数，"
                   "基本医保按0计算，请填写结算单上的基本医保支付金额")
        return ZERO, "政策包中没有对应的基本医保参数，按0计算（请填写结算单金额）", citations

    day = visit.date
    deductible, deductible_text = _deductible(run, rule, visit, scope, state)
    ratio = run.value(rule.ratio, day, visit.hospital_level)
    raw = fen((scope - deductible) * ratio)
    paid = raw
    limit_text = ""
    if rule.limit is not None:
        limit = run.value(rule.limit, day)
        used = state.limit_paid.get(group, ZERO)
        left = limit - used if limit > used else ZERO
        if raw > left:
            paid = left
            if explain:
                limit_text = f"，年度限额 {yuan(limit)} 已用 {yuan(used)}，只能再付 {yuan(left)}"
    state.limit_paid[group] = state.limit_paid.get(group, ZERO) + paid
    if not explain:
        return paid, None, None
    if deductible:
        formula = f"(政策范围内 {yuan(scope)} − {deductible_text} {yuan(deductible)})"
    else:
        formula = f"政策范围内 {yuan(scope)}" + (f"（{deductible_text}）" if deductible_text else "")
    formula += f" × {percent(ratio)} = {yuan(raw)}{limit_text}"
    if _assumed(run, rule, day):
        formula += "（基本医保参数为假设值，以结算单为准）"
    extra = tilt_citations(run, rule, day, deductible_text)  # a guarantee pack's tilts cite their clauses
    return paid, formula, (citations + [c for c in extra if c not in citations]) if extra else citations


def _slip_deductible(run: Run, rule: BasicRule, visit: Visit, scope: Decimal, paid: Decimal, state: BasicState) -> None:
    """A visit settled from the slip still counts toward the year's 起付线 (天津 二（二）3.: met once a year).

    first_visit: the year's first visit carried the 起付线. annual: basic paid something only once
    the year's 起付线 was met, so a slip with a payment meets it in full; a slip with nothing paid
    puts the whole policy-scope cost toward it.
    """
    key = _deductible_key(rule)
    if rule.deductible_mode == "first_visit":
        state.deductible_used[key] = Decimal(1)
    elif rule.deductible_mode == "annual":
        amount = run.value(rule.deductible, visit.date, visit.hospital_level)
        used = state.deductible_used.get(key, ZERO)
        state.deductible_used[key] = amount if paid > 0 else min(used + scope, amount)


def _deductible_key(rule: BasicRule) -> str:
    return rule.deductible_group or rule.limit_group


def _deductible(run: Run, rule: BasicRule, visit: Visit, scope: Decimal, state: BasicState):
    if rule.deductible is None:
        return ZERO, ""
    waived = deductible_waiver(run, visit, tuple(state.stays[:-1]))  # a guarantee's tilt, else None
    if waived:
        return ZERO, waived
    amount = run.value(rule.deductible, visit.date, visit.hospital_level)
    key = _deductible_key(rule)
    if rule.deductible_mode == "per_visit":
        return min(amount, scope), "起付线"
    if rule.deductible_mode == "first_visit":
        if key in state.deductible_used:
            return ZERO, ""
        state.deductible_used[key] = Decimal(1)
        return min(amount, scope), "本年首次起付线"
    used = state.deductible_used.get(key, ZERO)
    take = min(max(amount - used, ZERO), scope)
    state.deductible_used[key] = used + take
    return take, "年度起付线余额"


def _assumed(run: Run, rule: BasicRule, day) -> bool:
    names = [rule.deductible, rule.ratio, rule.limit]
    return any(n and run.index.item(n, day).is_assumption for n in names)
