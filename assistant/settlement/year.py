"""One identity, one year: visits in date order, each tier in the pack's order, running totals carried."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..lexicon import name_of
from ..models import KIND_NAMES, Visit
from ..money import ZERO, fen, percent, yuan
from .banded import Schedule, explain, payment
from .basic import BasicState, basic_payment
from .context import Run, cites
from .guarantee import start as start_guarantee

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Group, Tier

TIER_ORDER = ("basic", "critical_illness", "medical_aid", "tilted_aid", "major_illness_aid", "poverty_fund")


@dataclass
class VisitResult:
    visit: Visit
    policy_scope: Decimal
    tiers: list[dict] = field(default_factory=list)
    out_of_pocket: Decimal = ZERO
    hospital_borne: Decimal | None = None  # 目录外 the hospital bears (a guarantee's pack only)


@dataclass
class YearResult:
    identity: str | None
    visits: list[VisitResult]
    totals: dict[str, Decimal]
    run: Run


def policy_scope(run: Run, visit: Visit) -> tuple[Decimal, str | None]:
    rate = run.value("category_b_self_pay", visit.date, run.case.insurance)
    self_pay = fen(visit.category_b * rate) if visit.category_b else ZERO
    scope = visit.total - visit.out_of_catalog - self_pay
    if not run.explain:
        return scope, None
    text = f"总费用 {yuan(visit.total)} − 目录外 {yuan(visit.out_of_catalog)}"
    if visit.category_b:
        text += f" − 乙类先行自付 {yuan(visit.category_b)} × {percent(rate)}"
    return scope, f"{text} = {yuan(scope)}"


def settle_year(run: Run, visits: list[Visit]) -> YearResult:
    totals = dict.fromkeys(TIER_ORDER, ZERO)
    totals["total"] = ZERO
    totals["policy_scope"] = ZERO
    contribution = _contribution_tier(run)
    basic_state = BasicState()
    accumulated: dict[tuple[int, int], list[Decimal]] = {}
    results = []
    fund = start_guarantee(run, visits)  # None unless the pack has an outcome guarantee (naiman-2019)
    for visit in visits:
        scope, scope_text = policy_scope(run, visit)
        result = VisitResult(visit=visit, policy_scope=scope)
        basic, formula, citations = basic_payment(run, visit, scope, basic_state, contribution)
        result.tiers.append({"tier": "basic", "amount": basic,
                             "formula": f"{scope_text}；{formula}" if run.explain else None,
                             "citations": citations})
        remaining = scope - basic
        paid = basic
        totals["basic"] += basic
        for t, tier in enumerate(run.pack.tiers):
            amount, text, cites = _tier_payment(run, tier, t, visit, remaining, accumulated)
            result.tiers.append({"tier": tier.tier, "amount": amount, "formula": text, "citations": cites})
            remaining -= amount
            paid += amount
            totals[tier.tier] += amount
        if fund is not None:  # after every tier: pays down to the guarantee; adds the hospital's share
            paid += fund.settle_visit(result, basic, remaining, totals)
        result.out_of_pocket = visit.total - paid
        totals["total"] += visit.total
        totals["policy_scope"] += scope
        results.append(result)
    totals["out_of_pocket"] = totals["total"] - sum(totals[name] for name in TIER_ORDER) - totals.get("hospital_borne", ZERO)
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


# Which rule and group of a tier apply depends only on these; cases repeat them endlessly.
_RESOLVED: dict[tuple, tuple] = {}
_SCHEDULES: dict[tuple, Schedule] = {}


def _resolve(run: Run, tier: Tier, t: int, kind: str) -> tuple:
    key = (id(run.pack), t, kind, run.case.insurance, run.identity)
    found = _RESOLVED.get(key)
    if found is None:
        found = _RESOLVED[key] = _find(run, tier, kind)
    return found


def _find(run: Run, tier: Tier, kind: str) -> tuple:
    for absent in tier.not_for:
        if absent.insurance == run.case.insurance:
            return ("absent", absent)
    for r, rule in enumerate(tier.rules):
        if kind in rule.kinds and run.case.insurance in rule.insurance:
            group = next((g for g in rule.groups if g.covers(run.identity)), None)
            return ("rule", r, rule, group) if group else ("nogroup", rule)
    return ("norule",)


def _tier_payment(run: Run, tier: Tier, t: int, visit: Visit, base: Decimal, accumulated):
    words = run.explain
    tier_cites = cites(tier.citations) if words else None
    found = _resolve(run, tier, t, visit.kind)
    if found[0] == "absent":
        absent = found[1]
        quoted = cites(absent.citations)
        run.flag(absent.flag, absent.message, quoted)
        return ZERO, absent.message, quoted
    if found[0] == "norule":
        return ZERO, (f"{tier.name}不支付{name_of('insurance', run.case.insurance)}的"
                      f"{KIND_NAMES[visit.kind]}费用" if words else None), tier_cites
    rule = found[-1] if found[0] == "nogroup" else found[2]
    if words and rule.reading:
        run.assume(f"{tier.name}：{rule.reading}")
    if found[0] == "nogroup":
        return ZERO, (f"{name_of('identities', run.identity)}不属于{tier.name}的对象，本项不支付"
                      if words else None), tier_cites
    _, r, rule, group = found
    for condition in rule.conditions:
        if not condition.allows(getattr(visit, condition.field)):
            quoted = cites(condition.citations) if words else None
            if condition.flag:
                run.flag(condition.flag, condition.message, quoted)
            return ZERO, condition.message, quoted
    if base <= 0:
        return ZERO, "前面各项支付后，政策范围内个人负担为0" if words else None, tier_cites
    key = (id(run.pack), t, r, id(group), visit.date, run.case.per_capita_income)
    schedule = _SCHEDULES.get(key)
    if schedule is None:
        schedule = _SCHEDULES[key] = _schedule(run, group, visit)
    state = accumulated.get((t, r))
    if state is None:
        state = accumulated[(t, r)] = [ZERO, ZERO]
    before, paid_before = state
    amount, capped = payment(schedule, before, paid_before, base)
    state[0] = before + base
    state[1] = paid_before + amount
    if not words:
        return amount, None, None
    _note_group(run, group, visit)
    text = explain(schedule, before, paid_before, base, amount, capped)
    return amount, text, _citations(run, tier, group, visit.date)


def _schedule(run: Run, group: Group, visit: Visit) -> Schedule:
    day = visit.date
    deductible = ZERO
    if group.deductible:
        share = run.value(group.deductible, day)
        deductible = fen(share * run.statistic(group.deductible_of, day)) if group.deductible_of else share
    if group.bands:
        bands = tuple((band.upto, band.ratio) for band in run.bands(group.bands, day))
    else:
        bands = ((None, run.value(group.ratio, day)),)
    limit = run.value(group.limit, day) if group.limit else None
    return Schedule(deductible, bands, limit)


def _note_group(run: Run, group: Group, visit: Visit) -> None:
    """Records the assumptions behind a cached schedule, as computing it would have."""
    day = visit.date
    for name in (group.deductible, group.ratio, group.limit):
        if name:
            run.value(name, day)
    if group.bands:
        run.bands(group.bands, day)
    if group.deductible_of:
        run.statistic(group.deductible_of, day)


_TIER_CITATIONS: dict[tuple, list[dict]] = {}


def _citations(run: Run, tier: Tier, group: Group, day) -> list[dict]:
    """The tier's own clauses, then those of the parameters this group used."""
    key = (id(run.pack), id(tier), id(group), day)
    found = _TIER_CITATIONS.get(key)
    if found is None:
        found = list(cites(tier.citations))
        for name in (group.deductible, group.bands or group.ratio, group.limit):
            quoted = run.citation_of(name, day) if name else None
            if quoted and quoted not in found:
                found.append(quoted)
        _TIER_CITATIONS[key] = found
    return found
