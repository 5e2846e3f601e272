"""Prints roster screening's speed: a generated roster of 100,000 members with 1–4 visits each,
rows per second for import, settlement and export, peak memory, and the whole `screen` command.

    .venv/bin/python benchmarks/screen.py [--members 100000] [--engine core] [--skip-command]

Import = read the CSV, check every row, group members; settlement = `screen` (the core on worker
processes); export = the table and its errors as CSV and as .xlsx. Peak memory is the largest
resident set of this process and of any worker (ru_maxrss).
"""
from __future__ import annotations

import argparse
import os
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


class Phase:
    """Wall seconds and CPU seconds (this process and its finished workers) of one phase: on a
    shared machine the CPU figure says what the code costs, the wall figure what a user waits."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu
        return False

    def __str__(self):
        return f"{self.wall:6.2f} s wall, {self.cpu:6.2f} s CPU"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


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

        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
        with Phase() as imported:
            roster = read_roster(source).for_year(2023)
            people = members(roster)
        print(f"import:     {imported}  {rows_in / imported.wall:9,.0f} rows/s   "
              f"({len(roster.rows):,} good rows, {len(roster.errors):,} rejected, {len(people):,} members)")

        with Phase() as settled:
            table = screen(people, policy="bayannur-2023", engine=args.engine)
        failed = sum(1 for r in table if r.error)
        print(f"settlement: {settled}  {len(people) / settled.wall:9,.0f} members/s "
              f"({rows_in / settled.wall:,.0f} visit rows/s; engine {args.engine}; {failed:,} members the core refused)")

        phases = [imported.wall, settled.wall]
        for suffix in (".csv", ".xlsx", ".parquet"):
            with Phase() as spent:
                write_table(table, folder / f"result{suffix}", roster.errors)
            phases.append(spent.wall)
            print(f"export {suffix:8s} {spent}  {len(table) / spent.wall:9,.0f} rows/s")
        own, workers = peak_mib()
        print(f"peak memory: {own:,.0f} MiB this process, {workers:,.0f} MiB largest worker")
        print(f"import + settlement + .xlsx export: {phases[0] + phases[1] + phases[3]:.1f} s wall "
              f"(load average now {os.getloadavg()[0]:.1f})")

        if not args.skip_command:
            out = folder / "command.xlsx"
            with Phase() as whole:
                done = subprocess.run([sys.executable, "-m", "assistant", "screen", str(source), "--out", str(out),
                                       "--policy", "bayannur-2023", "--engine", args.engine],
                                      cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"screen failed: {done.stderr}")
            print(f"whole command `screen roster.csv --out result.xlsx`: {whole} (aim < 60 s wall); "
                  f"peak {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB in any process; "
                  f"load average now {os.getloadavg()[0]:.1f}")
            print("  " + done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
