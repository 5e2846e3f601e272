"""The result of the self-check: what the person pays, each tier with its formula and clause,
entitlements, warnings, comparisons, assumptions and the one-page summary. Numbers come from `settle`."""
from __future__ import annotations

import json

import streamlit as st

from assistant.selfcheck import flow
from assistant.selfcheck.compare import compare_identities, compare_referral
from assistant.errors import InputError
from assistant.settlement import settle
from assistant.settlement.api import dumps
from assistant.selfcheck.present import (ASSUMPTION_HELP, TIER_HELP, bar_html, money, person_line, share,
                                  summary_html, tier_name, visit_title)
from views import common

CACHE, SHOW_FORMULA = "sc_cache", "sc_show_formula"
ss = st.session_state


def compute(answers: dict) -> dict:
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


def show_result(answers: dict, on_back, on_restart) -> None:
    try:
        found = compute(answers)
    except InputError as error:
        st.error(error.message, icon=":material/warning:")
        st.button("返回修改", key="sc_back", on_click=on_back)
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
    left.button("上一步（修改）", key="sc_back", on_click=on_back, width="stretch")
    right.button("重新开始", key="sc_restart", on_click=on_restart, width="stretch")


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
