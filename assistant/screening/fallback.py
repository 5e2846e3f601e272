"""Person-years the columnar engine cannot settle exactly, settled by the explained core instead.

A pack with an outcome guarantee (naiman-2019's 健康扶贫兜底: per-stay rules, a yearly cap by
the highest level, the hospital's share of 目录外) is not compiled into the columnar tables;
its person-years go through `settle` one by one, so every engine gives the core's fen.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from ..errors import InputError


def needs_core(pack) -> bool:
    return getattr(pack, "guarantee", None) is not None


def core_flag_codes(pack) -> set[str]:
    """The warnings a guarantee adds to the pack's own (one boolean column each)."""
    if not needs_core(pack):
        return set()
    from ..settlement.guarantee import FLAG_CODES
    notice = pack.guarantee.notice
    return {*FLAG_CODES, *([notice.code] if notice is not None else [])}


def _yuan(fen):
    return None if fen is None else Decimal(fen).scaleb(-2)


def case_of(rows: list[dict]) -> dict:
    """One person-year's visit rows (INPUT_SCHEMA) as CONTRACT.md's case."""
    first = rows[0]
    case = {"policy": first["policy"], "identities": first["identities"] or [], "visits": []}
    for name in ("insurance", "contribution_tier"):
        if first[name] is not None:
            case[name] = first[name]
    for name in ("per_capita_income", "rural_per_capita_income"):
        if first[name] is not None:
            case[name] = _yuan(first[name])
    for row in rows:
        visit = {"date": row["date"].isoformat(), "kind": row["kind"], "total": _yuan(row["total"])}
        for name in ("hospital_level", "location", "referral"):
            if row[name] is not None:
                visit[name] = row[name]
        for name in ("out_of_catalog", "category_b", "basic_paid"):
            if row[name] is not None:
                visit[name] = _yuan(row[name])
        case["visits"].append(visit)
    return case


def settle_with_core(table: pa.Table, input_rows: list[np.ndarray], amounts, flag_codes) -> list[dict]:
    """For each person-year (its input row numbers): {"error"} or {"identity", amounts in fen, "flags"}."""
    from ..settlement import settle
    found = []
    for rows in input_rows:
        try:
            result = settle(case_of(table.take(pa.array(rows)).to_pylist()))
        except InputError as error:
            found.append({"error": error.message})
            continue
        totals = result["totals"]
        codes = {f["code"] for f in result["flags"]}
        found.append({"error": None, "identity": result["identity_applied"],
                      "amounts": {k: int(totals[k] * 100) for k in amounts},
                      "flags": {c: c in codes for c in flag_codes}})
    return found
