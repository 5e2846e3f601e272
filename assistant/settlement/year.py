"""One identity, one year: visits in date order, each tier in the pack's order, running totals carried."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..knowledge.packs import Band, Group, Tier, TierRule
from ..lexicon import name_of
from ..models import KIND_NAMES, Visit
from ..money import ZERO, fen, percent, yuan
from .banded import Schedule, payment
from .basic import BasicState, basic_payment
from .context import Run, cite

TIER_ORDER = ("basic", "critical_illness", "medical_aid", "tilted_aid", "major_illness_aid", "poverty_fund")


@dataclass
class VisitResult:
    visit: Visit
    policy_scope: Decimal
    tiers: list[dict] = field(default_factory=list)
    out_of_pocket: Decimal = ZERO


@dataclass
class YearResult:
    identity: str | None
    visits: list[VisitResult]
    totals: dict[str, Decimal]
    run: Run


def policy_scope(run: Run, visit: Visit) -> tuple[Decimal, str]:
    rate = run.value("category_b_self_pay", visit.date, run.case.insurance)
    self_pay = fen(visit.category_b * rate)
    scope = visit.total - visit.out_of_catalog - self_pay
    text = f"总费用 {yuan(visit.total)} − 目录外 {yuan(visit.out_of_catalog)}"
    if visit.category_b:
        text += f" − 乙类先行自付 {yuan(visit.category_b)} × {percent(rate)}"
    return scope, f"{text} = {yuan(scope)}"


def settle_year(run: Run, visits: list[Visit]) -> YearResult:
    pack = run.pack
    totals = {name: ZERO for name in TIER_ORDER}
    totals["total"] = ZERO
    totals["policy_scope"] = ZERO
    contribution = _contribution_tier(run)
    basic_state = BasicState()
    accumulated: dict[tuple[int, int], list[Decimal]] = {}
    results = []
    for visit in visits:
        scope, scope_text = policy_scope(run, visit)
        result = VisitResult(visit=visit, policy_scope=scope)
        basic, formula, citations = basic_payment(run, visit, scope, basic_state, contribution)
        result.tiers.append({"tier": "basic", "amount": basic, "formula": f"{scope_text}；{formula}",
                             "citations": citations})
        remaining = scope - basic
        for t, tier in enumerate(pack.tiers):
            amount, text, cites = _tier_payment(run, tier, t, visit, remaining, accumulated)
            result.tiers.append({"tier": tier.tier, "amount": amount, "formula": text, "citations": cites})
            remaining -= amount
        paid = sum((item["amount"] for item in result.tiers), ZERO)
        result.out_of_pocket = visit.total - paid
        for item in result.tiers:
            totals[item["tier"]] += item["amount"]
        totals["total"] += visit.total
        totals["policy_scope"] += scope
        results.append(result)
    totals["out_of_pocket"] = totals["total"] - sum(totals[name] for name in TIER_ORDER)
    return YearResult(identity=run.identity, visits=results, totals=totals, run=run)


def _contribution_tier(run: Run) -> str | None:
    offered = run.pack.contribution_tiers
    chosen = run.case.contribution_tier
    if not offered:
        return None
    if chosen is None or chosen not in offered:
        run.assume("未填写缴费档次，按高档缴费计算")
        return "high"
    return chosen


def _tier_payment(run: Run, tier: Tier, t: int, visit: Visit, base: Decimal, accumulated):
    tier_cites = [cite(c) for c in tier.citations]
    for absent in tier.not_for:
        if absent.insurance == run.case.insurance:
            cites = [cite(c) for c in absent.citations]
            run.flag(absent.flag, absent.message, cites)
            return ZERO, absent.message, cites
    found = _rule(run, tier, visit)
    if found is None:
        return ZERO, f"{tier.name}不支付{name_of('insurance', run.case.insurance)}的{KIND_NAMES[visit.kind]}费用", tier_cites
    r, rule = found
    group = next((g for g in rule.groups if g.covers(run.identity)), None)
    if group is None:
        who = name_of("identities", run.identity)
        return ZERO, f"{who}不属于{tier.name}的对象，本项不支付", tier_cites
    for condition in rule.conditions:
        value = getattr(visit, condition.field)
        if not condition.allows(value):
            cites = [cite(c) for c in condition.citations]
            if condition.flag:
                run.flag(condition.flag, condition.message, cites)
            return ZERO, condition.message, cites
    if base <= 0:
        return ZERO, "前面各项支付后，政策范围内个人负担为0", tier_cites
    schedule, described = _schedule(run, group, visit)
    state = accumulated.setdefault((t, r), [ZERO, ZERO])
    amount, text = payment(schedule, state[0], state[1], base)
    state[0] += base
    state[1] += amount
    cites = tier_cites + [c for c in described if c not in tier_cites]
    return amount, text, cites


def _rule(run: Run, tier: Tier, visit: Visit) -> tuple[int, TierRule] | None:
    for r, rule in enumerate(tier.rules):
        if visit.kind in rule.kinds and run.case.insurance in rule.insurance:
            if rule.reading:
                run.assume(f"{tier.name}：{rule.reading}")
            return r, rule
    return None


def _schedule(run: Run, group: Group, visit: Visit) -> tuple[Schedule, list[dict]]:
    day = visit.date
    cites = []
    deductible = ZERO
    if group.deductible:
        share = run.value(group.deductible, day)
        if group.deductible_of:
            deductible = fen(share * run.statistic(group.deductible_of, day))
        else:
            deductible = share
        cites.append(run.citation_of(group.deductible, day))
    if group.bands:
        bands = tuple(run.bands(group.bands, day))
        cites.append(run.citation_of(group.bands, day))
    else:
        bands = (Band(upto=None, ratio=run.value(group.ratio, day)),)
        cites.append(run.citation_of(group.ratio, day))
    limit = None
    if group.limit:
        limit = run.value(group.limit, day)
        cites.append(run.citation_of(group.limit, day))
    return Schedule(deductible, bands, limit), [c for c in cites if c]
