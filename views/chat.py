"""问答: one question in ordinary Chinese, answered by `ask` with the clauses it rests on."""
import streamlit as st

from assistant.errors import InputError
from assistant.selfcheck.present import money, tier_name
from assistant.understanding.answer import ask
from views import common

HISTORY = "chat_history"  # [(question, answer dict)] for this session only; never written to disk

st.subheader("问答", anchor=False)
with st.container(key="sc-chat"):
    st.caption("用一句话提问，比如“巴彦淖尔低保户大病保险起付线是多少？”或“天津低保户在二级医院住院花了5万，能报多少？”。"
               "回答只来自政策原文，并注明出处和文件状态；算出的金额是估算。")
    history = st.session_state.setdefault(HISTORY, [])
    for question, answer in history:
        with st.chat_message("user"):
            st.write(question)
        with st.chat_message("assistant"):
            st.write(answer["answer"])
            if answer.get("follow_up"):
                st.info(answer["follow_up"], icon=":material/help:")
            settlement = answer.get("settlement")
            if settlement:
                totals = settlement["totals"]
                rows = [f"{tier_name(t)}：{money(totals[t])}" for t in
                        ("basic", "critical_illness", "medical_aid", "tilted_aid", "major_illness_aid")
                        if totals[t] > 0]
                st.markdown("  \n".join(rows + [f"**个人自付：{money(totals['out_of_pocket'])}**"]))
            if answer["citations"]:
                st.markdown(common.citations_html(answer["citations"]), unsafe_allow_html=True)
    asked = st.chat_input("请输入问题")
    if asked:
        try:
            history.append((asked, ask(asked)))
        except InputError as error:
            st.warning(error.message)
        st.rerun()
    if history and st.button("清空对话", key="sc_chat_clear"):
        history.clear()
        st.rerun()
    st.page_link(common.PAGES["selfcheck"], label="一步一步算：用“自查”", icon=":material/calculate:",
                 query_params=common.kiosk_params() or None)
