"""Unknowns as ranges: settled at the documents' assumption, with the least and most the person could pay."""
import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.selfcheck.compare import estimate_out_of_catalog as app_estimate
from assistant.knowledge.store import packs
from assistant.settlement import settle
from assistant.settlement.ranges import estimate_out_of_catalog
from test_properties import FAST, cases

STAY = {"date": "2024-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
        "referral": "referred", "total": 60000, "basic_paid": 30000}


def _oop(case) -> Decimal:
    return settle(case)["totals"]["out_of_pocket"]


def test_unknown_out_of_catalogue_settles_at_the_control_ratio_and_ranges_from_nothing_to_it():
    case = {"policy": "bayannur-2023", "identities": ["低保户"], "visits": [{**STAY, "out_of_catalog": "unknown"}]}
    result = settle(case)
    # 三级: 10% (第十二条) → 目录外 6000; the same bill with 目录外 6000 and with 0
    at_share = _oop({**case, "visits": [{**STAY, "out_of_catalog": 6000}]})
    at_zero = _oop({**case, "visits": [{**STAY, "out_of_catalog": 0}]})
    assert result["totals"]["out_of_pocket"] == at_share
    assert result["range"]["out_of_pocket"] == {"low": min(at_zero, at_share), "high": max(at_zero, at_share)}
    assert at_zero < at_share
    assert any("10%" in line and "6000.00" in line for line in result["assumptions"])
    assert any("目录外费用不清楚" in line for line in result["range"]["because"])


def test_unknown_out_of_catalogue_raises_no_warning_about_its_share():
    result = settle({"policy": "bayannur-2023", "visits": [{**STAY, "out_of_catalog": "unknown"}]})
    assert not [f for f in result["flags"] if f["code"] == "out_of_catalog_over_limit"]


def test_unknown_contribution_tier_settles_at_high_and_ranges_over_low():
    base = {"policy": "tianjin-2023", "visits": [{**STAY, "basic_paid": None, "out_of_catalog": 0}]}
    result = settle({**base, "contribution_tier": "unknown"})
    high = _oop({**base, "contribution_tier": "high"})
    low = _oop({**base, "contribution_tier": "low"})
    assert result["totals"]["out_of_pocket"] == high
    assert result["range"]["out_of_pocket"] == {"low": min(high, low), "high": max(high, low)}
    assert high < low
    assert any("缴费档次不清楚" in line for line in result["assumptions"])


def test_both_unknown_cover_every_corner():
    visit = {**STAY, "basic_paid": None, "out_of_catalog": "unknown"}
    result = settle({"policy": "tianjin-2023", "contribution_tier": "unknown", "visits": [visit]})
    corners = [_oop({"policy": "tianjin-2023", "contribution_tier": tier, "visits": [{**visit, "out_of_catalog": ooc}]})
               for tier in ("high", "low") for ooc in (0, 6000)]
    assert result["range"]["out_of_pocket"] == {"low": min(corners), "high": max(corners)}
    assert len(result["range"]["because"]) == 3


def test_nothing_unknown_means_no_range():
    assert "range" not in settle({"policy": "bayannur-2023", "visits": [{**STAY, "out_of_catalog": 3000}]})
    # an employee's tier, or a tier where the policy has none, is no unknown at all
    assert "range" not in settle({"policy": "tianjin-2023", "insurance": "employee", "contribution_tier": "unknown",
                                  "visits": [{**STAY, "out_of_catalog": 3000}]})
    assert "range" not in settle({"policy": "bayannur-2023", "contribution_tier": "unknown",
                                  "visits": [{**STAY, "out_of_catalog": 3000}]})


def test_the_app_and_the_core_estimate_with_one_function():
    assert app_estimate is estimate_out_of_catalog
    estimate = estimate_out_of_catalog(packs()["bayannur-2023"], dt.date(2024, 6, 1), "level2", Decimal("12345.67"))
    assert estimate["amount"] == Decimal("617.28")  # 12345.67 × 5% = 617.2835, rounded down
    assert estimate["citations"][0]["clause"] == "第十二条"


def test_tianjin_dialysis_year_gives_both_readings_of_chronic_outpatient_aid():
    sessions = [{"date": f"2024-{m:02d}-{d:02d}", "kind": "chronic_outpatient", "hospital_level": "level3",
                 "total": 500} for m in range(1, 13) for d in (2, 5, 9, 12, 16, 19, 23, 26, 28)]
    result = settle({"policy": "tianjin-2023", "contribution_tier": "high", "identities": ["低保"],
                     "visits": sessions})
    [reading] = result["readings"]
    assert reading["out_of_pocket"] == result["totals"]["out_of_pocket"]
    assert reading["alternative_out_of_pocket"] < reading["out_of_pocket"] - 5000
    assert "门诊医疗救助" in reading["reading"] and "住院医疗救助" in reading["alternative"]
    line = next(line for line in result["assumptions"] if line.startswith("文件在这一点上可以有两种读法"))
    assert str(reading["alternative_out_of_pocket"]) in line


def test_a_reading_that_changes_nothing_is_not_shown():
    result = settle({"policy": "tianjin-2023", "visits": [{**STAY, "kind": "chronic_outpatient"}]})
    assert "readings" not in result  # an ordinary insuree gets no 救助 under either reading


@st.composite
def unknown_cases(draw):
    case = draw(cases())
    for visit in case["visits"]:
        if draw(st.booleans()):
            visit["out_of_catalog"] = "unknown"
    if draw(st.booleans()):
        case["contribution_tier"] = "unknown"
    return case


@FAST
@given(unknown_cases())
def test_low_is_at_most_the_settled_figure_and_high_at_least(case):
    result = settle(copy.deepcopy(case))
    unknown = any(v["out_of_catalog"] == "unknown" for v in case["visits"]) or (
        case["contribution_tier"] == "unknown" and case["policy"] == "tianjin-2023" and case["insurance"] == "resident")
    if not unknown:
        assert "range" not in result
        return
    spread = result["range"]["out_of_pocket"]
    assert spread["low"] <= result["totals"]["out_of_pocket"] <= spread["high"]
    assert spread["high"] <= result["totals"]["total"]
