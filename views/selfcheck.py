"""自查: one question at a time, then what each tier pays and why. The numbers come from `settle`."""
from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from assistant import ui_flow as flow
from assistant.compare import compare_identities, compare_referral
from assistant.errors import InputError
from assistant.settlement import settle
from assistant.settlement.api import dumps
from assistant.ui_present import (ASSUMPTION_HELP, TIER_HELP, bar_html, money, person_line, share,
                                  summary_html, tier_name, visit_title)
from views import common

ANSWERS, STEP, VISIT, ERRORS, CACHE = "sc_answers", "sc_step", "sc_visit", "sc_errors", "sc_cache"
SHOW_FORMULA = "sc_show_formula"
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
    referrals = flow.referral_choices()
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


# ---- the result ----

def compute() -> dict:
    """settle and the comparisons for the current answers, kept while the answers stay the same."""
    case, notes = flow.build_case(answers)
    key = dumps(case)
    cached = ss.get(CACHE)
    if cached and cached["key"] == key:
        return cached
    result = settle(case)
    found = {"key": key, "case": case, "notes": notes, "result": result,
             "referral": compare_referral(case), "identities": compare_identities(case, case["identities"])}
    found["summary"] = summary_html(result, case, notes, region=answers["region"], referral=found["referral"],
                                    identities=found["identities"])
    # no "<" inside the print script: the sanitizer drops a script whose text looks like markup
    found["summary_js"] = json.dumps(found["summary"]).replace("<", "\\u003c").replace(">", "\\u003e")
    ss[CACHE] = found
    return found


def show_result() -> None:
    try:
        found = compute()
    except InputError as error:
        st.error(error.message, icon=":material/warning:")
        st.button("返回修改", key="sc_back", on_click=_back)
        return
    result, case, notes = found["result"], found["case"], found["notes"]
    totals = result["totals"]
    with st.container(key="sc-result"):
        st.markdown(
            f'<div class="sc-amount-label">您这一年大约要自己付</div>'
            f'<div class="sc-amount-big" data-testid="sc-out-of-pocket" data-amount="{totals["out_of_pocket"]}">'
            f'{money(totals["out_of_pocket"])} 元</div>'
            f'<div class="sc-share" data-testid="sc-share">占总费用 {money(totals["total"])} 元的 '
            f'<b>{share(totals["out_of_pocket"], totals["total"])}</b>；各项保障一共报销 '
            f'<b>{money(totals["total"] - totals["out_of_pocket"])}</b> 元</div>', unsafe_allow_html=True)
        st.caption(f"{answers['region']} · {person_line(case)}")
        st.markdown(bar_html(result), unsafe_allow_html=True)
        choice = result.get("identity_choice")
        if choice:
            st.info(choice["reason"], icon=":material/badge:")
        ss.setdefault(SHOW_FORMULA, True)
        st.toggle("显示计算过程（公式）", key=SHOW_FORMULA)
        show_tiers(result)
        show_entitlements(result)
        show_comparisons(found)
        show_assumptions(result, notes)
        st.warning(flow.DISCLAIMER, icon=":material/info:")
        show_summary(found)
    left, right = st.columns(2)
    left.button("上一步（修改）", key="sc_back", on_click=_back, width="stretch")
    right.button("重新开始", key="sc_restart", on_click=_restart, width="stretch")


def show_tiers(result: dict) -> None:
    many = len(result["visits"]) > 1
    st.subheader("每一项报销了多少", anchor=False)
    if many:
        rows = "".join(f"<tr><td>{tier_name(t)}</td><td class='num'>{money(result['totals'][t])}</td></tr>"
                       for t in ("basic", "critical_illness", "medical_aid", "tilted_aid", "major_illness_aid",
                                 "poverty_fund") if result["totals"].get(t))
        st.markdown(f"<table class='sc-table' data-testid='sc-year-totals'><tr><th>全年合计</th>"
                    f"<th class='num'>元</th></tr>{rows}<tr><td><b>个人自付</b></td><td class='num'><b>"
                    f"{money(result['totals']['out_of_pocket'])}</b></td></tr></table>", unsafe_allow_html=True)
    for number, visit in enumerate(result["visits"], start=1):
        if many:
            st.subheader(visit_title(number, visit), anchor=False, divider="gray")
            st.caption(f"总费用 {money(visit['total'])} 元，自付 {money(visit['out_of_pocket'])} 元")
        for tier in visit["tiers"]:
            tier_card(number, tier)


def tier_card(number: int, tier: dict) -> None:
    paid = tier["amount"] > 0
    formula = (f'<div class="sc-formula"><b>怎么算的：</b>{common.escape(tier["formula"])}</div>'
               if ss.get(SHOW_FORMULA, True) else "")
    with st.container(border=True, key=f"sc-tier-{number}-{tier['tier']}"):
        st.markdown(
            f'<div class="sc-tier-head"><span class="sc-tier-name">{tier_name(tier["tier"])}</span>'
            f'<span class="sc-tier-amount{"" if paid else " sc-zero"}" data-testid="sc-tier-amount" '
            f'data-tier="{tier["tier"]}" data-visit="{number}" data-amount="{tier["amount"]}">'
            f'{money(tier["amount"])} 元</span></div>'
            f'<div class="sc-help">{common.escape(TIER_HELP.get(tier["tier"], ""))}</div>{formula}'
            f'{common.citations_html(tier["citations"], "政策原文依据")}', unsafe_allow_html=True)
        common.clause_buttons(tier["citations"], key=f"sc_cite_{number}_{tier['tier']}")


def show_entitlements(result: dict) -> None:
    st.subheader("您可以享受的待遇和下一步", anchor=False)
    items = "".join(f'<div class="sc-item"><b>{common.escape(item["item"])}</b>：{common.escape(item["result"])}'
                    f'{common.citations_html(item["citations"])}</div>' for item in result["eligibility"])
    with st.container(key="sc-eligibility"):
        st.markdown(items, unsafe_allow_html=True)
    if result["flags"]:
        st.subheader("请注意", anchor=False)
        flags = "".join(f'<div class="sc-flag" data-code="{common.escape(flag["code"])}">'
                        f'<b>注意：</b>{common.escape(flag["message"])}'
                        f'{common.citations_html(flag["citations"], "依据")}</div>' for flag in result["flags"])
        with st.container(key="sc-flags"):
            st.markdown(flags, unsafe_allow_html=True)


def show_comparisons(found: dict) -> None:
    st.subheader("换一种情况会怎样", anchor=False)
    referral = found["referral"]
    difference = referral["difference"]
    rows = (f"<tr><td>都已转诊或备案</td><td class='num'>{money(referral['referred']['out_of_pocket'])}</td></tr>"
            f"<tr><td>都没有转诊</td><td class='num'>{money(referral['not_referred']['out_of_pocket'])}</td></tr>")
    st.markdown(f"<table class='sc-table' data-testid='sc-compare-referral'><tr><th>同样的费用，如果……</th>"
                f"<th class='num'>自己付（元）</th></tr>{rows}</table>", unsafe_allow_html=True)
    if difference > 0:
        st.caption(f"没有转诊要多付 {money(difference)} 元：未按规定转诊的费用不能享受医疗救助等待遇。")
    else:
        st.caption("对这笔费用，转不转诊不影响自己付的钱。")
    identity_rows = []
    for row in found["identities"]:
        mark = "（您填写的）" if row["held"] else ""
        mark += " ✔ 适用" if row["applied"] else ""
        identity_rows.append(f"<tr class='{'sc-held' if row['held'] else ''}'><td>{common.escape(row['name'])}"
                             f"{mark}</td><td class='num'>{money(row['out_of_pocket'])}</td></tr>")
    st.markdown(f"<table class='sc-table' data-testid='sc-compare-identity'><tr><th>同样的费用，按身份</th>"
                f"<th class='num'>自己付（元）</th></tr>{''.join(identity_rows)}</table>", unsafe_allow_html=True)
    st.caption("身份要由民政、乡村振兴等部门认定；这张表只是帮您对照，不能自己选择身份。")


def show_assumptions(result: dict, notes: list[dict]) -> None:
    count = len(notes) + len(result["assumptions"])
    with st.expander(f"计算时用到的假设（{count} 条）"):
        lines = [f"<li>{common.escape(note['text'])}{common.citations_html(note['citations'], '依据')}</li>"
                 for note in notes]
        lines += [f"<li>{common.escape(line)}</li>" for line in result["assumptions"]]
        st.markdown(f'<div class="sc-help">{common.escape(ASSUMPTION_HELP)}</div><ul>{"".join(lines)}</ul>',
                    unsafe_allow_html=True)


def show_summary(found: dict) -> None:
    page = found["summary"]
    st.subheader("打印或保存", anchor=False)
    if not common.kiosk():
        st.download_button("下载一页纸摘要（可打印）", data=page.encode("utf-8"), file_name="三重保障自查结果.html",
                           mime="text/html", key="sc_download", width="stretch", on_click="ignore")
    text = found["summary_js"]
    st.html(f"""<button type="button" class="sc-print" data-testid="sc-print"
 style="min-height:3rem;width:100%;border-radius:.5rem;border:1px solid #d0d7de;background:#fff;font-size:1rem;cursor:pointer">
打印一页纸摘要</button>
<script>
(function () {{
  var page = {text};
  document.querySelectorAll('[data-testid="sc-print"]').forEach(function (button) {{
    if (button.dataset.ready) return;
    button.dataset.ready = "1";
    button.addEventListener("click", function () {{
      var frame = document.createElement("iframe");
      frame.style.position = "fixed"; frame.style.right = "0"; frame.style.bottom = "0";
      frame.style.width = "0"; frame.style.height = "0"; frame.style.border = "0";
      frame.srcdoc = page;
      frame.onload = function () {{ frame.contentWindow.focus(); frame.contentWindow.print();
        setTimeout(function () {{ frame.remove(); }}, 60000); }};
      document.body.appendChild(frame);
    }});
  }});
}})();
</script>""", unsafe_allow_javascript=True)


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
        show_result()
common.follow_goto()
