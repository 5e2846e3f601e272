"""The pack's numeric warnings on a settled year (monitoring thresholds, 目录外 above its control ratio)."""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from ..money import ZERO, fen, percent, yuan
from .context import Run, cites


def flags(run: Run, year) -> None:
    """Adds the pack's numeric warnings to run.flags (tier rules have added theirs already)."""
    visits = year.visits
    if not visits:
        return
    day = visits[0].visit.date
    burden = None
    for rule in run.pack.flags:
        if rule.identities is not None and run.identity not in rule.identities:
            continue
        if rule.type == "burden_above":
            share = run.value(rule.share, day)
            if burden is None:  # after basic and 大病 (bayannur 第十条)
                burden = sum((v.visit.total - _paid(v, "basic") - _paid(v, "critical_illness") for v in visits), ZERO)
            threshold = fen(share * run.statistic(rule.statistic, day))
            if burden > threshold:
                run.flag(rule.code, rule.message.format(burden=yuan(burden), threshold=yuan(threshold)),
                         cites(rule.citations))
        else:
            for number, item in enumerate(visits, start=1):
                visit = item.visit
                if rule.kinds is not None and visit.kind not in rule.kinds:
                    continue
                if visit.total <= 0 or "out_of_catalog" in visit.defaults or getattr(visit, "out_of_catalog_unknown", False):
                    continue
                limit = run.value(rule.share, visit.date, visit.hospital_level)
                ratio = visit.out_of_catalog / visit.total
                if ratio > limit:
                    run.flag(rule.code, rule.message.format(
                        visit=f"第{number}次就诊（{visit.date}）", share=_share_above(ratio), limit=percent(limit)),
                        cites(rule.citations))


def _share_above(ratio: Decimal) -> str:
    """A share shown rounded up, so that one above the limit never reads as equal to it."""
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_UP)}%"


def _paid(item, tier: str) -> Decimal:
    return sum((t["amount"] for t in item.tiers if t["tier"] == tier), ZERO)
