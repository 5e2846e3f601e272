"""Amounts as people say them: 35000, 3.5万, 三万五, 两千八百元, 1,200.50元."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMBER = re.compile(r"(\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(万|千)?\s*(?:元|块)?")


def chinese_number(text: str) -> Decimal | None:
    """三万五 → 35000, 两千八百 → 2800, 十二 → 12; None for text that is not a number."""
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        return None
    total = section = 0
    digit, last_unit = None, 1
    for ch in text:
        if ch in "零〇":  # 一千零五: what follows a 零 is in units
            digit, last_unit = None, 1
        elif ch in DIGITS:
            digit = DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10000
        else:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit, last_unit = None, UNITS[ch]
    if digit is not None:  # a trailing digit counts in the next lower unit: 三万五 = 35000, 两千八 = 2800
        section += digit * max(last_unit // 10, 1)
    return Decimal(total + section)


def parse_amount_text(number: str, multiplier: str | None) -> Decimal | None:
    if number[0].isdigit():
        try:
            value = Decimal(number.replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
    else:
        value = chinese_number(number)
        if value is None:
            return None
    if multiplier == "万":
        value *= 10000
    elif multiplier == "千":
        value *= 1000
    return value.quantize(Decimal("0.01"))


def amounts_in(text: str) -> list[tuple[int, int, Decimal]]:
    """(start, end, yuan) for every amount in the text, in order."""
    found = []
    for match in NUMBER.finditer(text):
        number, multiplier = match.group(1), match.group(2)
        if not number[0].isdigit() and len(number) == 1 and number not in "十百千万" and not multiplier:
            continue  # a lone 一/三 is more often a word (一级, 三级) than an amount
        value = parse_amount_text(number, multiplier)
        if value is not None:
            found.append((match.start(), match.end(), value))
    return found
