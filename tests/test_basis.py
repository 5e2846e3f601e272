"""For the pages and the ledger: thresholds still to reach, and what a result's figures rest on."""
import json
from decimal import Decimal
from pathlib import Path

import jsonschema

from assistant.settlement import settle

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "contract.schema.json").read_text(encoding="utf-8"))
STAY = {"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
        "referral": "referred", "total": 20000}


def _valid(result):
    from assistant.settlement.api import dumps
    jsonschema.validate(json.loads(dumps(result)), {**SCHEMA, "$ref": "#/$defs/result"})


def test_an_ordinary_resident_under_the_critical_illness_deductible_is_told_how_much_more():
    result = settle({"policy": "bayannur-2023", "visits": [STAY]})
    # basic (20000 − 800) × 70% = 13440; 个人负担 6560; 大病 起付 14000 → 7440 to go
    assert result["thresholds"] == [{"tier": "critical_illness", "deductible": Decimal("14000.00"),
                                     "accumulated": Decimal("6560.00"), "remaining": Decimal("7440.00"),
                                     "message": "再自付 7440.00 元，大病保险开始报销"}]
    _valid(result)


def test_a_reached_deductible_is_not_listed():
    result = settle({"policy": "bayannur-2023", "visits": [{**STAY, "total": 80000}]})
    assert "thresholds" not in result  # 个人负担 (80000 − 800) × 30% = 23760 > 14000


def test_every_later_tier_still_to_reach_is_listed_for_a_hardship_person():
    result = settle({"policy": "bayannur-2023", "identities": ["低保边缘"], "visits": [{**STAY, "total": 6000}]})
    tiers = {t["tier"]: t for t in result["thresholds"]}
    # basic (6000 − 800) × 70% = 3640; 个人负担 2360: under 大病 14000, under 救助 35921 × 7% = 2514.47
    assert tiers["critical_illness"]["remaining"] == Decimal("11640.00")
    assert tiers["medical_aid"]["deductible"] == Decimal("2514.47")
    assert tiers["medical_aid"]["remaining"] == Decimal("154.47")
    assert tiers["medical_aid"]["message"] == "再自付 154.47 元，医疗救助开始报销"


def test_a_tier_the_person_does_not_get_is_not_a_threshold():
    result = settle({"policy": "bayannur-2023", "insurance": "employee", "visits": [STAY]})
    assert "critical_illness" not in {t["tier"] for t in result.get("thresholds", [])}


def test_the_basis_names_the_policy_its_newest_document_and_when_the_values_were_reviewed():
    basis = settle({"policy": "tianjin-2023", "visits": [STAY]})["basis"]
    assert basis["policy"] == "tianjin-2023" and basis["status"] == "current"
    assert basis["document"].startswith("市医保局等五部门")
    assert basis["rules_read"] == "2026-11-23"
    assert len(basis["fingerprint"]) == 12 and int(basis["fingerprint"], 16) >= 0


def test_the_fingerprint_follows_the_values_used_not_the_bill():
    near = {"policy": "bayannur-2023", "identities": ["低保边缘"], "visits": [{**STAY, "total": 90000}]}
    same = settle(near)["basis"]["fingerprint"]
    assert settle({**near, "visits": [{**STAY, "total": 95000}]})["basis"]["fingerprint"] == same
    # another year's income statistic, or a typed one, is another value used
    assert settle({**near, "visits": [{**STAY, "total": 90000, "date": "2024-06-01"}]})["basis"]["fingerprint"] != same
    assert settle({**near, "per_capita_income": 40000})["basis"]["fingerprint"] != same
    # another hospital level uses another 起付线 and ratio
    assert settle({**near, "visits": [{**STAY, "total": 90000, "hospital_level": "level2"}]})["basis"]["fingerprint"] != same


def test_years_range_and_readings_fit_the_schema():
    _valid(settle({"policy": "bayannur-2023", "visits": [STAY, {**STAY, "date": "2024-02-01", "out_of_catalog": "unknown"}]}))
    sessions = [{"date": f"2024-{m:02d}-10", "kind": "chronic_outpatient", "hospital_level": "level3", "total": 4000}
                for m in range(1, 13)]
    result = settle({"policy": "tianjin-2023", "contribution_tier": "unknown", "identities": ["特困"], "visits": sessions})
    assert result["readings"] and result["range"]
    _valid(result)
