"""关于: where the rules come from, what an assumption is, when the data changed, and the disclaimer."""
import streamlit as st

from assistant.selfcheck import flow
from assistant.knowledge.store import documents
from assistant.selfcheck.present import ASSUMPTION_HELP, STATUS_SHORT
from assistant.selfcheck.about import last_update
from views import common

st.subheader("关于三重保障助手", anchor=False)
with st.container(key="sc-about"):
    st.warning(flow.DISCLAIMER, icon=":material/info:")
    st.markdown(
        "三重保障是 **基本医保**、**大病保险** 和 **医疗救助** 三道保障；有的地方还有 **倾斜救助**、"
        "**重特大疾病医疗救助**。这个助手按当地政策文件，一项一项估算看病的钱能报多少、自己要付多少，"
        "每一个数字都能点开看到政策原文。")
    st.subheader("政策来源", anchor=False)
    rows = []
    for doc in documents().values():
        rows.append(f"<div class='sc-item'><b>{common.escape(doc.title)}</b>{common.status_badge(doc.id)}<br>"
                    f"<span class='sc-muted'>{common.escape(doc.region)} · {common.escape(doc.issuer)} · {doc.date}"
                    f"{' · ' + common.escape(doc.number) if doc.number else ''}</span></div>")
    st.markdown("".join(rows), unsafe_allow_html=True)
    st.caption("状态：" + "；".join(f"{short} = {name}" for short, name in (
        (STATUS_SHORT["current"], "现行有效，可以用来计算"), (STATUS_SHORT["historical"], "已过期，只能查阅"),
        (STATUS_SHORT["draft"], "征求意见稿，没有生效"), (STATUS_SHORT["framework"], "只提原则，没有具体标准"))))
    st.subheader("什么是“假设”", anchor=False)
    st.write(ASSUMPTION_HELP)
    st.subheader("更新时间", anchor=False)
    st.write(f"政策资料最后更新：{last_update()}")
    st.subheader("隐私", anchor=False)
    st.write("您填写的内容只保存在这次打开的页面里，不写入任何文件；关闭页面或在自助机上两分钟无人操作后即清空。")
