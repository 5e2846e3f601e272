"""Issue 10 in a real Chromium: the kiosk by touch alone at 1080×1920 and 1920×1080, phones at 390×844 in
light and dark, the desktop at 1280×800; measured type sizes, contrast and touch targets; refresh and
Back keep the answers; the 明白纸 PDF renders in Chinese on one A4 page and its QR code reopens the
case; no request leaves the machine. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from assistant.settlement import settle

from .app_driver import App
from .conftest import SHOTS, TIMEOUT_MS

pytestmark = pytest.mark.browser

KIOSK_TALL = {"width": 1080, "height": 1920}
KIOSK_WIDE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
CASE = {"policy": "bayannur-2023", "insurance": "resident", "identities": ["minimum_living"],
        "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                    "referral": "referred", "total": "60000", "out_of_catalog": "3000"}]}

# Every visible piece of text in the main area: its size, and its contrast with what is behind it
# (backgrounds blended up the tree, as the eye sees them); icons (Material Symbols) are not text.
MEASURE_TEXT = """
() => {
  const parse = c => { const m = c && c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                  b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let base = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const found = [];
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || seen.has(el) || !node.nodeValue.trim()) continue;
    seen.add(el);
    if (el.closest('[hidden], .st-key-sc-warm, [data-testid="stSkeleton"], details:not([open]) > :not(summary)')) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.opacity === '0') continue;
    if (/Material/.test(style.fontFamily)) continue;
    let opacity = 1; for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const bg = behind(el); let fg = parse(style.color); fg = over({...fg, a: fg.a * opacity}, bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    found.push({text: node.nodeValue.trim().slice(0, 24), size: parseFloat(style.fontSize),
                ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return found;
}
"""

# Everything a finger can press in the main area, with its size.
MEASURE_TARGETS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const targets = main.querySelectorAll('button, summary, a[href], [data-testid="stRadioGroup"] > div, ' +
                                        '[data-testid="stCheckbox"] label, input[type="text"], input:not([type])');
  return [...targets].filter(t => {
    if (t.closest('[hidden], .st-key-sc-warm, details:not([open]) > :not(summary)')) return false;
    const box = t.getBoundingClientRect(), style = getComputedStyle(t);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  }).map(t => { const box = t.getBoundingClientRect();
    return {text: (t.innerText || t.getAttribute('aria-label') || t.tagName).trim().slice(0, 24),
            width: box.width, height: box.height}; });
}
"""


def check_page(app: App, *, min_font: float, min_target: float, what: str) -> None:
    texts = app.page.evaluate(MEASURE_TEXT)
    assert texts, what
    small = [t for t in texts if t["size"] < min_font - 0.01]
    assert not small, (what, small[:5])
    faint = [t for t in texts if t["ratio"] < 4.5]
    assert not faint, (what, faint[:5])
    targets = app.page.evaluate(MEASURE_TARGETS)
    tiny = [t for t in targets if t["height"] < min_target - 0.5 or t["width"] < min_target - 0.5]
    assert not tiny, (what, tiny[:5])


def new_app(browser, server, viewport, *, scheme="light", touch=False, requests=None) -> App:
    context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1, has_touch=touch,
                                  color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    if requests is not None:
        context.on("request", lambda request: requests.append(request.url))
    app = App(context.new_page(), server, SHOTS)
    app.touch = touch
    return app


def walk_to_result(app: App, name: str, *, kiosk: bool, min_font: float, min_target: float) -> None:
    """巴彦淖尔, 低保, one stay in a 三级 hospital of 60000 with 3000 目录外: measured on every screen."""
    app.begin()
    check_page(app, min_font=min_font, min_target=min_target, what=f"{name} where")
    app.choose("sc_w_region", "巴彦淖尔市")
    app.date("sc_w_date", "20230601")
    app.screenshot(f"{name}-1-where")
    app.next("insurance")
    app.choose("sc_w_insurance", "城乡居民")
    app.next("identities")
    app.tick("sc_w_id_minimum_living")
    check_page(app, min_font=min_font, min_target=min_target, what=f"{name} identities")
    app.screenshot(f"{name}-2-identities")
    app.answer_visit("住院", "三级医院", "本地", "已经转诊")
    app.enter_amount("sc_w_v0_total", "6万", kiosk=kiosk)
    app.choose("sc_w_v0_ooc_known", "知道")
    app.enter_amount("sc_w_v0_out_of_catalog", "3000", kiosk=kiosk)
    check_page(app, min_font=min_font, min_target=min_target, what=f"{name} bill")
    app.screenshot(f"{name}-3-bill")
    app.next("visits")
    app.press("sc_to_review")
    app.step("review")
    check_page(app, min_font=min_font, min_target=min_target, what=f"{name} review")
    app.screenshot(f"{name}-4-review")
    app.press("sc_show_result")
    app.step("result")
    app.page.wait_for_selector('[data-testid="sc-out-of-pocket"]')
    check_page(app, min_font=min_font, min_target=min_target, what=f"{name} result")
    app.assert_chinese_renders()
    app.screenshot(f"{name}-5-result")


def assert_amounts(app: App) -> None:
    core = settle(CASE)
    assert app.amount('[data-testid="sc-out-of-pocket"]') == core["totals"]["out_of_pocket"]
    assert app.tier_amounts() == {(1, t["tier"]): t["amount"] for t in core["visits"][0]["tiers"]}


def only_local(requests: list[str]) -> None:
    outside = [url for url in requests
               if urlsplit(url).scheme not in ("data", "blob", "about") and
               urlsplit(url).hostname not in ("127.0.0.1", "localhost")]
    assert requests and not outside, outside[:5]


@pytest.mark.parametrize("viewport", [KIOSK_TALL, KIOSK_WIDE], ids=["kiosk-1080x1920", "kiosk-1920x1080"])
def test_the_kiosk_is_finished_by_touch_alone(browser, server, viewport):
    requests: list[str] = []
    app = new_app(browser, server, viewport, touch=True, requests=requests)
    app.page.add_init_script("window.__keys = 0; document.addEventListener('keydown', () => window.__keys++, true);")
    app.open(kiosk=True)
    entries = app.page.evaluate("history.length")
    name = f"kiosk-{viewport['width']}x{viewport['height']}"
    walk_to_result(app, name, kiosk=True, min_font=18, min_target=60)
    assert app.page.evaluate("window.__keys") == 0  # not one key: every answer was a tap
    assert app.page.evaluate("history.length") == entries  # no trail of answers for the next person's Back
    app.page.reload()  # yet a refresh keeps the result: the one entry carries it
    app.wait_idle()
    app.step("result")
    assert app.page.locator("input[type=text]").count() == 0
    assert_amounts(app)
    assert app.page.locator('[data-testid="sc-qr"] img').count() == 1  # carry the result home on a phone
    only_local(requests)
    app.page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_in_light_and_dark_meets_the_numbers_and_keeps_answers_on_refresh_and_back(browser, server, scheme):
    requests: list[str] = []
    app = new_app(browser, server, PHONE, scheme=scheme, touch=True, requests=requests)
    app.open()
    app.begin()
    app.choose("sc_w_region", "巴彦淖尔市")
    app.date("sc_w_date", "20230601")
    app.next("insurance")
    app.choose("sc_w_insurance", "城乡居民")
    # refresh mid-flow: the same step, the same answer
    app.page.reload()
    app.wait_idle()
    app.step("insurance")
    assert "城乡居民" in app.page.locator(".st-key-sc_w_insurance [data-testid='stRadioOption']:has(input:checked)") \
        .inner_text()
    # Back in the browser: the step before, with its answers
    app.act(app.page.go_back)
    app.step("where")
    assert app.page.locator(".st-key-sc_w_region [data-testid='stRadioOption']:has(input:checked)").inner_text() \
        .startswith("巴彦淖尔市")
    assert app.page.locator(".st-key-sc_w_date_y button[aria-checked='true']").inner_text().strip().endswith("2023年")
    app.act(app.page.go_forward)
    app.step("insurance")
    app.next("identities")
    app.tick("sc_w_id_minimum_living")
    app.answer_visit("住院", "三级医院", "本地", "已经转诊")
    assert app.page.locator(".st-key-sc-money-sc_w_v0_total input").get_attribute("inputmode") == "decimal"
    app.enter_amount("sc_w_v0_total", "6万")
    assert "按 60,000.00 元计算" in app.page.inner_text(".st-key-sc-money-sc_w_v0_total")
    app.choose("sc_w_v0_ooc_known", "知道")
    app.enter_amount("sc_w_v0_out_of_catalog", "3000")
    check_page(app, min_font=16, min_target=48, what=f"phone {scheme} bill")
    app.page.reload()  # typed on this step, then refreshed: still there
    app.wait_idle()
    app.step("bill")
    assert app.page.locator(".st-key-sc-money-sc_w_v0_total input").input_value() == "6万"  # as typed
    app.next("visits")
    app.to_result()
    check_page(app, min_font=16, min_target=48, what=f"phone {scheme} result")
    assert_amounts(app)
    app.assert_chinese_renders()
    app.screenshot(f"phone-{scheme}-result")
    # the chosen answer and the 请注意 box stay readable in this theme (measured above); formulas are one tap away
    assert app.page.locator('[data-testid="sc-formula"]').first.is_visible() is False
    only_local(requests)
    app.page.context.close()


def test_the_desktop_meets_the_numbers(browser, server):
    app = new_app(browser, server, DESKTOP)
    app.open()
    walk_to_result(app, "desktop-1280x800", kiosk=False, min_font=16, min_target=48)
    assert_amounts(app)
    app.page.context.close()


needs_tools = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftoppm", "zbarimg", "pdfinfo")),
                                 reason="poppler-utils or zbar-tools not installed")


@needs_tools
def test_the_pdf_renders_in_chinese_on_one_a4_page_and_its_qr_reopens_the_case(browser, server, tmp_path):
    app = new_app(browser, server, PHONE, touch=True)
    app.open()
    walk_to_result(app, "pdf", kiosk=False, min_font=16, min_target=48)
    shown = app.shown_text('[data-testid="sc-out-of-pocket"]').replace(" 元", "")
    with app.page.expect_download() as download:
        app.page.locator(".st-key-sc_pdf button").click()
    assert re.fullmatch(r"三重保障明白纸_\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    pdf = tmp_path / "summary.pdf"
    download.value.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "595.276 x 841.89" in info
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    shutil.copy(tmp_path / "page.png", SHOTS / "summary-pdf.png")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "三重保障明白纸" in text and shown in text
    url = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True,
                         timeout=60).stdout.strip()
    assert url.startswith(app.base) and "a=" in url
    other = new_app(browser, server, DESKTOP)  # another device: nothing but the address
    other.page.goto(url)
    other.wait_idle()
    other.step("result")
    assert other.amount('[data-testid="sc-out-of-pocket"]') == Decimal(settle(CASE)["totals"]["out_of_pocket"])
    other.page.context.close()
    app.page.context.close()


def test_the_kiosk_warns_before_it_forgets(browser, server):
    app = new_app(browser, server, KIOSK_TALL, touch=True)
    app.open(kiosk=True, idle="6")
    app.begin()
    app.choose("sc_w_region", "天津市")
    warning = app.page.locator('[data-testid="sc-idle-warning"]')
    warning.wait_for(state="visible", timeout=15_000)
    assert "秒后回到首页" in warning.inner_text()
    warning.tap()  # a touch keeps everything
    warning.wait_for(state="hidden")
    assert app.page.locator(".st-key-sc_w_region [data-testid='stRadioOption']:has(input:checked)").count() == 1
    app.page.wait_for_selector(".st-key-sc-step-start", timeout=30_000)  # then, untouched, back to the start
    app.wait_idle()
    assert "a=" not in app.page.url
    app.page.context.close()


def test_opening_a_clause_from_the_search_scrolls_to_it(browser, server):
    app = new_app(browser, server, PHONE, touch=True)
    app.open(path="documents")
    app.page.wait_for_selector(".st-key-sc-documents")
    app.fill("doc_w_doc_query", "五保户 住院")
    app.page.wait_for_selector(".st-key-sc-hit-0")
    app.press("doc_open_0")
    app.page.wait_for_selector(".st-key-sc-focused-clause")
    app.page.wait_for_function(  # in view, without the person scrolling
        "() => { const r = document.querySelector('.st-key-sc-focused-clause').getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight * 0.6; }")
    app.screenshot("phone-documents-opened-clause")
    app.page.context.close()


def test_the_result_offers_the_page_as_a_picture_for_wechat(browser, server):
    app = new_app(browser, server, PHONE, touch=True)
    app.open()
    walk_to_result(app, "phone-picture", kiosk=False, min_font=16, min_target=48)
    app.act(lambda: app.page.locator(".st-key-sc_pdf_image summary").tap())
    image = app.page.locator(".st-key-sc_pdf_image img").first
    image.wait_for()
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 300 and abs(size[1] / size[0] - 297 / 210) < 0.01
    app.page.context.close()
