"""问答: a placeholder until the chat has its own issue done."""
import streamlit as st

from views import common

st.subheader("问答", anchor=False)
with st.container(key="sc-chat-placeholder"):
    st.info("用一句话提问（比如“低保户住院花了3万，能报多少？”）的功能正在制作，很快就能用。", icon=":material/chat:")
    st.write("现在可以：")
    st.page_link(common.PAGES["selfcheck"], label="用“自查”一步一步算一算", icon=":material/calculate:",
                 query_params=common.kiosk_params() or None)
    st.page_link(common.PAGES["documents"], label="在“政策原文”里按关键词查条款", icon=":material/description:",
                 query_params=common.kiosk_params() or None)
