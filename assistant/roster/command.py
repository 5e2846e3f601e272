"""`python -m assistant screen ROSTER --out RESULT`: CONTRACT.md's roster screening from the command line.

Exit 0 when it ran (rejected rows counted on standard error in Chinese), 2 when the roster cannot
be read at all or the options are wrong. A progress bar goes to standard error when it is a
terminal (or with --progress).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError

USAGE = ("python -m assistant screen 花名册.csv|.xlsx|.parquet --out 结果.xlsx|.csv|.parquet "
         "[--policy ID | --region 名称] [--year 2023] [--per-capita-income 36000] "
         "[--engine columnar|core|spark] [--show-id] [--progress]")


def configure(parser) -> None:
    parser.add_argument("roster")
    parser.add_argument("--out", required=True)
    parser.add_argument("--policy")
    parser.add_argument("--region")
    parser.add_argument("--year", type=int)
    parser.add_argument("--per-capita-income", dest="per_capita_income")
    parser.add_argument("--engine", default=None)
    parser.add_argument("--show-id", action="store_true", dest="show_id")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--workers", type=int, default=None)


def run(args) -> int:
    from ..models import parse_amount
    from ..settlement.api import policy_for
    from . import members, read_roster, screen, write_table
    from .screen import DEFAULT_ENGINE, ENGINES

    if args.policy and args.region:
        raise InputError("--policy 和 --region 只需填一个：政策编号已经确定了地区。")
    if not args.policy and not args.region:
        raise InputError(f"请用 --policy（如 bayannur-2023）或 --region（如 巴彦淖尔市）指定按哪个政策计算。用法：{USAGE}")
    if args.policy:
        policy_for(policy=args.policy)  # an unknown or unsettleable policy stops here, before any work
    income = parse_amount(args.per_capita_income, "上年居民人均可支配收入", required=False)
    if income is not None and income == 0:
        raise InputError("上年居民人均可支配收入不能为0，请填写统计公报的数字或不填（使用政策包中的数字）。")
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".parquet"):
        raise InputError(f"结果文件“{args.out}”的扩展名应为 .xlsx、.csv 或 .parquet。")
    if not out.parent.is_dir():  # found now, not after every member has been settled
        raise InputError(f"结果文件的文件夹“{out.parent}”不存在，请先建好文件夹或换一个位置。")
    engine = args.engine or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise InputError(f"没有名为“{engine}”的计算引擎，可选：{'、'.join(ENGINES)}。")

    roster = read_roster(args.roster)
    year = args.year or roster.main_year()
    if year is not None:
        roster = roster.for_year(year)
    if args.region and year is not None:
        policy_for(region=args.region, day=_mid_year(year))  # no policy for that region and year: say so now
    people = members(roster)
    options = {"workers": args.workers} if args.workers and engine == "core" else {}
    with _progress_bar(args.progress, len(people)) as progress:
        rows = screen(people, policy=args.policy, region=args.region, per_capita_income=income,
                      engine=engine, progress=progress, **options)
    try:
        written = write_table(rows, out, roster.errors, show_id=args.show_id)
    except OSError as error:
        raise InputError(f"无法写入结果文件“{args.out}”（{error.strerror or error}），"
                         "请检查文件是否正在 Excel 里打开、文件夹能否写入。") from None

    failed = [r for r in rows if r.error]
    rejected = len(roster.errors) + sum(len(r.rows) for r in failed)
    for note in roster.notes:
        sys.stderr.write(note + "\n")
    guessed = "" if args.year else "（按多数就诊所在年度；可用 --year 指定）"
    sys.stderr.write(f"{year or '—'} 年度{guessed}：{len(rows) - len(failed)} 人已计算，"
                     f"{rejected} 行被拒（原因见 {_errors_where(written)}）。结果：{written[0]}\n")
    return 0


def _mid_year(year: int):
    import datetime as dt
    return dt.date(year, 7, 1)


def _errors_where(written: list[Path]) -> str:
    return f"“{written[0].name}”的“错误行”表" if len(written) == 1 else str(written[1])


class _progress_bar:
    """A tqdm bar on standard error while members settle; nothing when stderr is not a terminal."""

    def __init__(self, forced: bool, total: int):
        self.show = forced or sys.stderr.isatty()
        self.total = total
        self.bar = None

    def __enter__(self):
        if not self.show:
            return None
        from tqdm import tqdm
        self.bar = tqdm(total=self.total, desc="计算", unit="人", file=sys.stderr, leave=True)

        def progress(done: int, total: int) -> None:
            self.bar.update(done - self.bar.n)
        return progress

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
