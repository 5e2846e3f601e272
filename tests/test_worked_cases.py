"""Worked cases from tests/cases/*.yaml: each expected amount was derived by hand from the clauses."""
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assistant.errors import InputError
from assistant.settlement import settle

CASES = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["cases"]:
            yield pytest.param(item, id=f"{path.stem}: {item['name']}")


ALL = list(_load())


def test_there_are_at_least_30_worked_cases_across_both_policies():
    policies = {p.values[0]["case"].get("policy") for p in ALL}
    assert len(ALL) >= 30
    assert {"bayannur-2023", "tianjin-2023"} <= policies


@pytest.mark.parametrize("item", ALL)
def test_worked_case(item):
    expect = item["expect"]
    if "error" in expect:
        with pytest.raises(InputError) as raised:
            settle(item["case"])
        if isinstance(expect["error"], str):
            assert expect["error"] in raised.value.message
        return
    result = settle(item["case"])
    if "identity_applied" in expect:
        assert result["identity_applied"] == expect["identity_applied"]
    for key, amount in expect.get("totals", {}).items():
        assert result["totals"][key] == Decimal(str(amount)), f"totals.{key}"
    for number, (want, got) in enumerate(zip(expect.get("visits", []), result["visits"]), start=1):
        paid = {t["tier"]: t["amount"] for t in got["tiers"]}
        for key, amount in want.items():
            actual = got[key] if key in ("policy_scope", "out_of_pocket", "date", "hospital_borne") else paid.get(key, Decimal("0.00"))
            if key == "date":
                assert actual == str(amount)
            else:
                assert actual == Decimal(str(amount)), f"visit {number}: {key}"
    codes = {f["code"] for f in result["flags"]}
    for code in expect.get("flags", []):
        assert code in codes
    for code in expect.get("no_flags", []):
        assert code not in codes
