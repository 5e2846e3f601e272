"""The 问答 page through AppTest, as a person uses it: type a bill, tap the follow-up's choice, see the
core's amounts and the same tier cards as the self-check, change one fact, open the self-check."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from assistant.understanding.answer import ask

ROOT = Path(__file__).resolve().parents[1]


def _chat() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/chat.py").run()
    assert not at.exception
    return at


def _shown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(getattr(e, "value", "") for e in at.info)


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_type_a_bill_tap_a_choice_and_see_the_cores_result():
    at = _chat()
    assert at.selectbox(key="chat_region").value == "巴彦淖尔市"
    at.chat_input[0].set_value("俺是底保户住院花了三万五能报多少").run()
    assert not at.exception
    first = ask("俺是底保户住院花了三万五能报多少", region="巴彦淖尔市")
    assert "几级医院" in _shown(at)
    labels = [b.label for b in at.button if (b.key or "").startswith("chat_choice_")]
    assert labels == first["choices"] and "二级" in labels
    _button(at, f"chat_choice_{labels.index('二级')}").click().run()
    assert not at.exception
    expected = ask("二级", region="巴彦淖尔市", state=first["state"])["settlement"]["totals"]
    shown = _shown(at)
    assert f'data-amount="{expected["out_of_pocket"]}"' in shown
    # the self-check's tier cards: one per tier that paid, with the amount settle gave
    for tier in ("basic", "critical_illness", "medical_aid"):
        assert f"{expected[tier]:,.2f}" in " ".join(e.label for e in at.expander) + shown or \
            f"{expected[tier]:.2f}" in shown, tier
    assert [e["q"] for e in at.session_state["chat_history"]] == ["俺是底保户住院花了三万五能报多少", "二级"]

    at.chat_input[0].set_value("如果没转诊呢").run()
    assert not at.exception
    last = at.session_state["chat_history"][-1]["a"]
    assert last["slots"]["referral"] == "not_referred" and last["settlement"]["totals"]["medical_aid"] == 0
    assert f'data-amount="{last["settlement"]["totals"]["out_of_pocket"]}"' in _shown(at)

    _button(at, "chat_check").click().run()
    assert not at.exception
    assert len(at.chat_input) == 0  # the self-check page is shown now, not the conversation
    prefill = at.session_state["sc_prefill"] if "sc_prefill" in at.session_state else None
    if prefill is not None:  # a self-check that has not read it yet keeps it where the chat put it
        visit = prefill["visits"][0]
        assert prefill["policy"] == "bayannur-2023" and prefill["identities"] == ["minimum_living"]
        assert (visit["kind"], visit["hospital_level"], visit["referral"], visit["total"]) == \
            ("inpatient", "level2", "not_referred", 35000)


def test_a_policy_question_shows_the_figure_the_clause_and_its_status():
    at = _chat()
    at.chat_input[0].set_value("低保户大病保险起付线是多少").run()
    shown = _shown(at)
    assert "7000元" in shown and "第九条（二）" in shown and "现行有效" in shown
    at.selectbox(key="chat_region").set_value("浙江省").run()
    at.chat_input[0].set_value("倾斜救助标准是多少").run()
    shown = _shown(at)
    assert "征求意见稿，未正式实施" in shown
    assert at.session_state["chat_history"][-1]["a"]["citations"][0]["doc"] == "zhejiang-2022-draft"


def test_a_wrong_state_or_empty_question_keeps_what_was_typed():
    at = _chat()
    at.session_state["chat_state"] = {"v": 42}
    at.chat_input[0].set_value("二级").run()
    assert not at.exception
    entry = at.session_state["chat_history"][-1]
    assert entry["q"] == "二级" and entry["error"] and any("state" in w.value for w in at.warning)


def test_the_person_of_the_conversation_is_kept_for_the_next_question():
    """A 低保 bill, then a question about 天津's 门诊救助限额: the figure is the one for 低保 (400), not 特困's."""
    at = _chat()
    question = "我是巴彦淖尔的低保户，在三级医院住院花了3.5万，自费3000，医保报了两万，能报多少？"
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    expected = ask(question)["settlement"]["totals"]["out_of_pocket"]
    assert f'data-amount="{expected}"' in _shown(at)
    at.chat_input[0].set_value("天津门诊救助限额多少").run()
    texts = _shown(at)
    assert "低保对象门诊医疗救助年度限额是400元" in texts and "二（二）5." in texts
    assert len(at.session_state["chat_history"]) == 2


def test_before_anything_is_asked_common_questions_are_buttons_and_one_tap_answers():
    from assistant.understanding.suggested import suggested_questions
    at = _chat()
    offered = [b.label for b in at.button if (b.key or "").startswith("chat_suggested_")]
    assert offered == suggested_questions("巴彦淖尔市") and len(offered) >= 3
    _button(at, "chat_suggested_0").click().run()
    assert not at.exception
    (entry,) = at.session_state["chat_history"]
    assert entry["q"] == offered[0] and entry["a"]["citations"]
    assert "第九条" in _shown(at) and "7000" in _shown(at)
    still = [b.label for b in at.button if (b.key or "").startswith("chat_suggested_")]
    assert still == offered[1:]  # what is left to ask, one tap each, after the answer
    at.chat_input[0].set_value("俺是低保户住院花了三万五能报多少").run()
    assert not [b for b in at.button if (b.key or "").startswith("chat_suggested_")]  # the follow-up's turn


def test_every_suggested_question_is_answered_from_a_clause_in_its_region():
    from assistant.knowledge.catalog import policy_rows
    from assistant.understanding.suggested import _questions, suggested_questions
    regions = list(dict.fromkeys(row["region"] for row in policy_rows()))
    assert set(_questions()) - {"default"} <= set(regions)
    for region in regions:
        for question in suggested_questions(region):
            answer = ask(question, region=region)
            assert answer["citations"] and not answer["follow_up"], (region, question, answer["answer"])
