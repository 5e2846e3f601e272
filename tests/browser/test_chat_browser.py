"""The 问答 page in Chromium: type a bill, tap the follow-up's choice, see the core's result; then
open the self-check from it. Every wait is on the app's own markers (run counter, .st-key-* containers)."""
from decimal import Decimal

import pytest

from assistant.understanding.answer import ask

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _type(app, text: str) -> None:
    box = app.page.locator('[data-testid="stChatInputTextArea"]')

    def typing():
        box.fill(text)
        box.press("Enter")
    app.act(typing)


@pytest.mark.parametrize(("viewport", "kiosk"), [(PHONE, False), (DESKTOP, True)], ids=["phone", "kiosk"])
def test_type_a_bill_tap_a_choice_see_the_result(open_app, viewport, kiosk):
    app = open_app(viewport, path="chat", kiosk=kiosk)
    app.page.wait_for_selector(".st-key-sc-chat")
    question = "俺是底保户住院花了三万五能报多少"
    _type(app, question)
    app.page.wait_for_selector(".st-key-chat-choices")
    first = ask(question, region="巴彦淖尔市")
    shown = [b.inner_text().strip() for b in app.page.locator(".st-key-chat-choices button").all()]
    assert shown == first["choices"]
    app.act(app.page.locator(".st-key-chat-choices button").filter(has_text="二级").first.click)
    app.page.wait_for_selector('[data-testid="chat-out-of-pocket"]')
    expected = ask("二级", region="巴彦淖尔市", state=first["state"])["settlement"]
    assert app.amount('[data-testid="chat-out-of-pocket"]') == expected["totals"]["out_of_pocket"]
    tiers = app.tier_amounts()
    for (visit, tier), amount in tiers.items():
        assert amount == next(t["amount"] for t in expected["visits"][visit - 1]["tiers"] if t["tier"] == tier)
    assert tiers[(1, "medical_aid")] > Decimal("0")
    app.assert_chinese_renders()
    app.screenshot(f"{'kiosk' if kiosk else 'phone'}-chat-bill")
    app.act(app.page.locator(".st-key-chat_check button").first.click)
    app.page.wait_for_selector('[data-testid="stChatInput"]', state="detached")


@pytest.mark.parametrize(("viewport", "kiosk"), [(PHONE, False), (DESKTOP, True)], ids=["phone", "kiosk"])
def test_a_common_question_is_asked_with_one_tap(open_app, viewport, kiosk):
    """No keyboard at the kiosk: the common questions are buttons, large enough to tap."""
    from assistant.understanding.suggested import suggested_questions
    app = open_app(viewport, path="chat", kiosk=kiosk)
    app.page.wait_for_selector(".st-key-chat-suggested")
    buttons = app.page.locator(".st-key-chat-suggested button")
    assert [b.inner_text().strip().removeprefix("help").strip() for b in buttons.all()] == \
        suggested_questions("巴彦淖尔市")
    box = buttons.first.bounding_box()
    assert box["height"] >= (56 if kiosk else 40) and box["width"] >= viewport["width"] * 0.6
    app.screenshot(f"{'kiosk' if kiosk else 'phone'}-chat-suggested")
    app.act(buttons.first.click)
    app.page.wait_for_selector(".st-key-chat-msg-0")
    assert "7000" in app.shown_text(".st-key-chat-msg-0") and "第九条" in app.shown_text(".st-key-chat-msg-0")
    left = [b.inner_text().strip().removeprefix("help").strip()
            for b in app.page.locator(".st-key-chat-suggested button").all()]
    assert left == suggested_questions("巴彦淖尔市")[1:]  # the next question is one tap away too
    app.assert_chinese_renders()
    app.screenshot(f"{'kiosk' if kiosk else 'phone'}-chat-suggested-answered")
