"""The explained core on the same person-years as a columnar visit table: the reference the tests compare with."""
from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

from assistant.errors import InputError
from assistant.settlement import settle
from assistant.knowledge.store import tier_codes

TIER_ORDER = tier_codes()

AMOUNTS = ("total", "policy_scope", *TIER_ORDER, "out_of_pocket")


def _yuan(fen):
    return None if fen is None else Decimal(fen).scaleb(-2)


def cases_of(table: pa.Table) -> list[tuple[int, dict]]:
    """(person, CONTRACT.md case) per person, visits in the table's order."""
    people: dict[int, dict] = {}
    for row in table.to_pylist():
        case = people.get(row["person"])
        if case is None:
            case = people[row["person"]] = {"policy": row["policy"], "identities": row["identities"] or [],
                                            "visits": []}
            for name in ("insurance", "contribution_tier"):
                if row[name] is not None:
                    case[name] = row[name]
            for name in ("per_capita_income", "rural_per_capita_income"):
                if row[name] is not None:
                    case[name] = _yuan(row[name])
        visit = {"date": row["date"].isoformat(), "kind": row["kind"], "total": _yuan(row["total"])}
        for name in ("hospital_level", "location", "referral"):
            if row[name] is not None:
                visit[name] = row[name]
        for name in ("out_of_catalog", "category_b", "basic_paid"):
            if row[name] is not None:
                visit[name] = _yuan(row[name])
        case["visits"].append(visit)
    return list(people.items())


def core_row(item: tuple[int, dict]) -> tuple:
    """(person, identity, amounts in fen, flag codes) or (person, "error", message)."""
    person, case = item
    try:
        result = settle(case)
    except InputError as error:
        return person, "error", str(error)
    totals = result["totals"]
    return (person, result["identity_applied"], tuple(int(totals[k] * 100) for k in AMOUNTS),
            frozenset(f["code"] for f in result["flags"]))
