"""The command of CONTRACT.md: `python -m assistant settle | policies | ask`.

Errors a user can fix exit 2 with one Chinese line on standard error and nothing on standard
output. Heavy modules (streamlit) are never imported on this path.
"""
from __future__ import annotations

import argparse
import os
import sys

from .errors import InputError, KnowledgeError

USAGE = """python -m assistant settle [FILE]              一个病例（JSON，文件或标准输入）
python -m assistant settle --batch FILE.jsonl   每行一个病例，每行输出一个结果
python -m assistant policies                    列出政策包
python -m assistant ask "问题" [--policy ID | --region 名称] [--state STATE_JSON]
python -m assistant ask --batch FILE.jsonl      每行 {"q", "region"|"policy", "state"}，每行输出一个回答"""


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
    return parser


def _read(path: str | None) -> str:
    if path is None or path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(f"找不到文件“{path}”，请检查路径。") from None
    except UnicodeDecodeError:
        raise InputError(f"文件“{path}”不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。") from None
    except OSError as error:
        raise InputError(f"无法读取文件“{path}”（{error.strerror}）。") from None


def _settle_one(args) -> int:
    from .settlement.api import dumps, loads, settle
    result = settle(loads(_read(args.file)))
    sys.stdout.write(dumps(result, indent=args.indent) + "\n")
    return 0


def _batch(args) -> int:
    from .batch import run_batch
    if not os.path.exists(args.batch):
        raise InputError(f"找不到文件“{args.batch}”，请检查路径。")
    return run_batch(args.batch, sys.stdout, workers=args.workers)


def _policies(_args) -> int:
    from .knowledge.catalog import policy_rows
    from .settlement.api import dumps
    sys.stdout.write(dumps(policy_rows(), indent=1) + "\n")
    return 0


def _ask(args) -> int:
    from .settlement.api import dumps
    from .understanding.answer import ask
    if args.batch:
        from .understanding.batch import ask_batch
        if args.batch != "-" and not os.path.exists(args.batch):
            raise InputError(f"找不到文件“{args.batch}”，请检查路径。")
        return ask_batch(args.batch, sys.stdout)
    if args.question is None:
        raise InputError(f"请给出问题，例如：python -m assistant ask \"低保户大病保险起付线是多少\"。用法：\n{USAGE}")
    answer = ask(args.question, policy=args.policy, region=args.region, state=args.state)
    sys.stdout.write(dumps(answer) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        handler = {"settle": _batch if getattr(args, "batch", None) else _settle_one,
                   "policies": _policies, "ask": _ask}[args.command]
        return handler(args)
    except InputError as error:
        sys.stderr.write(error.message.replace("\n", " ") + "\n")
        return 2
    except KnowledgeError as error:
        sys.stderr.write(f"政策知识库校验失败：{error}\n")
        return 3
    except BrokenPipeError:
        return 0
