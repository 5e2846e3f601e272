"""One check of a visit and a case ({field: message}) that the core and the interview both use."""
import datetime as dt
from decimal import Decimal

import pytest

from assistant.selfcheck import flow
from assistant.checks import MAX_VISITS, case_problems, visit_problems
from assistant.errors import InputError
from assistant.models import UNKNOWN, parse_case

STAY = {"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
        "referral": "referred", "total": 60000, "out_of_catalog": 3000}
CASE = {"policy": "bayannur-2023", "insurance": "resident", "visits": [STAY]}
JUNE = dt.date(2023, 6, 1)


def test_a_good_visit_has_no_problem():
    assert visit_problems(STAY) == {}
    assert case_problems(CASE) == {}


def test_every_problem_of_a_visit_is_reported_at_once_by_field():
    found = visit_problems({"date": "2023-02-30", "kind": "体检", "hospital_level": "四级", "total": "abc",
                            "category_b": -1, "basic_paid": "1.234"})
    assert set(found) == {"date", "kind", "hospital_level", "total", "category_b", "basic_paid"}
    assert "不是有效日期" in found["date"] and "体检" in found["kind"] and "四级" in found["hospital_level"]
    assert "不是数字" in found["total"] and "负数" in found["category_b"] and "两位小数" in found["basic_paid"]


@pytest.mark.parametrize("location", ["in_province", "out_of_province", "省外"])
def test_no_referral_needed_is_only_for_a_local_hospital(location):
    found = visit_problems({**STAY, "location": location, "referral": "not_needed"})
    assert list(found) == ["referral"]
    assert "已转诊" in found["referral"] and "未转诊" in found["referral"]
    with pytest.raises(InputError) as raised:
        parse_case({**CASE, "visits": [{**STAY, "location": location, "referral": "无需转诊"}]})
    assert raised.value.field == "referral" and raised.value.message == found["referral"]


def test_a_missing_referral_away_from_home_is_asked_not_assumed():
    visit = {k: v for k, v in STAY.items() if k != "referral"}
    assert visit_problems(visit) == {}  # local: 无需转诊 by default, said in assumptions
    found = visit_problems({**visit, "location": "out_of_province"})
    assert list(found) == ["referral"] and "请填写" in found["referral"] and "已转诊或未转诊" in found["referral"]


@pytest.mark.parametrize("referral", ["referred", "not_referred"])
def test_referred_or_not_is_valid_anywhere(referral):
    for location in ("local", "in_province", "out_of_province"):
        assert visit_problems({**STAY, "location": location, "referral": referral}) == {}


@pytest.mark.parametrize("word", ["unknown", "不清楚", "不知道"])
def test_unknown_out_of_catalogue_is_accepted_and_marked(word):
    case = parse_case({**CASE, "visits": [{**STAY, "out_of_catalog": word}]})
    visit = case.visits[0]
    assert visit.out_of_catalog_unknown is True
    assert visit.out_of_catalog == Decimal("0.00")
    assert "out_of_catalog" not in visit.defaults  # not "not given": the person said they do not know
    known = parse_case(CASE).visits[0]
    assert known.out_of_catalog_unknown is False and known.out_of_catalog == Decimal("3000.00")


@pytest.mark.parametrize("word", ["unknown", "不清楚"])
def test_unknown_contribution_tier_is_accepted(word):
    assert parse_case({**CASE, "contribution_tier": word}).contribution_tier == UNKNOWN == "unknown"
    assert parse_case({**CASE, "contribution_tier": "低档"}).contribution_tier == "low"
    with pytest.raises(InputError) as raised:
        parse_case({**CASE, "contribution_tier": "中档"})
    assert raised.value.field == "contribution_tier"


def test_a_bill_of_nothing_is_refused():
    found = visit_problems({**STAY, "total": 0, "out_of_catalog": 0})
    assert list(found) == ["total"] and "要大于 0 元" in found["total"]


def test_the_visit_limit_is_generous_and_never_asks_to_split_a_year():
    many = [{**STAY, "date": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", "total": 500, "out_of_catalog": 0}
            for i in range(MAX_VISITS + 1)]
    found = case_problems({**CASE, "visits": many})
    assert list(found) == ["visits"] and "分开" not in found["visits"] and str(MAX_VISITS) in found["visits"]
    assert MAX_VISITS >= 1000


def test_case_problems_name_each_visit_and_each_case_field():
    found = case_problems({**CASE, "insurance": "商业保险", "identities": ["外星人"],
                           "visits": [STAY, {**STAY, "total": -3}, {**STAY, "kind": None}]})
    assert set(found) == {"insurance", "identities", "visits.1.total", "visits.2.kind"}
    assert "第2次就诊" in found["visits.1.total"] and "第3次就诊" in found["visits.2.kind"]


def test_parse_case_raises_the_first_problem_with_its_field():
    with pytest.raises(InputError) as raised:
        parse_case({**CASE, "visits": [STAY, {**STAY, "basic_paid": 59000}]})
    assert raised.value.field == "basic_paid"
    assert raised.value.message == case_problems({**CASE, "visits": [STAY, {**STAY, "basic_paid": 59000}]})[
        "visits.1.basic_paid"]


# ---- the interview asks the same check, in the same words


def _answers(**visit):
    return {"region": "巴彦淖尔市", "date": JUNE, "insurance": "resident", "identities": [], "identity_none": True,
            "visits": [{**flow.new_visit(JUNE), "kind": "inpatient", "hospital_level": "level3", "location": "local",
                        "referral": "referred", "total": "60000", "ooc_known": "known", "out_of_catalog": "3000",
                        **visit}]}


def test_the_interview_offers_only_valid_referral_pairs():
    assert "not_needed" in flow.referral_choices("local")
    for location in ("in_province", "out_of_province"):
        assert set(flow.referral_choices(location)) == {"referred", "not_referred"}


def test_the_interview_refuses_no_referral_away_from_home_in_the_cores_words():
    answers = _answers(location="out_of_province", referral="not_needed")
    errors = flow.check_step("place", answers, 0)
    core = visit_problems({**STAY, "location": "out_of_province", "referral": "not_needed"}, label="第1次看病")
    assert errors == {"referral": core["referral"]}
    assert flow.first_incomplete(answers) == ("place", 0)


@pytest.mark.parametrize(("visit", "field"), [
    ({"total": "abc"}, "total"), ({"total": "0"}, "total"), ({"out_of_catalog": "70000"}, "out_of_catalog"),
    ({"basic_paid": "59000"}, "basic_paid"), ({"category_b": "-1"}, "category_b"), ({"out_of_catalog": ""}, "out_of_catalog"),
])
def test_the_interview_bill_check_is_the_cores(visit, field):
    answers = _answers(**visit)
    errors = flow.check_step("bill", answers, 0)
    raw = {**STAY, "total": answers["visits"][0]["total"], "out_of_catalog": answers["visits"][0]["out_of_catalog"],
           "basic_paid": answers["visits"][0]["basic_paid"], "category_b": answers["visits"][0]["category_b"]}
    core = visit_problems(raw, label="第1次看病", required=("out_of_catalog",))
    assert errors[field] == core[field]


def test_the_interview_asks_what_the_core_would_default():
    answers = _answers(hospital_level=None)
    assert "hospital_level" in flow.check_step("level", answers, 0)
    assert flow.first_incomplete(_answers()) is None
