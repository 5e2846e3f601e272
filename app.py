"""三重保障助手 — Streamlit entry: a thin router over the pages in views/ (no rule lives in a page).

Kiosk mode: open with ?kiosk=1 — large type, no sidebar or toolbar, touch-sized buttons, back to
the start after two idle minutes, nothing written anywhere.
"""
import time

import streamlit as st

from views import common

started = time.perf_counter()

st.set_page_config(page_title="三重保障助手", page_icon=common.favicon(), layout="centered",
                   initial_sidebar_state="collapsed")
kiosk = common.read_mode()
common.inject_css()

pages = [
    st.Page(common.PAGES["selfcheck"], title="自查", icon=":material/calculate:", url_path="selfcheck", default=True),
    st.Page(common.PAGES["chat"], title="问答", icon=":material/chat:", url_path="chat"),
    st.Page(common.PAGES["documents"], title="政策原文", icon=":material/description:", url_path="documents"),
    st.Page(common.PAGES["about"], title="关于", icon=":material/info:", url_path="about"),
]
if not kiosk:  # the cadre's workspace (login, households) never appears on a public kiosk
    pages.append(st.Page("views/workspace.py", title="工作台", icon=":material/groups:", url_path="workspace"))
page = st.navigation(pages, position="hidden" if kiosk else "top")
if kiosk:
    common.idle_reset()
page.run()
common.run_marker(started)
