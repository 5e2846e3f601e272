"""关于: where the rules come from, what an assumption is, when the data changed, and the disclaimer."""
import streamlit as st

from assistant.selfcheck import flow
from assistant.knowledge.store import documents
from assistant.selfcheck.present import ASSUMPTION_HELP, STATUS_SHORT
from assistant.selfcheck.about import knowledge_dates
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
        (STATUS_SHORT["current"], "文件没有被废止或替代；只用来计算它的有效期内的看病（见“自查”第一步每个地区写的日期）"),
        (STATUS_SHORT["historical"], "已过期，只能查阅"),
        (STATUS_SHORT["draft"], "征求意见稿，没有生效"), (STATUS_SHORT["framework"], "只提原则，没有具体标准"))))
    st.subheader("什么是“假设”", anchor=False)
    st.write(ASSUMPTION_HELP)
    st.subheader("资料的日期", anchor=False)
    dates = knowledge_dates()
    lines = [f"最新的政策文件：{dates['newest_document'] or '未知'}"]
    if dates["newest_source"]:
        lines.append(f"引用的外部资料（如统计数字）最新发布于：{dates['newest_source']}")
    if dates["rules_read"]:
        lines.append(f"按这些文件整理计算规则的日期：{dates['rules_read']}")
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption("每份明白纸上也印有计算用的政策版本、规则读取日期和参数指纹，可以据此核对。")
    st.subheader("隐私", anchor=False)
    st.write("您填写的内容只在这个页面和它的网址里，服务器上不保存、不写入任何文件，也不发送到别处（不收集使用统计）；"
             "关闭页面即清空，自助机两分钟无人操作会先提醒，再回到首页并清空。")
