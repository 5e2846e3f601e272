"""Drives the self-check in a real browser: answer, wait for the run to finish, read what is shown."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

RUN = '[data-testid="sc-run"]'
STATUS = '[data-testid="stStatusWidget"]'
SKELETON = '[data-testid="stSkeleton"]'  # an input whose code is still loading: a tap on it is lost

# Draws characters with the page's own font stack; a missing glyph is drawn as the same box
# for any code point, so two different CJK characters that differ from each other and from an
# unassigned code point are really drawn by a CJK font.
GLYPH_CHECK = """
() => {
  // every font stack that draws visible Chinese text on this page
  const stacks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!element || !/[\u4e00-\u9fff]/.test(node.nodeValue)) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
    const stack = getComputedStyle(element).fontFamily;
    stacks.set(stack, (stacks.get(stack) || 0) + 1);
  }
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const draw = (text, stack) => {
    g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
    g.fillStyle = '#000'; g.font = '48px ' + stack; g.textBaseline = 'top';
    g.fillText(text, 4, 4);
    const data = g.getImageData(0, 0, 64, 64).data;
    let ink = 0, hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      const dark = data[i] < 128 ? 1 : 0;
      ink += dark; hash = (hash * 31 + dark * (i + 1)) % 2147483647;
    }
    return { ink, hash };
  };
  return [...stacks.entries()].map(([stack, texts]) => ({
    stack, texts, bao: draw('保', stack), zhang: draw('障', stack),
    missing: draw('\\u0378', stack), missing2: draw('\\u0379', stack) }));
}
"""


def check_glyphs(found: list[dict]) -> None:
    """Every stack that draws Chinese on the page draws 保 and 障 as two real, different glyphs."""
    assert found, "no visible Chinese text on the page"
    for item in found:
        bao, zhang, missing = item["bao"], item["zhang"], item["missing"]
        assert bao["ink"] > 50 and zhang["ink"] > 50, item
        assert bao["hash"] != zhang["hash"], f"保 and 障 drawn alike (missing-glyph boxes) with {item['stack']}"
        assert missing["hash"] not in (bao["hash"], zhang["hash"]), f"Chinese drawn as the missing glyph: {item}"


class App:
    def __init__(self, page, base: str, shots: Path):
        self.page = page
        self.base = base
        self.shots = shots

    # ---- waiting ----

    def run_count(self) -> int:
        marker = self.page.locator(RUN)
        if marker.count() == 0:
            return 0
        return int(marker.first.get_attribute("data-run") or 0)

    def wait_idle(self, after: int | None = None) -> None:
        """Until a script run newer than `after` has finished and Streamlit shows no running status."""
        if after is not None:
            self.page.wait_for_function(
                "n => { const e = document.querySelector('[data-testid=\"sc-run\"]');"
                " return e && Number(e.dataset.run) > n; }", arg=after)
        else:
            self.page.wait_for_selector(RUN, state="attached")
        self.page.wait_for_selector(STATUS, state="detached")
        self.page.wait_for_selector(SKELETON, state="detached")

    def act(self, action) -> None:
        """Do something that makes Streamlit rerun, then wait until that rerun is done."""
        before = self.run_count()
        action()
        self.wait_idle(before)

    def open(self, *, path: str = "", kiosk: bool = False, **params) -> None:
        query = dict(params)
        if kiosk:
            query["kiosk"] = "1"
        suffix = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
        self.page.goto(f"{self.base}/{path}{suffix}")
        self.wait_idle()

    # ---- answering ----

    def step(self, name: str) -> None:
        self.page.wait_for_selector(f".st-key-sc-step-{name}")

    def choose(self, key: str, text: str) -> None:
        option = self.page.locator(f".st-key-{key} [data-testid='stRadioOption']").filter(has_text=text).first
        self.act(lambda: self.hit(option))
        self.page.wait_for_selector(f".st-key-{key} [data-testid='stRadioOption']:has(input:checked)")

    def tick(self, key: str) -> None:
        label = self.page.locator(f".st-key-{key} label").first
        self.act(lambda: self.hit(label))

    touch = False  # tap (touch events) instead of click: the kiosk is driven by touch alone

    def hit(self, locator) -> None:
        locator.tap() if self.touch else locator.click()

    def date(self, key: str, digits: str) -> None:
        """Pick a date (yyyymmdd) the way a person does: tap the year, the month and the day."""
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
        for part, text in (("y", f"{year}年"), ("m", f"{month}月"), ("d", f"{day}日")):
            button = self.page.locator(f".st-key-{key}_{part} button").filter(
                has=self.page.get_by_text(text, exact=True)).first
            self.act(lambda: self.hit(button))
            self.page.wait_for_selector(f".st-key-{key}_{part} button[aria-checked='true']")

    def begin(self) -> None:
        """From the start page (大约3分钟…) to the first question."""
        self.page.wait_for_selector(".st-key-sc-step-start, .st-key-sc-step-where")
        if self.page.locator(".st-key-sc-step-start").count():
            self.press("sc_start")
            self.step("where")

    def enter_amount(self, key: str, text: str, *, kiosk: bool = False) -> None:
        """An amount: typed on a phone or computer, tapped on the kiosk's number pad."""
        if not kiosk:
            self.fill(key, text)
            return
        self.press(f"{key}_open")
        for char in text:
            self.press(f"{key}_pad_{ {'万': 'wan', '.': 'dot'}.get(char, char)}")
        self.press(f"{key}_pad_done")

    def to_result(self) -> None:
        """From the list of visits through 核对您的回答 to the result."""
        self.press("sc_to_review")
        self.step("review")
        self.press("sc_show_result")
        self.step("result")
        self.page.wait_for_selector('[data-testid="sc-out-of-pocket"]')

    def fill(self, key: str, text: str) -> None:
        box = self.page.locator(f".st-key-{key} input")

        def typing():
            box.fill(text)
            box.press("Enter")
        self.act(typing)

    def press(self, key: str) -> None:
        button = self.page.locator(f".st-key-{key} button").first
        self.act(lambda: self.hit(button))

    def next(self, step: str) -> None:
        self.press("sc_next")
        self.step(step)

    def back(self, step: str) -> None:
        self.press("sc_back")
        self.step(step)

    def answer_person(self, region: str, insurance: str = "城乡居民", identity_key: str | None = None) -> None:
        """Steps 1–3 from the start: where and when (2023-06-01), insurance, one identity or none."""
        self.begin()
        self.choose("sc_w_region", region)
        self.date("sc_w_date", "20230601")
        self.next("insurance")
        self.choose("sc_w_insurance", insurance)
        self.next("identities")
        self.tick(identity_key or "sc_w_identity_none")

    def answer_visit(self, kind: str, level: str, location: str, referral: str) -> None:
        """Steps 4–6 of the first visit, ending on the bill step."""
        self.next("kind")
        self.choose("sc_w_v0_kind", kind)
        self.next("level")
        self.choose("sc_w_v0_hospital_level", level)
        self.next("place")
        self.choose("sc_w_v0_location", location)
        self.choose("sc_w_v0_referral", referral)
        self.next("bill")

    # ---- reading ----

    def amount(self, selector: str) -> Decimal:
        return Decimal(self.page.locator(selector).first.get_attribute("data-amount"))

    def shown_text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()

    def tier_amounts(self) -> dict[tuple[int, str], Decimal]:
        found = {}
        for element in self.page.locator('[data-testid="sc-tier-amount"]').all():
            key = (int(element.get_attribute("data-visit")), element.get_attribute("data-tier"))
            found[key] = Decimal(element.get_attribute("data-amount"))
            text = element.inner_text()
            assert re.sub(r"[^\d.]", "", text) == f"{found[key]:.2f}", (key, text)
        return found

    def glyphs(self) -> list[dict]:
        return self.page.evaluate(GLYPH_CHECK)

    def assert_chinese_renders(self) -> None:
        found = self.glyphs()
        check_glyphs(found)
        main = max(found, key=lambda item: item["texts"])["stack"]
        assert "Noto Sans CJK SC" in main, main

    def screenshot(self, name: str) -> Path:
        """The whole page (Streamlit scrolls inside its main area, so grow the viewport to fit it)."""
        viewport = self.page.viewport_size
        height = self.page.evaluate(
            "() => Math.max(document.documentElement.scrollHeight,"
            " ...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"]')]"
            ".map(e => e.scrollHeight))")
        path = self.shots / f"{name}.png"
        try:
            if height > viewport["height"]:
                self.page.set_viewport_size({"width": viewport["width"], "height": min(int(height), 12000)})
                self.page.wait_for_function(
                    "h => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                    " return !m || m.clientHeight >= Math.min(m.scrollHeight, h) - 2; }", arg=min(int(height), 12000))
            self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(viewport)
        return path
