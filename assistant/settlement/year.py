"""One identity, one calendar year: visits in date order, each tier in the pack's order, running totals carried."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..knowledge.store import tier_codes
from ..lexicon import name_of
from ..models import KIND_NAMES, Visit
from ..money import ZERO, fen, percent, yuan
from .banded import explain, payment
from .basic import BasicState, basic_payment
from .context import Run
from .guarantee import start as start_guarantee
from .index import as_dicts

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Tier


@dataclass
class VisitResult:
    visit: Visit
    policy_scope: Decimal
    tiers: list[dict] = field(default_factory=list)
    out_of_pocket: Decimal = ZERO
    hospital_borne: Decimal | None = None  # 目录外 the hospital bears (a guarantee's pack only)


@dataclass
class Reached:
    """A later tier's rule the year's visits reached: its schedule and what has accumulated on it."""
    tier: Tier
    schedule: object
    base: Decimal = ZERO  # the year's accumulated 个人负担 on this rule
    paid: Decimal = ZERO


@dataclass
class YearResult:
    identity: str | None
    visits: list[VisitResult]
    totals: dict[str, Decimal]
    run: Run
    reached: dict[tuple[int, int], Reached] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.visits[0].visit.date.year


def policy_scope(run: Run, visit: Visit) -> tuple[Decimal, str | None]:
    if not run.explain and not visit.category_b:  # comparing identities: no 乙类, nothing to look up
        return visit.total - visit.out_of_catalog, None
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
    """Visits of one calendar year (every 起付线 and limit starts again on 1 January)."""
    order = tier_codes()
    totals = dict.fromkeys(order, ZERO)
    totals["total"] = ZERO
    totals["policy_scope"] = ZERO
    contribution = _contribution_tier(run)
    basic_state = BasicState()
    reached: dict[tuple[int, int], Reached] = {}
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
            amount, text, cites = _tier_payment(run, tier, t, visit, remaining, reached)
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
    totals["out_of_pocket"] = totals["total"] - sum(totals[name] for name in order) - totals.get("hospital_borne", ZERO)
    return YearResult(identity=run.identity, visits=results, totals=totals, run=run, reached=reached)


def _contribution_tier(run: Run) -> str | None:
    offered = run.pack.contribution_tiers
    if not offered:
        return None
    if run.contribution_tier in offered:  # set by the caller (a range tries each tier)
        return run.contribution_tier
    chosen = run.case.contribution_tier
    if chosen in offered:
        return chosen
    if chosen == "unknown":
        run.assume("缴费档次不清楚，按高档缴费计算；按低档缴费时的自付金额见结果中的范围（range）")
    else:
        run.assume("未填写缴费档次，按高档缴费计算")
    return "high"


def _tier_payment(run: Run, tier: Tier, t: int, visit: Visit, base: Decimal, reached):
    words = run.explain
    index = run.index
    found = index.resolve(t, visit.kind, run.case.insurance, run.identity)
    if found[0] == "absent":
        absent = found[1]
        quoted = as_dicts(index.quotes(absent.citations))
        run.flag(absent.flag, absent.message, as_dicts(index.quotes(absent.citations)))
        return ZERO, absent.message, quoted
    if found[0] == "norule":
        return ZERO, (f"{tier.name}不支付{name_of('insurance', run.case.insurance)}的"
                      f"{KIND_NAMES[visit.kind]}费用" if words else None), \
            (as_dicts(index.quotes(tier.citations)) if words else None)
    rule = found[1] if found[0] == "nogroup" else found[2]
    if words and rule.reading:
        run.assume(f"{tier.name}：{rule.reading}")
    if found[0] == "nogroup":
        return ZERO, (f"{name_of('identities', run.identity)}不属于{tier.name}的对象，本项不支付"
                      if words else None), (as_dicts(index.quotes(tier.citations)) if words else None)
    _, r, rule, g, group = found
    for condition in rule.conditions:
        if not condition.allows(getattr(visit, condition.field)):
            if not words:
                return ZERO, None, None
            if condition.flag:
                run.flag(condition.flag, condition.message, as_dicts(index.quotes(condition.citations)))
            return ZERO, condition.message, as_dicts(index.quotes(condition.citations))
    compiled = index.schedule(t, r, g, visit.date, run.override(group.deductible_of) if group.deductible_of else None)
    schedule = compiled.schedule
    state = reached.get((t, r))
    if state is None:
        state = reached[(t, r)] = Reached(tier, schedule)
    if base <= 0:
        return ZERO, "前面各项支付后，政策范围内个人负担为0" if words else None, \
            (as_dicts(index.quotes(tier.citations)) if words else None)
    if words:  # what the schedule rests on, noted as computing it would have
        run.assumptions.update(dict.fromkeys(compiled.notes))
        run.notes.used.update(dict.fromkeys(compiled.used))
        if group.deductible_of and run.override(group.deductible_of) is not None:
            run.notes.used[f"{run.pack.id}|{group.deductible_of}|case||{run.override(group.deductible_of)}"] = None
    before, paid_before = state.base, state.paid
    amount, capped = payment(schedule, before, paid_before, base)
    state.base = before + base
    state.paid = paid_before + amount
    state.schedule = schedule
    if not words:
        return amount, None, None
    text = explain(schedule, before, paid_before, base, amount, capped)
    return amount, text, as_dicts(compiled.quotes)
