"""工作台: a cadre's households over the year, behind a login. Never shown in kiosk mode.

The page only asks and draws: storage, access, versions, audit and settling are assistant.ledger's.
Sections: 农户 (list, one household, one member), 导入花名册, 知识更新, 操作记录, and 账号管理 for an admin.
"""
from __future__ import annotations

import streamlit as st

from assistant.errors import InputError
from assistant.ledger import Ledger, auth, database_url
from views import common
from views import workspace_household as household_view
from views import workspace_tools as tools

ss = st.session_state
ACTOR = "ws_actor"


@st.cache_resource(show_spinner=False)
def open_ledger(url: str) -> Ledger:
    """One ledger per database URL and server process, migrated on first use."""
    ledger = Ledger(url)
    with ledger.session() as session:
        auth.admin_from_environment(session)
    return ledger


def setup_form(ledger: Ledger) -> None:
    with st.container(key="ws-setup"):
        st.subheader("第一次使用：设置管理员账号", anchor=False)
        st.caption("管理员负责添加村干部账号、分配负责的村。也可以在启动前设置环境变量 "
                   "SANCHONG_ADMIN_USER 和 SANCHONG_ADMIN_PASSWORD 自动创建。密码只保存加密后的结果。")
        with st.form("ws_setup_form"):
            username = st.text_input("登录名", key="ws_setup_user")
            name = st.text_input("姓名", key="ws_setup_name")
            password = st.text_input("密码（至少8位）", type="password", key="ws_setup_password")
            again = st.text_input("再输一次密码", type="password", key="ws_setup_again")
            if st.form_submit_button("创建管理员", type="primary"):
                if password != again:
                    st.error("两次输入的密码不一样，请重新输入。")
                    return
                try:
                    with ledger.session() as session:
                        ss[ACTOR] = auth.create_first_admin(session, username, password, name)
                except InputError as error:
                    st.error(error.message)
                    return
                for key in ("ws_setup_password", "ws_setup_again"):
                    ss.pop(key, None)
                st.rerun()


WRONG_PASSWORD = ("登录名或密码不对，请重新输入。忘记密码请找管理员重设。"
                  f"连续输错{auth.MAX_FAILURES}次，账号会锁定{auth.LOCK_MINUTES}分钟。")


def login_form(ledger: Ledger) -> None:
    with st.container(key="ws-login"):
        st.subheader("村干部工作台 · 登录", anchor=False)
        st.caption("工作台保存您负责的农户、成员和就诊记录，只有登录后才能看到。")
        with st.form("ws_login_form"):
            username = st.text_input("登录名", key="ws_login_user")
            password = st.text_input("密码", type="password", key="ws_login_password")
            if st.form_submit_button("登录", type="primary"):
                try:
                    with ledger.session() as session:
                        actor, failed = auth.sign_in(session, username, password), WRONG_PASSWORD
                except auth.Locked as locked:
                    actor, failed = None, locked.message
                ss.pop("ws_login_password", None)
                if actor is None:
                    ss["ws_login_failed"] = failed
                else:
                    ss[ACTOR] = actor
                    ss.pop("ws_login_failed", None)
                st.rerun()
        if ss.get("ws_login_failed"):
            st.error(ss["ws_login_failed"])


def sign_out() -> None:
    for key in [k for k in ss if str(k).startswith("ws_")]:
        del ss[key]


def main() -> None:
    if common.kiosk():  # a public kiosk never shows anyone's households
        st.info("自助机模式下不提供工作台。请在工作人员的电脑或手机上打开。")
        return
    try:
        ledger = open_ledger(database_url())
    except Exception as error:  # the database cannot be opened: say where, never a traceback
        st.error(f"无法打开台账数据库（{type(error).__name__}）。请检查 DATABASE_URL 设置或 data/ 文件夹的写权限。")
        return
    actor = ss.get(ACTOR)
    if actor is None:
        with ledger.session() as session:
            first_run = auth.needs_setup(session)
        setup_form(ledger) if first_run else login_form(ledger)
        return
    with st.container(key="ws-top", horizontal=True, vertical_alignment="center"):
        villages = "全部村" if actor.is_admin else "、".join(actor.villages)
        st.markdown(f"**{common.escape(actor.display_name)}**（{auth.ROLES[actor.role]} · {common.escape(villages)}）")
        st.button("退出登录", key="ws_sign_out", on_click=sign_out, type="tertiary")
    sections = ["农户", "导入花名册", "知识更新", "操作记录"] + (["账号管理"] if actor.is_admin else [])
    section = st.radio("工作台", sections, key="ws_section", horizontal=True, label_visibility="collapsed")
    if section == "农户":
        household_view.show(ledger, actor)
    elif section == "导入花名册":
        tools.import_section(ledger, actor)
    elif section == "知识更新":
        tools.resettle_section(ledger, actor)
    elif section == "操作记录":
        tools.audit_section(ledger, actor)
    elif section == "账号管理":
        tools.users_section(ledger, actor)


st.title("村干部工作台", anchor=False)
main()
