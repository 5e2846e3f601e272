"""What every page shares: kiosk mode, the style sheet, the idle reset and how a quote is shown.

Streamlit only; the words and figures come from assistant/ (assistant/selfcheck), never from here.
"""
from __future__ import annotations

import html
import json
import time
from pathlib import Path

import streamlit as st

from assistant.selfcheck.present import BAR_CSS, FONT_STACK, clause_text, doc_status, doc_title

KIOSK_KEY = "app_kiosk"
IDLE_KEY = "app_idle_seconds"
FOCUS_KEY = "app_doc_focus"  # (doc id, clause id) the 政策原文 page should open at
DEFAULT_IDLE_SECONDS = 120

PAGES = {
    "selfcheck": "views/selfcheck.py",
    "chat": "views/chat.py",
    "documents": "views/documents.py",
    "about": "views/about.py",
}
if (Path(__file__).resolve().parent / "workspace.py").exists():  # the cadre's workspace, when it is there
    PAGES["workspace"] = "views/workspace.py"


@st.cache_resource
def favicon():
    """A small red cross drawn here, so no icon is fetched from the internet (kiosks may be offline)."""
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (64, 64), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((2, 2, 61, 61), radius=12, fill=(192, 57, 43, 255))
    draw.rectangle((26, 12, 37, 51), fill=(255, 255, 255, 255))
    draw.rectangle((12, 26, 51, 37), fill=(255, 255, 255, 255))
    return image


def read_mode() -> bool:
    """Kiosk mode from ?kiosk=1 (kept for the session); ?reset=1 clears everything a person entered."""
    params = st.query_params
    if params.get("kiosk") in ("1", "true", "yes"):
        st.session_state[KIOSK_KEY] = True
        idle = params.get("idle")
        if idle and idle.isdigit():  # shorter idle time for tests; bounded so it cannot lock a kiosk
            st.session_state[IDLE_KEY] = min(max(int(idle), 2), 600)
    if params.get("reset") == "1":  # the kiosk's idle reset: nothing of the last person stays
        clear_answers()
        for name in ("reset", "s", "v", "a"):
            if name in st.query_params:
                del st.query_params[name]
    return kiosk()


def kiosk() -> bool:
    return bool(st.session_state.get(KIOSK_KEY))


def is_cadre() -> bool:
    """A cadre signed in to the workspace (`ws_actor`) sees formulas open by default (never on a kiosk)."""
    state = st.session_state
    return bool(state.get("app_cadre") or state.get("ws_actor")) and not kiosk()


def scroll_to(selector: str, token: str) -> None:
    """Bring an element into view once per `token` (a new clause opened far down the page)."""
    st.html(f"""<div data-testid="sc-scroll" data-token="{html.escape(token)}" style="display:none"></div><script>
(function () {{
  var selector = {json.dumps(selector)}, tries = 0;
  var go = function () {{
    var target = document.querySelector(selector);
    if (target) {{ target.scrollIntoView({{ behavior: "smooth", block: "start" }}); return; }}
    if (tries++ < 40) setTimeout(go, 50);
  }};
  go();
}})();
</script>""", unsafe_allow_javascript=True)


def kiosk_params() -> dict:
    return {"kiosk": "1"} if kiosk() else {}


def clear_answers() -> None:
    for key in [k for k in st.session_state if str(k).startswith(("sc_", "doc_", "app_doc", "chat_"))]:
        del st.session_state[key]


def go(page: str) -> None:
    st.switch_page(PAGES[page], query_params=kiosk_params() or None)


def goto(page: str) -> None:
    """A button's callback that opens another page (st.switch_page cannot run inside a callback)."""
    st.session_state["app_goto"] = page


def keep_in_address(params: dict) -> None:
    """Put these query parameters in the address bar without a new history entry or a rerun, so a
    refresh keeps what was typed on this step (the step itself is a history entry: see selfcheck)."""
    wanted = json.dumps(params).replace("<", "\\u003c")
    st.html(f"""<div data-testid="sc-address" style="display:none"></div><script>
(function () {{
  var want = {wanted};
  var url = new URL(window.location.href), changed = false;
  Object.keys(want).forEach(function (name) {{
    var value = want[name];
    if (!value) {{ if (url.searchParams.has(name)) {{ url.searchParams.delete(name); changed = true; }} }}
    else if (url.searchParams.get(name) !== value) {{ url.searchParams.set(name, value); changed = true; }}
  }});
  if (changed) window.history.replaceState(window.history.state, "", url.toString());
}})();
</script>""", unsafe_allow_javascript=True)


# Colours in two sets, light and dark (Streamlit follows the system's setting, and so do these):
# every text colour here is ≥ 4.5:1 on its theme's background, and a chosen answer is marked by
# a thick border and a check mark as well as colour (never colour alone).
BASE_CSS = f"""
<style>
:root {{
  --sc-accent: #8f3f00; --sc-muted: #4d5660; --sc-border: #8c959f; --sc-line: #d0d7de;
  --sc-choice-bg: rgba(179, 38, 30, .08); --sc-choice: #b3261e; --sc-link: #0a58b0;
  --sc-flag-bg: #fff4c2; --sc-flag-border: #9a6700; --sc-ok: #116329; --sc-draft: #7d4e00; --sc-info: #0a58b0;
  --sc-mark-bg: #fff1a8; --sc-card-bg: transparent;
}}
@media (prefers-color-scheme: dark) {{
  :root {{
    --sc-accent: #ffb067; --sc-muted: #b6bfc9; --sc-border: #8b949e; --sc-line: #3d444d;
    --sc-choice-bg: rgba(255, 138, 128, .14); --sc-choice: #ff8a80; --sc-link: #7cc4ff;
    --sc-flag-bg: rgba(210, 153, 34, .16); --sc-flag-border: #d29922; --sc-ok: #56d364; --sc-draft: #e3b341;
    --sc-info: #7cc4ff; --sc-mark-bg: rgba(210, 153, 34, .35);
  }}
}}
/* Chinese first: every text element names the installed CJK font (icons are spans and keep theirs) */
html, body, .stApp, .stApp p, .stApp li, .stApp label, .stApp button, .stApp input, .stApp textarea,
.stApp td, .stApp th, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp h5, .stApp summary, .stApp a,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stCaptionContainer"] {{
  font-family: {FONT_STACK} !important;
}}
/* 适老化: no text below 16px on a phone (Streamlit draws captions and labels at 14px) */
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] p,
.stApp [data-testid="stWidgetLabel"] p, .stApp [data-testid="stMarkdownContainer"] p,
.stApp [data-testid="stMarkdownContainer"] li, .stApp .stButton button p, .stApp [data-testid="stExpander"] summary p,
.stApp [data-testid="stRadioOption"] p, .stApp [data-testid="stCheckbox"] p, .stApp [data-testid="stProgress"] p,
.stApp input, .stApp [data-testid="stPageLink"] p, .stApp button[data-variant="pills"] p,
.stApp [data-testid="stAlertContainer"] p {{ font-size: 1rem; }}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] p {{ color: var(--sc-muted);
  opacity: 1 !important; }}  /* Streamlit fades captions to 60%: below 4.5:1 */
.sc-amount-big {{ font-size: clamp(2rem, 11vw, 2.8rem); font-weight: 800; line-height: 1.15; color: var(--sc-accent);
  white-space: nowrap; }}
.sc-amount-label {{ font-size: 1.1rem; margin-bottom: .2rem; }}
.sc-share {{ font-size: 1.05rem; }}
.sc-why {{ font-size: 1.05rem; margin: .4rem 0; }}
.sc-next-tier {{ font-size: 1.05rem; margin: .3rem 0; padding: .4rem .7rem; border-left: 4px solid var(--sc-info); }}
.sc-tier-head {{ display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; flex-wrap: wrap; }}
.sc-tier-name {{ font-size: 1.15rem; font-weight: 700; }}
.sc-tier-amount {{ font-size: 1.5rem; font-weight: 800; }}
.sc-zero-line {{ margin: .3rem 0 .6rem 0; }}
.sc-status {{ display: inline-block; padding: 0 .45em; border-radius: .6em; font-size: .9em; font-weight: 600;
  border: 1px solid currentColor; margin-left: .3em; }}
.sc-status-current {{ color: var(--sc-ok); }}
.sc-status-historical {{ color: var(--sc-muted); }}
.sc-status-draft {{ color: var(--sc-draft); }}
.sc-status-framework {{ color: var(--sc-info); }}
.sc-doc-title {{ font-size: 1.2rem; font-weight: 700; margin: .4rem 0 .2rem 0; }}
.sc-quote {{ border-left: 4px solid var(--sc-border); padding: .2rem .7rem; margin: .3rem 0 .6rem 0; }}
.sc-table {{ width: 100%; border-collapse: collapse; }}
.sc-table td, .sc-table th {{ border-bottom: 1px solid var(--sc-line); padding: .35rem .4rem; text-align: left; }}
.sc-table td.num, .sc-table th.num {{ text-align: right; white-space: nowrap; }}
.sc-table tr.sc-held td {{ font-weight: 700; }}
.sc-details {{ margin: .3rem 0 .2rem 0; }}
.sc-details > summary {{ cursor: pointer; color: var(--sc-link); min-height: 48px; line-height: 48px; }}
.sc-details[open] > summary {{ margin-bottom: .3rem; }}
.sc-cite {{ margin: .2rem 0 .4rem 0; }}
.sc-formula {{ margin: .4rem 0; }}
.sc-help {{ color: var(--sc-muted); }}
.sc-item {{ border: 1px solid var(--sc-line); border-radius: .5rem; padding: .5rem .75rem; margin-bottom: .5rem; }}
.sc-flag {{ background: var(--sc-flag-bg); border: 2px solid var(--sc-flag-border); border-radius: .5rem;
  padding: .5rem .75rem; margin-bottom: .5rem; color: inherit; }}
mark.sc-hit {{ background: var(--sc-mark-bg); color: inherit; padding: 0; }}
.sc-start-title {{ font-size: 1.6rem; font-weight: 800; margin: .5rem 0; }}
.sc-start-lead {{ font-size: 1.25rem; font-weight: 700; color: var(--sc-accent); margin-bottom: .5rem; }}
.sc-review-label {{ color: var(--sc-muted); }}
.sc-review-value {{ font-weight: 700; }}
.sc-pad-value {{ font-size: 1.6rem; font-weight: 800; min-height: 2.2rem; }}
.sc-pad-empty {{ color: var(--sc-muted); font-weight: 400; font-size: 1.1rem; }}
{BAR_CSS}
.sc-muted {{ color: var(--sc-muted); }}
/* touch-sized choices: the whole card is the target (the label is stretched over it), and a chosen
   card has a thick border and a check mark, not only a colour */
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div {{
  border: 1px solid var(--sc-border); border-radius: .5rem; padding: .5rem .75rem; margin: 0 0 .45rem 0;
  width: 100%; min-height: 3rem; box-sizing: border-box; position: relative;
}}
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div label::after {{
  content: ""; position: absolute; inset: 0; z-index: 1;
}}
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div:has(input:checked) {{
  border: 3px solid var(--sc-choice); background: var(--sc-choice-bg); padding: calc(.5rem - 2px) calc(.75rem - 2px);
}}
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div:has(input:checked)::after {{
  content: "✓ 已选"; position: absolute; right: .6rem; top: .4rem; font-weight: 700; color: var(--sc-choice);
}}
[data-testid="stRadioGroup"] [data-testid="stRadioOption"] {{ width: 100%; min-height: 2rem; }}
[data-testid="stCheckbox"] label {{ min-height: 3rem; align-items: center; width: 100%; }}
[class*="st-key-sc-idcard-"] {{ border: 1px solid var(--sc-border); border-radius: .5rem;
  padding: .3rem .75rem .45rem .75rem; position: relative; }}
[class*="st-key-sc-idcard-"] label::after {{ content: ""; position: absolute; inset: 0; z-index: 1; }}
[class*="st-key-sc-idcard-"]:has(input:checked) {{ border: 3px solid var(--sc-choice); background: var(--sc-choice-bg); }}
[class*="st-key-sc-idcard-"]:has(input:checked)::after {{
  content: "✓ 已选"; position: absolute; right: .6rem; top: .5rem; font-weight: 700; color: var(--sc-choice);
}}
[class*="st-key-sc-idcard-"] [data-testid="stCaptionContainer"] {{ margin-top: -.4rem; padding-left: 1.9rem; }}
[data-testid="stAppDeployButton"] {{ display: none !important; }}
.stButton > button, .stDownloadButton > button, [data-testid="stPageLink"] a, button[data-variant="pills"]
{{ min-height: 48px; }}
button[data-variant="pills"] {{ min-width: 48px; }}
button[data-variant="pills"][aria-checked="true"] {{ border: 3px solid var(--sc-choice) !important; font-weight: 700;
  background: var(--sc-choice-bg) !important; color: inherit !important; }}
button[data-variant="pills"][aria-checked="true"] p::before {{ content: "✓"; margin-right: .2em; }}
/* warm-up: the start page draws one of each input hidden, so their code is loaded before the first
   question (a tap on a still-loading input was lost) */
.st-key-sc-warm {{ position: absolute !important; left: -10000px; width: 1px; height: 1px; overflow: hidden; }}
[data-testid="stExpander"] summary {{ min-height: 48px; }}
.stApp [data-testid="stTextInput"] input, .stApp [data-testid="stTextInput"] [data-baseweb="input"] {{ min-height: 48px;
  box-sizing: border-box; }}
.sc-print {{ min-height: 48px; width: 100%; border-radius: .5rem; border: 1px solid var(--sc-border); background: transparent;
  color: inherit; font-size: 1rem; cursor: pointer; }}
</style>
"""

KIOSK_CSS = """
<style>
html { font-size: 26px; }  /* Streamlit sizes text in rem: body about 23px here, never below 18px */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stToolbar"], [data-testid="stHeader"], .stApp > header, [data-testid="stDecoration"],
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 1.5rem !important; max-width: 60rem; }
.stButton > button, .stDownloadButton > button, [data-testid="stPageLink"] a, .sc-print,
button[data-variant="pills"] {
  min-height: 64px !important; font-size: 1.1rem !important; padding: .6rem 1.2rem !important;
}
button[data-variant="pills"] { min-width: 80px !important; }
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div { min-height: 64px; padding: .7rem 1rem; }
[data-testid="stCheckbox"] label { min-height: 64px; }
[data-testid="stExpander"] summary { min-height: 64px; }
.sc-details > summary { min-height: 64px; line-height: 64px; }
input { min-height: 60px; font-size: 1.1rem !important; }
.sc-amount-big { font-size: clamp(2rem, 11vw, 3.4rem); }
[class*="st-key-sc-pad-"] .stButton > button { min-height: 80px !important; font-size: 1.4rem !important; }
@media (max-width: 640px) { html { font-size: 20px; } }  /* a kiosk-mode phone: large, but it still fits */
</style>
"""


def inject_css() -> None:
    st.html(BASE_CSS)
    if kiosk():
        st.html(KIOSK_CSS)


WARN_SECONDS = 20  # the kiosk warns this long before it clears everything


def idle_reset() -> None:
    """In kiosk mode: after the idle time without a touch or key, go back to the start with nothing kept.
    A notice counts down the last seconds first; any touch keeps the answers."""
    seconds = int(st.session_state.get(IDLE_KEY, DEFAULT_IDLE_SECONDS))
    warn = min(WARN_SECONDS, max(seconds // 2, 1))
    st.html(f"""<div data-testid="sc-kiosk-timer" data-seconds="{seconds}" data-warn="{warn}" style="display:none"></div>
<script>
(function () {{
  var limit = {seconds} * 1000, warn = {warn} * 1000;
  if (window.__scIdle) {{ window.__scIdle.limit = limit; window.__scIdle.warn = warn; return; }}
  var state = window.__scIdle = {{ limit: limit, warn: warn, last: Date.now() }};
  var box = document.createElement("div");
  box.setAttribute("data-testid", "sc-idle-warning");
  box.setAttribute("role", "alertdialog");
  box.style.cssText = "display:none;position:fixed;inset:0;z-index:100000;background:rgba(0,0,0,.6);" +
    "align-items:center;justify-content:center;";
  // built with DOM calls: Streamlit drops a script whose text looks like markup
  var card = document.createElement("div");
  card.style.cssText = "background:#fff;color:#1f2328;border-radius:16px;padding:40px;max-width:80vw;" +
    "font-size:30px;line-height:1.5;text-align:center;border:4px solid #8f3f00";
  var line = function (text, css) {{
    var part = document.createElement("div"); part.textContent = text; if (css) part.style.cssText = css;
    card.appendChild(part); return part;
  }};
  line("还在使用吗？", "font-weight:800;font-size:36px");
  var count = line("", "");
  line("点屏幕任意地方继续", "margin-top:20px;font-weight:700");
  box.appendChild(card);
  document.body.appendChild(box);
  var touch = function () {{ state.last = Date.now(); box.style.display = "none"; }};
  ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (name) {{
    document.addEventListener(name, touch, {{ capture: true, passive: true }});
  }});
  setInterval(function () {{
    var idle = Date.now() - state.last;
    if (idle >= state.limit) {{
      var keep = new URL(window.location.href).searchParams.get("idle");
      state.last = Date.now();
      window.location.replace(window.location.origin + "/?kiosk=1&reset=1" +
                              (keep ? "&idle=" + encodeURIComponent(keep) : ""));
    }} else if (idle >= state.limit - state.warn) {{
      box.style.display = "flex";
      count.textContent = Math.ceil((state.limit - idle) / 1000) + " 秒后回到首页，填写的内容会清空。";
    }}
  }}, 250);
}})();
</script>""", unsafe_allow_javascript=True)


def decimal_keyboard() -> None:
    """Amount fields bring up the phone's number keyboard (not pinyin): inputmode="decimal" on every
    input inside a `sc-money-*` container, kept as Streamlit redraws them."""
    st.html("""<script>
(function () {
  if (window.__scDecimal) { window.__scDecimal(); return; }
  var mark = window.__scDecimal = function () {
    document.querySelectorAll('[class*="st-key-sc-money-"] input').forEach(function (input) {
      if (input.getAttribute("inputmode") !== "decimal") input.setAttribute("inputmode", "decimal");
    });
  };
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
  mark();
})();
</script>""", unsafe_allow_javascript=True)


def run_marker(started: float) -> None:
    """A hidden counter that changes on every run, so browser tests can wait for a run to finish;
    it also carries how long the script took (ms), for benchmarks/app.py."""
    st.session_state["app_runs"] = st.session_state.get("app_runs", 0) + 1
    took = (time.perf_counter() - started) * 1000
    st.html(f'<div data-testid="sc-run" data-run="{st.session_state["app_runs"]}" data-ms="{took:.1f}"'
            ' style="display:none"></div>')


def status_badge(doc_id: str) -> str:
    short, long = doc_status(doc_id)
    status = _status_code(doc_id)
    return f'<span class="sc-status sc-status-{status}" title="{html.escape(long)}">{html.escape(short)}</span>'


def _status_code(doc_id: str) -> str:
    from assistant.knowledge.store import documents
    doc = documents().get(doc_id)
    return doc.status if doc else "unknown"


def citations_html(citations: list[dict], label: str = "政策原文") -> str:
    """The quotes behind a figure, folded: one tap on the label opens them (a plain HTML <details>)."""
    if not citations:
        return ""
    parts = []
    for citation in citations:
        parts.append(f'<div class="sc-cite"><b>{html.escape(doc_title(citation["doc"]))}</b>'
                     f'{status_badge(citation["doc"])} · {html.escape(citation["clause"])}'
                     f'<div class="sc-quote">“{html.escape(citation["quote"])}”</div></div>')
    return (f'<details class="sc-details"><summary>{html.escape(label)}（{len(citations)} 条）</summary>'
            f'{"".join(parts)}</details>')


def clause_buttons(citations: list[dict], key: str) -> None:
    """One button per cited clause that opens the whole clause on the 政策原文 page."""
    seen = list(dict.fromkeys((c["doc"], c["clause"]) for c in citations
                              if clause_text(c["doc"], c["clause"]) is not None))
    if not seen:
        return
    with st.container(horizontal=True, gap="small", key=f"{key}_row"):
        for i, (doc, clause) in enumerate(seen):
            st.button(f"查看{clause}全文", key=f"{key}_{i}", on_click=_focus, args=(doc, clause), type="tertiary")


def _focus(doc: str, clause: str) -> None:
    st.session_state[FOCUS_KEY] = (doc, clause)
    st.session_state["doc_pick"] = doc
    st.session_state["doc_query"] = ""
    st.session_state["app_goto"] = "documents"


def follow_goto() -> None:
    """Page switches asked for by a callback (st.switch_page cannot run inside one)."""
    target = st.session_state.pop("app_goto", None)
    if target:
        go(target)


def escape(text) -> str:
    return html.escape(str(text))
