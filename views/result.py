"""The result of the self-check, short: what the person pays and why on one screen, tiers that paid
nothing on one line, formulas one tap away (open by default only for a cadre), then the 明白纸 (PDF)
and read aloud. Details (next steps, comparisons, assumptions) are folded below. Numbers come from `settle`."""
from __future__ import annotations

import base64
import os

import streamlit as st

from assistant.errors import InputError
from assistant.knowledge.store import tier_codes
from assistant.selfcheck import flow
from assistant.selfcheck.answers import pack_answers
from assistant.selfcheck.compare import compare_identities, compare_referral
from assistant.selfcheck.present import (ASSUMPTION_HELP, bar_html, money, paid_total, person_line,
                                         share, tier_help, tier_name)
from assistant.selfcheck.speech import SpeechUnavailable, speak, spoken_text
from assistant.selfcheck.summary_pdf import (range_line, summary_filename, summary_pdf, summary_png, threshold_lines,
                                             tier_rows)
from assistant.settlement import settle
from assistant.jsonio import dumps
from views import common

CACHE, SHOW_FORMULA, AUDIO = "sc_cache", "sc_show_formula", "sc_audio"
ss = st.session_state


def reopen_url(answers: dict) -> str:
    """The address that reopens this case at its result (what the QR code on paper carries).
    SANCHONG_PUBLIC_URL names the address phones reach when the app runs behind another name."""
    base = os.environ.get("SANCHONG_PUBLIC_URL") or _origin()
    query = f"s=result&a={pack_answers(answers)}"
    return f"{base.rstrip('/')}/selfcheck?{query}"


def _origin() -> str:
    url = getattr(st.context, "url", None) or "http://localhost:8501/"
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def compute(answers: dict) -> dict:
    """settle and the comparisons for the current answers, kept while the answers stay the same."""
    case, notes = flow.build_case(answers)
    key = dumps(case)
    cached = ss.get(CACHE)
    if cached and cached["key"] == key:
        return cached
    result = settle(case)
    found = {"key": key, "case": case, "notes": notes, "result": result}
    ss[CACHE] = found
    ss.pop(AUDIO, None)
    return found


def show_result(answers: dict, on_back, on_restart, edit=None) -> None:
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
            f'<b>{money(paid_total(result))}</b> 元</div>', unsafe_allow_html=True)
        st.caption(f"{answers['region']} · {person_line(case)}")
        for line in threshold_lines(result):
            st.markdown(f'<div class="sc-next-tier" data-testid="sc-threshold">{common.escape(line)}</div>',
                        unsafe_allow_html=True)
        if range_line(result):
            st.markdown(f'<div class="sc-why" data-testid="sc-range">{common.escape(range_line(result))}</div>',
                        unsafe_allow_html=True)
        st.markdown(bar_html(result), unsafe_allow_html=True)
        choice = result.get("identity_choice")
        if choice:
            st.caption(choice["reason"])
        show_tiers(result)
        show_take_away(found, answers)
        show_flags(result)
        with st.expander("您可以享受的待遇和下一步", key="sc-more-eligibility"):
            show_entitlements(result)
        # the what-ifs settle the year a dozen times more: only when a person opens them
        with st.expander("换一种情况会怎样（转诊、身份）", key="sc_more_compare", on_change="rerun"):
            if ss.get("sc_more_compare"):
                show_comparisons(found)
            else:
                st.caption("打开后计算……")
        show_assumptions(result, notes)
        st.caption(flow.DISCLAIMER)
    left, right = st.columns(2)
    left.button("修改回答", key="sc_back", on_click=on_back, width="stretch")
    right.button("重新开始", key="sc_restart", on_click=on_restart, width="stretch")


def show_tiers(result: dict) -> None:
    paid, nothing = tier_rows(result)
    st.subheader("谁报了多少", anchor=False)
    open_formulas = common.is_cadre()
    many = len(result["visits"]) > 1
    # every visit's amount per tier, as data for tests and assistive tools (the page shows the year's)
    data = "".join(f'<span data-testid="sc-tier-amount" data-tier="{item["tier"]}" data-visit="{number}" '
                   f'data-amount="{item["amount"]}">{money(item["amount"])}</span>'
                   for number, visit in enumerate(result["visits"], start=1) for item in visit["tiers"])
    st.html(f'<div class="sc-tier-data" hidden>{data}</div>')
    for tier in (t for t in tier_codes() if result["totals"].get(t, 0) > 0):
        parts = [(number, item) for number, visit in enumerate(result["visits"], start=1)
                 for item in visit["tiers"] if item["tier"] == tier]
        tier_card(tier, result["totals"][tier], parts, many, open_formulas)
    if nothing:
        reasons = "".join(
            f'<div class="sc-formula">{"第" + str(number) + "次：" if many else ""}<b>{tier_name(item["tier"])}</b>：'
            f'{common.escape(item["formula"])}</div>'
            for number, visit in enumerate(result["visits"], start=1) for item in visit["tiers"]
            if item["amount"] == 0 and tier_name(item["tier"]) in nothing)
        st.markdown(f'<div class="sc-zero-line" data-testid="sc-zero-tiers">没有报销：{"、".join(nothing)}'
                    f'<details class="sc-details"{" open" if open_formulas else ""}><summary>为什么没有报销</summary>'
                    f'{reasons}</details></div>', unsafe_allow_html=True)


def tier_card(tier: str, amount, parts: list, many: bool, open_formulas: bool) -> None:
    """One line per tier that paid (name and amount); one tap opens how it was computed and the clauses."""
    formulas = "".join(
        f'<div class="sc-formula">{"第" + str(number) + "次：" if many else ""}{common.escape(item["formula"])}</div>'
        for number, item in parts)
    citations = [c for _, item in parts for c in item["citations"]]
    unique = list({(c["doc"], c["clause"], c["quote"]): c for c in citations}.values())
    with st.expander(f"**{tier_name(tier)}**　{money(amount)} 元", expanded=open_formulas, key=f"sc-tier-{tier}"):
        st.markdown(f'<div class="sc-help">{common.escape(tier_help(tier))}</div>'
                    f'<div data-testid="sc-formula"><b>怎么算的：</b>{formulas}</div>'
                    f'{common.citations_html(unique, "政策原文依据")}', unsafe_allow_html=True)
        common.clause_buttons(unique, key=f"sc_cite_{tier}")


def show_flags(result: dict) -> None:
    if not result["flags"]:
        return
    flags = "".join(f'<div class="sc-flag" data-code="{common.escape(flag["code"])}">'
                    f'<b>请注意：</b>{common.escape(flag["message"])}'
                    f'{common.citations_html(flag["citations"], "依据")}</div>' for flag in result["flags"])
    with st.container(key="sc-flags"):
        st.markdown(flags, unsafe_allow_html=True)


def show_entitlements(result: dict) -> None:
    items = "".join(f'<div class="sc-item"><b>{common.escape(item["item"])}</b>：{common.escape(item["result"])}'
                    f'{common.citations_html(item["citations"])}</div>' for item in result["eligibility"])
    with st.container(key="sc-eligibility"):
        st.markdown(items, unsafe_allow_html=True)


def show_comparisons(found: dict) -> None:
    if "referral" not in found:
        case = found["case"]
        found["referral"] = compare_referral(case)
        found["identities"] = compare_identities(case, case["identities"])
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
    count = len({*(note["text"] for note in notes), *result["assumptions"]})
    with st.expander(f"计算时用到的假设（{count} 条）", key="sc-more-assumptions"):
        lines = [f"<li>{common.escape(note['text'])}{common.citations_html(note['citations'], '依据')}</li>"
                 for note in notes]
        noted = {note["text"] for note in notes}
        lines += [f"<li>{common.escape(line)}</li>" for line in result["assumptions"] if line not in noted]
        st.markdown(f'<div class="sc-help">{common.escape(ASSUMPTION_HELP)}</div><ul>{"".join(lines)}</ul>',
                    unsafe_allow_html=True)


def show_take_away(found: dict, answers: dict) -> None:
    """Read aloud, the 明白纸 (PDF) and, on the kiosk, a QR code to carry the result home on a phone."""
    url = reopen_url(answers)
    with st.container(key="sc-take-away"):
        left, right = st.columns(2)
        with left:
            st.button("朗读结果", key="sc_speak", icon=":material/volume_up:", on_click=_speak, args=(found["result"],),
                      width="stretch")
        with right:
            if not common.kiosk():
                st.download_button("下载明白纸（PDF）", data=lambda: _pdf(found, url), key="sc_pdf",
                                   icon=":material/download:",
                                   file_name=summary_filename(None), mime="application/pdf", width="stretch",
                                   on_click="ignore")
            else:
                _print_button(found, url)
        if not common.kiosk():
            with st.expander("在微信里打开？把明白纸存成图片", key="sc_pdf_image", on_change="rerun"):
                if ss.get("sc_pdf_image"):
                    image = summary_png(_pdf(found, url))
                    if image:
                        st.image(image, caption="长按图片，选“保存图片”或“发送给朋友”")
                    else:
                        st.caption("这台服务器不能把明白纸转成图片，请用上面的“下载明白纸（PDF）”。")
        audio = ss.get(AUDIO)
        if isinstance(audio, bytes):
            st.audio(audio, format="audio/wav", autoplay=True)
        elif isinstance(audio, str):
            st.caption(audio)
        if common.kiosk():
            import segno
            qr = segno.make(url, error="m").svg_data_uri(scale=5, border=2)
            st.markdown(f'<div data-testid="sc-qr" style="text-align:center"><img src="{qr}" alt="二维码" '
                        f'style="width:220px;height:220px;background:#fff"><div>用手机扫一扫，把结果带走'
                        f'（自助机不保存任何内容）</div></div>', unsafe_allow_html=True)


def _speak(result: dict) -> None:
    try:
        ss[AUDIO] = speak(spoken_text(result))
    except SpeechUnavailable as error:
        ss[AUDIO] = str(error)


def _pdf(found: dict, url: str) -> bytes:
    """The 明白纸 for these answers (made once per result; kept only in this session's memory)."""
    if found.get("pdf_url") != url:
        found["pdf"] = summary_pdf(found["result"], found["case"], notes=found["notes"], reopen_url=url)
        found["pdf_url"] = url
    return found["pdf"]


def _print_button(found: dict, url: str) -> None:
    """The kiosk prints the same PDF (nothing is saved: it goes from memory to the printer)."""
    if not ss.get("sc_pdf_ready"):
        st.button("打印明白纸", key="sc_print_prepare", on_click=lambda: ss.__setitem__("sc_pdf_ready", True),
                  width="stretch")
        return
    data = base64.b64encode(_pdf(found, url)).decode("ascii")
    st.html(f"""<button type="button" class="sc-print" data-testid="sc-print">打印明白纸</button>
<script>
(function () {{
  var data = "{data}";
  document.querySelectorAll('[data-testid="sc-print"]').forEach(function (button) {{
    if (button.dataset.ready) return;
    button.dataset.ready = "1";
    button.addEventListener("click", function () {{
      var bytes = Uint8Array.from(atob(data), function (c) {{ return c.charCodeAt(0); }});
      var url = URL.createObjectURL(new Blob([bytes], {{ type: "application/pdf" }}));
      var frame = document.createElement("iframe");
      frame.style.cssText = "position:fixed;right:0;bottom:0;width:0;height:0;border:0";
      frame.src = url;
      frame.onload = function () {{ frame.contentWindow.focus(); frame.contentWindow.print();
        setTimeout(function () {{ frame.remove(); URL.revokeObjectURL(url); }}, 60000); }};
      document.body.appendChild(frame);
    }});
  }});
}})();
</script>""", unsafe_allow_javascript=True)
