"""`ask --batch`: one question a line in ({"q", "region"|"policy", "state"}), one answer a line out.

Each output line carries "line": N (the input line number, blank lines counted); a line that
cannot be read or answered gives {"line": N, "error": "…"} and the others still answer.
"""
from __future__ import annotations

import json
import sys

from ..errors import InputError
from ..jsonio import os_message
from ..jsonio import dumps
from .answer import ask


def ask_batch(path: str, out) -> int:
    try:
        handle = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as error:
        raise InputError(os_message(error, path)) from None
    try:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            out.write(dumps(_one(number, raw)) + "\n")
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return 0


def _one(number: int, raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {"line": number, "error": "这一行不是 UTF-8 编码的文本。"}
    try:
        item = json.loads(text)
    except (ValueError, RecursionError):
        return {"line": number, "error": "这一行不是有效的 JSON，应为 {\"q\": \"问题\", \"region\": \"地区\"}。"}
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        return {"line": number, "error": "每行需要一个 JSON 对象，其中 \"q\" 是问题文字。"}
    for key in ("region", "policy"):
        if item.get(key) is not None and not isinstance(item[key], str):
            return {"line": number, "error": f"\"{key}\" 应为文字。"}
    try:
        answer = ask(item["q"], policy=item.get("policy"), region=item.get("region"), state=item.get("state"))
    except InputError as error:
        return {"line": number, "error": error.message}
    return {"line": number, **answer}
