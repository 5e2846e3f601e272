"""Worked cases from tests/cases/*.yaml: each expected amount was derived by hand from the clauses.

The runner reads the working written beside an amount ("(27000 − 7000) × 85% = 17000") and
checks every step of it (tests/arithmetic.py), so a slip in the hand arithmetic fails as surely
as a slip in the engine. It refuses what it cannot check: a misspelt tier or total, a flag no
policy raises, a visit the expectation leaves out, a case that names no clause (or a clause the
result does not cite for what it checks), a refusal that names no field.

A case may say `requires: [years]` (visits after 2023 or across a new year) or `[ranges]`
(`"unknown"` inputs): until the core settles those it is skipped, with the reason.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml

from arithmetic import amount, has_working
from assistant.errors import InputError
from assistant.knowledge.store import documents, packs
from assistant.settlement import settle
from assistant.knowledge.store import tier_codes

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parents[1]
TIER_ORDER = tier_codes()  # the one tier table (knowledge/tiers.yaml)
TOTALS = ("total", "policy_scope", *TIER_ORDER, "hospital_borne", "out_of_pocket")  # hospital_borne: naiman-2019
VISIT_FIELDS = ("policy_scope", "out_of_pocket", "total", "hospital_borne")
VISIT_KEYS = {"date", *VISIT_FIELDS, *TIER_ORDER}
EXPECT_KEYS = {"identity_applied", "totals", "visits", "flags", "no_flags", "error", "field", "years", "range",
               "policy", "assumptions"}
CASE_KEYS = {"name", "case", "expect", "clause", "requires"}


def _load():
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, item in enumerate(data["cases"], start=1):
            item = {**item, "_file": path.stem, "_policy": data.get("policy")}
            yield pytest.param(item, id=f"{path.stem}#{number}: {item['name']}")


ALL = list(_load())


# ---- what the core can do yet (a probe, not a list kept by hand)


@cache
def _supports(feature: str) -> bool:
    stay = {"kind": "inpatient", "hospital_level": "level2", "location": "local", "referral": "not_needed",
            "total": 10000}
    try:
        if feature == "years":
            result = settle({"policy": None, "region": "巴彦淖尔市", "visits": [
                {**stay, "date": "2023-12-01"}, {**stay, "date": "2025-01-02"}]})
            return len(result.get("years", ())) == 2
        if feature == "ranges":
            result = settle({"policy": "bayannur-2023", "visits": [
                {**stay, "date": "2023-06-01", "out_of_catalog": "unknown"}]})
            return "range" in result
    except InputError:
        return False
    raise AssertionError(f"unknown feature {feature!r}: say `years` or `ranges`")


def _skip_unsupported(item):
    requires = item.get("requires") or []
    for feature in [requires] if isinstance(requires, str) else requires:
        if not _supports(feature):
            pytest.skip(f"needs the core to settle {feature} (issue 6: "
                        f"{'visits after 2023 and across years' if feature == 'years' else 'unknown inputs as ranges'})")


# ---- what a case may name


@cache
def _known_flags() -> frozenset[str]:
    """Every flag code a policy pack or the core can raise."""
    codes = {"identity_not_in_policy"}
    for path in (ROOT / "knowledge" / "policies").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r"^\s*(?:- )?(?:code|flag): (\w+)\s*$", text, flags=re.M))
    for path in (ROOT / "assistant").rglob("*.py"):
        codes |= set(re.findall(r"\.flag\(\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    return frozenset(codes)


def _cited(result: dict, expect: dict) -> set[str]:
    """Clauses the result cites for what the case checks: its tiers, its flags, its identity choice."""
    tiers = {k for k in expect.get("totals", {}) if k in TIER_ORDER}
    for want in expect.get("visits", []):
        tiers |= {k for k in want if k in TIER_ORDER}
    for year in expect.get("years", []):
        tiers |= {k for k in year.get("totals", {}) if k in TIER_ORDER}
    if "out_of_pocket" in expect.get("totals", {}) or not tiers:
        tiers |= set(TIER_ORDER)  # the person's share rests on every tier
    found = set()
    for visit in result["visits"]:
        for tier in visit["tiers"]:
            if tier["tier"] in tiers:
                found |= {c["clause"] for c in tier["citations"]}
    for flag in result["flags"]:
        if flag["code"] in expect.get("flags", []):
            found |= {c["clause"] for c in flag["citations"]}
    for rule in packs()[result["policy"]].flags:  # a flag the case expects not to be raised: its rule's clause
        if rule.code in expect.get("no_flags", []):
            found |= {c.clause for c in rule.citations}
    if "identity_choice" in result and "identity_applied" in expect:
        found |= {c["clause"] for c in result["identity_choice"]["citations"]}
    return found


def _clauses(item) -> list[str]:
    clause = item.get("clause")
    return [clause] if isinstance(clause, str) else list(clause or [])


def _amount(value) -> Decimal:
    return amount(value)


# ---- the whole set


def test_there_are_worked_cases_for_both_cities_and_every_year():
    policies = {(p.values[0]["case"].get("policy") or p.values[0]["expect"].get("policy") or p.values[0]["_policy"])
                for p in ALL}
    files = {p.values[0]["_file"] for p in ALL}
    assert len(ALL) >= 130
    assert {"bayannur-2023", "tianjin-2023"} <= policies
    assert {"bayannur-2024-2026", "tianjin-2024-2026", "cross-year"} <= files


def test_most_amounts_carry_their_working():
    """The hand arithmetic is checked, not only read: most non-zero amounts are written as a working."""
    worked = plain = 0
    for param in ALL:
        expect = param.values[0]["expect"]
        values = list(expect.get("totals", {}).values())
        values += [v for want in expect.get("visits", []) for k, v in want.items() if k != "date"]
        for value in values:
            if _amount(value) != 0:
                worked, plain = (worked + 1, plain) if has_working(value) else (worked, plain + 1)
    assert worked > 2 * plain, (worked, plain)


@pytest.mark.parametrize("item", ALL)
def test_the_case_is_well_formed(item):
    check_well_formed(item)


@pytest.mark.parametrize("item", ALL)
def test_worked_case(item):
    _skip_unsupported(item)
    check_worked(item)


def check_well_formed(item):
    """Misspelt keys, tiers and flags fail here rather than being silently ignored."""
    assert set(item) - {"_file", "_policy"} <= CASE_KEYS, set(item) - CASE_KEYS
    expect = item["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    assert set(expect.get("totals", {})) <= set(TOTALS), set(expect.get("totals", {})) - set(TOTALS)
    for want in expect.get("visits", []):
        assert set(want) <= VISIT_KEYS, set(want) - VISIT_KEYS
    for year in expect.get("years", []):
        assert set(year) <= {"year", "policy", "totals"} and set(year.get("totals", {})) <= set(TOTALS)
    for code in [*expect.get("flags", []), *expect.get("no_flags", [])]:
        assert code in _known_flags(), f"no policy raises a flag {code!r}"
    for value in [*expect.get("totals", {}).values(), *[v for w in expect.get("visits", []) for k, v in w.items()
                                                         if k != "date"]]:
        _amount(value)  # the working adds up
    if "error" in expect:
        assert expect.get("field"), "a refusal names the field the person must fix"
    else:
        clauses = _clauses(item)
        assert clauses, "a case names the clause it exercises (clause: …)"
        policy = item["case"].get("policy") or expect.get("policy") or item["_policy"]
        assert policy, "say which policy's clauses the case names (case.policy, expect.policy or the file's)"
        for clause in clauses:
            doc = documents()[policy]
            assert doc.clause(clause) is not None, f"{policy} has no clause {clause!r}"


def check_worked(item):
    """The case settles as the hand working says (or is refused, naming the field)."""
    expect = item["expect"]
    if "error" in expect:
        with pytest.raises(InputError) as raised:
            settle(item["case"])
        assert raised.value.field == expect["field"], raised.value.message
        if isinstance(expect["error"], str):
            assert expect["error"] in raised.value.message
        return
    result = settle(item["case"])
    if "policy" in expect:
        assert result["policy"] == expect["policy"]
    if "identity_applied" in expect:
        assert result["identity_applied"] == expect["identity_applied"]
    for key, value in expect.get("totals", {}).items():
        assert result["totals"][key] == _amount(value), f"totals.{key}: {value}"
    if expect.get("visits"):
        assert len(expect["visits"]) == len(result["visits"]), "give every visit's expectation, in date order"
    for number, (want, got) in enumerate(zip(expect.get("visits", []), result["visits"]), start=1):
        paid = {t["tier"]: t["amount"] for t in got["tiers"]}
        for key, value in want.items():
            if key == "date":
                assert got["date"] == str(value), f"visit {number}: date"
                continue
            actual = got[key] if key in VISIT_FIELDS else paid.get(key, Decimal("0.00"))
            assert actual == _amount(value), f"visit {number}: {key}: {value}"
    if "years" in expect:
        years = {y["year"]: y for y in result["years"]}
        assert sorted(years) == sorted(y["year"] for y in expect["years"])
        for want in expect["years"]:
            got = years[want["year"]]
            if "policy" in want:
                assert got["policy"] == want["policy"]
            for key, value in want.get("totals", {}).items():
                assert got["totals"][key] == _amount(value), f"{want['year']}: totals.{key}: {value}"
        for key in (k for k in TOTALS if k in result["totals"]):  # the top-level totals are the sum over the years
            assert result["totals"][key] == sum((y["totals"][key] for y in result["years"]), Decimal("0.00"))
    if "range" in expect:
        low, high = (_amount(expect["range"][k]) for k in ("low", "high"))
        assert (result["range"]["out_of_pocket"]["low"], result["range"]["out_of_pocket"]["high"]) == (low, high)
    for text in expect.get("assumptions", []):
        assert any(text in line for line in result["assumptions"]), (text, result["assumptions"])
    codes = {f["code"] for f in result["flags"]}
    for code in expect.get("flags", []):
        assert code in codes
    for code in expect.get("no_flags", []):
        assert code not in codes
    cited = _cited(result, expect)
    for clause in _clauses(item):
        assert clause in cited, f"the result cites {sorted(cited)} for what this case checks, not {clause}"
