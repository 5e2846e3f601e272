"""Later tiers: an annual deductible, bands of ratios and an annual limit on an accumulated base.

The year's payment is F(B) for the accumulated base B; a visit gets round(F(after)) − what the
year has already paid, so the 起付线 is met once a year and the year's total is exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..money import ZERO, fen, percent, yuan


@dataclass(frozen=True, slots=True)
class Schedule:
    deductible: Decimal
    bands: tuple[tuple[Decimal | None, Decimal], ...]  # (upper bound or None, ratio)
    limit: Decimal | None


def _segments(schedule: Schedule, base: Decimal):
    """(from, to, ratio) for each band the accumulated base reaches above the deductible."""
    lower = schedule.deductible
    for upper, ratio in schedule.bands:
        if upper is not None and upper <= lower:
            continue
        top = base if upper is None or base < upper else upper
        if top > lower:
            yield lower, top, ratio
        if upper is None or base <= upper:
            return
        lower = upper


def year_amount(schedule: Schedule, base: Decimal) -> Decimal:
    """F(base) before rounding and before the limit."""
    return sum(((top - lower) * ratio for lower, top, ratio in _segments(schedule, base)), ZERO)


def _pieces(schedule: Schedule, base: Decimal) -> list[str]:
    pieces = []
    for lower, top, ratio in _segments(schedule, base):
        upper = f"个人负担 {yuan(top)}" if top == base else yuan(top)
        if not lower:
            pieces.append(f"{upper} × {percent(ratio)}")
            continue
        floor = f"起付线 {yuan(lower)}" if lower == schedule.deductible else yuan(lower)
        pieces.append(f"({upper} − {floor}) × {percent(ratio)}")
    return pieces


def payment(schedule: Schedule, before: Decimal, paid_before: Decimal, base: Decimal) -> tuple[Decimal, bool]:
    """(amount this visit, whether the annual limit bound) for a visit adding `base` to the year."""
    raw = year_amount(schedule, before + base)
    capped = schedule.limit is not None and raw > schedule.limit
    year_total = fen(schedule.limit if capped else raw)
    amount = year_total - paid_before
    if amount < 0:
        amount = ZERO
    return (base if amount > base else amount), capped


def explain(schedule: Schedule, before: Decimal, paid_before: Decimal, base: Decimal,
            amount: Decimal, capped: bool) -> str:
    after = before + base
    pieces = _pieces(schedule, after)
    if not pieces:
        if after <= schedule.deductible:
            return f"全年累计个人负担 {yuan(after)} 未超过起付线 {yuan(schedule.deductible)}，本项不支付"
        return "累计负担已超过本项的最高费用段，本项不再支付"
    text = " + ".join(pieces) + f" = {yuan(fen(year_amount(schedule, after)))}"
    if capped:
        text += f"，超过年度限额，按限额 {yuan(schedule.limit)} 计"
    if before > 0:
        text = (f"全年累计个人负担 {yuan(after)}（含本次 {yuan(base)}）：{text}；"
                f"减去本年此前已付 {yuan(paid_before)}，本次 {yuan(amount)}")
    return text
