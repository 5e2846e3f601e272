"""What-ifs for the self-check: the same bill with and without referral, and under each identity.

Also the one small rule the app adds to a case: when a person does not know the
目录外 (out-of-catalogue) amount, it is taken at the documents' control ratio for that
hospital level (pack parameter `flags.out_of_catalog_share`) and shown as an assumption
with its clause. Every amount here comes from `settle`; nothing is computed twice.
"""
from __future__ import annotations

import copy
import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from ..knowledge.plain import is_citation
from ..knowledge.store import documents, packs

if TYPE_CHECKING:
    from ..knowledge.packs import Pack
from ..lexicon import name_of
from ..money import FEN, ZERO, percent, to_decimal, yuan
from ..settlement import settle

SHARE_PARAMETER = "flags.out_of_catalog_share"


def out_of_catalog_share(pack: Pack, day: dt.date, level: str) -> tuple[Decimal, dict | None, str | None]:
    """The control ratio for 目录外 at this level on this day, its citation and any derivation note."""
    item = pack.param(SHARE_PARAMETER, day)
    if item is None:
        raise LookupError(f"{pack.id} has no {SHARE_PARAMETER} on {day}")
    value = item.value
    share = value.get(level, value.get("level1")) if isinstance(value, dict) else value
    citation = None
    if is_citation(item.source):
        citation = {"doc": item.source.doc, "clause": item.source.clause, "quote": item.source.quote}
    return Decimal(share), citation, item.derived


def estimate_out_of_catalog(pack: Pack, day: dt.date, level: str, total, *, category_b=ZERO,
                            basic_paid=None, visit_number: int = 1) -> dict:
    """目录外 = total × the control ratio (rounded down to the fen), with the note that says so.

    Rounded down so the estimate never exceeds the ratio (the core flags a share above it).
    It is capped so that 目录外 + 乙类 and 基本医保已支付 still fit inside the total.
    """
    total = to_decimal(total)
    share, citation, derived = out_of_catalog_share(pack, day, level)
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
    text += "。实际目录外费用以医院结算单为准，通常不会都恰好等于上限。"
    return {"amount": amount, "share": share, "text": text,
            "citations": [citation] if citation else []}


def _out_of_pocket(case: dict) -> Decimal:
    return settle(case)["totals"]["out_of_pocket"]


def compare_referral(case: dict) -> dict:
    """The same visits all 已转诊 and all 未转诊: what the person would pay in each case."""
    figures = {}
    for referral in ("referred", "not_referred"):
        variant = copy.deepcopy(case)
        for visit in variant["visits"]:
            visit["referral"] = referral
        result = settle(variant)
        figures[referral] = {"referral": referral, "name": name_of("referral", referral),
                             "out_of_pocket": result["totals"]["out_of_pocket"],
                             "medical_aid": result["totals"]["medical_aid"],
                             "tilted_aid": result["totals"]["tilted_aid"]}
    difference = figures["not_referred"]["out_of_pocket"] - figures["referred"]["out_of_pocket"]
    return {"referred": figures["referred"], "not_referred": figures["not_referred"],
            "difference": difference}


def compare_identities(case: dict, held=None) -> list[dict]:
    """The same year under each identity the policy names, and as an ordinary insuree.

    `held` is what the person said they hold (codes); those rows are marked. Each row settles
    the case with that single identity, which is what 就高不就低 compares.
    """
    result = settle(case)
    pack = packs()[result["policy"]]
    held = tuple(held if held is not None else case.get("identities") or ())
    rows = []
    for code in (*pack.identity_order, None):
        variant = copy.deepcopy(case)
        variant["identities"] = [code] if code else []
        rows.append({"identity": code or "ordinary", "name": name_of("identities", code),
                     "out_of_pocket": _out_of_pocket(variant),
                     "held": code in held if code else not any(c in pack.identities for c in held),
                     "applied": code == result["identity_applied"]})
    return rows


def document_status(doc_id: str) -> tuple[str, str]:
    """(status code, Chinese status name) of a document, for showing beside a quote."""
    doc = documents().get(doc_id)
    if doc is None:
        return "unknown", "未知文件"
    return doc.status, doc.status_name
