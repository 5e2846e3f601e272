"""The case a person brings: parsed from CONTRACT.md's JSON with a Chinese message for every mistake."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .checks import (ABSURD_AMOUNT, MAX_VISITS, UNKNOWN, case_problems, parse_amount, parse_date,  # noqa: F401
                     parse_identities, read_case_fields, read_visit, visit_problems)
from .errors import InputError

KIND_NAMES = {"inpatient": "住院", "outpatient": "门诊", "chronic_outpatient": "门诊慢特病"}


@dataclass(frozen=True, slots=True)
class Visit:
    date: dt.date
    kind: str
    hospital_level: str
    location: str
    referral: str
    total: Decimal
    out_of_catalog: Decimal
    category_b: Decimal
    basic_paid: Decimal | None
    disease: str | None
    index: int  # position in the input, so ties on date keep the user's order
    defaults: tuple[str, ...] = ()  # fields that were not given and took a default
    # 目录外 given as "unknown": out_of_catalog stays 0.00 and the core settles at the documents'
    # assumption, with a range over the possible values.
    out_of_catalog_unknown: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    policy: str | None
    region: str | None
    date: dt.date | None
    insurance: str
    contribution_tier: str | None  # a code, None (not given) or UNKNOWN ("unknown": the person does not know)
    identities: tuple[str, ...]
    per_capita_income: Decimal | None
    rural_per_capita_income: Decimal | None
    visits: tuple[Visit, ...]
    defaults: tuple[str, ...] = field(default=())


def _first(problems: dict[str, str]) -> InputError:
    field, message = next(iter(problems.items()))
    return InputError(message, None if field == "case" else field)


def _visit(raw, position: int, case_date) -> Visit:
    values, problems = read_visit(raw, position, case_date)
    if problems:
        raise _first(problems)
    return Visit(date=values["date"], kind=values["kind"], hospital_level=values["hospital_level"],
                 location=values["location"], referral=values["referral"], total=values["total"],
                 out_of_catalog=values["out_of_catalog"], category_b=values["category_b"],
                 basic_paid=values["basic_paid"], disease=values["disease"], index=position,
                 defaults=tuple(values["defaults"]), out_of_catalog_unknown=values["out_of_catalog_unknown"])


def parse_case(raw) -> Case:
    """Turn CONTRACT.md's case JSON (already decoded) into a Case, or raise InputError naming the field.

    The checks are `checks.read_case_fields` and `checks.read_visit`, the same the interview asks.
    """
    values, problems = read_case_fields(raw)
    if problems:
        raise _first(problems)
    case_date = raw.get("date")
    visits = tuple(_visit(item, i, case_date) for i, item in enumerate(raw["visits"]))
    return Case(
        policy=values["policy"], region=values["region"], date=values["date"],
        insurance=values["insurance"], contribution_tier=values["contribution_tier"],
        identities=values["identities"], per_capita_income=values["per_capita_income"],
        rural_per_capita_income=values["rural_per_capita_income"], visits=visits,
        defaults=tuple(values["defaults"]),
    )
