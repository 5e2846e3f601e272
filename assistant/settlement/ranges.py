"""What the person does not know, settled at the documents' assumption and given as a range.

- 目录外 "unknown": taken at the control ratio of the hospital level (bayannur 第十二条: 5% 二级及以下,
  10% 三级; tianjin 二（三）7.: 目录内 at least 90% → 目录外 at most 10%), rounded down to the fen
  and capped so that 目录外 + 乙类 + 基本医保已支付 fit in the bill. The range runs from 0 (nothing
  outside the catalogue) to that control share: a hospital keeping within the documents' ratio.
- 缴费档次 "unknown": settled at 高档 (the default the packs name); the range takes 低档 too.
The range is the least and the most out_of_pocket over every combination of those ends (each
combination settled by the core, 就高不就低 applied to each), so low ≤ settled ≤ high.

A documented reading that changes the amount (tianjin 门特 under 门诊救助 or 住院救助) is settled
both ways and shown with both figures.

One function (`settle` calls these) serves the command, the app and the chat alike.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Callable

from ..knowledge.plain import is_citation
from ..lexicon import name_of
from ..models import Case
from ..money import FEN, ZERO, percent, to_decimal, yuan
from .index import index_for

SHARE_PARAMETER = "flags.out_of_catalog_share"


def out_of_catalog_share(pack, day: dt.date, level: str) -> tuple[Decimal, dict | None, str | None, str | None]:
    """(control ratio for 目录外 at this level on this day, its citation, derivation note, reading)."""
    item = index_for(pack).item(SHARE_PARAMETER, day)
    value = item.value
    share = value.get(level, value.get("level1")) if isinstance(value, dict) else value
    citation = None
    if is_citation(item.source):
        citation = {"doc": item.source.doc, "clause": item.source.clause, "quote": item.source.quote}
    return Decimal(share), citation, item.derived, item.reading


def estimate_out_of_catalog(pack, day: dt.date, level: str, total, *, category_b=ZERO,
                            basic_paid=None, visit_number: int = 1) -> dict:
    """目录外 = total × the control ratio (rounded down to the fen), with the note that says so.

    Rounded down so the estimate never exceeds the ratio (the core flags a share above it).
    It is capped so that 目录外 + 乙类 and 基本医保已支付 still fit inside the total.
    """
    total = to_decimal(total)
    share, citation, derived, reading = out_of_catalog_share(pack, day, level)
    amount = (total * share).quantize(FEN, rounding=ROUND_DOWN)
    room = total - to_decimal(category_b) - (to_decimal(basic_paid) if basic_paid is not None else ZERO)
    capped = amount > room
    if capped:
        amount = max(room, ZERO)
    level_name = name_of("hospital_level", level)
    text = (f"第{visit_number}次就诊没有填写目录外（全自费）费用，按文件对{level_name}医院目录外费用比例的控制上限 "
            f"{percent(share)} 估算：{yuan(total)} × {percent(share)} = {yuan(amount)} 元")
    if capped:
        text += "（已按总费用减去乙类费用和基本医保已支付后的余额封顶）"
    if derived:
        text += f"；{derived}"
    if reading:
        text += f"；{reading}"
    text += "。实际目录外费用以医院结算单为准，通常不会都恰好等于上限。"
    return {"amount": amount, "share": share, "text": text,
            "citations": [citation] if citation else []}


def fill_unknowns(case: Case, pack_of: Callable) -> tuple[Case, list[str], list[tuple[int, Decimal]]]:
    """The case with every unknown 目录外 set to its estimate; the notes; (visit index, estimate) pairs."""
    notes, estimates = [], []
    if not any(v.out_of_catalog_unknown for v in case.visits):
        return case, notes, estimates
    visits = []
    ordered = sorted(case.visits, key=lambda v: (v.date, v.index))
    number = {v.index: n for n, v in enumerate(ordered, start=1)}
    for visit in case.visits:
        if visit.out_of_catalog_unknown:
            estimate = estimate_out_of_catalog(pack_of(visit), visit.date, visit.hospital_level, visit.total,
                                               category_b=visit.category_b, basic_paid=visit.basic_paid,
                                               visit_number=number[visit.index])
            notes.append(estimate["text"])
            estimates.append((visit.index, estimate["amount"]))
            visit = dataclasses.replace(visit, out_of_catalog=estimate["amount"])
        visits.append(visit)
    return dataclasses.replace(case, visits=tuple(visits)), notes, estimates


def _with_ooc(case: Case, amounts: dict[int, Decimal]) -> Case:
    visits = tuple(dataclasses.replace(v, out_of_catalog=amounts[v.index]) if v.index in amounts else v
                   for v in case.visits)
    return dataclasses.replace(case, visits=visits)


def out_of_pocket_range(case: Case, settled: Decimal, estimates: list[tuple[int, Decimal]],
                        tiers_offered: tuple[str, ...], out_of_pocket: Callable[[Case, str | None], Decimal]) -> dict | None:
    """{out_of_pocket: {low, high}, because: [...]} over the unknowns' ends; None when nothing is unknown.

    `out_of_pocket(case, contribution_tier)` settles a variant in numbers only (就高不就低 applied).
    """
    # 缴费档次 is a 城乡居民 matter: an employee's unknown tier changes nothing
    tier_unknown = case.contribution_tier == "unknown" and bool(tiers_offered) and case.insurance == "resident"
    if not estimates and not tier_unknown:
        return None
    because = []
    ooc_ends = [dict(estimates)]
    if estimates:
        ooc_ends.append({index: ZERO.quantize(FEN) for index, _ in estimates})
        number = {v.index: n for n, v in enumerate(sorted(case.visits, key=lambda v: (v.date, v.index)), start=1)}
        for index, amount in estimates:
            because.append(f"第{number[index]}次就诊的目录外费用不清楚：按控制比例估算为 {yuan(amount)} 元，"
                           f"范围按 0 元（没有目录外费用）至 {yuan(amount)} 元（达到控制比例）计算")
    tier_ends: list[str | None] = [None]
    if tier_unknown:
        tier_ends = [t for t in ("high", "low") if t in tiers_offered] or [None]
        because.append("缴费档次不清楚：按高档缴费计算，范围包括高档和低档两种情况")
    figures = [settled]
    for ends in ooc_ends:
        variant = _with_ooc(case, ends)
        for tier in tier_ends:
            if ends is ooc_ends[0] and tier in (None, "high"):
                continue  # that is the settled case itself
            figures.append(out_of_pocket(variant, tier))
    low, high = min(figures), max(figures)
    because.append(f"据此个人自付最少 {yuan(low)} 元、最多 {yuan(high)} 元；本结果按 {yuan(settled)} 元计算")
    return {"out_of_pocket": {"low": low, "high": high}, "because": because}


def reading_variant(pack, choice):
    """The pack read the other way: visits of `choice.kind` take rule `choice.to_rule` of the tier.

    Built once and kept with the pack's index, so a reading costs one more settlement, not a load.
    """
    index = index_for(pack)
    found = index.variants.get(choice.code)
    if found is not None:
        return found
    tiers = []
    for tier in pack.tiers:
        if tier.tier == choice.tier:
            rules = []
            for r, rule in enumerate(tier.rules):
                kinds = [k for k in rule.kinds if k != choice.kind]
                if r == choice.to_rule:
                    kinds.append(choice.kind)
                rules.append(_copy(rule, kinds=kinds))
            tier = _copy(tier, rules=rules)
        tiers.append(tier)
    found = index.variants[choice.code] = _copy(pack, tiers=tiers, id=pack.id)
    return found


def _concerns(pack, choice, identities) -> bool:
    """Whether the tier the reading moves pays anyone of these identities at all (else both readings agree)."""
    tier = next(t for t in pack.tiers if t.tier == choice.tier)
    return any(group.covers(identity) for rule in tier.rules for group in rule.groups for identity in identities)


def _copy(obj, **changes):
    fields = {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}
    fields.update(changes)
    return type(obj)(fields)


def readings(case: Case, packs_used: list, settled: Decimal, out_of_pocket: Callable[[dict], Decimal],
             identities=(None,)) -> tuple[list[dict], list[str]]:
    """For each documented reading that changes this case's amount: both figures, and a line saying so.

    `out_of_pocket(variants)` settles the case with some packs replaced ({pack id: variant}).
    """
    found, lines = [], []
    kinds = {v.kind for v in case.visits}
    for pack in packs_used:
        for choice in getattr(pack, "readings", ()):
            if choice.kind not in kinds or not _concerns(pack, choice, identities):
                continue
            other = out_of_pocket({pack.id: reading_variant(pack, choice)})
            if other == settled:
                continue
            found.append({"reading": choice.reading, "out_of_pocket": settled,
                          "alternative": choice.alternative, "alternative_out_of_pocket": other})
            lines.append(f"文件在这一点上可以有两种读法：本结果按“{choice.reading}”计算，个人自付 {yuan(settled)} 元；"
                         f"若按“{choice.alternative}”计算，个人自付 {yuan(other)} 元，相差 {yuan(abs(other - settled))} 元。"
                         "以当地医保部门的实际结算为准。")
    return found, lines


__all__ = ["estimate_out_of_catalog", "out_of_catalog_share", "fill_unknowns", "out_of_pocket_range",
           "readings", "reading_variant", "SHARE_PARAMETER"]
