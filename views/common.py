"""What every page shares: kiosk mode, the style sheet, the idle reset and how a quote is shown.

Streamlit only; the words and figures come from assistant/ (assistant/selfcheck), never from here.
"""
from __future__ import annotations

import html
import time

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
    if params.get("reset") == "1":
        clear_answers()
        del st.query_params["reset"]
    return kiosk()


def kiosk() -> bool:
    return bool(st.session_state.get(KIOSK_KEY))


def kiosk_params() -> dict:
    return {"kiosk": "1"} if kiosk() else {}


def clear_answers() -> None:
    for key in [k for k in st.session_state if str(k).startswith(("sc_", "doc_", "app_doc"))]:
        del st.session_state[key]


def go(page: str) -> None:
    st.switch_page(PAGES[page], query_params=kiosk_params() or None)


BASE_CSS = f"""
<style>
/* Chinese first: every text element names the installed CJK font (icons are spans and keep theirs) */
html, body, .stApp, .stApp p, .stApp li, .stApp label, .stApp button, .stApp input, .stApp textarea,
.stApp td, .stApp th, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp h5, .stApp summary, .stApp a,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stCaptionContainer"] {{
  font-family: {FONT_STACK} !important;
}}
.sc-amount-big {{ font-size: clamp(2rem, 11vw, 2.8rem); font-weight: 800; line-height: 1.15; color: #b35900;
  white-space: nowrap; }}
.sc-amount-label {{ font-size: 1.1rem; margin-bottom: .2rem; }}
.sc-share {{ font-size: 1.05rem; color: #3d444d; }}
.sc-tier-head {{ display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; flex-wrap: wrap; }}
.sc-tier-name {{ font-size: 1.15rem; font-weight: 700; }}
.sc-tier-amount {{ font-size: 1.5rem; font-weight: 800; }}
.sc-zero {{ color: #6e7781; }}
.sc-status {{ display: inline-block; padding: 0 .45em; border-radius: .6em; font-size: .85em; font-weight: 600;
  border: 1px solid currentColor; margin-left: .3em; }}
.sc-status-current {{ color: #1a7f37; }}
.sc-status-historical {{ color: #6e7781; }}
.sc-status-draft {{ color: #9a6700; }}
.sc-status-framework {{ color: #0969da; }}
.sc-doc-title {{ font-size: 1.2rem; font-weight: 700; margin: .4rem 0 .2rem 0; }}
.sc-quote {{ border-left: 4px solid #d0d7de; padding: .2rem .7rem; margin: .3rem 0 .6rem 0; color: #1f2328; }}
.sc-progress {{ font-size: .95rem; color: #3d444d; }}
.sc-table {{ width: 100%; border-collapse: collapse; }}
.sc-table td, .sc-table th {{ border-bottom: 1px solid #d0d7de; padding: .35rem .4rem; text-align: left; }}
.sc-table td.num, .sc-table th.num {{ text-align: right; white-space: nowrap; }}
.sc-table tr.sc-held td {{ font-weight: 700; }}
.sc-details {{ margin: .3rem 0 .2rem 0; }}
.sc-details > summary {{ cursor: pointer; color: #0969da; min-height: 2rem; line-height: 2rem; }}
.sc-details[open] > summary {{ margin-bottom: .3rem; }}
.sc-cite {{ margin: .2rem 0 .4rem 0; }}
.sc-formula {{ margin: .4rem 0; }}
.sc-help {{ color: #57606a; font-size: .9em; }}
.sc-item {{ border: 1px solid #d0d7de; border-radius: .5rem; padding: .5rem .75rem; margin-bottom: .5rem; }}
.sc-flag {{ background: #fff8c5; border: 1px solid #d4a72c; border-radius: .5rem; padding: .5rem .75rem;
  margin-bottom: .5rem; }}
mark.sc-hit {{ background: #fff8c5; padding: 0; }}
{BAR_CSS}
/* touch-sized choices and buttons everywhere (phones); the kiosk makes them larger still */
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div {{
  border: 1px solid #d0d7de; border-radius: .5rem; padding: .5rem .75rem; margin: 0 0 .45rem 0;
  width: 100%; min-height: 3rem; box-sizing: border-box;
}}
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div:has(input:checked) {{
  border-color: #c0392b; background: #fff5f4;
}}
[data-testid="stRadioGroup"] [data-testid="stRadioOption"] {{ width: 100%; min-height: 2rem; }}
[data-testid="stCheckbox"] label {{ min-height: 2.75rem; align-items: center; width: 100%; }}
[class*="st-key-sc-idcard-"] {{ border: 1px solid #d0d7de; border-radius: .5rem; padding: .3rem .75rem .45rem .75rem; }}
[class*="st-key-sc-idcard-"]:has(input:checked) {{ border-color: #c0392b; background: #fff5f4; }}
[class*="st-key-sc-idcard-"] [data-testid="stCaptionContainer"] {{ margin-top: -.4rem; padding-left: 1.9rem; }}
[data-testid="stAppDeployButton"] {{ display: none !important; }}
.stButton > button, .stDownloadButton > button, [data-testid="stPageLink"] a {{ min-height: 3rem; }}
</style>
"""

KIOSK_CSS = """
<style>
html { font-size: 26px; }  /* Streamlit sizes text in rem (body .875rem): about 23px here */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stToolbar"], [data-testid="stHeader"], header, [data-testid="stDecoration"],
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 1.5rem !important; max-width: 60rem; }
.stButton > button, .stDownloadButton > button, [data-testid="stPageLink"] a {
  min-height: 64px !important; font-size: 1.1rem !important; padding: .6rem 1.4rem !important;
}
[data-testid="stRadioGroup"][aria-orientation="vertical"] > div { min-height: 64px; padding: .7rem 1rem; }
[data-testid="stCheckbox"] label { min-height: 64px; }
input { min-height: 56px; font-size: 1.1rem !important; }
.sc-amount-big { font-size: clamp(2rem, 11vw, 3.4rem); }
@media (max-width: 640px) { html { font-size: 20px; } }  /* a kiosk-mode phone: large, but it still fits */
</style>
"""


def inject_css() -> None:
    st.html(BASE_CSS)
    if kiosk():
        st.html(KIOSK_CSS)


def idle_reset() -> None:
    """In kiosk mode: after the idle time without a touch or key, go back to the start with nothing kept."""
    seconds = int(st.session_state.get(IDLE_KEY, DEFAULT_IDLE_SECONDS))
    st.html(f"""<div data-testid="sc-kiosk-timer" data-seconds="{seconds}" style="display:none"></div>
<script>
(function () {{
  var limit = {seconds} * 1000;
  if (window.__scIdle) {{ window.__scIdle.limit = limit; return; }}
  var state = window.__scIdle = {{ limit: limit, last: Date.now() }};
  var touch = function () {{ state.last = Date.now(); }};
  ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (name) {{
    document.addEventListener(name, touch, {{ capture: true, passive: true }});
  }});
  setInterval(function () {{
    if (Date.now() - state.last >= state.limit) {{
      var idle = new URL(window.location.href).searchParams.get("idle");
      state.last = Date.now();
      window.location.replace(window.location.origin + "/?kiosk=1&reset=1" +
                              (idle ? "&idle=" + encodeURIComponent(idle) : ""));
    }}
  }}, 1000);
}})();
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
