"""工作台 · 导入花名册, 知识更新, 操作记录, 账号管理 (the workspace's other sections)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from assistant.errors import InputError
from assistant.ledger import audit, auth, settling
from assistant.ledger import households as book
from assistant.ledger.importing import export_table, import_roster
from assistant.roster import template_xlsx
from views import common

ss = st.session_state
LOCAL = ZoneInfo("Asia/Shanghai")  # times are stored in UTC and shown in Beijing time


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


# ---- 导入花名册 ----

def import_section(ledger, actor) -> None:
    with st.container(key="ws-import"):
        st.markdown("#### 从表格导入农户、成员和就诊记录")
        st.caption("每行一次就诊；没有就诊的成员也写一行（就诊列空着）。表头用中文或英文都可以。"
                   "同一个文件导入两次不会重复添加。有错误的行不会导入，可以下载错误表，改好后再导入。")
        st.download_button("下载花名册模板（Excel）", template_xlsx(), file_name="三重保障花名册模板.xlsx",
                           on_click="ignore", key="ws_template", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        villages = list(actor.villages)
        if actor.is_admin:
            village = st.text_input("导入到哪个村（嘎查）", key="ws_imp_village")
        else:
            village = st.selectbox("导入到哪个村（嘎查）", villages, key="ws_imp_village")
        region = st.selectbox("地区（决定适用的政策）", book.REGIONS, key="ws_imp_region")
        year = st.number_input("年度（其他年度的就诊行会列为错误）", min_value=2019, max_value=dt.date.today().year,
                               value=2023, step=1, key="ws_imp_year")
        upload = st.file_uploader("选择花名册（.xlsx、.csv）", type=["xlsx", "csv"], key="ws_imp_file")
        if st.button("开始导入", key="ws_imp_go", type="primary", disabled=upload is None):
            bar = st.progress(0.0, text="正在导入…")

            def progress(done: int, total: int) -> None:
                bar.progress(done / total if total else 1.0, text=f"正在计算：{done}/{total} 人")
            try:
                with ledger.session() as session:
                    report = import_roster(session, actor, upload.getvalue(), upload.name, village=(village or "").strip(),
                                           region=region, year=int(year), progress=progress)
            except InputError as error:
                bar.empty()
                st.error(error.message)
                return
            bar.progress(1.0, text="导入完成")
            ss["ws_import_report"] = {"summary": report.summary(), "errors": len(report.errors),
                                      "workbook": report.error_workbook(show_id=actor.is_admin),
                                      "name": upload.name, "households": report.households}
        found = ss.get("ws_import_report")
        if found:
            with st.container(key="ws-import-done"):
                (st.warning if found["errors"] else st.success)(found["summary"])
                if found["workbook"]:
                    stem = found["name"].rsplit(".", 1)[0]
                    st.download_button("下载错误表（原来的列 + 错误原因）", found["workbook"], file_name=f"{stem}_错误表.xlsx",
                                       on_click="ignore", key="ws_imp_errors",
                                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                if found["households"]:
                    st.caption("导入的农户已经在“农户”里，打开一户即可查看每位成员的结果。")
    export_block(ledger, actor)


def export_block(ledger, actor) -> None:
    with st.container(key="ws-export"):
        st.markdown("#### 导出筛查表")
        st.caption("每位成员一行：适用身份、各项报销、个人自付、监测提示、建议申请。身份证号打码。")
        year = st.number_input("年度", min_value=2019, max_value=dt.date.today().year, value=2023, step=1,
                               key="ws_exp_year")
        kind = st.radio("格式", [".xlsx", ".csv"], horizontal=True, key="ws_exp_kind",
                        format_func={".xlsx": "Excel", ".csv": "CSV"}.get)
        show_id = actor.is_admin and st.checkbox("导出完整身份证号（管理员；会记入操作记录）", key="ws_exp_full")
        if st.button("生成筛查表", key="ws_exp_go"):
            try:
                with ledger.session() as session:
                    ss["ws_export"] = (f"筛查表_{int(year)}{kind}", export_table(session, actor, int(year), kind,
                                                                             show_id=bool(show_id)))
            except InputError as error:
                st.error(error.message)
        if "ws_export" in ss:
            name, data = ss["ws_export"]
            st.download_button(f"下载{name}", data, file_name=name, on_click="ignore", key="ws_exp_get")


# ---- 知识更新 ----

def resettle_section(ledger, actor) -> None:
    with st.container(key="ws-resettle"):
        st.markdown("#### 政策知识更新后重新计算")
        st.caption("每个保存的结果都记着计算时用的政策包版本和依据指纹。政策包里的数值更新后（如新一年的统计数、"
                   "更正的数值），这里会找出需要重新计算的成员，重新计算并列出谁的金额变了、变了多少。")
        with ledger.session() as session:
            stale = settling.stale_years(session, actor)
        if not stale:
            st.success("所有保存的结果都是按当前的政策知识计算的。")
        else:
            st.warning(f"有 {len(stale)} 个成员年度是按旧的政策知识计算的。")
            if st.button("重新计算并列出变化", key="ws_resettle_go", type="primary"):
                bar = st.progress(0.0)
                with ledger.session() as session:
                    ss["ws_resettled"] = settling.resettle(session, actor,
                                                           progress=lambda d, t: bar.progress(d / t))
                st.rerun()
        changed = ss.get("ws_resettled")
        if changed is not None:
            with st.container(key="ws-resettled"):
                if not changed:
                    st.info("重新计算完成，没有人的金额发生变化。")
                for entry in changed:
                    if entry["after"] is None:
                        st.markdown(f"- {entry['village']} {entry['household']} {entry['member']}（{entry['year']}年）："
                                    f"原个人自付 {entry['before']:.2f} 元，现在无法计算：{entry['error']}")
                        continue
                    tiers = "；".join(f"{k}: {a:.2f} → {b:.2f}" for k, (a, b) in entry["tiers"].items()
                                     if k != "out_of_pocket")
                    st.markdown(f"- {entry['village']} {entry['household']} **{entry['member']}**（{entry['year']}年）："
                                f"个人自付 {entry['before']:.2f} → **{entry['after']:.2f}** 元"
                                f"（{'+' if entry['difference'] > 0 else ''}{entry['difference']:.2f}）"
                                + (f"。{tiers}" if tiers else ""))


# ---- 操作记录 ----

def audit_section(ledger, actor) -> None:
    with st.container(key="ws-audit"):
        st.markdown("#### 操作记录")
        st.caption("管理员可以看到所有人的操作；村干部只看到自己的操作。身份证号、电话已打码，疾病不记入。")
        with ledger.session() as session:
            entries = audit.entries(session, actor, limit=300)
        if not entries:
            st.info("还没有操作记录。")
        for entry in entries:
            st.markdown(f"- {_when(entry.at)} · {common.escape(audit.describe(entry))}"
                        + (f" · {common.escape(entry.village)}" if entry.village else ""))


# ---- 账号管理 (admin) ----

def users_section(ledger, actor) -> None:
    with st.container(key="ws-users"):
        st.markdown("#### 账号管理")
        with ledger.session() as session:
            people = auth.users(session, actor)
        for user in people:
            with st.container(border=True, horizontal=True, vertical_alignment="center", key=f"ws-user-{user.id}"):
                st.markdown(f"**{common.escape(user.display_name)}**（{common.escape(user.username)}）· "
                            f"{auth.ROLES.get(user.role, user.role)} · 负责：{common.escape('、'.join(user.villages) or '全部')}"
                            f" · {'启用' if user.active else '已停用'}"
                            + (" · 已锁定（连续输错密码），重设密码即可解锁" if auth.locked_until(user) else ""))
                if user.id != actor.id:
                    st.button("停用" if user.active else "启用", key=f"ws_user_toggle_{user.id}",
                              on_click=_toggle, args=(ledger, actor, user.id, not user.active))
        with st.expander("新增村干部账号"), st.form("ws_new_user"):
            username = st.text_input("登录名", key="ws_nu_user")
            name = st.text_input("姓名", key="ws_nu_name")
            password = st.text_input("初始密码（至少8位）", type="password", key="ws_nu_password")
            villages = st.text_input("负责的村（多个用顿号隔开）", key="ws_nu_villages")
            role = st.selectbox("角色", ["cadre", "admin"], format_func=auth.ROLES.get, key="ws_nu_role")
            if st.form_submit_button("新增", type="primary"):
                try:
                    with ledger.session() as session:
                        auth.create_cadre(session, actor, username, password, name, villages, role)
                except InputError as error:
                    st.error(error.message)
                    return
                for key in ("ws_nu_user", "ws_nu_name", "ws_nu_password", "ws_nu_villages"):
                    ss.pop(key, None)
                st.rerun()
        with st.expander("修改负责的村或重设密码"), st.form("ws_edit_user"):
            picked = st.selectbox("账号", [u.id for u in people],
                                  format_func=lambda i: next(f"{u.display_name}（{u.username}）" for u in people if u.id == i),
                                  key="ws_eu_user")
            villages = st.text_input("负责的村（留空表示不变）", key="ws_eu_villages")
            password = st.text_input("新密码（留空表示不变）", type="password", key="ws_eu_password")
            if st.form_submit_button("保存"):
                try:
                    with ledger.session() as session:
                        auth.update_user(session, actor, picked, villages=villages or None, password=password or None)
                except InputError as error:
                    st.error(error.message)
                    return
                ss.pop("ws_eu_password", None)
                st.success("已保存。")


def _toggle(ledger, actor, user_id, active) -> None:
    try:
        with ledger.session() as session:
            auth.update_user(session, actor, user_id, active=active)
    except InputError as error:
        ss["ws_error"] = error.message
