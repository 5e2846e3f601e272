"""自查: a start page, one question a screen, 核对您的回答, then what each tier pays and why.

The numbers come from `settle`. The step and the answers live in the page address (query
parameters `s`, `v`, `a`), so the phone's Back button goes one step back, a refresh keeps every
answer, a printed QR code reopens the case, and a kiosk keeps nothing on the server.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant.selfcheck import flow
from assistant.selfcheck.answers import answers_from_case, empty_answers, pack_answers, unpack_answers
from assistant.selfcheck.help import region_help
from views import common
from views.result import show_result

ANSWERS, STEP, VISIT, ERRORS = "sc_answers", "sc_step", "sc_visit", "sc_errors"
URL_KEY = "sc_url"  # the (step, visit) last written to the address
PAD_KEY = "sc_pad_field"  # the amount field the kiosk's number pad types into
PREFILL = "sc_prefill"  # a CONTRACT.md case the 问答 page hands over (then st.switch_page here)
ss = st.session_state


def _read_address() -> None:
    """Answers and step from the address on a new session (refresh, QR code, shared link), the step
    alone on Back/Forward (the session's answers are the newer ones), or a case from the 问答 page."""
    params = st.query_params
    prefill = ss.pop(PREFILL, None)
    if prefill:
        ss[ANSWERS] = answers_from_case(prefill)
        ss[STEP], ss[VISIT], ss[ERRORS] = "review", 0, {}
        return
    url_step, url_visit = params.get("s"), params.get("v")
    if ANSWERS not in ss:
        ss[ANSWERS] = unpack_answers(params.get("a")) or empty_answers()
        ss[STEP] = url_step if url_step in flow.STEPS else "start"
        ss[VISIT] = _visit_number(url_visit)
    elif url_step in flow.STEPS and (url_step, url_visit) != ss.get(URL_KEY):
        ss[STEP], ss[VISIT] = url_step, _visit_number(url_visit)
        ss[ERRORS] = {}
    ss.setdefault(STEP, "start")
    ss.setdefault(VISIT, 0)
    ss.setdefault(ERRORS, {})
    visits = ss[ANSWERS]["visits"]
    if ss[STEP] in flow.VISIT_STEPS and ss[VISIT] > len(visits):
        ss[VISIT] = max(len(visits) - 1, 0)
    if ss[STEP] == "result" and flow.first_incomplete(ss[ANSWERS]) is not None:
        ss[STEP] = "review"


def _visit_number(text) -> int:
    return min(int(text), 49) if isinstance(text, str) and text.isdigit() else 0


def _write_address() -> None:
    """A new step is a new history entry (Streamlit pushes when the query changes), so Back works;
    answers typed within a step replace the current entry's `a` from the browser (no server round)."""
    step, visit = ss[STEP], str(ss[VISIT])
    packed = pack_answers(ss[ANSWERS])
    if common.kiosk():
        # a kiosk keeps one history entry, replaced as the person goes: after the idle reset the next
        # person cannot go Back into someone else's answers (a kiosk has no Back button to need it)
        common.keep_in_address({"s": step, "v": visit, "a": packed})
        return
    if (st.query_params.get("s"), st.query_params.get("v")) != (step, visit):
        wanted = {k: v for k, v in st.query_params.to_dict().items() if k not in ("s", "v", "a")}
        wanted.update(s=step, v=visit)
        if packed:
            wanted["a"] = packed
        st.query_params.from_dict(wanted)  # one message, so one history entry per step
    ss[URL_KEY] = (step, visit)
    common.keep_in_address({"s": step, "v": visit, "a": packed})


_read_address()
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
    ss.pop(PAD_KEY, None)
    errors.clear()


def _next() -> None:
    step, visit = ss[STEP], ss[VISIT]
    if step in flow.VISIT_STEPS:
        _ensure_visit(visit)
    found = flow.check_step(step, answers, visit)
    errors.clear()
    if found:
        _set_errors(found, visit if step in flow.VISIT_STEPS else None)
        return
    if ss.get("sc_editing") and flow.first_incomplete(answers) is None:
        ss.pop("sc_editing", None)  # one answer changed from 核对您的回答: straight back there
        _go("review")
    elif step == "where":
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
        _go("review")
    else:
        _go(flow.STEPS[max(flow.STEPS.index(step) - 1, 0)])


def _start() -> None:
    _go("where", 0)


def _add_visit() -> None:
    _ensure_visit(len(answers["visits"]))
    _go("kind", len(answers["visits"]) - 1)


def _edit(step: str, visit: int | None = None) -> None:
    ss["sc_editing"] = True
    _go(step, visit if visit is not None else 0)


def _remove_visit(index: int) -> None:
    if len(answers["visits"]) > 1:
        del answers["visits"][index]
        if index == 0:
            answers["date"] = answers["visits"][0]["date"]
    _go(ss[STEP], 0)


def _to_review() -> None:
    missing = flow.first_incomplete(answers)
    if missing is None:
        _go("review")
        return
    step, visit = missing
    _go(step, visit)
    _set_errors(flow.check_step(step, answers, visit), visit if step in flow.VISIT_STEPS else None)


def _show_result() -> None:
    missing = flow.first_incomplete(answers)
    if missing is None:
        _go("result")
    else:
        _to_review()


def _restart() -> None:
    common.clear_answers()
    ss[URL_KEY] = (st.query_params.get("s"), st.query_params.get("v"))  # not a Back: the address follows
    ss[ANSWERS] = empty_answers()
    ss[STEP], ss[VISIT], ss[ERRORS] = "start", 0, {}


# ---- widgets bound to the answers ----

def _target(visit: int | None) -> dict:
    return answers if visit is None else answers["visits"][visit]


def _check_into(field: str, visit: int | None, check, value) -> None:
    errors.pop(_error_key(field, visit), None)
    if field == "date" and visit is not None:  # the step check files a visit's date under this name
        errors.pop(_error_key("visit_date", visit), None)
    if check is not None:
        message = check(value)
        if message:
            errors[_error_key(field, visit)] = message


def _changed(field: str, visit: int | None, check) -> None:
    key = _widget_key(field, visit)
    _target(visit)[field] = ss[key]
    _check_into(field, visit, check, ss[key])


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
    else:  # radio: None means "not answered yet"
        ss[key] = value
    with st.container(key=f"sc-field-{key}"):
        result = widget(label, key=key, on_change=_changed, args=(field, visit, check), **kwargs)
    show_error(field, visit)
    return result


def show_error(field: str, visit: int | None = None) -> None:
    message = errors.get(_error_key(field, visit))
    if message:
        with st.container(key=f"sc-err-{field}"):
            st.error(message, icon=":material/warning:")


# ---- a date by taps: year, month and day as buttons (no calendar, no keyboard) ----

def date_field(field: str, label: str, *, visit: int | None = None, check=None) -> None:
    key = _widget_key(field, visit)
    value = _target(visit).get(field)
    parts = {part: ss.get(f"{key}_{part}") for part in ("y", "m", "d")}
    if isinstance(value, dt.date):
        parts = {"y": value.year, "m": value.month, "d": value.day}
    years = flow.year_choices(answers.get("region"))
    if parts["y"] is not None and parts["y"] not in years:
        years = sorted({*years, parts["y"]}, reverse=True)

    def picked(part: str) -> None:
        chosen = {p: ss.get(f"{key}_{p}") if p == part else parts[p] for p in ("y", "m", "d")}
        for p, v in chosen.items():
            ss[f"{key}_keep_{p}"] = v
        day = None
        if all(chosen.values()):
            last = flow.days_in_month(chosen["y"], chosen["m"])
            day = dt.date(chosen["y"], chosen["m"], min(chosen["d"], last))
        _target(visit)[field] = day
        _check_into(field, visit, check, day)

    st.markdown(f"**{label}**")
    with st.container(key=f"sc-date-{key}"):
        for part, options, name, fmt in (
                ("y", years, "年", lambda y: f"{y}年"),
                ("m", list(range(1, 13)), "月", lambda m: f"{m}月"),
                ("d", list(range(1, (flow.days_in_month(parts["y"], parts["m"])
                                     if parts["y"] and parts["m"] else 31) + 1)), "日", lambda d: f"{d}日")):
            ss[f"{key}_{part}"] = parts[part] if parts[part] in options else None
            st.pills(name, options, format_func=fmt, key=f"{key}_{part}", on_change=picked, args=(part,),
                     label_visibility="collapsed" if part != "y" else "visible", width="stretch")
    if isinstance(value, dt.date):
        st.caption(f"已选：{value.year}年{value.month}月{value.day}日")
    show_error(field, visit)


def _remember_parts(key: str) -> None:
    """Half-chosen dates (year and month, no day yet) survive the rerun that follows each tap."""
    for part in ("y", "m", "d"):
        kept = ss.get(f"{key}_keep_{part}")
        if kept is not None and ss.get(f"{key}_{part}") is None:
            ss[f"{key}_{part}"] = kept


# ---- an amount: typed on phones (numeric keyboard, "3万5" understood), a number pad on the kiosk ----

PAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "万", "0", ".")
PAD_NAMES = {"万": "wan", ".": "dot"}  # widget keys become CSS class names: ASCII only


def amount_field(field: str, label: str, *, visit: int, check, placeholder: str, help: str | None = None) -> None:
    key = _widget_key(field, visit)
    if not common.kiosk():
        with st.container(key=f"sc-money-{key}"):
            bound(st.text_input, field, label, visit=visit, check=check, placeholder=placeholder, help=help)
            _explain_words(_target(visit).get(field))
        return
    value = str(_target(visit).get(field) or "")
    active = ss.get(PAD_KEY) == key
    with st.container(border=True, key=f"sc-amount-{key}"):
        st.markdown(f"**{label}**")
        shown = value or placeholder
        st.markdown(f'<div class="sc-pad-value{"" if value else " sc-pad-empty"}" data-testid="sc-pad-value" '
                    f'data-field="{key}">{common.escape(shown)}{" 元" if value else ""}</div>', unsafe_allow_html=True)
        _explain_words(value)
        if not active:
            st.button("输入金额" if not value else "修改金额", key=f"{key}_open", on_click=_open_pad, args=(key,),
                      width="stretch")
        else:
            _number_pad(key, field, visit, check)
    show_error(field, visit)


def _open_pad(key: str) -> None:
    ss[PAD_KEY] = key


def _pad_press(key: str, field: str, visit: int, check, press: str) -> None:
    value = str(_target(visit).get(field) or "")
    if press == "back":
        value = value[:-1]
    elif press == "clear":
        value = ""
    elif press == "done":
        ss.pop(PAD_KEY, None)
    elif len(value) < 12:
        value += press
    _target(visit)[field] = value
    if press in ("done", "clear") or press == "back" or value:
        _check_into(field, visit, check, value)
    if press != "done" and not value:
        errors.pop(_error_key(field, visit), None)


def _number_pad(key: str, field: str, visit: int, check) -> None:
    with st.container(key=f"sc-pad-{key}"):
        for row in range(4):
            cells = st.columns(3, gap="small")
            for column, press in zip(cells, PAD_KEYS[row * 3:row * 3 + 3]):
                column.button(press, key=f"{key}_pad_{PAD_NAMES.get(press, press)}", on_click=_pad_press,
                              args=(key, field, visit, check, press), width="stretch")
        cells = st.columns(3, gap="small")
        cells[0].button("⌫ 退格", key=f"{key}_pad_back", on_click=_pad_press, args=(key, field, visit, check, "back"),
                        width="stretch")
        cells[1].button("清空", key=f"{key}_pad_clear", on_click=_pad_press, args=(key, field, visit, check, "clear"),
                        width="stretch")
        cells[2].button("完成", key=f"{key}_pad_done", on_click=_pad_press, args=(key, field, visit, check, "done"),
                        type="primary", width="stretch")


def _explain_words(value) -> None:
    """“3万5” is read as 35000: say so, so a person sees what will be used."""
    plain = flow.plain_amount(value)
    if isinstance(value, str) and value.strip() and plain != value and plain != value.strip():
        amount, message = flow.check_amount(plain, "金额", required=False)
        if amount is not None and message is None:
            st.caption(f"按 {amount:,.2f} 元计算")


def nav_buttons(*, next_label: str = "下一步", back: bool = True) -> None:
    left, right = st.columns(2)
    with left:
        if back:
            st.button("上一步", key="sc_back", on_click=_back, width="stretch")
    with right:
        st.button(next_label, key="sc_next", on_click=_next, type="primary", width="stretch")


def progress() -> None:
    step = ss[STEP]
    if step in flow.QUESTION_STEPS:
        position = flow.QUESTION_STEPS.index(step)
        count = len(flow.QUESTION_STEPS)
        visit_note = ""
        if step in flow.VISIT_STEPS and (len(answers["visits"]) > 1 or ss[VISIT] > 0):
            visit_note = f" · {flow.visit_label(ss[VISIT] + 1)}"
        st.progress((position + 1) / count, text=f"第 {position + 1} 步，共 {count} 步{visit_note}")
    if step != "start":
        st.subheader(flow.STEP_TITLES[step], anchor=False)


# ---- the pages of the flow ----

def show_start() -> None:
    with st.container(key="sc-start"):
        st.markdown(f'<div class="sc-start-title">{flow.STEP_TITLES["start"]}</div>'
                    '<div class="sc-start-lead">大约 3 分钟；准备好医院结算单更准。</div>'
                    '<ul class="sc-start-list"><li>回答几个问题：在哪里看病、什么医保、有没有低保等身份、花了多少钱。</li>'
                    '<li>看到基本医保、大病保险、医疗救助各报多少，自己付多少，每个数字都有政策原文。</li>'
                    '<li>填的内容只在这个页面里，不保存、不上传。</li></ul>', unsafe_allow_html=True)
        st.button("开始自查", key="sc_start", on_click=_start, type="primary", width="stretch")
        if answers.get("region") or answers["visits"]:
            st.button("接着上次的回答", key="sc_resume", on_click=_to_review, width="stretch")
        left, right = st.columns(2)
        left.button("问一个问题（问答）", key="sc_to_chat", on_click=common.goto, args=("chat",), width="stretch")
        right.button("查政策原文", key="sc_to_documents", on_click=common.goto, args=("documents",), width="stretch")
        with st.container(key="sc-warm"):
            st.radio("warm", ["a"], index=None, key="sc_warm_radio", label_visibility="collapsed")
            st.pills("warm", ["a"], key="sc_warm_pills", label_visibility="collapsed")
            st.checkbox("warm", key="sc_warm_check", label_visibility="collapsed")
            st.text_input("warm", key="sc_warm_text", label_visibility="collapsed")
            st.expander("warm")
        if not common.kiosk():
            workspace = common.PAGES.get("workspace")
            if workspace:
                st.page_link(workspace, label="村干部：给一家人算（工作台，需要登录）", icon=":material/groups:")
            else:
                st.caption("这里一次算一位病人。村干部要给一家人算、全年跟踪，请用工作台（登录后使用）。")


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
            return "请选择看病的日期（有几次看病就选第一次的日期）。"
        _, message, field = flow.policy_or_problem(answers.get("region"), value)
        return message if field == "date" else None

    _remember_parts(_widget_key("date", None))
    date_field("date", "看病是哪一天？（有几次就选第一次）", check=check_date)
    st.caption("地区和日期决定按哪一份政策计算。")
    nav_buttons()


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
    st.write("问的是这位病人本人。可以勾选多个；几种身份都有时，按最有利的一种计算（就高不就低），不会叠加。")
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
        ss["sc_w_identity_unsure"] = bool(answers.get("identity_unsure"))
        st.checkbox("不清楚有没有这些身份", key="sc_w_identity_unsure", on_change=_changed,
                    args=("identity_unsure", None, None), width="stretch")
    if answers.get("identity_unsure"):
        st.info(region_help(pack.id if pack else None)["ask"] + "不确定时先按普通参保人计算，结果页会列出每种身份下要自付多少，方便对照。",
                icon=":material/info:")
    show_error("identities")
    if not common.kiosk():
        st.caption("要给一家人分别算、全年跟踪，请村干部用工作台。")
    nav_buttons()


def ask_kind(visit: int) -> None:
    _ensure_visit(visit)
    if visit == 0:
        st.caption(f"日期：{answers['date']}（第一步选的日期）")
    else:
        _remember_parts(_widget_key("date", visit))
        date_field("date", f"{flow.visit_label(visit + 1)}是哪一天？", visit=visit,
                   check=lambda _: flow.check_step("kind", answers, visit).get("visit_date"))
    show_error("visit_date", visit)
    kinds = flow.kind_choices()
    bound(st.radio, "kind", "这次看病是哪一种？", visit=visit, options=kinds,
          captions=[flow.KIND_HELP[c] for c in kinds])
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    diseases = flow.disease_choices(pack)
    if diseases and answers["visits"][visit].get("kind") == "inpatient":
        bound(st.selectbox, "disease", "住院看的是不是下面这些大病？", visit=visit, options=diseases,
              placeholder="不是这些病 / 不清楚")
        st.caption("文件列出的集中救治大病，家庭只负担政策范围内费用的10%。")
    nav_buttons()


def ask_level(visit: int) -> None:
    pack, _ = flow.pick_policy(answers.get("region"), answers.get("date"))
    words = region_help(pack.id if pack else None)
    levels = flow.level_choices()
    bound(st.radio, "hospital_level", "医院是哪一级？", visit=visit, options=levels,
          captions=[words["levels"].get(c, "") for c in levels])
    st.caption(words["level_unsure"])
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

    amount_field("total", "这次看病一共花了多少钱（元）？", visit=visit, check=amount_check("总费用", True, True),
                 placeholder="例如 35000 或 3万5")
    st.caption("住院发票或结算单上的“医疗费用总额”。")
    known = {"known": "知道，我来填", "unknown": "不清楚"}
    bound(st.radio, "ooc_known", "知道其中目录外（全自费）的钱是多少吗？", visit=visit, options=known)
    st.caption(flow.OUT_OF_CATALOG_HELP)
    if answers["visits"][visit].get("ooc_known") == "known":
        amount_field("out_of_catalog", "目录外（全自费）费用（元）", visit=visit, check=amount_check("目录外费用", True),
                     placeholder="例如 1500")
    amount_field("basic_paid", "基本医保已经报销了多少（元）？可以不填", visit=visit,
                 check=amount_check("基本医保已报销", False), placeholder="看结算单，不知道就空着")
    st.caption(flow.BASIC_PAID_HELP)
    with st.expander("乙类费用（一般不用填）", expanded=bool(answers["visits"][visit].get("category_b"))):
        amount_field("category_b", "乙类费用（元）", visit=visit, check=amount_check("乙类费用", False),
                     placeholder="不知道就空着")
        st.caption(flow.CATEGORY_B_HELP)
    if not common.kiosk():
        common.decimal_keyboard()
    nav_buttons()


def ask_visits() -> None:
    st.write("同一年里看病的钱要一起算：大病保险的起付线一年只扣一次，救助也按年累计。")
    for index, visit in enumerate(answers["visits"]):
        with st.container(border=True, key=f"sc-visit-{index}"):
            kind = flow.kind_choices().get(visit.get("kind"), "未填")
            level = flow.level_choices().get(visit.get("hospital_level"), "未填")
            st.markdown(f"**{flow.visit_label(index + 1)}**：{visit.get('date') or '日期未填'} · {kind} · "
                        f"{level} · 总费用 {flow.plain_amount(visit.get('total')) or '未填'} 元")
            left, right = st.columns(2)
            left.button("修改", key=f"sc_edit_{index}", on_click=_go, args=("kind", index), width="stretch")
            if len(answers["visits"]) > 1:
                right.button("删除", key=f"sc_remove_{index}", on_click=_remove_visit, args=(index,),
                             width="stretch")
    st.button("＋ 再加一次看病", key="sc_add_visit", on_click=_add_visit, width="stretch")
    left, right = st.columns(2)
    left.button("上一步", key="sc_back", on_click=_back, width="stretch")
    right.button("核对回答", key="sc_to_review", on_click=_to_review, type="primary", width="stretch")


def show_review() -> None:
    st.write("请看一遍，点“修改”可以改任何一项；没问题就看结果。")
    with st.container(key="sc-review"):
        for i, row in enumerate(flow.review_rows(answers)):
            with st.container(border=True, key=f"sc-review-{i}", horizontal=True, vertical_alignment="center"):
                st.markdown(f'<div class="sc-review-label">{common.escape(row["label"])}</div>'
                            f'<div class="sc-review-value">{common.escape(row["value"])}</div>',
                            unsafe_allow_html=True, width="stretch")
                st.button("修改", key=f"sc_review_edit_{i}", on_click=_edit, args=(row["step"], row["visit"]),
                          width="content")
    st.button("＋ 再加一次看病", key="sc_add_visit", on_click=_add_visit, width="stretch")
    left, right = st.columns(2)
    left.button("上一步", key="sc_back", on_click=_go, args=("visits",), width="stretch")
    right.button("看结果", key="sc_show_result", on_click=_show_result, type="primary", width="stretch")


# ---- the page ----

with st.container(key=f"sc-step-{ss[STEP]}"):
    progress()
    step, visit = ss[STEP], ss[VISIT]
    if step == "start":
        show_start()
    elif step == "where":
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
    elif step == "review":
        show_review()
    else:
        show_result(answers, on_back=_back, on_restart=_restart, edit=_edit)
_write_address()
common.follow_goto()
