"""Cases as the core reads them (CONTRACT.md dicts or parsed `Case`s) → the columnar engine's visit table."""
from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

from ..models import Case, parse_case
from .engine import INPUT_SCHEMA


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def table_from_cases(cases, persons=None, policies=None) -> pa.Table:
    """One row per visit. `persons` gives each case's id (default: its position); `policies` its
    pack id (default: the case's own `policy`, else the pack its region and date select)."""
    from ..settlement.api import select_pack  # the same choice of pack as `settle`
    columns = {name: [] for name in INPUT_SCHEMA.names}
    for n, raw in enumerate(cases):
        case = raw if isinstance(raw, Case) else parse_case(raw)
        person = n if persons is None else persons[n]
        policy = policies[n] if policies is not None else (case.policy or select_pack(case).id)
        for visit in case.visits:
            row = {
                "person": person, "policy": policy, "insurance": case.insurance,
                "contribution_tier": case.contribution_tier, "identities": list(case.identities),
                "per_capita_income": _fen(case.per_capita_income),
                "rural_per_capita_income": _fen(case.rural_per_capita_income),
                "date": visit.date, "kind": visit.kind,
                "hospital_level": None if "hospital_level" in visit.defaults else visit.hospital_level,
                "location": None if "location" in visit.defaults else visit.location,
                "referral": None if "referral" in visit.defaults else visit.referral,
                "total": _fen(visit.total),
                "out_of_catalog": None if "out_of_catalog" in visit.defaults else _fen(visit.out_of_catalog),
                "category_b": _fen(visit.category_b), "basic_paid": _fen(visit.basic_paid),
            }
            for name, value in row.items():
                columns[name].append(value)
    return pa.table(columns, schema=INPUT_SCHEMA)
