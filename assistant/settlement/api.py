"""The public entry: a case in, CONTRACT.md's result out. The app and the command both call `settle`."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..errors import InputError
from ..jsonio import dump_bytes, dumps, loads, settle_json  # noqa: F401  (moved; kept importable from here)
from ..knowledge.store import documents, packs
from ..lexicon import name_of
from ..models import Case, parse_case
from ..money import yuan
from .context import Run, cite
from .year import TIER_ORDER, YearResult, settle_year

if TYPE_CHECKING:  # the schema classes, for reading; settling uses their plain copies
    from ..knowledge.packs import Pack

DEFAULT_NOTES = {
    "hospital_level": "未填写医院等级，按二级医院计算",
    "location": "未填写就医地，按本地就医计算",
    "referral": "未填写转诊情况，按无需转诊计算",
    "out_of_catalog": "未填写目录外费用，按0元计算（实际目录外费用由个人承担）",
}


def select_pack(case: Case) -> Pack:
    day = case.date or min(v.date for v in case.visits)
    return policy_for(region=case.region, day=day, policy=case.policy)


def policy_for(region: str | None = None, day: dt.date | None = None, policy: str | None = None) -> Pack:
    """The pack a policy id names, or the one for a region on a day; InputError says what to fix."""
    available = packs()
    if policy:
        pack = available.get(policy)
        if pack is None:
            doc = documents().get(policy)
            if doc is not None:
                raise InputError(f"“{doc.title}”是{doc.status_name}，目前不能用于计算报销金额，只能查询政策原文。", "policy")
            names = "、".join(f"{p.id}（{p.region}）" for p in available.values())
            raise InputError(f"没有编号为“{policy}”的政策，可选：{names}。", "policy")
        return pack
    if not region:
        raise InputError("请填写地区（如 巴彦淖尔市、天津市）或政策编号，才能确定适用的政策。", "region")
    matching = [p for p in available.values() if _region_matches(p, region)]
    if not matching:
        regions = "、".join(p.region for p in available.values())
        raise InputError(f"暂时没有“{region}”的政策，目前可计算的地区：{regions}。", "region")
    if day is None:
        raise InputError("请填写就诊日期，才能确定适用哪一年的政策。", "date")
    for pack in matching:
        if pack.covers(day):
            return pack
    spans = "、".join(f"{p.valid_from}至{p.valid_to}" for p in matching)
    raise InputError(f"{region}目前只有 {spans} 的政策，日期 {day} 不在其中，请核对就诊日期。", "date")


def _region_matches(pack: Pack, region: str) -> bool:
    words = [pack.region, *pack.region_aliases]
    return any(region == w or region in w or w in region for w in words)


def _check_dates(pack: Pack, case: Case) -> None:
    years = {v.date.year for v in case.visits}
    if len(years) > 1:
        raise InputError(f"就诊日期跨了 {len(years)} 个年度（{'、'.join(map(str, sorted(years)))}），"
                         "起付线和限额按年计算，请按年度分开填写。", "date")
    for number, visit in enumerate(case.visits, start=1):
        if not pack.covers(visit.date):
            raise InputError(f"第{number}次就诊日期 {visit.date} 不在“{pack.name}”的有效期"
                             f"（{pack.valid_from}至{pack.valid_to}）内，请核对日期或选择其他政策。", "date")


def settle_case(case: Case) -> dict:
    pack = select_pack(case)
    _check_dates(pack, case)
    visits = sorted(case.visits, key=lambda v: (v.date, v.index))
    named = [code for code in pack.identity_order if code in case.identities]
    candidates: list[str | None] = [*named, None]
    if len(candidates) == 1:
        years = [settle_year(Run(pack, case, None), visits)]
        best = 0
    else:  # compare in numbers only, then explain the winner
        years = [settle_year(Run(pack, case, identity, explain=False), visits) for identity in candidates]
        best = min(range(len(years)), key=lambda i: (years[i].totals["out_of_pocket"], i))
        years[best] = settle_year(Run(pack, case, candidates[best]), visits)
    year = years[best]
    run = year.run
    from ..eligibility import eligibility, flags  # here, not at the top: eligibility imports settlement
    for code in case.identities:
        if code not in pack.identities:
            run.flag("identity_not_in_policy",
                     f"“{name_of('identities', code)}”不是{pack.name}单列的身份，按普通参保人计算；"
                     "如同时属于低保、特困等身份，请一并填写。", [cite(_identity_clause(pack))])
    flags(run, year)
    _note_defaults(run, case, pack)
    return _result(pack, year, years, candidates, eligibility(run, tuple(named)))


def _identity_clause(pack: Pack):
    """The clause that lists who the policy names (the first identity's source)."""
    return next(iter(pack.identities.values())).source


def _note_defaults(run: Run, case: Case, pack: Pack) -> None:
    if "insurance" in case.defaults:
        run.assume("未填写参保类型，按城乡居民医保计算")
    if case.contribution_tier and not pack.contribution_tiers:
        run.assume("本政策不分缴费档次，所填缴费档次不影响计算")
    for number, visit in enumerate(sorted(case.visits, key=lambda v: (v.date, v.index)), start=1):
        for name in visit.defaults:
            run.assume(f"第{number}次就诊（{visit.date}）{DEFAULT_NOTES[name]}")


def _result(pack: Pack, year: YearResult, years: list[YearResult], candidates, entitled) -> dict:
    totals = {key: year.totals[key] for key in ("total", "policy_scope", *TIER_ORDER, "out_of_pocket")}
    result = {
        "policy": pack.id,
        "identity_applied": year.identity,
        "totals": totals,
        "visits": [{"date": v.visit.date.isoformat(), "kind": v.visit.kind,
                    "hospital_level": v.visit.hospital_level, "total": v.visit.total,
                    "policy_scope": v.policy_scope, "out_of_pocket": v.out_of_pocket,
                    "tiers": v.tiers} for v in year.visits],
        "eligibility": entitled,
        "flags": year.run.flags,
        "assumptions": list(year.run.assumptions),
    }
    if len(candidates) > 1:
        result["identity_choice"] = _choice(pack, year, years, candidates)
    return result


def _choice(pack: Pack, year: YearResult, years: list[YearResult], candidates) -> dict:
    """Why this identity: the person's share under each identity they hold, and the rule."""
    parts = [f"按{name_of('identities', c)}计算个人自付 {yuan(y.totals['out_of_pocket'])} 元"
             for c, y in zip(candidates, years)]
    chosen = name_of("identities", year.identity)
    return {
        "reason": "；".join(parts) + f"。按“就高不就低”取最有利的{chosen}，不同身份的待遇不叠加。",
        "compared": {c or "ordinary": y.totals["out_of_pocket"] for c, y in zip(candidates, years)},
        "citations": [cite(c) for c in pack.identity_choice],
    }


def settle(raw) -> dict:
    """Settle a case given as CONTRACT.md's dict (or an already parsed Case)."""
    case = raw if isinstance(raw, Case) else parse_case(raw)
    return settle_case(case)


__all__ = ["settle", "settle_json", "select_pack", "policy_for", "loads", "dumps", "dump_bytes"]
