"""Years where the documents' rules themselves make a more generous identity cost more (docs/SETTLEMENT.md)."""
from decimal import Decimal

from assistant.settlement import settle


def _year(identity):
    return settle({"policy": "bayannur-2023", "identities": [identity], "visits": [
        {"date": "2023-03-01", "kind": "inpatient", "location": "local", "referral": "referred",
         "total": 400000, "basic_paid": 40000},
        {"date": "2023-08-01", "kind": "inpatient", "location": "out_of_province", "referral": "referred",
         "total": 100000, "basic_paid": 20000}]})


def test_a_shared_aid_limit_used_in_region_can_leave_a_tekun_person_paying_more_than_a_dibao_person():
    tekun, dibao = _year("extreme_poverty"), _year("minimum_living")
    # stay 1: 大病 (360000 − 7000) × 85% = 300050, left 59950.
    #   特困 救助 100% capped at 50000 → 9950 left (< 倾斜 起付 14000 → 0).
    #   低保 救助 70% × 59950 = 41965 → 17985 left; 倾斜 (17985 − 14000) × 70% = 2789.50 → 15195.50.
    # stay 2 (outside the region, no 倾斜): 大病 80000 × 85% = 68000, left 12000.
    #   特困: 救助 limit used up → 12000.  低保: 50000 − 41965 = 8035 left of the limit → 3965.
    assert tekun["totals"]["out_of_pocket"] == Decimal("21950.00")      # 9950 + 12000
    assert dibao["totals"]["out_of_pocket"] == Decimal("19160.50")      # 15195.50 + 3965
    assert dibao["totals"]["tilted_aid"] == Decimal("2789.50")


def test_both_identities_held_take_the_better_one():
    both = settle({"policy": "bayannur-2023", "identities": ["extreme_poverty", "minimum_living"], "visits": [
        {"date": "2023-03-01", "kind": "inpatient", "location": "local", "referral": "referred",
         "total": 400000, "basic_paid": 40000},
        {"date": "2023-08-01", "kind": "inpatient", "location": "out_of_province", "referral": "referred",
         "total": 100000, "basic_paid": 20000}]})
    assert both["identity_applied"] == "minimum_living"
    assert both["totals"]["out_of_pocket"] == Decimal("19160.50")
