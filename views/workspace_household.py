"""工作台 · 农户: the household list, one household (its members, totals, who needs what), one member.

Every write names the household version this page last showed (kept in session_state at the end of
each run); a save against an older one comes back as EditConflict and the page says what changed.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant.errors import InputError
from assistant.ledger import EditConflict, audit, settling
from assistant.ledger import households as book
from assistant.ledger.money import from_fen
from assistant.knowledge.store import tier_codes, tier_name
from assistant.ledger.paper import family_filename, family_pdf, member_filename, member_pdf
from assistant.lexicon import choices, name_of
from assistant.privacy import mask_id, mask_phone
from views import common

ss = st.session_state
OPEN, MEMBER, YEAR = "ws_household", "ws_member", "ws_year"
IDENTITY_NAMES = choices("identities")
KINDS = choices("kind")
LEVELS = choices("hospital_level")
LOCATIONS = choices("location")
REFERRALS = choices("referral")


def money(value) -> str:
    return f"{value:,.2f}"


def run_write(ledger, action, done: str | None = None) -> bool:
    """Run one ledger write; a conflict or a refusal is kept to be shown, nothing raises to the page."""
    try:
        with ledger.session() as session:
            action(session)
    except EditConflict as conflict:
        ss["ws_conflict"] = {"message": conflict.message, "changes": conflict.changes}
        return False
    except InputError as error:
        ss["ws_error"] = error.message
        return False
    ss.pop("ws_conflict", None)
    ss.pop("ws_error", None)
    if done:
        ss["ws_notice"] = done
    return True


def messages() -> None:
    notice = ss.pop("ws_notice", None)
    if notice:
        st.success(notice)
    error = ss.pop("ws_error", None)
    if error:
        st.error(error)
    conflict = ss.pop("ws_conflict", None)
    if conflict:
        with st.container(key="ws-conflict"):
            st.error(conflict["message"])
            st.markdown("\n".join(f"- {common.escape(line)}" for line in conflict["changes"]))


def show(ledger, actor) -> None:
    messages()
    if ss.get(OPEN):
        household(ledger, actor, ss[OPEN])
    else:
        household_list(ledger, actor)


# ---- the list ----

def household_list(ledger, actor) -> None:
    year = st.number_input("年度", min_value=2019, max_value=dt.date.today().year + 1, step=1,
                           value=ss.get(YEAR, 2023), key="ws_list_year")
    ss[YEAR] = int(year)
    search = st.text_input("查找（户编号、姓名或地址）", key="ws_search")
    with ledger.session() as session:
        homes = book.visible_households(session, actor, search=search or None)
        ids = [h.id for h in homes]
        stored = settling.stored_summary(session, ids, int(year))
        counts = {h.id: len(book.members(session, h.id)) for h in homes}
    with st.container(key="ws-households"):
        if not homes:
            st.info("还没有农户。可以在下面新增，或在“导入花名册”里从表格导入。")
        for home in homes:
            pays, flagged = stored[home.id]
            with st.container(border=True, key=f"ws-row-{home.id}", horizontal=True, vertical_alignment="center"):
                flag_text = f" · ⚠ {('、'.join(sorted(set(flagged))))}" if flagged else ""
                st.markdown(f"**{common.escape(home.code)}** · {common.escape(home.village)} · {counts[home.id]} 人 · "
                            f"{year}年个人自付合计 {money(pays)} 元{flag_text}")
                st.button("打开", key=f"ws_open_{home.id}", on_click=_open, args=(home.id,))
    new_household_form(ledger, actor)


def _open(household_id: int) -> None:
    ss[OPEN] = household_id
    ss.pop(MEMBER, None)


def _close() -> None:
    ss.pop(OPEN, None)
    ss.pop(MEMBER, None)


def new_household_form(ledger, actor) -> None:
    with st.expander("新增农户"), st.form("ws_new_household", clear_on_submit=False):
        code = st.text_input("户编号", key="ws_new_code")
        if actor.is_admin:
            village = st.text_input("所属村（嘎查）", key="ws_new_village")
        else:
            village = st.selectbox("所属村（嘎查）", actor.villages, key="ws_new_village")
        region = st.selectbox("地区（决定适用的政策）", book.REGIONS, key="ws_new_region")
        address = st.text_input("地址（可不填）", key="ws_new_address")
        if st.form_submit_button("新增", type="primary"):
            created = {}

            def write(session):
                created["id"] = book.create_household(session, actor, code=code, village=village, region=region,
                                                      address=address).id
            if run_write(ledger, write, f"已新增农户 {code}。"):
                for key in ("ws_new_code", "ws_new_address"):
                    ss.pop(key, None)
                _open(created["id"])
            st.rerun()


# ---- one household ----

def household(ledger, actor, household_id: int) -> None:
    shown_key = f"ws_shown_{household_id}"
    shown = ss.get(shown_key)  # the version the cadre saw when they pressed a button on the last run
    st.button("← 返回农户列表", key="ws_back", on_click=_close, type="tertiary")
    year = int(ss.get(YEAR, 2023))
    try:
        with ledger.session() as session:
            found = settling.household_year(session, actor, household_id, year)
            home = found.household
            ids = [i.member.id for i in found.members]
            all_visits = book.visits(session, ids)
    except InputError as error:
        st.error(error.message)
        ss.pop(OPEN, None)
        return
    version = shown if shown is not None else home.version
    with st.container(key="ws-household"):
        st.subheader(f"户编号 {home.code}", anchor=False)
        st.caption(f"{home.village} · {home.region}{' · ' + home.address if home.address else ''} · "
                   f"第 {home.version} 版（每次保存加 1，用来发现两人同时修改）")
        years = sorted({v.date.year for vs in all_visits.values() for v in vs} | {year})
        picked = st.segmented_control("年度", years, default=year, key=f"ws_year_pick_{household_id}")
        if picked and picked != year:
            ss[YEAR] = picked
            st.rerun()
        totals_block(found)
        attention_block(found)
        members_block(found)
    if ss.get(MEMBER) in ids:
        item = next(i for i in found.members if i.member.id == ss[MEMBER])
        member_block(ledger, actor, found, item, all_visits[item.member.id], version)
    family_paper(found)
    add_member_form(ledger, actor, home, version)
    edit_household_form(ledger, actor, home, version)
    delete_household_block(ledger, actor, home, version)
    ss[shown_key] = home.version


def totals_block(found) -> None:
    totals = found.totals
    with st.container(key="ws-totals"):
        left, middle, right = st.columns(3)
        left.metric(f"{found.year}年全家总费用", f"{money(totals['total'])} 元")
        middle.metric("各项保障报销", f"{money(totals['paid'])} 元")
        right.markdown(f'<div class="sc-amount-label">全家个人自付</div><div class="sc-tier-amount" '
                       f'data-testid="ws-household-oop" data-amount="{totals["out_of_pocket"]}">'
                       f'{money(totals["out_of_pocket"])} 元</div>', unsafe_allow_html=True)
        parts = [f"{tier_name(t)} {money(totals[t])}" for t in tier_codes() if totals[t] > 0]
        if parts:
            st.caption("；".join(parts))


def attention_block(found) -> None:
    """Who crosses a monitoring line and who should apply for what — the result's own flags and items."""
    lines = []
    for item in found.members:
        if item.result is None:
            continue
        for line in settling.monitoring(item.result):
            lines.append((item, f"⚠ {line['what']}：{line['message']}", line["citations"]))
        for line in settling.advice(item.result):
            lines.append((item, f"{line['what']}：{line['need']}", line["citations"]))
    if not lines:
        return
    with st.container(key="ws-attention"):
        st.markdown("#### 需要关注")
        for item, text, citations in lines:
            with st.container(key=f"ws-flag-{item.member.id}-{abs(hash(text)) % 10**6}"):
                st.markdown(f'<div class="sc-flag"><b>{common.escape(item.member.name)}</b> · {common.escape(text)}'
                            f'{common.citations_html(citations, "依据")}</div>', unsafe_allow_html=True)


def members_block(found) -> None:
    st.markdown("#### 家庭成员")
    for item in found.members:
        person = item.member
        flagged = bool(item.result and settling.monitoring(item.result))
        held = "、".join(_identity_word(h) for h in item.held) or "普通参保人"
        with st.container(border=True, key=f"ws-member-row-{person.id}", horizontal=True, vertical_alignment="center"):
            figure = (f"自付 {money(item.out_of_pocket)} 元（{len(item.visits)} 次就诊）" if item.result
                      else common.escape(item.error or ""))
            mark = ' <span class="sc-status sc-status-draft" data-testid="ws-flagged">需监测</span>' if flagged else ""
            st.markdown(f"**{common.escape(person.name)}** · {common.escape(mask_id(person.id_number) or '未填身份证号')} · "
                        f"{common.escape(held)} · {figure}{mark}", unsafe_allow_html=True)
            st.button("查看", key=f"ws_view_{person.id}", on_click=_view, args=(person.id,))


def _identity_word(held) -> str:
    word = name_of("identities", held.code)
    if held.recognised_on:
        word += f"（{held.recognised_on}认定）"
    return word


def _view(member_id: int) -> None:
    ss[MEMBER] = member_id


# ---- one member ----

def member_block(ledger, actor, found, item, visits_all, version) -> None:
    person = item.member
    with st.container(border=True, key="ws-member"):
        st.markdown(f"### {common.escape(person.name)}")
        shown_id = person.id_number if ss.get(f"ws_reveal_{person.id}") else mask_id(person.id_number)
        st.markdown(f"身份证号 {common.escape(shown_id or '未填')} · 电话 {common.escape(mask_phone(person.phone) or '未填')} · "
                    f"{'城乡居民' if person.insurance == 'resident' else '职工'}医保")
        if actor.is_admin and person.id_number and not ss.get(f"ws_reveal_{person.id}"):
            st.button("显示完整身份证号（管理员，会记入操作记录）", key=f"ws_reveal_btn_{person.id}",
                      on_click=_reveal, args=(ledger, actor, person.id, found.household), type="tertiary")
        if item.held:
            st.markdown("身份：" + "；".join(
                f"{name_of('identities', h.code)}（{h.recognised_on or '认定日期未记录'}，{h.recognised_by or '认定单位未记录'}）"
                for h in item.held))
        else:
            st.markdown("身份：普通参保人")
        early_note(item)
        if item.result is None:
            st.info(item.error or "本年度没有就诊记录。")
        else:
            result_block(item)
            paper_button(item)
            what_if_form(item, found)
        visits_block(ledger, actor, person, visits_all, version, found.year)
        edit_member_form(ledger, actor, person, item.held, version)


def early_note(item) -> None:
    """A visit dated before an identity was recognised: say so, with what the result says about looking back."""
    for held in item.held:
        if not held.recognised_on:
            continue
        before = [v for v in item.visits if v.date < held.recognised_on]
        if not before:
            continue
        back = next((e for e in (item.result or {}).get("eligibility", []) if e["item"] == "新认定身份可前溯12个月"), None)
        st.markdown(f'<div class="sc-item">{len(before)} 次就诊早于{name_of("identities", held.code)}的认定日期'
                    f'（{held.recognised_on}）。{common.escape(back["result"]) if back else ""}'
                    f'{common.citations_html(back["citations"], "依据") if back else ""}</div>', unsafe_allow_html=True)


def _reveal(ledger, actor, member_id, home) -> None:
    with ledger.session() as session:
        audit.record(session, actor, "reveal", "member", member_id, household=home)
        session.commit()
    ss[f"ws_reveal_{member_id}"] = True


def result_block(item) -> None:
    result = item.result
    totals = result["totals"]
    st.markdown(f'<div class="sc-amount-label">{item.visits[0].date.year}年个人自付</div>'
                f'<div class="sc-amount-big" data-testid="ws-member-oop" data-amount="{totals["out_of_pocket"]}">'
                f'{money(totals["out_of_pocket"])} 元</div>', unsafe_allow_html=True)
    st.caption(f"按{name_of('identities', result['identity_applied'])}计算 · 政策 {result['policy']} · "
               f"依据指纹 {settling.fingerprint(result)}")
    rows = "".join(f"<tr><td>{tier_name(t)}</td><td class='num' data-testid='ws-tier' data-tier='{t}' "
                   f"data-amount='{totals[t]}'>{money(totals[t])}</td></tr>" for t in tier_codes() if totals[t] > 0)
    st.markdown(f"<table class='sc-table'><tr><th>总费用</th><th class='num'>{money(totals['total'])}</th></tr>{rows}"
                f"<tr class='sc-held'><td>个人自付</td><td class='num'>{money(totals['out_of_pocket'])}</td></tr></table>",
                unsafe_allow_html=True)
    with st.expander("每一项是怎么算的（公式和政策原文）"):
        for number, visit in enumerate(result["visits"], start=1):
            st.markdown(f"**第{number}次：{visit['date']} {name_of('kind', visit['kind'])}，总费用 {money(visit['total'])} 元**")
            for tier in visit["tiers"]:
                if tier["amount"] > 0 or tier["tier"] == "basic":
                    st.markdown(f"{tier_name(tier['tier'])} {money(tier['amount'])} 元：{common.escape(tier['formula'])}"
                                f"{common.citations_html(tier['citations'])}", unsafe_allow_html=True)
    for line in result.get("thresholds") or []:  # how far this year is from the next tier's 起付线 (the core's words)
        st.caption("▶ " + line["message"])
    for line in settling.monitoring(result):
        st.markdown(f'<div class="sc-flag" data-testid="ws-monitoring">⚠ <b>{line["what"]}</b>：{common.escape(line["message"])}'
                    f'{common.citations_html(line["citations"], "依据")}</div>', unsafe_allow_html=True)
    for line in settling.advice(result):
        st.markdown(f'<div class="sc-item"><b>{common.escape(line["what"])}</b>：{common.escape(line["need"])}'
                    f'{common.citations_html(line["citations"], "依据")}</div>', unsafe_allow_html=True)
    if result.get("assumptions"):
        with st.expander("计算时的假设"):
            st.markdown("\n".join(f"- {common.escape(a)}" for a in result["assumptions"]))


def paper_button(item) -> None:
    key = f"ws_paper_{item.member.id}"
    with st.container(key="ws-member-paper"):
        if st.button("生成本人明白纸（PDF）", key=f"{key}_make"):
            try:
                ss[key] = (member_filename(item), member_pdf(item))
            except Exception as error:  # the PDF builder or its font is missing: say so in words
                st.error(f"暂时无法生成明白纸：{getattr(error, 'message', None) or type(error).__name__}")
        if key in ss:
            name, data = ss[key]
            st.download_button("下载本人明白纸", data, file_name=name, mime="application/pdf", on_click="ignore", key=f"{key}_get")


def what_if_form(item, found) -> None:
    """"要是今年再住一次院": the same year with one more stay, settled by the core; nothing is saved."""
    person = item.member
    with st.expander("如果今年再住一次院"), st.form(f"ws_whatif_{person.id}"):
        total = st.text_input("这次住院总费用（元）", value="20000", key=f"ws_wi_total_{person.id}")
        level = st.selectbox("医院等级", list(LEVELS), format_func=LEVELS.get, index=3, key=f"ws_wi_level_{person.id}")
        referral = st.selectbox("转诊", list(REFERRALS), format_func=REFERRALS.get, index=1,
                                key=f"ws_wi_referral_{person.id}")
        if st.form_submit_button("算一算"):
            last = max(v.date for v in item.visits)
            extra = {"date": last.isoformat(), "kind": "inpatient", "hospital_level": level, "location": "local",
                     "referral": referral, "total": total}
            try:
                found = settling.what_if(item, extra)
            except InputError as error:
                st.error(error.message)
                return
            with st.container(key="ws-whatif-result"):
                st.markdown(f"再住一次院（总费用 {common.escape(total)} 元）后，全年个人自付 **{money(found['out_of_pocket'])} 元**，"
                            f"比现在多 **{money(found['more'])} 元**；这次住院的其余部分由各项保障支付。")
                if found["newly_crossed"]:
                    st.warning("会新达到：" + "、".join(found["newly_crossed"]))
                st.caption("这只是估算，没有保存。")


def visits_block(ledger, actor, person, visits_all, version, year) -> None:
    st.markdown("#### 就诊记录")
    for visit in visits_all:
        with st.container(horizontal=True, vertical_alignment="center", key=f"ws-visit-{visit.id}"):
            st.markdown(f"{visit.date} · {name_of('kind', visit.kind)} · {name_of('hospital_level', visit.hospital_level)} · "
                        f"{name_of('location', visit.location)} · {name_of('referral', visit.referral)} · "
                        f"总费用 {money(from_fen(visit.total_fen))} 元")
            st.button("删除", key=f"ws_visit_del_{visit.id}", type="tertiary", on_click=_delete_visit,
                      args=(ledger, actor, visit.id, version))
    with st.expander("新增就诊记录"), st.form(f"ws_add_visit_{person.id}"):
        raw = _visit_fields(f"ws_v_{person.id}", None, year)
        if st.form_submit_button("保存就诊记录", type="primary"):
            if run_write(ledger, lambda s: book.add_visit(s, actor, person.id, version, raw()), "已保存就诊记录。"):
                _forget(f"ws_v_{person.id}")
            st.rerun()
    if visits_all:
        with st.expander("修改就诊记录"):
            picked = st.selectbox("选择一条", [v.id for v in visits_all], key=f"ws_ev_pick_{person.id}",
                                  format_func=lambda i: next(f"{v.date} {name_of('kind', v.kind)} "
                                                             f"{money(from_fen(v.total_fen))} 元" for v in visits_all if v.id == i))
            visit = next(v for v in visits_all if v.id == picked)
            with st.form(f"ws_edit_visit_{visit.id}"):
                raw = _visit_fields(f"ws_ev_{visit.id}", visit, year)
                if st.form_submit_button("保存修改", type="primary"):
                    if run_write(ledger, lambda s: book.update_visit(s, actor, visit.id, version, raw()),
                                 "已保存修改。"):
                        _forget(f"ws_ev_{visit.id}")
                    st.rerun()


def _visit_fields(prefix: str, visit, year: int):
    """The visit's questions (prefilled from `visit` when editing); returns a function giving CONTRACT's visit."""
    def text(fen_value) -> str:
        return "" if fen_value is None else f"{from_fen(fen_value)}"
    day = st.date_input("就诊日期", value=visit.date if visit else dt.date(year, 6, 1), min_value=dt.date(2019, 1, 1),
                        max_value=dt.date.today(), key=f"{prefix}_date")
    kind = st.selectbox("就诊类型", list(KINDS), format_func=KINDS.get, key=f"{prefix}_kind",
                        index=list(KINDS).index(visit.kind) if visit else 0)
    level = st.selectbox("医院等级", list(LEVELS), format_func=LEVELS.get, key=f"{prefix}_level",
                         index=list(LEVELS).index(visit.hospital_level) if visit else 2)
    location = st.selectbox("就医地", list(LOCATIONS), format_func=LOCATIONS.get, key=f"{prefix}_loc",
                            index=list(LOCATIONS).index(visit.location) if visit else 0)
    referral = st.selectbox("转诊", list(REFERRALS), format_func=REFERRALS.get, key=f"{prefix}_ref",
                            index=list(REFERRALS).index(visit.referral) if visit else 0)
    total = st.text_input("总费用（元）", value=text(visit.total_fen) if visit else "", key=f"{prefix}_total")
    outside = st.text_input("目录外费用（元，不知道可不填）", value=text(visit.out_of_catalog_fen) if visit else "",
                            key=f"{prefix}_out")
    category_b = st.text_input("乙类费用（元，可不填）", value=text(visit.category_b_fen) if visit else "",
                               key=f"{prefix}_b")
    basic_paid = st.text_input("基本医保已支付（元，有结算单再填）", value=text(visit.basic_paid_fen) if visit else "",
                               key=f"{prefix}_basic")
    disease = st.text_input("疾病（可不填；不会出现在日志和导出中）", value=(visit.disease or "") if visit else "",
                            key=f"{prefix}_disease")
    return lambda: {"date": day.isoformat(), "kind": kind, "hospital_level": level, "location": location,
                    "referral": referral, "total": total, "out_of_catalog": outside or None,
                    "category_b": category_b or None, "basic_paid": basic_paid or None, "disease": disease or None}


def _forget(prefix: str) -> None:
    for key in [k for k in ss if str(k).startswith(prefix + "_")]:
        del ss[key]


def _delete_visit(ledger, actor, visit_id, version) -> None:
    run_write(ledger, lambda s: book.delete_visit(s, actor, visit_id, version), "已删除这条就诊记录。")


def _identity_rows(held) -> list[dict]:
    return [{"身份": name_of("identities", h.code), "认定日期": h.recognised_on, "认定单位": h.recognised_by or ""}
            for h in held]


def _identities_from(rows) -> list[dict]:
    names = {v: k for k, v in IDENTITY_NAMES.items()}
    out = []
    for row in rows:
        word = row.get("身份")
        if not word:
            continue
        day = row.get("认定日期")
        out.append({"code": names.get(word, word), "recognised_on": day if isinstance(day, dt.date) else (day or None),
                    "recognised_by": row.get("认定单位") or None})
    return out


def _identity_editor(key: str, held) -> object:
    return st.data_editor(_identity_rows(held) or [{"身份": None, "认定日期": None, "认定单位": ""}], key=key,
                          num_rows="dynamic", width="stretch", column_config={
                              "身份": st.column_config.SelectboxColumn("身份（本人的，不是全家的）",
                                                                     options=list(IDENTITY_NAMES.values())),
                              "认定日期": st.column_config.DateColumn("认定日期", format="YYYY-MM-DD"),
                              "认定单位": st.column_config.TextColumn("认定单位"),
                          })


def edit_member_form(ledger, actor, person, held, version) -> None:
    with st.expander("修改成员信息"), st.form(f"ws_edit_member_{person.id}"):
        name = st.text_input("姓名", value=person.name, key=f"ws_m_name_{person.id}")
        id_number = st.text_input("身份证号（18位；留空表示不变）", key=f"ws_m_id_{person.id}",
                                  placeholder=mask_id(person.id_number) or "未填")
        phone = st.text_input("电话（留空表示不变）", key=f"ws_m_phone_{person.id}",
                              placeholder=mask_phone(person.phone) or "未填")
        insurance = st.selectbox("参保类型", ["resident", "employee"], format_func=book.INSURANCE.get,
                                 index=0 if person.insurance == "resident" else 1, key=f"ws_m_ins_{person.id}")
        rows = _identity_editor(f"ws_m_held_{person.id}", held)
        left, right = st.columns(2)
        save = left.form_submit_button("保存修改", type="primary")
        remove = right.form_submit_button("删除这位成员")
        if save:
            fields = {"name": name, "insurance": insurance}
            if id_number.strip():
                fields["id_number"] = id_number
            if phone.strip():
                fields["phone"] = phone
            held_rows = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
            if run_write(ledger, lambda s: book.update_member(s, actor, person.id, version, fields,
                                                             _identities_from(held_rows)), "已保存成员信息。"):
                for key in ("name", "id", "phone", "ins", "held"):
                    ss.pop(f"ws_m_{key}_{person.id}", None)
            st.rerun()
        if remove:
            if run_write(ledger, lambda s: book.delete_member(s, actor, person.id, version), f"已删除成员 {person.name}。"):
                ss.pop(MEMBER, None)
            st.rerun()


# ---- the household's own forms ----

def family_paper(found) -> None:
    key = f"ws_family_{found.household.id}_{found.year}"
    with st.container(key="ws-family-paper"):
        st.markdown("#### 家庭明白纸")
        st.caption(f"{len([i for i in found.members if i.result])} 位成员有本年结算结果；"
                   f"打印时姓名只显示姓，不印身份证号、电话和疾病。")
        if st.button("生成家庭明白纸（PDF）", key="ws_family_make"):
            try:
                ss[key] = (family_filename(found), family_pdf(found))
            except Exception as error:
                st.error(f"暂时无法生成家庭明白纸：{getattr(error, 'message', None) or type(error).__name__}")
        if key in ss:
            name, data = ss[key]
            st.download_button("下载家庭明白纸", data, file_name=name, mime="application/pdf", on_click="ignore", key="ws_family_get",
                               type="primary")


def add_member_form(ledger, actor, home, version) -> None:
    with st.expander("新增成员"), st.form(f"ws_add_member_{home.id}"):
        name = st.text_input("姓名", key="ws_am_name")
        id_number = st.text_input("身份证号（18位，可不填）", key="ws_am_id")
        phone = st.text_input("电话（可不填）", key="ws_am_phone")
        insurance = st.selectbox("参保类型", ["resident", "employee"], format_func=book.INSURANCE.get, key="ws_am_ins")
        rows = _identity_editor("ws_am_held", [])
        if st.form_submit_button("新增成员", type="primary"):
            held_rows = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
            fields = {"name": name, "id_number": id_number, "phone": phone, "insurance": insurance}
            if run_write(ledger, lambda s: book.add_member(s, actor, home.id, version, fields, _identities_from(held_rows)),
                         f"已新增成员 {name}。"):
                for key in ("ws_am_name", "ws_am_id", "ws_am_phone", "ws_am_held"):
                    ss.pop(key, None)
            st.rerun()


def edit_household_form(ledger, actor, home, version) -> None:
    with st.expander("修改户信息"), st.form(f"ws_edit_household_{home.id}"):
        address = st.text_input("地址", value=home.address or "", key=f"ws_h_address_{home.id}")
        region = st.selectbox("地区", book.REGIONS, index=book.REGIONS.index(home.region), key=f"ws_h_region_{home.id}")
        income = st.text_input("上年居民人均可支配收入（元；不填则用政策包里的统计数）",
                               value="" if home.per_capita_income_fen is None else str(from_fen(home.per_capita_income_fen)),
                               key=f"ws_h_income_{home.id}")
        if st.form_submit_button("保存", type="primary"):
            if run_write(ledger, lambda s: book.update_household(s, actor, home.id, version, address=address, region=region,
                                                                 per_capita_income=income), "已保存户信息。"):
                for key in ("address", "region", "income"):
                    ss.pop(f"ws_h_{key}_{home.id}", None)
            st.rerun()


def delete_household_block(ledger, actor, home, version) -> None:
    with st.expander("永久删除这一户"):
        st.warning("删除后，这一户的成员、身份、就诊记录和计算结果会从数据库中彻底删除，无法恢复；"
                   "操作记录里只保留“谁在何时删除了哪一户”（身份证号已打码）。")
        sure = st.checkbox(f"我确认永久删除户编号 {home.code}", key=f"ws_del_sure_{home.id}")
        if st.button("永久删除", key=f"ws_del_{home.id}", type="primary", disabled=not sure):
            counts = {}

            def write(session):
                counts.update(book.delete_household(session, actor, home.id, version))
            if run_write(ledger, write):
                ss["ws_notice"] = (f"已永久删除户编号 {home.code}：{counts['members']} 位成员、{counts['visits']} 条就诊记录"
                                   "和计算结果都已从数据库中删除，无法恢复。")
                _close()
            st.rerun()


__all__ = ["show"]
