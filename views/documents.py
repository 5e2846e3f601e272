"""政策原文: every document, clause by clause, with its status; search by keywords across all of them."""
import html
import re

import streamlit as st

from assistant.selfcheck import flow
from assistant.knowledge.frame import frame_summary
from assistant.knowledge.store import documents
from assistant.understanding.search import highlight_words, search
from views import common

ss = st.session_state
docs = documents()
ss.setdefault("doc_query", "")
ss.setdefault("doc_pick", next(iter(docs)))
focus = ss.get(common.FOCUS_KEY)


def highlight(text: str, words: list[str]) -> str:
    shown = html.escape(text)
    for word in sorted(set(words), key=len, reverse=True):
        escaped = html.escape(word)
        if escaped:
            shown = re.sub(re.escape(escaped), lambda m: f'<mark class="sc-hit">{m.group(0)}</mark>', shown)
    return shown


def open_clause(doc_id: str, clause_id: str) -> None:
    ss[common.FOCUS_KEY] = (doc_id, clause_id)
    ss["doc_pick"] = doc_id


def keep(name: str) -> None:
    ss[name] = ss[f"doc_w_{name}"]
    if name == "doc_pick":
        ss.pop(common.FOCUS_KEY, None)


st.subheader("政策原文", anchor=False)
if common.kiosk():
    st.button("← 返回自查", key="doc_back", on_click=lambda: ss.__setitem__("app_goto", "selfcheck"))

with st.container(key="sc-documents"):
    ss["doc_w_doc_query"] = ss["doc_query"]
    query = st.text_input("按关键词查条款", key="doc_w_doc_query", on_change=keep, args=("doc_query",),
                          placeholder="例如：低保 住院、起付线、转诊、五保户",
                          help="几个词之间用空格隔开；“五保户”“低保户”这类说法也能找到文件里的正式叫法。")
    if query.strip():
        hits = search(query)
        words = highlight_words(query)
        with st.container(key="sc-search-results"):
            if not hits:
                st.info("没有找到含有这些词的条款，换一个说法试试（比如“救助比例”“起付标准”）。")
            else:
                st.caption(f"找到 {len(hits)} 条（最相关的在前）")
            for i, hit in enumerate(hits):
                with st.container(border=True, key=f"sc-hit-{i}"):
                    st.markdown(
                        f"<b>{html.escape(docs[hit.doc].title)}</b>{common.status_badge(hit.doc)}<br>"
                        f"<b>{html.escape(hit.clause)}</b> {html.escape(hit.heading)}"
                        f"<div class='sc-quote'>{highlight(hit.snippet, words)}</div>", unsafe_allow_html=True)
                    st.button("打开这一条", key=f"doc_open_{i}", on_click=open_clause, args=(hit.doc, hit.clause),
                              type="tertiary")

    names = {doc_id: f"{doc.title}（{doc.status_name}）" for doc_id, doc in docs.items()}
    ss["doc_w_doc_pick"] = ss["doc_pick"]
    doc_id = st.selectbox("选择文件", options=list(names), format_func=names.get, key="doc_w_doc_pick",
                          on_change=keep, args=("doc_pick",))
    doc = docs[doc_id]
    with st.container(key="sc-doc-meta"):
        st.markdown(f"<div class='sc-doc-title'>{html.escape(doc.title)}{common.status_badge(doc.id)}</div>",
                    unsafe_allow_html=True)
        meta = [doc.issuer, str(doc.date)]
        if doc.number:
            meta.append(doc.number)
        st.caption(" · ".join(meta) + f" · 状态：{doc.status_name}")
        place = next((r for r in flow.regions() if r.policy == doc.id), None)
        if place is not None and not place.settles:
            st.warning(f"这份文件是{doc.status_name}，只能查阅，不能用来估算报销。", icon=":material/description:")
        if doc.external_note:
            st.caption(f"说明：{doc.external_note}")
    checked = frame_summary(doc.id)  # Inner Mongolia packs: the 2015 framework's rules, pass or fail
    if checked is not None:
        with st.expander(checked["heading"], icon=":material/fact_check:"), st.container(key="sc-frame-check"):
            for row in checked["rows"]:
                mark = "✅ 符合" if row["result"] == "pass" else "❌ 不符合"
                st.markdown(f"**{mark}：{html.escape(row['rule'])}**（{html.escape(row['clause'])}）<br>"
                            f"<span class='sc-quote'>“{html.escape(row['quote'])}”</span><br>"
                            f"{html.escape(row['detail'])}", unsafe_allow_html=True)
    focused = doc.clause(focus[1]) if focus and focus[0] == doc.id else None
    if focused is not None:
        with st.container(border=True, key="sc-focused-clause"):
            st.markdown(f"**您要看的条款：{html.escape(focused.id)}** {html.escape(focused.heading or '')}")
            st.markdown(f"<div class='sc-clause' data-clause='{html.escape(focused.id)}'>"
                        f"{html.escape(focused.text).replace(chr(10), '<br>')}</div>", unsafe_allow_html=True)
            common.scroll_to(".st-key-sc-focused-clause", f"{doc.id}/{focused.id}")  # opened far below: go there
            if st.session_state.get("sc_step") == "result":
                st.button("← 回到自查结果", key="doc_to_result",
                          on_click=lambda: ss.__setitem__("app_goto", "selfcheck"))
    st.markdown("**全部条款（点开看原文）**")
    for clause in doc.clauses:
        title = " · ".join([*clause.path, f"{clause.id} {clause.heading or ''}".strip()])
        with st.expander(title):
            st.markdown(f"<div class='sc-clause' data-clause='{html.escape(clause.id)}'>"
                        f"{html.escape(clause.text).replace(chr(10), '<br>')}</div>", unsafe_allow_html=True)
common.follow_goto()
