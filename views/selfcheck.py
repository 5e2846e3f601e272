"""自查: one question at a time, then what each tier pays and why. The numbers come from `settle`."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant import ui_flow as flow
from views import common
from views.result import show_result

ANSWERS, STEP, VISIT, ERRORS = "sc_answers", "sc_step", "sc_visit", "sc_errors"
ss = st.session_state

ss.setdefault(ANSWERS, {"region": None, "date": None, "insurance": None, "contribution_tier": None,
                        "identities": [], "identity_none": False, "identity_unsure": False, "visits": []})
ss.setdefault(STEP, "where")
ss.setdefault(VISIT, 0)
ss.setdefault(ERRORS, {})
answers: dict = ss[ANSWERS]
errors: dict = ss[ERRORS]
if answers["visits"]:
    answers["visits"][0]["date"] = answers["date"]  # the first visit's date is the one asked first


# ---- state changes (callbacks run before the page is drawn, so one tap = one screen) ----

def _error_key(field: str, visit: int | None) -> str:
    return field if visit is None else f"v{visit}.{field}"


def _set_errors(found: dict, visit: int | None) -> None:
    for field, message in found.items():
        errors[_error_key(field, visit)] = message


def _clear_step_errors() -> None:
    errors.clear()


def _ensure_visit(index: int) -> None:
    visits = answers["visits"]
    while len(visits) <= index:
        last = visits[-1]["date"] if visits else answers["date"]
        visits.append(flow.new_visit(last))
    visits[0]["date"] = answers["date"]


def _go(step: str, visit: int | None = None) -> None:
    ss[STEP] = step
    if visit is not None:
        ss[VISIT] = visit
    _clear_step_errors()


def _next() -> None:
    step, visit = ss[STEP], ss[VISIT]
    if step in flow.VISIT_STEPS:
        _ensure_visit(visit)
    found = flow.check_step(step, answers, visit)
    _clear_step_errors()
    if found:
        _set_errors(found, visit if step in flow.VISIT_STEPS else None)
        return
    if step == "where":
        _ensure_visit(0)
        _go("insurance")
    elif step == "insurance":
        _go("identities")
    elif step == "identities":
        _ensure_visit(visit)
        _go("kind")
    elif step == "bill":
        _go("visits")
    elif step in flow.VISIT_STEPS:
        _go(flow.VISIT_STEPS[flow.VISIT_STEPS.index(step) + 1])


def _back() -> None:
    step, visit = ss[STEP], ss[VISIT]
    if step == "kind":
        _go("identities" if visit == 0 else "visits")
    elif step in flow.VISIT_STEPS:
        _go(flow.VISIT_STEPS[flow.VISIT_STEPS.index(step) - 1])
    elif step == "visits":
        _go("bill", len(answers["visits"]) - 1)
    elif step == "result":
        _go("visits")
    else:
        _go(flow.STEPS[max(flow.STEPS.index(step) - 1, 0)])


def _add_visit() -> None:
    _ensure_visit(len(answers["visits"]))
    _go("kind", len(answers["visits"]) - 1)


def _edit_visit(index: int) -> None:
    _go("kind", index)


def _remove_visit(index: int) -> None:
    if len(answers["visits"]) > 1:
        del answers["visits"][index]
        if index == 0:
            answers["date"] = answers["visits"][0]["date"]
    _go("visits", 0)


def _show_result() -> None:
    missing = flow.first_incomplete(answers)
    if missing is None:
        _go("result")
        return
    step, visit = missing
    _go(step, visit)
    _set_errors(flow.check_step(step, answers, visit), visit if step in flow.VISIT_STEPS else None)


def _restart() -> None:
    common.clear_answers()


# ---- widgets bound to the answers (kept in session state, so going back or switching pages loses nothing) ----

def _target(visit: int | None) -> dict:
    return answers if visit is None else answers["visits"][visit]


def _changed(field: str, visit: int | None, check) -> None:
    key = _widget_key(field, visit)
    _target(visit)[field] = ss[key]
    errors.pop(_error_key(field, visit), None)
    if field == "date" and visit is not None:  # the step check files a visit's date under this name
        errors.pop(_error_key("visit_date", visit), None)
    if check is not None:
        message = check(ss[key])
        if message:
            errors[_error_key(field, visit)] = message


def _widget_key(field: str, visit: int | None) -> str:
    return f"sc_w_{field}" if visit is None else f"sc_w_v{visit}_{field}"


def bound(widget, field: str, label: str, *, visit: int | None = None, check=None, options=None, **kwargs):
    """A widget whose value lives in the answers; `check(value)` gives a message to show beside it."""
    key = _widget_key(field, visit)
    value = _target(visit).get(field)
    if options is not None:
        kwargs["options"] = list(options)
        kwargs.setdefault("format_func", lambda code: options[code])
        if value not in options:
            value = None
        kwargs.setdefault("index", None)
        if widget is st.radio and not kwargs.get("horizontal"):
            kwargs.setdefault("width", "stretch")
    if widget is st.checkbox:
        ss[key] = bool(value)
    elif widget is st.text_input:
        ss[key] = "" if value is None else str(value)
    else:  # radio and date: None means "not answered yet"
        ss[key] = value
    result = widget(label, key=key, on_change=_changed, args=(field, visit, check), **kwargs)
    show_error(field, visit)
    return result


def show_error(field: str, visit: int | None = None) -> None:
    message = errors.get(_error_key(field, visit))
    if message:
        with st.container(key=f"sc-err-{field}"):
            st.error(message, icon=":material/warning:")


def nav_buttons(*, next_label: str = "下一步", back: bool = True) -> None:
    left, right = st.columns(2)
    with left:
        if back:
            st.button("上一步", key="sc_back", on_click=_back, width="stretch")
    with right:
        st.button(next_label, key="sc_next", on_click=_next, type="primary", width="stretch")


def progress() -> None:
    step = ss[STEP]
    position = flow.STEPS.index(step)
    count = len(flow.STEPS) - 1
    visit_note = ""
    if step in flow.VISIT_STEPS and (len(answers["visits"]) > 1 or ss[VISIT] > 0):
        visit_note = f" · {flow.visit_label(ss[VISIT] + 1)}"
    if step != "result":
        st.progress(position / count, text=f"第 {position + 1} 步，共 {count} 步{visit_note}")
    st.subheader(flow.STEP_TITLES[step], anchor=False)


# ---- the questions ----

def ask_where() -> None:
    places = flow.regions()
    names = {r.region: r.region for r in places}

    def check_region(value):
        _, message, field = flow.policy_or_problem(value, answers.get("date"))
        return message if field == "region" else None

    bound(st.radio, "region", "在哪个地区参加医保、看病？", options=names, check=check_region,
          captions=[flow.region_caption(r) for r in places])
    place = flow.region_named(answers.get("region"))
    if place is not None and not place.settles:
        st.page_link(common.PAGES["documents"], label="去“政策原文”查阅这份文件", icon=":material/description:",
                     query_params=common.kiosk_params() or None)

    def check_date(value):
        if value is None:
            return "请选择就诊日期（今年第一次看病的日期）。"
        _, message, field = flow.policy_or_problem(answers.get("region"), value)
        return message if field == "date" else None

    bound(st.date_input, "date", "今年第一次看病是哪一天？", check=check_date, value=None,
          min_value=dt.date(2015, 1, 1), max_value=dt.date(dt.date.today().year + 1, 12, 31),
          format="YYYY-MM-DD", help="可以直接输入，例如 2023-06-01。地区和日期决定用哪一份政策。")
    st.caption("地区和日期决定按哪一份政策计算；目前能计算的是巴彦淖尔市和天津市 2023 年的政策。")
    nav_buttons(back=False)


def ask_insurance() -> None:
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    bound(st.radio, "insurance", "参加的是哪种医保？", options=flow.insurance_choices(),
          captions=[flow.INSURANCE_HELP[c] for c in flow.insurance_choices()])
    tiers = flow.contribution_tier_choices(pack)
    if tiers and answers.get("insurance") == "resident":
        bound(st.radio, "contribution_tier", "居民医保交的是哪一档？", options=tiers,
              captions=[flow.TIER_HELP[c] for c in tiers])
    nav_buttons()


def ask_identities() -> None:
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    st.write("可以勾选多个。几种身份都有时，按最有利的一种计算（就高不就低），不会叠加。")
    held = set(answers.get("identities") or [])

    def toggle(code: str) -> None:
        key = f"sc_w_id_{code}"
        chosen = [c for c in answers.get("identities") or [] if c != code]
        if ss[key]:
            chosen.append(code)
            answers["identity_none"] = False
        order = [o["code"] for o in flow.identity_options(pack)]
        answers["identities"] = sorted(chosen, key=order.index)
        errors.pop("identities", None)

    options = flow.identity_options(pack)
    named = [o for o in options if o["named"]]
    others = [o for o in options if not o["named"]]

    def identity_box(option: dict) -> None:
        key = f"sc_w_id_{option['code']}"
        ss[key] = option["code"] in held
        with st.container(key=f"sc-idcard-{option['code']}", gap=None):
            st.checkbox(option["label"], key=key, on_change=toggle, args=(option["code"],), width="stretch")
            if option["help"]:
                st.caption(option["help"])

    for option in named:
        identity_box(option)
    if others:
        with st.expander("其他身份（本地政策没有单列）", expanded=any(o["code"] in held for o in others)):
            for option in others:
                identity_box(option)

    def none_changed() -> None:
        answers["identity_none"] = ss["sc_w_identity_none"]
        if answers["identity_none"]:
            answers["identities"] = []
        errors.pop("identities", None)

    ss["sc_w_identity_none"] = bool(answers.get("identity_none"))
    with st.container(key="sc-idcard-none"):
        st.checkbox("都不是（普通参保人）", key="sc_w_identity_none", on_change=none_changed, width="stretch")
    with st.container(key="sc-idcard-unsure"):
        bound(st.checkbox, "identity_unsure", "不清楚自己有没有这些身份", width="stretch")
    if answers.get("identity_unsure"):
        st.info(flow.IDENTITY_UNSURE_HELP, icon=":material/info:")
    show_error("identities")
    nav_buttons()


def ask_kind(visit: int) -> None:
    _ensure_visit(visit)
    if visit == 0:
        st.caption(f"日期：{answers['date']}（第一步填写的日期）")
    else:
        bound(st.date_input, "date", f"{flow.visit_label(visit + 1)}是哪一天？", visit=visit, value=None,
              check=lambda _: flow.check_step("kind", answers, visit).get("visit_date"),
              min_value=dt.date(2015, 1, 1), max_value=dt.date(dt.date.today().year + 1, 12, 31),
              format="YYYY-MM-DD")
    show_error("visit_date", visit)
    kinds = flow.kind_choices()
    bound(st.radio, "kind", "这次看病是哪一种？", visit=visit, options=kinds,
          captions=[flow.KIND_HELP[c] for c in kinds])
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    diseases = flow.disease_choices(pack)
    if diseases and answers["visits"][visit].get("kind") == "inpatient":
        bound(st.selectbox, "disease", "住院看的是不是下面这些大病？", visit=visit, options=diseases,
              placeholder="不是这些病 / 不清楚", help="文件列出的集中救治大病，家庭只负担政策范围内费用的10%。")
    nav_buttons()


def ask_level(visit: int) -> None:
    levels = flow.level_choices()
    bound(st.radio, "hospital_level", "医院是哪一级？", visit=visit, options=levels,
          captions=[flow.LEVEL_HELP[c] for c in levels])
    st.caption(flow.LEVEL_UNSURE_HELP)
    nav_buttons()


def ask_place(visit: int) -> None:
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    bound(st.radio, "location", "医院在哪里？", visit=visit, options=flow.location_choices(pack))
    referrals = flow.referral_choices(answers["visits"][visit].get("location"))
    bound(st.radio, "referral", "有没有办理转诊或异地就医备案？", visit=visit, options=referrals,
          captions=[flow.REFERRAL_HELP[c] for c in referrals])
    nav_buttons()


def ask_bill(visit: int) -> None:
    def amount_check(label, required, positive=False):
        return lambda value: flow.check_amount(value, label, required=required, positive=positive)[1]

    bound(st.text_input, "total", "这次看病一共花了多少钱（元）？", visit=visit,
          check=amount_check("总费用", True, True), placeholder="例如 35000",
          help="住院发票或结算单上的“医疗费用总额”。")
    known = {"known": "知道，我来填", "unknown": "不清楚"}
    bound(st.radio, "ooc_known", "知道其中目录外（全自费）的钱是多少吗？", visit=visit, options=known)
    st.caption(flow.OUT_OF_CATALOG_HELP)
    if answers["visits"][visit].get("ooc_known") == "known":
        bound(st.text_input, "out_of_catalog", "目录外（全自费）费用（元）", visit=visit,
              check=amount_check("目录外费用", True), placeholder="例如 1500")
    bound(st.text_input, "basic_paid", "基本医保已经报销了多少（元）？可以不填", visit=visit,
          check=amount_check("基本医保已报销", False), placeholder="看结算单，不知道就空着")
    st.caption(flow.BASIC_PAID_HELP)
    with st.expander("乙类费用（一般不用填）"):
        bound(st.text_input, "category_b", "乙类费用（元）", visit=visit,
              check=amount_check("乙类费用", False), placeholder="不知道就空着")
        st.caption(flow.CATEGORY_B_HELP)
    nav_buttons()


def ask_visits() -> None:
    st.write("同一年里看病的钱要一起算：大病保险的起付线一年只扣一次，救助也按年累计。")
    for index, visit in enumerate(answers["visits"]):
        with st.container(border=True, key=f"sc-visit-{index}"):
            kind = flow.kind_choices().get(visit.get("kind"), "未填")
            level = flow.level_choices().get(visit.get("hospital_level"), "未填")
            st.markdown(f"**{flow.visit_label(index + 1)}**：{visit.get('date') or '日期未填'} · {kind} · "
                        f"{level} · 总费用 {visit.get('total') or '未填'} 元")
            left, right = st.columns(2)
            left.button("修改", key=f"sc_edit_{index}", on_click=_edit_visit, args=(index,), width="stretch")
            if len(answers["visits"]) > 1:
                right.button("删除", key=f"sc_remove_{index}", on_click=_remove_visit, args=(index,),
                             width="stretch")
    st.button("＋ 再加一次看病", key="sc_add_visit", on_click=_add_visit, width="stretch")
    left, right = st.columns(2)
    left.button("上一步", key="sc_back", on_click=_back, width="stretch")
    right.button("看结果", key="sc_show_result", on_click=_show_result, type="primary", width="stretch")


# ---- the page ----

with st.container(key=f"sc-step-{ss[STEP]}"):
    progress()
    step, visit = ss[STEP], ss[VISIT]
    if step == "where":
        ask_where()
    elif step == "insurance":
        ask_insurance()
    elif step == "identities":
        ask_identities()
    elif step == "kind":
        ask_kind(visit)
    elif step == "level":
        ask_level(visit)
    elif step == "place":
        ask_place(visit)
    elif step == "bill":
        ask_bill(visit)
    elif step == "visits":
        ask_visits()
    else:
        show_result(answers, on_back=_back, on_restart=_restart)
common.follow_goto()
