"""The command of CONTRACT.md: `python -m assistant settle | policies | ask`.

Errors a user can fix exit 2 with one Chinese line on standard error and nothing on standard
output. Heavy modules (streamlit) are never imported on this path.
"""
from __future__ import annotations

import argparse
import sys

from .errors import InputError, KnowledgeError

USAGE = """python -m assistant settle [FILE]              一个病例（JSON，文件或标准输入）
python -m assistant settle --batch FILE.jsonl   每行一个病例，每行输出一个结果（- 表示标准输入）
python -m assistant policies                    列出政策包
python -m assistant ask "问题" [--policy ID | --region 名称] [--state STATE_JSON]
python -m assistant ask --batch FILE.jsonl      每行 {"q", "region"|"policy", "state"}，每行输出一个回答
python -m assistant screen 花名册.csv|.xlsx|.parquet --out 结果.xlsx|.csv|.parquet [--policy ID | --region 名称]
python -m assistant check-frame [--policy ID]     按内蒙古2015年框架检查盟市政策包"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's English message would reach users otherwise
        raise InputError(f"命令用法有误（{message}）。用法：\n{USAGE}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m assistant", description="三重保障助手", usage=USAGE)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    settle = commands.add_parser("settle")
    settle.add_argument("file", nargs="?")
    settle.add_argument("--batch", metavar="FILE.jsonl")
    settle.add_argument("--indent", type=int, default=None)
    settle.add_argument("--workers", type=int, default=None)
    commands.add_parser("policies")
    ask = commands.add_parser("ask")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--policy")
    ask.add_argument("--region")
    ask.add_argument("--state")
    ask.add_argument("--batch", metavar="FILE.jsonl")
    frame = commands.add_parser("check-frame")
    frame.add_argument("--policy")
    from .roster.command import configure  # the roster's options live with the roster
    configure(commands.add_parser("screen"))
    return parser


def _write(text: str | bytes) -> None:
    """UTF-8 on standard output whatever the terminal's locale (CONTRACT.md's JSON is UTF-8)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out.write(data)
        out.flush()


def _complain(message: str) -> None:
    """One line on standard error, in UTF-8 (a Latin-1 terminal must not turn it into a traceback)."""
    data = (message.replace("\n", " ").replace("\r", " ") + "\n").encode("utf-8", "replace")
    err = getattr(sys.stderr, "buffer", None)
    if err is None:
        sys.stderr.write(data.decode("utf-8"))
    else:
        err.write(data)
        err.flush()


def _settle_one(args) -> int:
    from .jsonio import dump_bytes, loads, read_bytes
    from .settlement.api import settle
    where = "标准输入" if args.file in (None, "-") else f"文件“{args.file}”"
    result = settle(loads(read_bytes(args.file), where))
    _write(dump_bytes(result, indent=args.indent) + b"\n")
    return 0


def _batch(args) -> int:
    from .batch import run_batch
    if args.file is not None:
        raise InputError("--batch 后面只能跟一个文件（或 - 表示标准输入），不能再给病例文件。")
    return run_batch(args.batch, sys.stdout, workers=args.workers)


def _policies(_args) -> int:
    from .knowledge.catalog import policy_rows
    from .jsonio import dump_bytes
    _write(dump_bytes(policy_rows(), indent=1) + b"\n")
    return 0


def _ask(args) -> int:
    from .jsonio import dump_bytes
    from .understanding.answer import ask
    if args.batch:
        from .understanding.batch import ask_batch
        return ask_batch(args.batch, sys.stdout)
    if args.question is None:
        raise InputError(f"请给出问题，例如：python -m assistant ask \"低保户大病保险起付线是多少\"。用法：\n{USAGE}")
    _write(dump_bytes(ask(args.question, policy=args.policy, region=args.region, state=args.state)) + b"\n")
    return 0


def _check_frame(args) -> int:
    from .knowledge.frame import check_frame
    from .knowledge.store import packs
    from .settlement.api import dumps
    rows = check_frame(packs(), policy=args.policy)
    sys.stdout.write(dumps(rows, indent=1) + "\n")
    return 0 if all(row["result"] == "pass" for row in rows) else 1


def _screen(args) -> int:
    from .roster.command import run
    return run(args)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        handler = {"settle": _batch if getattr(args, "batch", None) else _settle_one,
                   "policies": _policies, "ask": _ask, "screen": _screen, "check-frame": _check_frame}[args.command]
        return handler(args)
    except InputError as error:
        _complain(error.message)
        return 2
    except RecursionError:  # structure too deep for a case, found after JSON reading succeeded
        from .jsonio import MAX_DEPTH_WORDS
        _complain(MAX_DEPTH_WORDS)
        return 2
    except KnowledgeError as error:
        _complain(f"政策知识库校验失败：{error}")
        return 3
    except BrokenPipeError:
        return 0
