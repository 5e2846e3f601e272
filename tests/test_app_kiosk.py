"""Issue 10 through AppTest: the address keeps the case (refresh, Back, a QR code), the 问答 page's
case opens at 核对您的回答, the kiosk's number pad, amounts in words, the short result, read aloud,
region words, and the quiet configuration."""
from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from assistant.selfcheck.answers import answers_from_case, pack_answers, unpack_answers
from assistant.selfcheck.flow import build_case, plain_amount
from assistant.settlement import settle
from conftest import ROOT
from test_app import JUNE, Walk, expected

CASE = {"policy": "bayannur-2023", "insurance": "resident", "identities": ["minimum_living"],
        "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                    "referral": "referred", "total": "60000", "out_of_catalog": "3000"}]}


def walked() -> Walk:
    return Walk().where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"]).visit(0)


def test_the_address_carries_the_step_and_every_answer():
    walk = walked()
    params = walk.at.query_params
    assert params["s"] == ["visits"] if isinstance(params["s"], list) else params["s"] == "visits"
    packed = params["a"][0] if isinstance(params["a"], list) else params["a"]
    assert unpack_answers(packed) == walk.at.session_state["sc_answers"]


def test_a_refresh_reopens_the_same_step_with_the_same_answers():
    walk = walked().review()
    packed = walk.at.session_state["sc_answers"]
    again = Walk(start=False, s="review", v="0", a=pack_answers(packed))  # a new session: only the address
    assert again.step == "review"
    assert again.at.session_state["sc_answers"] == packed
    again.result()
    assert again.shown() == expected(settle(CASE))


def test_the_qr_address_opens_the_result_and_a_broken_one_starts_afresh():
    answers = answers_from_case(CASE)
    walk = Walk(start=False, s="result", a=pack_answers(answers))
    assert walk.step == "result"
    assert walk.shown()["out_of_pocket"] == settle(CASE)["totals"]["out_of_pocket"]
    broken = Walk(start=False, s="result", a=pack_answers(answers)[:-9] + "xx")
    assert broken.step == "review"  # nothing settles from an address that was cut: the answers to check
    assert broken.at.session_state["sc_answers"]["region"] is None


def test_back_in_the_browser_goes_one_step_back_and_keeps_the_newer_answers():
    walk = walked()
    walk.at.query_params["s"] = "insurance"  # what the browser sends after Back (popstate)
    walk.at.query_params["v"] = "0"
    walk.run()
    assert walk.step == "insurance"
    assert walk.at.radio(key="sc_w_insurance").value == "resident"
    assert walk.at.session_state["sc_answers"]["visits"][0]["total"] == "60000"


def test_the_chat_hands_over_a_case_that_opens_at_the_review():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["sc_prefill"] = dict(CASE, visits=[dict(CASE["visits"][0], out_of_catalog="unknown")])
    at.run()
    assert not at.exception
    assert at.session_state["sc_step"] == "review"
    body = " ".join(m.value for m in at.markdown)
    assert "巴彦淖尔市" in body and "低保户" in body and "总费用 60000 元" in body and "不清楚" in body


def test_every_answer_is_one_tap_from_editing_and_comes_back_to_the_review():
    walk = walked().review()
    rows = [b for b in walk.at.button if b.key and b.key.startswith("sc_review_edit_")]
    assert len(rows) == 8  # region, date, insurance, identities, and four for the visit
    walk.press("sc_review_edit_5")  # 第1次看病：医院等级
    assert walk.step == "level"
    walk.choose("sc_w_v0_hospital_level", "level2").next("review")
    walk.result()
    assert walk.shown() == expected(settle(dict(CASE, visits=[dict(CASE["visits"][0], hospital_level="level2")])))


@pytest.mark.parametrize(("typed", "plain"), [("3万5", "35000"), ("3.5万", "35000"), ("1万2500", "12500"),
                                              ("三万五", "35000"), ("两千八百元", "2800"), ("35,000", "35000"),
                                              ("3万5千", "35000"), ("abc", "abc"), ("-5", "-5")])
def test_amounts_in_words(typed, plain):
    assert plain_amount(typed) == plain


def test_3wan5_is_accepted_in_the_bill_and_settles_as_35000():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", [])
    walk.visit(0, total="3万5", out_of_catalog="1千").result()
    core = settle(dict(CASE, identities=[], visits=[dict(CASE["visits"][0], total="35000", out_of_catalog="1000")]))
    assert walk.shown() == expected(core)


def test_the_kiosk_is_answered_by_taps_alone():
    walk = Walk(kiosk="1").where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"])
    assert walk.kiosk
    walk.visit(0, total="6万", out_of_catalog="3000").result()  # typed on the number pad, key by key
    assert not walk.at.text_input  # no field that needs a keyboard
    assert walk.shown() == expected(settle(CASE))


def test_the_number_pad_edits_and_checks_as_it_goes():
    walk = Walk(kiosk="1").where("巴彦淖尔市", JUNE).person("resident", [])
    walk.choose("sc_w_v0_kind", "inpatient").next("level").choose("sc_w_v0_hospital_level", "level2").next("place")
    walk.choose("sc_w_v0_location", "local").choose("sc_w_v0_referral", "not_needed").next("bill")
    walk.press("sc_w_v0_total_open")
    for key in ("1", "2", "back", "0", "0"):
        walk.press(f"sc_w_v0_total_pad_{key}")
    assert walk.at.session_state["sc_answers"]["visits"][0]["total"] == "100"
    walk.press("sc_w_v0_total_pad_clear").press("sc_w_v0_total_pad_done")
    assert any("请填写总费用" in e for e in walk.errors())


def test_the_result_is_short_tiers_that_paid_nothing_are_one_line_and_formulas_are_folded():
    walk = walked().result()
    core = settle(CASE)
    zero = [t["tier"] for t in core["visits"][0]["tiers"] if t["amount"] == 0]
    assert zero
    body = walk.texts()
    assert 'data-testid="sc-zero-tiers"' in body and "没有报销：倾斜救助" in body
    tier_boxes = [e for e in walk.at.expander if "元" in e.label and "**" in e.label]
    assert {e.label.split("**")[1] for e in tier_boxes} == {"基本医保", "大病保险", "医疗救助"}
    assert not any(e.proto.expanded for e in tier_boxes)  # one tap away for a resident


def test_a_cadre_sees_the_formulas_open():
    walk = Walk()
    walk.at.session_state["app_cadre"] = True
    walk.where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"]).visit(0).result()
    tier_boxes = [e for e in walk.at.expander if "**" in e.label and "元" in e.label]
    assert tier_boxes and all(e.proto.expanded for e in tier_boxes)


def test_read_aloud_makes_mandarin_audio_on_this_machine():
    walk = walked().result()
    walk.press("sc_speak")
    audio = walk.at.get("audio")
    assert audio, "no audio element after 朗读结果"
    from assistant.selfcheck.speech import spoken_text, yuan_words
    text = spoken_text(settle(CASE))
    assert yuan_words(settle(CASE)["totals"]["out_of_pocket"]) in text
    assert yuan_words(Decimal("4215.53")) == "四千二百一十五元五角三分"


def test_help_words_follow_the_region():
    walk = Walk().where("天津市", JUNE).person("resident", [], tier="high")
    walk.choose("sc_w_v0_kind", "inpatient").next("level")
    words = " ".join(c.value for c in walk.at.caption) + " ".join(
        " ".join(r.proto.captions) for r in walk.at.radio)
    assert "区级医院" in words
    assert not any(w in words for w in ("苏木", "嘎查", "旗县"))
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", [])
    walk.choose("sc_w_v0_kind", "inpatient").next("level")
    assert "旗县" in " ".join(" ".join(r.proto.captions) for r in walk.at.radio)


def test_the_self_check_asks_about_one_person():
    walk = Walk().where("巴彦淖尔市", JUNE).choose("sc_w_insurance", "resident").next("identities")
    headings = " ".join(h.value for h in walk.at.subheader)
    assert "这位病人有没有这些身份" in headings
    assert "家里有没有" not in headings


def test_words_do_not_contradict_the_data():
    sources = " ".join(p.read_text(encoding="utf-8") for p in [*(ROOT / "views").glob("*.py"),
                                                              *(ROOT / "assistant" / "selfcheck").glob("*.py")])
    for wrong in ("今年第一次看病", "现行有效，可以", "资料最后更新"):
        assert wrong not in sources, wrong
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("views/about.py").run()
    body = " ".join(m.value for m in at.markdown)
    assert "2023-01-15" in body  # the newest external source the packs cite (天津本地宝)
    from assistant.knowledge.store import packs
    reviewed = {str(p.reviewed) for p in packs().values() if getattr(p, "reviewed", None)}
    assert all(day in body for day in reviewed)  # when the rules were read: the packs' own `reviewed`
    about = (ROOT / "assistant" / "selfcheck" / "about.py").read_text(encoding="utf-8")
    assert ".today()" not in about and "subprocess" not in about and "st_mtime" not in about  # never the clock


def test_configuration_is_quiet_and_the_page_is_the_services():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "minimal"
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert 'page_title="三重保障助手' in app and "page_icon=common.favicon()" in app


def test_build_case_reads_words_the_same_as_digits():
    answers = answers_from_case(CASE)
    answers["visits"][0]["total"] = "6万"
    case, _ = build_case(answers)
    assert case["visits"][0]["total"] == Decimal("60000.00")
