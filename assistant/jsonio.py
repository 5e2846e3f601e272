"""Reading and writing CONTRACT.md's JSON: exact Decimals in, amounts with two decimals out.

Everything a person or another program hands the command passes through `read_bytes` and
`loads`, so every way it can be wrong (a folder for a file, GBK text, a BOM, JSON nested a
thousand deep, a number of ten thousand digits) ends as one Chinese sentence, not a traceback.
"""
from __future__ import annotations

import errno
import json
from decimal import Decimal

import orjson

from .errors import InputError

NOT_UTF8 = "不是 UTF-8 编码的文本，请另存为 UTF-8 后再试（记事本：另存为 → 编码选 UTF-8；WPS/Excel：另存为 CSV UTF-8）。"
# A case is four levels deep (case → visits → visit → value); anything far deeper is not a case.
MAX_DEPTH_WORDS = "输入的 JSON 嵌套层数太多，不是一个病例的格式（病例只有 病例 → visits → 就诊 → 金额 几层），请检查内容。"


def os_message(error: OSError, path: str) -> str:
    """The operating system's complaint about a path, in Chinese (its own words are English)."""
    code = error.errno
    if code == errno.ENOENT:
        return f"找不到文件“{path}”，请检查路径。"
    if code == errno.EISDIR:
        return f"“{path}”是一个文件夹，不是文件，请给出文件夹里病例文件的路径。"
    if code in (errno.EACCES, errno.EPERM):
        return f"没有权限读取文件“{path}”，请检查文件的权限或换一个位置保存。"
    if code == errno.ENOTDIR:
        return f"路径“{path}”中有一段不是文件夹，请检查路径。"
    if code == errno.ENAMETOOLONG:
        return f"文件名“{path[:40]}…”太长，请换一个短一些的名字。"
    name = errno.errorcode.get(code, "") if code is not None else ""
    return f"无法读取文件“{path}”（系统错误 {name or code}），请检查文件是否完好、路径是否正确。"


def read_bytes(path: str, stdin=None) -> bytes:
    """The bytes of a file, or of standard input for "-" (or no path)."""
    if path is None or path == "-":
        if stdin is None:
            import sys
            stdin = sys.stdin
        return getattr(stdin, "buffer", stdin).read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise InputError(os_message(error, path)) from None


def decode(data: bytes | str, where: str = "输入") -> str:
    """UTF-8 text without its BOM; anything else is refused in the same words for a file, standard input or a line."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError(f"{where}{NOT_UTF8}") from None


def loads(text: bytes | str, where: str = "输入"):
    """JSON with every number as an exact Decimal (a float would turn 0.1 into 0.1000000000000000055…)."""
    text = decode(text, where)
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}不是有效的 JSON（第{error.lineno}行第{error.colno}列附近），"
                         "请检查括号、引号和逗号。") from None
    except RecursionError:
        raise InputError(MAX_DEPTH_WORDS) from None
    except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
        raise InputError(f"{where}里有一个位数过多的数字，请检查金额是否填写正确。") from None


# orjson writes a Decimal only as a string: amounts go out between two control characters
# (which no text of ours contains) and the quotes around them are cut off afterwards.
_OPEN, _CLOSE = b'"\\u001f', b'\\u001e"'


def _decimal(value):
    if isinstance(value, Decimal):
        if value.is_zero():  # never "-0.00": a zero has no sign for a person
            value = value.copy_abs()
        return f"\x1f{value:f}\x1e"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _mend(value):
    """Strings made valid UTF-8 (a lone surrogate from "\\ud800" in the input becomes �)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_mend(k): _mend(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mend(v) for v in value]
    return value


def dump_bytes(result, indent: int | None = None) -> bytes:
    """UTF-8 JSON; amounts as JSON numbers with exactly their two decimals (60000.00)."""
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        data = orjson.dumps(result, default=_decimal, option=option)
    except orjson.JSONEncodeError:
        data = orjson.dumps(_mend(result), default=_decimal, option=option)
    return data.replace(_OPEN, b"").replace(_CLOSE, b"")


def dumps(result, indent: int | None = None) -> str:
    return dump_bytes(result, indent).decode()


def settle_json(text: bytes | str) -> str:
    from .settlement.api import settle  # the core imports this module's readers; settle it lazily
    return dumps(settle(loads(text)))
