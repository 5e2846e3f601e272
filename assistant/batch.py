"""`settle --batch`: one case a line in, one result a line out, in order; a bad line reports its number.

Large files are split into chunks settled by worker processes (the core is CPU-bound Python),
and written back in input order.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from .errors import InputError
from .settlement.api import dumps, loads, settle

CHUNK = 2000


def _settle_lines(numbered: list[tuple[int, str]]) -> list[str]:
    out = []
    for number, line in numbered:
        try:
            out.append(dumps(settle(loads(line))))
        except InputError as error:
            out.append(dumps({"line": number, "error": error.message}))
    return out


def run_batch(path: str, stream, workers: int | None = None) -> int:
    with open(path, encoding="utf-8-sig") as handle:
        numbered = [(n, line) for n, line in enumerate(handle, start=1) if line.strip()]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(numbered) >= 2 * CHUNK else 1
    chunks = [numbered[i:i + CHUNK] for i in range(0, len(numbered), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            stream.write("\n".join(_settle_lines(chunk)) + "\n")
        return 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for lines in pool.map(_settle_lines, chunks):
            stream.write("\n".join(lines) + "\n")
    return 0
