"""People's data shown safely: masked ID numbers, phones and names, and the ID number's own check.

Every page, log, file name and export that mentions a person goes through these masks unless an
authorised person asked to see the full value. `check_id_number` checks an 18-digit ID number
(GB 11643-1999 公民身份号码) by its check digit, so a copying slip is caught at entry.
"""
from __future__ import annotations

import datetime as dt
import re

# GB 11643-1999: the 18th character is ISO 7064 MOD 11-2 over the first 17 digits.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# The first two digits are the province (GB/T 2260): 11–15 north, 21–23 north-east, 31–37 east,
# 41–46 central-south, 50–54 south-west, 61–65 north-west, 71 台湾, 81–83 港澳台居民居住证.
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
                        41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
                        71, 81, 82, 83})
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def normalize_id(text) -> str:
    """Spaces and full-width digits removed, a final x upper-cased: the form stored and compared."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", str(text)).translate(_FULL_WIDTH).upper()


def check_digit(first17: str) -> str:
    """The 18th character GB 11643 requires after these 17 digits."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def check_id_number(text) -> str | None:
    """None when `text` is a valid 18-digit ID number; otherwise one Chinese sentence saying what to fix."""
    value = normalize_id(text)
    if not value:
        return "身份证号是空的，请填写18位身份证号。"
    if len(value) == 15 and value.isdigit():
        return "这是15位的第一代身份证号，已停止使用，请填写18位身份证号。"
    if len(value) != 18:
        return f"身份证号应为18位，这里是{len(value)}位，请核对是否多输或漏输。"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X，请核对。"
    if int(value[:2]) not in _PROVINCES:
        return f"身份证号开头的“{value[:2]}”不是有效的省份代码，请核对。"
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"身份证号中的出生日期“{value[6:14]}”不是有效日期，请核对。"
    if born.year < 1880 or born > dt.date.today():
        return f"身份证号中的出生日期“{value[6:14]}”不可能，请核对。"
    if check_digit(value[:17]) != value[17]:
        # The expected digit is not named: a slip is far likelier in another digit than in the last.
        return "身份证号的校验位不符，可能有数字抄错，请对照身份证逐位核对。"
    return None


def mask_id(id_number) -> str:
    """1505**********1234: first 4 and last 4 shown (enough to tell family members apart), rest hidden."""
    value = normalize_id(id_number)
    if not value:
        return ""
    if len(value) <= 8:  # too short to show anything without showing most of it
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(phone) -> str:
    """138****5678: first 3 and last 4 digits of a mobile; shorter numbers keep only their last 2."""
    value = re.sub(r"[\s-]+", "", str(phone or "")).translate(_FULL_WIDTH)
    if not value:
        return ""
    if len(value) >= 10:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) <= 2:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]


def mask_name(name) -> str:
    """张*明, 张*, 欧**锋: the first character (the surname) and, from three on, the last one."""
    value = str(name or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


__all__ = ["check_id_number", "check_digit", "normalize_id", "mask_id", "mask_phone", "mask_name"]
