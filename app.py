"""三重保障助手 — Streamlit entry: a thin router over the pages in views/ (no rule lives in a page).

Kiosk mode: open with ?kiosk=1 — large type, no sidebar or toolbar, touch-sized buttons, a warning
and then back to the start after two idle minutes, nothing kept on the server.
"""
import time

import streamlit as st

from views import common

started = time.perf_counter()

st.set_page_config(page_title="三重保障助手 · 看病报销自查", page_icon=common.favicon(), layout="centered",
                   initial_sidebar_state="collapsed", menu_items={"Get help": None, "Report a bug": None,
                                                                  "About": "三重保障助手：基本医保、大病保险、医疗救助报销自查。"
                                                                           "所有计算在本机完成，不上传任何内容。"})
kiosk = common.read_mode()
common.inject_css()

pages = [
    st.Page(common.PAGES["selfcheck"], title="自查", icon=":material/calculate:", url_path="selfcheck", default=True),
    st.Page(common.PAGES["chat"], title="问答", icon=":material/chat:", url_path="chat"),
    st.Page(common.PAGES["documents"], title="政策原文", icon=":material/description:", url_path="documents"),
    st.Page(common.PAGES["about"], title="关于", icon=":material/info:", url_path="about"),
]
if "workspace" in common.PAGES and not kiosk:  # the cadre's workspace is never shown on a kiosk
    pages.append(st.Page(common.PAGES["workspace"], title="工作台", icon=":material/groups:", url_path="workspace"))
page = st.navigation(pages, position="hidden" if kiosk else "top")
if kiosk:
    common.idle_reset()
page.run()
common.run_marker(started)
