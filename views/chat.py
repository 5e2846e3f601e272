"""问答: a conversation in ordinary Chinese. `ask` answers (the page only asks and draws): a policy
question with the figure and the clause and its status; a bill with the follow-up's choices as buttons,
then the same tier cards as the self-check, and "用自查核对" to open the self-check with what was understood."""
import streamlit as st

from assistant.errors import InputError
from assistant.knowledge.catalog import policy_rows
from assistant.understanding.answer import ask
from assistant.understanding.conversation import case_for, paid_words, yuan_text
from assistant.understanding.suggested import suggested_questions
from views import common
from views.result import show_tiers

HISTORY = "chat_history"  # [{"q": question, "a": answer dict or None, "error": message}] this session only
STATE = "chat_state"      # the conversation's state from the last answer (CONTRACT.md "Conversation")
REGION = "chat_region"
PREFILL = "sc_prefill"    # the self-check opens prefilled with this case
ss = st.session_state


def _regions() -> list[str]:
    return list(dict.fromkeys(row["region"] for row in policy_rows()))


def _ask(question: str) -> None:
    """Ask with the conversation so far; an answer or the error joins the history (nothing typed is lost)."""
    entry = {"q": question, "a": None, "error": None}
    try:
        entry["a"] = ask(question, region=ss.get(REGION), state=ss.get(STATE))
        ss[STATE] = entry["a"]["state"]
    except InputError as error:
        entry["error"] = error.message
    ss.setdefault(HISTORY, []).append(entry)


def _new_region() -> None:
    ss.pop(STATE, None)  # a bill of another region is another conversation


def _clear() -> None:
    ss[HISTORY] = []
    ss.pop(STATE, None)


def _check_in_selfcheck(case: dict) -> None:
    ss[PREFILL] = case
    ss["app_goto"] = "selfcheck"


def show_answer(number: int, entry: dict, last: bool) -> None:
    answer = entry["a"]
    with st.container(key=f"chat-msg-{number}"):
        if answer is None:
            st.warning(entry["error"], icon=":material/warning:")
            return
        st.markdown(common.escape(answer["answer"]))
        if answer.get("follow_up"):
            st.info(answer["follow_up"], icon=":material/help:")
            if last and answer.get("choices"):
                with st.container(horizontal=True, gap="small", key="chat-choices"):
                    for i, choice in enumerate(answer["choices"]):
                        st.button(choice, key=f"chat_choice_{i}", on_click=_ask, args=(choice,))
        settlement = answer.get("settlement")
        if settlement:
            totals = settlement["totals"]
            st.markdown(f'<div class="sc-amount-label">估算个人自付</div>'
                        f'<div class="sc-amount-big" data-testid="chat-out-of-pocket" '
                        f'data-amount="{totals["out_of_pocket"]}">{yuan_text(totals["out_of_pocket"])} 元</div>',
                        unsafe_allow_html=True)
            if last:
                show_tiers(settlement)
                case = case_for(answer["state"])
                if case is not None:
                    st.button("用自查核对", key="chat_check", icon=":material/fact_check:", type="primary",
                              on_click=_check_in_selfcheck, args=(case,))
            else:
                st.caption(paid_words(totals))
        if answer["citations"]:
            st.markdown(common.citations_html(answer["citations"]), unsafe_allow_html=True)


def suggested(title: str, region: str, history: list) -> None:
    """The common questions not asked yet, as buttons: at a kiosk there is no keyboard to hand."""
    asked = {entry["q"] for entry in history}
    questions = [(i, q) for i, q in enumerate(suggested_questions(region)) if q not in asked]
    if not questions:
        return
    st.markdown(title)
    with st.container(key="chat-suggested", gap="small"):
        for i, question in questions:
            st.button(question, key=f"chat_suggested_{i}", on_click=_ask, args=(question,),
                      icon=":material/help:", width="stretch")


common.follow_goto()
st.subheader("问答", anchor=False)
with st.container(key="sc-chat"):
    st.caption("用一句话提问，比如“低保户大病保险起付线是多少？”或“俺是低保户，在旗医院住院花了三万五，能报多少？”。"
               "回答只来自政策原文，并注明出处和文件状态；算出的金额是估算，以医院结算为准。")
    regions = _regions()
    ss.setdefault(REGION, regions[0])
    st.selectbox("参保地区", regions, key=REGION, on_change=_new_region)
    history = ss.setdefault(HISTORY, [])
    if not history:
        suggested("**常见问题**（点一下就能问）", ss[REGION], history)
    with st.container(key="chat-log"):
        for number, entry in enumerate(history):
            with st.chat_message("user"):
                st.write(entry["q"])
            with st.chat_message("assistant"):
                show_answer(number, entry, last=number == len(history) - 1)
    if history and not (history[-1]["a"] or {}).get("follow_up"):  # (a follow-up's own choices come first)
        suggested("**还可以问**", ss[REGION], history)
    asked = st.chat_input("请输入问题", key="chat_input")
    if asked:
        _ask(asked)
        st.rerun()
    if history:
        st.button("清空对话", key="sc_chat_clear", on_click=_clear)
    st.page_link(common.PAGES["selfcheck"], label="一步一步算：用“自查”", icon=":material/calculate:",
                 query_params=common.kiosk_params() or None)
