"""Later tiers: an annual deductible, bands of ratios and an annual limit on an accumulated base.

The year's payment is F(B) for the accumulated base B; a visit gets round(F(after)) − what the
year has already paid, so the 起付线 is met once a year and the year's total is exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..knowledge.packs import Band
from ..money import ZERO, fen, percent, yuan


@dataclass(frozen=True, slots=True)
class Schedule:
    deductible: Decimal
    bands: tuple[Band, ...]
    limit: Decimal | None


def year_amount(schedule: Schedule, base: Decimal) -> tuple[Decimal, list[str]]:
    """F(base) before rounding, with the pieces of arithmetic in words."""
    total = ZERO
    pieces = []
    lower = schedule.deductible
    for band in schedule.bands:
        upper = band.upto
        if upper is not None and upper <= lower:
            continue
        top = base if upper is None else min(base, upper)
        if top > lower:
            total += (top - lower) * band.ratio
            span = f"({yuan(top)} − {yuan(lower)})" if lower else yuan(top)
            pieces.append(f"{span} × {percent(band.ratio)}")
        if upper is None:
            break
        lower = upper
    return total, pieces


def payment(schedule: Schedule, before: Decimal, paid_before: Decimal, base: Decimal):
    """(amount this visit, year's total after it, formula text) for a visit adding `base`."""
    after = before + base
    raw, pieces = year_amount(schedule, after)
    capped = False
    if schedule.limit is not None and raw > schedule.limit:
        raw, capped = schedule.limit, True
    year_total = fen(raw)
    amount = min(max(year_total - paid_before, ZERO), base)
    if not pieces:
        text = (f"全年累计个人负担 {yuan(after)} 未超过起付线 {yuan(schedule.deductible)}，本项不支付"
                if after <= schedule.deductible else "累计负担已超过本项的最高费用段，本项不再支付")
        return amount, text
    text = " + ".join(pieces) + f" = {yuan(fen(year_amount(schedule, after)[0]))}"
    if capped:
        text += f"，超过年度限额，按限额 {yuan(schedule.limit)} 计"
    if before > 0:
        text = (f"全年累计个人负担 {yuan(after)}（含本次 {yuan(base)}）：{text}；"
                f"减去本年此前已付 {yuan(paid_before)}，本次 {yuan(amount)}")
    return amount, text
