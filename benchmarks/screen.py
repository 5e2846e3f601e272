"""Prints roster screening's speed: a generated roster of 100,000 members with 1–4 visits each,
rows per second for import, settlement and export, peak memory, and the whole `screen` command.

    .venv/bin/python benchmarks/screen.py [--members 100000] [--engine core] [--skip-command]

Import = read the CSV, check every row, group members; settlement = `screen` (the core on worker
processes); export = the table and its errors as CSV and as .xlsx. Peak memory is the largest
resident set of this process and of any worker (ru_maxrss).
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.privacy import check_digit  # noqa: E402
from assistant.roster import members, read_roster, screen, write_table  # noqa: E402

HEADER = "户编号,姓名,身份证号,身份,参保类型,就诊日期,就诊类型,医院等级,就医地,转诊,总费用,目录外费用,乙类费用,基本医保已支付"
IDENTITIES = ["", "", "", "低保", "特困", "边缘户", "监测户", "因病致贫", "低保、监测对象"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def generate(path: Path, count: int, seed: int = 2023) -> int:
    """A roster of `count` members in households of 1–5, 1–4 visits each in 2023; returns its data rows."""
    rnd = random.Random(seed)
    lines = [HEADER]
    household = 0
    left_in_household = 0
    used: set[str] = set()
    for person in range(count):
        if left_in_household == 0:
            household += 1
            left_in_household = rnd.randint(1, 5)
        left_in_household -= 1
        first17 = ""
        while not first17 or first17 in used:  # one number per person, as in life
            first17 = f"150802{rnd.randint(1940, 2020)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{rnd.randint(0, 999):03d}"
        used.add(first17)
        id_number = first17 + check_digit(first17)
        name = rnd.choice(SURNAMES) + f"{person:06d}"
        identity = rnd.choice(IDENTITIES)
        insurance = "职工" if rnd.random() < 0.1 else "城乡居民"
        for visit in range(rnd.randint(1, 4)):
            kind = rnd.choice(["住院", "住院", "门诊", "门诊慢特病"])
            location = rnd.choice(["本地", "本地", "省内", "省外"])
            referral = rnd.choice(["已转诊", "已转诊", "未转诊"] + (["无需"] if location == "本地" else []))
            total = rnd.randint(10000, 30000000) / 100
            outside = round(total * rnd.choice([0, 0.03, 0.08]), 2)
            basic = "" if rnd.random() < 0.5 else f"{(total - outside) * rnd.choice([0.5, 0.6, 0.7]):.2f}"
            lines.append(f"H{household:06d},{name},{id_number},{identity if visit == 0 else ''},{insurance},"
                         f"2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d},{kind},"
                         f"{rnd.choice(['乡镇卫生院', '一级', '二级', '三级'])},{location},{referral},"
                         f"{total:.2f},{outside:.2f},,{basic}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, workers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--engine", default="core")
    parser.add_argument("--skip-command", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "roster.csv"
        rows_in = generate(source, args.members)
        print(f"roster: {args.members:,} members, {rows_in:,} visit rows, {source.stat().st_size / 2**20:.1f} MiB CSV")

        start = time.perf_counter()
        roster = read_roster(source).for_year(2023)
        people = members(roster)
        imported = time.perf_counter() - start
        print(f"import:     {imported:6.2f} s  {rows_in / imported:10,.0f} rows/s   "
              f"({len(roster.rows):,} good rows, {len(roster.errors):,} rejected, {len(people):,} members)")

        start = time.perf_counter()
        table = screen(people, policy="bayannur-2023", engine=args.engine)
        settled = time.perf_counter() - start
        failed = sum(1 for r in table if r.error)
        print(f"settlement: {settled:6.2f} s  {len(people) / settled:10,.0f} members/s "
              f"({rows_in / settled:,.0f} visit rows/s; engine {args.engine}; {failed:,} members the core refused)")

        for suffix in (".csv", ".xlsx", ".parquet"):
            start = time.perf_counter()
            write_table(table, folder / f"result{suffix}", roster.errors)
            spent = time.perf_counter() - start
            print(f"export {suffix:8s} {spent:6.2f} s  {len(table) / spent:10,.0f} rows/s")
        own, workers = peak_mib()
        print(f"peak memory: {own:,.0f} MiB this process, {workers:,.0f} MiB largest worker")
        print(f"in-process total (import + settlement + .xlsx export): see lines above")

        if not args.skip_command:
            out = folder / "command.xlsx"
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "assistant", "screen", str(source), "--out", str(out),
                                   "--policy", "bayannur-2023", "--engine", args.engine],
                                  cwd=ROOT, capture_output=True, text=True)
            whole = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"screen failed: {done.stderr}")
            print(f"whole command `screen roster.csv --out result.xlsx`: {whole:.1f} s (aim < 60 s); "
                  f"peak {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB in any process")
            print("  " + done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
