"""`settle --batch`: one case a line in, one result a line out, in order, each with its `line` number.

Large files are split into chunks settled by worker processes (the core is CPU-bound Python),
and written back in input order. Lines travel as bytes both ways: results are never decoded
and encoded again on their way out. However malformed one line is (not UTF-8, not JSON, nested
a thousand deep), it gets its own error line and every other line still settles.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from .errors import InputError
from .jsonio import MAX_DEPTH_WORDS, dump_bytes, loads, read_bytes
from .settlement.api import settle

CHUNK = 1000


def _settle_line(line: bytes) -> bytes:
    try:
        return dump_bytes(settle(loads(line, "这一行")))
    except InputError as error:
        return dump_bytes({"error": error.message})
    except RecursionError:
        return dump_bytes({"error": MAX_DEPTH_WORDS})
    except Exception as error:  # noqa: BLE001 — a defect of ours must not cost the other lines their results
        return dump_bytes({"error": f"这一行计算时出现程序错误（{type(error).__name__}），其他行不受影响；"
                                    "请把这一行发给维护人员。"})


def _settle_lines(numbered: list[tuple[int, bytes]]) -> bytes:
    # every output line starts with its input line number: {"line":N, …the result or the error…}
    return b"".join(b'{"line":%d,' % number + _settle_line(line)[1:] + b"\n" for number, line in numbered)


def numbered_lines(data: bytes) -> list[tuple[int, bytes]]:
    """(line number, line) for every non-blank line; blank lines are counted, not settled."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    return [(n, line) for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]


def run_batch(path: str, stream, workers: int | None = None, stdin=None) -> int:
    """Settle every line of `path` ("-": standard input) onto `stream`."""
    numbered = numbered_lines(read_bytes(path, stdin))
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
