"""Read the result aloud in Mandarin, made on this machine (Debian's espeak-ng), nothing sent anywhere.

`spoken_text` says what a person pays and why in short sentences, amounts in words a speech
engine reads right (六千元, not 6000.00); `speak` turns it into WAV bytes for `st.audio`.
"""
from __future__ import annotations

import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

from ..knowledge.store import tier_codes
from .present import tier_name

VOICE = "cmn"
RATE = 150  # words a minute: slower than espeak's 175, for older listeners


class SpeechUnavailable(RuntimeError):
    """espeak-ng is not installed; the message says so in Chinese."""


DIGITS = "零一二三四五六七八九"


def _below_10000(number: int) -> str:
    parts, zero = [], False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = number // size % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(("" if (unit == "十" and digit == 1 and not parts) else DIGITS[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def number_words(number: int) -> str:
    """12345 → 一万二千三百四十五 (to 9999 亿)."""
    if number == 0:
        return "零"
    words = []
    for unit, size in (("亿", 10 ** 8), ("万", 10 ** 4), ("", 1)):
        part = number // size % 10000 if size < 10 ** 8 else number // size
        if part:
            if words and part < 1000:
                words.append("零")
            words.append(_below_10000(part) + unit)
    return "".join(words)


def yuan_words(amount) -> str:
    """Decimal yuan → 六千元 / 四千二百一十五元五角三分."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    fen = int(amount * 100)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    text = f"{number_words(yuan)}元" if yuan or not fen else ""
    if jiao:
        text += f"{DIGITS[jiao]}角"
    if cents:
        text += f"{'零' if text and not jiao else ''}{DIGITS[cents]}分"
    return text


def spoken_text(result: dict) -> str:
    totals = result["totals"]
    lines = [f"这一年看病一共花了{yuan_words(totals['total'])}。",
             f"估计您自己要付{yuan_words(totals['out_of_pocket'])}。"]
    paid = [(tier, totals[tier]) for tier in tier_codes() if Decimal(totals.get(tier, 0)) > 0]
    if paid:
        lines.append("报销的有：" + "，".join(f"{tier_name(t)}{yuan_words(a)}" for t, a in paid) + "。")
    for item in result.get("thresholds") or []:
        if item.get("message"):
            lines.append(item["message"].replace(",", "") + "。")
    found = (result.get("range") or {}).get("out_of_pocket")
    if found:
        lines.append(f"因为有没填清楚的地方，自己付的钱可能在{yuan_words(found['low'])}到{yuan_words(found['high'])}之间。")
    lines.append("这是估算，实际以医院一站式结算为准。")
    return "".join(lines)


def speak(text: str) -> bytes:
    """WAV bytes of `text` read in Mandarin."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SpeechUnavailable("这台机器没有安装朗读程序（espeak-ng），暂时不能朗读。")
    done = subprocess.run([program, "-v", VOICE, "-s", str(RATE), "--stdout", text], capture_output=True,
                          timeout=30)
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise SpeechUnavailable("朗读没有成功，请看屏幕上的文字。")
    return done.stdout
