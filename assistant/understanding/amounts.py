"""Amounts as people say them: 35000, 3.5万, 三万五, 两千八百元, 1,200.50元."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


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
    if multiplier in ("万", "w", "W"):
        value *= 10000
    elif multiplier in ("千", "k", "K"):
        value *= 1000
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    value: Decimal
    approximate: bool   # 八万多, 大概两万: the person gave a round figure


APPROXIMATE_BEFORE = ("大概", "大约", "差不多", "将近", "约", "估计", "快")
APPROXIMATE_AFTER = ("多", "来", "左右", "出头")


def amounts_in(text: str) -> list[Amount]:
    """Every amount of money in the text, in order. Years (2026年), months (10月), ages (68岁), counts
    (第二次, 两个月), levels (二级), percentages and words such as 老百姓 are not amounts."""
    found = []
    for match in AMOUNT.finditer(text):
        number, multiplier, tail = match.group("number"), match.group("unit"), match.group("tail")
        after = text[match.end():match.end() + 1]
        before = text[max(0, match.start() - 1):match.start()]
        has_yuan = bool(match.group("yuan"))
        if before in ("第", "至", "到") or (after in NOT_MONEY_AFTER and not has_yuan and not multiplier):
            continue
        if after and after in "%％":
            continue
        if text[match.end():match.end() + 2] in RANGE_WORDS or after in ("至", "到", "段"):
            continue  # 10万以内, 20万至30万: a band of the rules, not a bill
        if not number[0].isdigit():
            if all(ch in "十百千万" for ch in number) and not has_yuan:
                continue  # 老百姓, 千万: a unit alone is a word
            if len(number) == 1 and not multiplier and not has_yuan:
                continue  # a lone 一/三 is more often a word (一级, 三级) than an amount
        elif not multiplier and not has_yuan and len(number.replace(",", "").split(".")[0]) < 3:
            continue  # 3天, 2次: small bare numbers are counts; money is said with 元/万 or has 3+ digits
        value = parse_amount_text(number, multiplier)
        if value is None:
            continue
        if tail:  # 3万5 -> 35000, 1万8 -> 18000, 2千5 -> 2500
            value += Decimal(tail) * (1000 if multiplier in ("万", "w", "W") else 100)
        value = value.quantize(Decimal("0.01"))
        approximate = bool(match.group("more")) or any(
            text[max(0, match.start() - len(w)):match.start()] == w for w in APPROXIMATE_BEFORE) or any(
            text[match.end():match.end() + len(w)] == w for w in ("左右", "出头"))
        found.append(Amount(match.start(), match.end(), value, approximate))
    return found


RANGE_WORDS = ("以内", "以上", "以下", "之间", "的部", "费用")
NOT_MONEY_AFTER = set("年月日号岁周天次级倍成点份床个层楼种项条")
AMOUNT = re.compile(
    r"(?P<number>\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    r"\s*(?P<unit>万|千|w|W|k|K)?(?P<tail>(?<=[万千wWkK])\d(?![\d.]))?"
    r"(?P<more>多|来)?\s*(?P<yuan>元|块钱|块)?")
