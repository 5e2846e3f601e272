"""`settle --batch`: one case a line in, one result a line out, in order; a bad line reports its number.

Large files are split into chunks settled by worker processes (the core is CPU-bound Python),
and written back in input order. Lines travel as bytes both ways: results are never decoded
and encoded again on their way out.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from .errors import InputError
from .settlement.api import dump_bytes, loads, settle

CHUNK = 1000


def _settle_lines(numbered: list[tuple[int, bytes]]) -> bytes:
    out = []
    for number, line in numbered:
        try:
            out.append(dump_bytes(settle(loads(line))))
        except InputError as error:
            out.append(dump_bytes({"line": number, "error": error.message}))
        except UnicodeDecodeError:
            out.append(dump_bytes({"line": number, "error": "这一行不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。"}))
    return b"\n".join(out) + b"\n"


def run_batch(path: str, stream, workers: int | None = None) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    data = data.removeprefix(b"\xef\xbb\xbf")
    numbered = [(n, line) for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(numbered) >= 2 * CHUNK else 1
    chunks = [numbered[i:i + CHUNK] for i in range(0, len(numbered), CHUNK)]
    out = getattr(stream, "buffer", None)
    write = out.write if out is not None else (lambda b: stream.write(b.decode()))
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            write(_settle_lines(chunk))
        return 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for block in pool.map(_settle_lines, chunks):
            write(block)
    return 0
