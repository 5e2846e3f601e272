"""Whatever is typed, `ask` answers or says in Chinese what to fix: never a traceback; every quote is
verbatim in its clause; nothing is cited from a region the person neither chose nor named."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.knowledge.store import documents
from assistant.understanding.answer import ask

WORDS = ["低保", "五保户", "边缘户", "住院", "门诊", "花了", "三万五", "3万5", "八万多", "二级", "三甲", "没转诊", "如果",
         "呢", "大病保险", "起付线", "比例", "报多少", "2026年10月", "68岁", "老百姓", "医疗救助", "倾斜救助", "押金", "dbh",
         "天津", "巴彦淖尔", "浙江", "奈曼旗", "内蒙古", "北京", "？", " ", "元", "万", "千", "零", "-", "%"]
REGION_DOCS = {"巴彦淖尔市": {"bayannur-2023", "inner-mongolia-2015"}, "天津市": {"tianjin-2023"}}
NAMED = {"天津": "tianjin-2023", "巴彦淖尔": "bayannur-2023", "浙江": "zhejiang-2022-draft", "奈曼": "naiman-2019",
         "内蒙古": "inner-mongolia-2015"}
questions = st.one_of(st.lists(st.sampled_from(WORDS), max_size=12).map("".join), st.text(max_size=60))
states = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=8)


def _checked(answer: dict, question: str, region: str) -> None:
    assert set(answer) >= {"answer", "citations", "slots", "follow_up", "settlement", "state"}
    assert answer["answer"]
    json.dumps(answer["state"], ensure_ascii=False, default=str)
    allowed = set(REGION_DOCS[region]) | {doc for name, doc in NAMED.items() if name in question}
    if any(name in question for name in NAMED):
        allowed |= {"inner-mongolia-2015"}
    for citation in answer["citations"]:
        assert citation["quote"] in documents()[citation["doc"]].clause(citation["clause"]).text
        if answer["settlement"] is None:
            assert citation["doc"] in allowed, (question, region, citation["doc"])
    if answer["follow_up"]:
        assert answer["choices"] is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions, region=st.sampled_from(sorted(REGION_DOCS)))
def test_any_question_is_answered_or_refused_in_chinese(question, region):
    try:
        answer = ask(question, region=region)
    except InputError as error:
        assert error.message and not error.message.isascii()
        return
    _checked(answer, question, region)
    # and the conversation goes on from its state, whatever is said next
    try:
        again = ask("二级", region=region, state=json.loads(json.dumps(answer["state"], default=str)))
    except InputError as error:
        assert error.message
        return
    _checked(again, "二级", region)


@settings(max_examples=150, deadline=None)
@given(state=states)
def test_a_state_that_is_not_ours_is_refused_in_chinese(state):
    try:
        answer = ask("三万五", region="巴彦淖尔市", state=state)
    except InputError as error:
        assert "state" in error.message or "对话" in error.message
        return
    assert answer["answer"]
