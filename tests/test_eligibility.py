"""Entitlements, next steps and warnings: what the documents promise a person beyond the money."""
from assistant.settlement import settle

STAY = {"date": "2023-05-01", "kind": "inpatient", "hospital_level": "level2", "referral": "referred",
        "total": 20000, "basic_paid": 12000}


def _items(result):
    return {e["item"]: e["result"] for e in result["eligibility"]}


def test_tekun_gets_full_contribution_subsidy_direct_aid_no_deposit_and_look_back():
    result = settle({"policy": "bayannur-2023", "identities": ["五保户"], "visits": [STAY]})
    items = _items(result)
    assert "全额资助" in items["参保资助"]
    assert "直接获得医疗救助" in items["如何申请医疗救助"]
    assert "免交住院押金" in items["先诊疗后付费、免住院押金"]
    assert "12个月" in items["新认定身份可前溯12个月"]


def test_monitored_person_gets_half_subsidy_and_applies_at_the_insurance_office():
    items = _items(settle({"policy": "bayannur-2023", "identities": ["监测户"], "visits": [STAY]}))
    assert "50%" in items["参保资助"]
    assert "医保经办机构" in items["如何申请医疗救助"]
    assert "先诊疗后付费、免住院押金" not in items


def test_ordinary_insuree_is_told_there_is_no_subsidy_and_how_to_seek_recognition():
    items = _items(settle({"policy": "bayannur-2023", "visits": [STAY]}))
    assert "没有" in items["参保资助"]
    assert "因病致贫重病患者" in items["如何申请医疗救助"]


def test_several_identities_give_one_treatment_with_the_reason_and_the_clause():
    result = settle({"policy": "bayannur-2023", "identities": ["监测户", "低保户"], "visits": [STAY]})
    assert result["identity_applied"] == "minimum_living"
    choice = result["identity_choice"]
    assert "就高不就低" in choice["reason"] and "低保对象" in choice["reason"] and "监测对象" in choice["reason"]
    assert set(choice["compared"]) == {"minimum_living", "monitored_at_risk", "ordinary"}
    assert choice["compared"]["minimum_living"] <= choice["compared"]["monitored_at_risk"]
    assert choice["citations"][0]["clause"] == "第九条（三）"
    # 参保资助 follows the most generous identity held, not the sum of both
    assert "50%" in _items(result)["参保资助"]


def test_monitoring_thresholds_are_strictly_above_the_rural_income():
    # an employee has no 大病, so the burden is total − basic: 31641 − 12000 = 19641, not above → only 返贫
    at = settle({"policy": "bayannur-2023", "insurance": "employee",
                 "visits": [{**STAY, "total": 31641, "basic_paid": 12000}]})
    codes = {f["code"] for f in at["flags"]}
    assert "monitoring_return_to_poverty" in codes and "monitoring_impoverishment" not in codes
    # one fen more: 19641.01 > 19641 → 因病致贫监测 too
    over = settle({"policy": "bayannur-2023", "insurance": "employee",
                   "visits": [{**STAY, "total": 31641.01, "basic_paid": 12000}]})
    assert "monitoring_impoverishment" in {f["code"] for f in over["flags"]}


def test_not_referred_stay_loses_aid_with_the_clause():
    result = settle({"policy": "bayannur-2023", "identities": ["低保户"],
                     "visits": [{**STAY, "referral": "not_referred"}]})
    aid = [t for t in result["visits"][0]["tiers"] if t["tier"] == "medical_aid"][0]
    assert aid["amount"] == 0
    assert aid["citations"][0]["clause"] == "第十二条"
    assert "not_referred_no_aid" in {f["code"] for f in result["flags"]}


def test_employee_result_says_why_there_is_no_critical_illness_tier():
    result = settle({"policy": "tianjin-2023", "insurance": "employee", "visits": [STAY]})
    tier = [t for t in result["visits"][0]["tiers"] if t["tier"] == "critical_illness"][0]
    assert tier["amount"] == 0 and "职工" in tier["formula"]
    assert "no_critical_illness_for_employee" in {f["code"] for f in result["flags"]}


def test_computed_basic_lists_its_assumed_parameters():
    result = settle({"policy": "bayannur-2023", "visits": [{**STAY, "basic_paid": None}]})
    assert any("起付线" in line and "本地配置" in line for line in result["assumptions"])
    assert any("支付比例" in line for line in result["assumptions"])
