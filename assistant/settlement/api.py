"""The public entry: a case in, CONTRACT.md's result out. The app and the command both call `settle`."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING

from ..eligibility import eligibility
from ..errors import InputError
from ..jsonio import dump_bytes, dumps, loads, settle_json  # noqa: F401  (moved; kept importable from here)
from ..knowledge.catalog import check_day, policy_for, span
from ..knowledge.store import documents, tier_codes, tier_name
from ..lexicon import name_of
from ..models import Case, parse_case
from ..money import ZERO, fen, yuan
from .context import Notes, Run, cite
from .flags import flags
from .ranges import fill_unknowns, out_of_pocket_range, readings
from .year import YearResult, settle_year

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Pack

DEFAULT_NOTES = {
    "hospital_level": "未填写医院等级，按二级医院计算",
    "location": "未填写就医地，按本地就医计算",
    "referral": "未填写转诊情况，按无需转诊计算",
    "out_of_catalog": "未填写目录外费用，按0元计算（实际目录外费用由个人承担）",
}
TOTAL_KEYS = ("total", "policy_scope", "out_of_pocket")


def select_pack(case: Case) -> Pack:
    """The pack for the case's first visit (each calendar year is checked in `_plan`)."""
    day = case.date or min(v.date for v in case.visits)
    return policy_for(region=case.region, day=day, policy=case.policy)


Plan = list[tuple["Pack", list]]  # one (pack, visits in date order) per calendar year, oldest first


def _plan(case: Case) -> Plan:
    """Visits grouped by calendar year, each year with the pack in force on its dates."""
    first = select_pack(case)
    years: dict[int, list] = {}
    for visit in sorted(case.visits, key=lambda v: (v.date, v.index)):
        years.setdefault(visit.date.year, []).append(visit)
    for visit in case.visits:  # in the order given: "第N次" is the person's N-th entry (a roster maps it to a row)
        check_day(visit.date, f"第{visit.index + 1}次就诊日期", covered=span(first))
    plan = []
    for year, visits in years.items():
        pack = first if first.covers(visits[0].date) else policy_for(
            region=case.region or first.region, day=visits[0].date, policy=case.policy)
        plan.append((pack, visits))
    for visit in case.visits:
        pack = next(p for p, visits in plan if visits[0].date.year == visit.date.year)
        if not pack.covers(visit.date):
            raise InputError(f"第{visit.index + 1}次就诊日期 {visit.date} 不在“{pack.name}”的适用期"
                             f"（{span(pack)}）内，请核对日期或选择其他政策。", "date")
    return plan


def _candidates(case: Case, plan: Plan) -> list[str | None]:
    named: list[str] = []
    for pack, _ in plan:
        named += [code for code in pack.identity_order if code in case.identities and code not in named]
    return [*named, None]


def _numbers(case: Case, plan: Plan, identity: str | None, tier: str | None = None, swap=None) -> Decimal:
    """out_of_pocket over the case's years for one identity, in numbers only."""
    total = ZERO
    for pack, visits in plan:
        pack = (swap or {}).get(pack.id, pack)
        total += settle_year(Run(pack, case, identity, explain=False, contribution_tier=tier), visits).totals["out_of_pocket"]
    return total


def _best(case: Case, plan: Plan, tier: str | None = None, swap=None) -> Decimal:
    """What the person pays with the most favourable identity they hold (就高不就低)."""
    return min(_numbers(case, plan, identity, tier, swap) for identity in _candidates(case, plan))


def settle_case(case: Case) -> dict:
    plan = _plan(case)
    filled, estimate_notes, estimates = fill_unknowns(case, _pack_of(plan))
    if estimates:
        case, plan = filled, _plan(filled)
    candidates = _candidates(case, plan)
    if len(candidates) == 1:
        best, compared = 0, None
    else:  # compare in numbers only, then explain the winner
        compared = [_numbers(case, plan, identity) for identity in candidates]
        best = min(range(len(compared)), key=lambda i: (compared[i], i))
    identity = candidates[best]
    notes = Notes()
    years = [settle_year(Run(pack, case, identity, notes=notes), visits) for pack, visits in plan]
    for line in estimate_notes:
        notes.assumptions[line] = None
    for pack in _distinct(plan):
        for code in case.identities:
            if code not in pack.identities:
                years[0].run.flag("identity_not_in_policy",
                                  f"“{name_of('identities', code)}”不是{pack.name}单列的身份，按普通参保人计算；"
                                  "如同时属于低保、特困等身份，请一并填写。", [cite(_identity_clause(pack))])
    for year in years:
        flags(year.run, year)
    _note_defaults(years[0].run, case, plan)
    _note_newer_documents(notes, plan)
    return _result(case, plan, years, candidates, compared, identity, estimates)


def _pack_of(plan: Plan):
    by_visit = {v.index: pack for pack, visits in plan for v in visits}
    return lambda visit: by_visit[visit.index]


def _distinct(plan: Plan) -> list:
    seen = []
    for pack, _ in plan:
        if all(pack is not other for other in seen):
            seen.append(pack)
    return seen


def _identity_clause(pack: Pack):
    """The clause that lists who the policy names (the first identity's source)."""
    return next(iter(pack.identities.values())).source


def _note_defaults(run: Run, case: Case, plan: Plan) -> None:
    if "insurance" in case.defaults:
        run.assume("未填写参保类型，按城乡居民医保计算")
    if case.contribution_tier and not any(pack.contribution_tiers for pack, _ in plan):
        run.assume("本政策不分缴费档次，所填缴费档次不影响计算")
    for number, visit in enumerate(sorted(case.visits, key=lambda v: (v.date, v.index)), start=1):
        for name in visit.defaults:
            run.assume(f"第{number}次就诊（{visit.date}）{DEFAULT_NOTES[name]}")


def _note_newer_documents(notes: Notes, plan: Plan) -> None:
    """Visits after the year a document took effect are settled under it until a newer one is added: say so."""
    for pack in _distinct(plan):
        later = sorted({v.date.year for p, visits in plan if p is pack for v in visits if v.date.year > pack.valid_from.year})
        if not later:
            continue
        doc = documents().get(pack.document)
        title = doc.title if doc else pack.document
        years = "、".join(f"{y}年" for y in later)
        notes.assumptions[f"收录的最新文件为《{title}》（{pack.valid_from}起实施，没有终止日期）；{years}的就诊按该文件计算，"
                          "如有新规定，以当地医保部门为准"] = None


def _sum(totals: list[dict]) -> dict:
    keys = ("total", "policy_scope", *tier_codes(), "out_of_pocket")
    return {key: sum((t[key] for t in totals), ZERO) for key in keys}


def _result(case: Case, plan: Plan, years: list[YearResult], candidates, compared, identity, estimates) -> dict:
    last_pack = plan[-1][0]
    run = years[-1].run
    notes = run.notes
    totals = _sum([y.totals for y in years])
    result = {
        "policy": last_pack.id,
        "identity_applied": identity,
        "totals": totals,
        "visits": [{"date": v.visit.date.isoformat(), "kind": v.visit.kind,
                    "hospital_level": v.visit.hospital_level, "total": v.visit.total,
                    "policy_scope": v.policy_scope, "out_of_pocket": v.out_of_pocket,
                    "tiers": v.tiers} for y in years for v in y.visits],
        "eligibility": eligibility(last_pack, case.insurance, tuple(c for c in candidates if c)),
        "flags": notes.flags,
        "assumptions": list(notes.assumptions),
    }
    if len(years) > 1:
        result["years"] = [{"year": y.year, "policy": pack.id, "totals": _sum([y.totals])}
                           for y, (pack, _) in zip(years, plan)]
    if any(getattr(pack, "guarantee", None) is not None for pack, _ in plan):  # 目录外 the hospital bears
        from .guarantee_result import add_hospital_borne
        add_hospital_borne(result, years)
    if len(candidates) > 1:
        result["identity_choice"] = _choice(last_pack, identity, compared, candidates)
    spread = out_of_pocket_range(case, totals["out_of_pocket"], estimates,
                                 tuple(t for pack, _ in plan for t in pack.contribution_tiers),
                                 lambda variant, tier: _best(variant, plan if variant.visits == case.visits
                                                             else _plan(variant), tier))
    if spread is not None:
        result["range"] = spread
    found, lines = readings(case, _distinct(plan), totals["out_of_pocket"],
                            lambda swap: _best(case, plan, swap=swap), candidates)
    if found:
        result["readings"] = found
        result["assumptions"].extend(lines)
    thresholds = _thresholds(years[-1])
    if thresholds:
        result["thresholds"] = thresholds
    result["basis"] = _basis(last_pack, notes)
    return result


def _thresholds(year: YearResult) -> list[dict]:
    """Later tiers this person has reached but whose annual 起付线 the year has not met yet."""
    shown = []
    for state in year.reached.values():
        deductible = state.schedule.deductible
        if deductible <= 0 or state.base >= deductible:
            continue
        remaining = fen(deductible - state.base)
        name = tier_name(state.tier.tier)
        shown.append({"tier": state.tier.tier, "deductible": fen(deductible), "accumulated": fen(state.base),
                      "remaining": remaining, "message": f"再自付 {yuan(remaining)} 元，{name}开始报销"})
    return shown


def _basis(pack: Pack, notes: Notes) -> dict:
    """What the figures rest on: the policy, its newest document, and a fingerprint of the values used."""
    doc = documents().get(pack.document)
    digest = hashlib.sha256("\n".join(sorted(notes.used)).encode("utf-8")).hexdigest()[:12]
    return {"policy": pack.id, "document": doc.title if doc else pack.document,
            "status": doc.status if doc else pack.status,
            "rules_read": pack.reviewed.isoformat() if getattr(pack, "reviewed", None) else None,
            "fingerprint": digest}


def _choice(pack: Pack, identity, compared, candidates) -> dict:
    """Why this identity: the person's share under each identity they hold, and the rule."""
    parts = [f"按{name_of('identities', c)}计算个人自付 {yuan(figure)} 元" for c, figure in zip(candidates, compared)]
    chosen = name_of("identities", identity)
    return {
        "reason": "；".join(parts) + f"。按“就高不就低”取最有利的{chosen}，不同身份的待遇不叠加。",
        "compared": {c or "ordinary": figure for c, figure in zip(candidates, compared)},
        "citations": [cite(c) for c in pack.identity_choice],
    }


def settle(raw) -> dict:
    """Settle a case given as CONTRACT.md's dict (or an already parsed Case)."""
    case = raw if isinstance(raw, Case) else parse_case(raw)
    return settle_case(case)


__all__ = ["settle", "settle_json", "select_pack", "policy_for", "loads", "dumps", "dump_bytes"]
