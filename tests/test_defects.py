"""Defects found by the independent check (issue 6): each test fails on the code before its fix."""
from decimal import Decimal

import pytest

from assistant.errors import InputError
from assistant.settlement import settle

OUTPATIENT = {"kind": "outpatient", "hospital_level": "level2", "location": "local", "referral": "not_needed"}


def _tier(visit, name):
    return next(t for t in visit["tiers"] if t["tier"] == name)


def test_tianjin_outpatient_deductible_met_on_a_slip_visit_is_not_charged_again():
    """二（二）3.: 居民医保门诊年度起付标准600元 — met once a year, also when the slip settled that visit."""
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high", "visits": [
        {**OUTPATIENT, "date": "2023-03-01", "total": 1000, "basic_paid": 220},   # slip: (1000 − 600) × 55%
        {**OUTPATIENT, "date": "2023-04-01", "total": 1000}]})
    # second visit: 起付线 already met → 1000 × 55% = 550 (before the fix: (1000 − 600) × 55% = 220)
    assert _tier(result["visits"][1], "basic")["amount"] == Decimal("550.00")


def test_tianjin_outpatient_slip_with_nothing_paid_counts_its_cost_toward_the_deductible():
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high", "visits": [
        {**OUTPATIENT, "date": "2023-03-01", "total": 400, "basic_paid": 0},
        {**OUTPATIENT, "date": "2023-04-01", "total": 1000}]})
    # 400 of the 600 met on the slip visit; second: (1000 − 200) × 55% = 440
    assert _tier(result["visits"][1], "basic")["amount"] == Decimal("440.00")


def test_tianjin_employee_outpatient_deductible_800_is_met_once_too():
    result = settle({"policy": "tianjin-2023", "insurance": "employee", "visits": [
        {**OUTPATIENT, "date": "2023-03-01", "total": 2000, "basic_paid": 600},
        {**OUTPATIENT, "date": "2023-04-01", "total": 1000}]})
    assert _tier(result["visits"][1], "basic")["amount"] == Decimal("500.00")  # 1000 × 50%


def test_tianjin_outpatient_basic_cites_the_outpatient_sentence_not_the_inpatient_one():
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high",
                     "visits": [{**OUTPATIENT, "date": "2023-03-01", "total": 1000}]})
    quotes = [c["quote"] for c in _tier(result["visits"][0], "basic")["citations"]]
    assert any("居民医保门诊年度起付标准600元" in q for q in quotes)
    assert all(c["clause"] == "二（二）3." for c in _tier(result["visits"][0], "basic")["citations"])
    assert not any("70%左右" in q for q in quotes)


def test_tianjin_inpatient_basic_still_cites_the_inpatient_sentence():
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high",
                     "visits": [{**OUTPATIENT, "kind": "inpatient", "date": "2023-03-01", "total": 10000}]})
    quotes = [c["quote"] for c in _tier(result["visits"][0], "basic")["citations"]]
    assert any("住院" in q for q in quotes)


@pytest.mark.parametrize("policy", ["tianjin-2023", "bayannur-2023"])
@pytest.mark.parametrize("kind", ["inpatient", "outpatient", "chronic_outpatient"])
def test_employees_basic_never_cites_a_sentence_about_residents_alone(policy, kind):
    result = settle({"policy": policy, "insurance": "employee",
                     "visits": [{**OUTPATIENT, "kind": kind, "date": "2023-03-01", "total": 10000}]})
    for cited in _tier(result["visits"][0], "basic")["citations"]:
        assert "居民医保" not in cited["quote"], cited


def test_hardship_critical_illness_bands_cite_the_clause_with_their_band_edges():
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high", "identities": ["低保"],
                     "visits": [{**OUTPATIENT, "kind": "inpatient", "date": "2023-03-01", "total": 300000,
                                 "basic_paid": 100000}]})
    quotes = [c["quote"] for c in _tier(result["visits"][0], "critical_illness")["citations"]]
    assert any("10万元至20万元（含）费用段" in q for q in quotes)   # where 100000 and 200000 come from
    assert any("支付比例提高5个百分点，取消封顶线" in q for q in quotes)


@pytest.mark.parametrize("policy, region", [("bayannur-2023", "天津市"), ("tianjin-2023", "巴彦淖尔")])
def test_a_case_whose_policy_and_region_disagree_is_refused(policy, region):
    with pytest.raises(InputError) as raised:
        settle({"policy": policy, "region": region,
                "visits": [{**OUTPATIENT, "date": "2023-03-01", "total": 1000}]})
    assert raised.value.field == "region"
    assert region in raised.value.message and policy in raised.value.message


def test_a_policy_with_its_own_region_or_a_district_of_it_settles():
    for region in ("天津市", "天津", "和平区"):
        settle({"policy": "tianjin-2023", "region": region, "visits": [{**OUTPATIENT, "date": "2023-03-01", "total": 1000}]})
