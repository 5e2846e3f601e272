"""`ask`: questions in ordinary Chinese, answered from the documents or settled by the core."""
import json
from decimal import Decimal

from assistant.knowledge.store import documents
from assistant.settlement import settle
from assistant.understanding.amounts import chinese_number
from assistant.understanding.answer import ask
from assistant.understanding.slots import read_slots


def test_amounts_in_words():
    assert chinese_number("三万五") == 35000
    assert chinese_number("两千八") == 2800
    assert chinese_number("一千零五") == 1005
    assert chinese_number("十二") == 12
    assert chinese_number("低保") is None


def test_a_question_states_its_facts():
    slots = read_slots("我是巴彦淖尔的低保户，在三级医院住院花了3.5万，自费3000，医保报了两万")
    assert slots["policy"] == "bayannur-2023"
    assert slots["identities"] == ["minimum_living"]
    assert slots["kind"] == "inpatient" and slots["hospital_level"] == "level3"
    assert slots["total"] == Decimal("35000.00")
    assert slots["out_of_catalog"] == Decimal("3000.00")
    assert slots["basic_paid"] == Decimal("20000.00")
    assert read_slots("门诊慢特病")["kind"] == "chronic_outpatient"
    assert read_slots("没有转诊")["referral"] == "not_referred"


def test_a_bill_is_settled_by_the_core_and_the_answer_gives_the_same_amounts():
    answer = ask("我是巴彦淖尔的低保户，在三级医院住院花了3.5万，自费3000，医保报了两万，能报多少？")
    direct = settle({"policy": "bayannur-2023", "identities": ["minimum_living"], "visits": [
        {"date": "2023-01-01", "kind": "inpatient", "hospital_level": "level3", "total": 35000,
         "out_of_catalog": 3000, "basic_paid": 20000}]})
    assert answer["settlement"]["totals"] == direct["totals"]
    assert f"{direct['totals']['out_of_pocket']:.2f}" in answer["answer"]
    assert answer["follow_up"] is None
    assert all(c["status"] == "current" for c in answer["citations"])


def test_a_bill_missing_the_hospital_level_asks_for_it():
    answer = ask("天津的低保户住院花了五万能报多少")
    assert answer["settlement"] is None
    assert "几级医院" in answer["follow_up"]
    assert answer["slots"]["total"] == Decimal("50000.00")


def test_a_policy_question_cites_the_clause_verbatim_with_its_status():
    answer = ask("巴彦淖尔低保户大病保险起付线是多少？")
    first = answer["citations"][0]
    assert (first["doc"], first["clause"]) == ("bayannur-2023", "第九条（二）")
    assert "14000" in first["quote"] and first["status"] == "current"
    for citation in answer["citations"]:
        assert citation["quote"] in documents()[citation["doc"]].clause(citation["clause"]).text


def test_a_historical_document_is_said_to_be_historical():
    answer = ask("奈曼旗贫困户住院自付封顶是多少")
    assert answer["citations"][0]["doc"] == "naiman-2019"
    assert answer["citations"][0]["status"] == "historical"
    assert "历史" in answer["answer"]


def test_a_question_no_document_answers_cites_nothing():
    for question in ("今天天气怎么样", "住院"):
        answer = ask(question)
        assert answer["citations"] == [] and "没有找到" in answer["answer"]


def test_the_command_prints_the_answer_as_json(cli):
    done = cli("ask", "天津门诊救助限额多少")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"answer", "citations", "slots", "follow_up", "settlement"}
    assert answer["citations"][0]["clause"] == "二（二）5."
    empty = cli("ask", "  ")
    assert empty.returncode == 2 and empty.stdout == ""
