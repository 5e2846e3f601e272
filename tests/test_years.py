"""Years up to today: the 2023 documents settle later years with that year's statistics, year by year."""
import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.knowledge.store import tier_codes
from assistant.settlement import settle
from test_properties import FAST, IDENTITIES, visits

STAY = {"kind": "inpatient", "hospital_level": "level3", "location": "local", "referral": "referred",
        "total": 60000, "out_of_catalog": 3000, "basic_paid": 30000}


def _near_minimum(year: int) -> dict:
    return settle({"policy": "bayannur-2023", "identities": ["低保边缘家庭成员"],
                   "visits": [{**STAY, "date": f"{year}-06-01"}]})


@pytest.mark.parametrize("year, income, deductible", [
    (2023, "35921", "2514.47"),   # 内蒙古 2022: 35921 × 7% = 2514.47
    (2024, "38130", "2669.10"),   # 内蒙古 2023: 38130 × 7% = 2669.10
    (2025, "40077", "2805.39"),   # 内蒙古 2024: 40077 × 7% = 2805.39
    (2026, "40077", "2805.39"),   # 2025 not found: 2024's 40077 stands in
])
def test_bayannur_medical_aid_deductible_uses_the_previous_years_income(year, income, deductible):
    result = _near_minimum(year)
    # 大病: (27000 − 14000) × 80% = 10400; 救助: (27000 − 10400 − deductible) × 60%
    assert result["totals"]["critical_illness"] == Decimal("10400.00")
    aid = ((Decimal(16600) - Decimal(deductible)) * Decimal("0.6")).quantize(Decimal("0.01"))
    assert result["totals"]["medical_aid"] == aid
    aid_tier = next(t for t in result["visits"][0]["tiers"] if t["tier"] == "medical_aid")
    assert f"起付线 {deductible}" in aid_tier["formula"]
    assert any(income in line and "人均可支配收入" in line for line in result["assumptions"])


def test_a_stand_in_figure_says_which_years_figure_stands_in_and_that_the_user_can_type_the_official_one():
    lines = [line for line in _near_minimum(2026)["assumptions"] if "40077" in line]
    assert lines and "2024年" in lines[0] and "per_capita_income" in lines[0] and "代替" in lines[0]


def test_a_typed_income_overrides_the_stand_in():
    result = settle({"policy": "bayannur-2023", "identities": ["低保边缘家庭成员"], "per_capita_income": 42000,
                     "visits": [{**STAY, "date": "2026-06-01"}]})
    # 42000 × 7% = 2940; (16600 − 2940) × 60% = 8196
    assert result["totals"]["medical_aid"] == Decimal("8196.00")
    assert not any("40077" in line for line in result["assumptions"])


def test_tianjin_2025_critical_illness_deductible_is_half_of_the_2022_income_standing_in():
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high",
                     "visits": [{"date": "2025-04-01", "kind": "inpatient", "hospital_level": "level3",
                                 "total": 100000, "basic_paid": 60000}]})
    # 个人负担 40000; 大病 (40000 − 24488) × 65% = 10082.80
    assert result["totals"]["critical_illness"] == Decimal("10082.80")
    assert any("48976" in line and "突破5万元" in line for line in result["assumptions"])


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_result_after_2023_names_the_newest_document_and_that_a_newer_rule_wins(year):
    for policy in ("bayannur-2023", "tianjin-2023"):
        result = settle({"policy": policy, "visits": [{**STAY, "date": f"{year}-03-01"}]})
        line = next(line for line in result["assumptions"] if line.startswith("收录的最新文件为"))
        assert f"{year}年" in line and "如有新规定，以当地医保部门为准" in line


def test_a_2023_result_says_nothing_about_newer_documents():
    result = settle({"policy": "bayannur-2023", "visits": [{**STAY, "date": "2023-03-01"}]})
    assert not any(line.startswith("收录的最新文件为") for line in result["assumptions"])


def test_a_visit_after_today_is_refused_with_the_dates_covered():
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(InputError) as raised:
        settle({"region": "巴彦淖尔", "visits": [{**STAY, "date": tomorrow}]})
    assert raised.value.field == "date" and "晚于今天" in raised.value.message
    assert "2023-01-01至今" in raised.value.message
    with pytest.raises(InputError) as raised:
        settle({"policy": "bayannur-2023", "visits": [{**STAY, "date": "2024-01-01"}, {**STAY, "date": tomorrow}]})
    assert "第2次就诊" in raised.value.message


def test_a_visit_before_the_earliest_pack_is_refused_with_the_dates_covered():
    with pytest.raises(InputError) as raised:
        settle({"region": "天津市", "visits": [{**STAY, "date": "2022-12-31"}]})
    assert raised.value.field == "date" and "2023-01-01至今" in raised.value.message


def test_today_itself_settles():
    result = settle({"region": "巴彦淖尔", "visits": [{**STAY, "date": dt.date.today().isoformat()}]})
    assert result["policy"] == "bayannur-2023"


def test_a_single_year_case_has_no_years_list():
    assert "years" not in settle({"policy": "bayannur-2023", "visits": [{**STAY, "date": "2025-03-01"}]})


def test_a_case_over_two_years_restarts_every_deductible_on_1_january():
    stay = {**STAY, "out_of_catalog": 0, "basic_paid": 10000, "total": 30000}
    result = settle({"policy": "bayannur-2023", "identities": ["低保对象"],
                     "visits": [{**stay, "date": "2024-12-20"}, {**stay, "date": "2025-01-05"}]})
    # each year alone: 个人负担 20000; 大病 (20000 − 7000) × 85% = 11050; 救助 (20000 − 11050) × 70% = 6265
    assert [y["year"] for y in result["years"]] == [2024, 2025]
    for year in result["years"]:
        assert year["policy"] == "bayannur-2023"
        assert year["totals"]["critical_illness"] == Decimal("11050.00")
        assert year["totals"]["medical_aid"] == Decimal("6265.00")
        assert year["totals"]["out_of_pocket"] == Decimal("2685.00")
    assert result["totals"]["critical_illness"] == Decimal("22100.00")
    assert result["totals"]["out_of_pocket"] == Decimal("5370.00")
    assert [v["date"] for v in result["visits"]] == ["2024-12-20", "2025-01-05"]


@st.composite
def two_years(draw):
    policy = draw(st.sampled_from(sorted(IDENTITIES)))
    first, second = draw(st.sampled_from([(2023, 2024), (2024, 2025), (2025, 2026)]))

    def dated(year):
        items = draw(st.lists(visits(), min_size=1, max_size=3))
        for item in items:  # months up to October, so a 2026 visit is never after today (2026-11)
            month = min(int(item["date"][5:7]), 10)
            item["date"] = f"{year}-{month:02d}" + item["date"][7:]
        return items

    base = {"policy": policy, "insurance": draw(st.sampled_from(["resident", "employee"])),
            "contribution_tier": draw(st.sampled_from(["high", "low"])),
            # one identity at most: 就高不就低 over two years may pick another one than each year alone
            "identities": draw(st.lists(st.sampled_from(IDENTITIES[policy]), max_size=1))}
    return base, dated(first), dated(second)


@FAST
@given(two_years())
def test_a_two_year_case_settles_to_its_two_one_year_cases_added_together(drawn):
    base, early, late = drawn
    whole = settle({**copy.deepcopy(base), "visits": [*late, *early]})  # input order does not matter
    one = settle({**copy.deepcopy(base), "visits": early})
    two = settle({**copy.deepcopy(base), "visits": late})
    for key in ("total", "policy_scope", *tier_codes(), "out_of_pocket"):
        assert whole["totals"][key] == one["totals"][key] + two["totals"][key], key
    assert [y["totals"] for y in whole["years"]] == [one["totals"], two["totals"]]
