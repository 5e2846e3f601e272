"""Prints the settlement core's speed: `--batch` cases per second on 20,000 generated cases (full
explanations, as the command writes them) and the time of one `settle` call from process start.

    .venv/bin/python benchmarks/settle.py [--cases 20000] [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDENTITIES = ["extreme_poverty", "orphan", "minimum_living", "near_minimum_living", "monitored_at_risk",
              "illness_impoverished"]


def generate(count: int, seed: int = 20231) -> list[str]:
    rnd = random.Random(seed)
    lines = []
    for _ in range(count):
        visits = []
        year = rnd.choice([2023, 2024, 2025, 2026])  # one year a case; months up to October (2026 is not over)
        for _ in range(rnd.randint(1, 3)):
            total = rnd.randint(100, 300000)
            location = rnd.choice(["local", "local", "in_province", "out_of_province"])
            visits.append({
                "date": f"{year}-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d}",
                "kind": rnd.choice(["inpatient", "inpatient", "outpatient", "chronic_outpatient"]),
                "hospital_level": rnd.choice(["township", "level1", "level2", "level3"]),
                "location": location,
                # not_needed only where the hospital is local (CONTRACT "Referral")
                "referral": rnd.choice(["not_needed", "referred", "referred", "not_referred"] if location == "local"
                                       else ["referred", "referred", "not_referred"]),
                "total": total, "out_of_catalog": round(total * rnd.choice([0, 0.03, 0.08])),
            })
        lines.append(json.dumps({
            "policy": rnd.choice(["bayannur-2023", "tianjin-2023"]),
            "insurance": rnd.choice(["resident", "resident", "resident", "employee"]),
            "identities": rnd.sample(IDENTITIES, rnd.randint(0, 2)),
            "visits": visits}, ensure_ascii=False))
    return lines


def timed(args: list[str], stdin=None) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, input=stdin,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"assistant {' '.join(args)} failed: {done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_text("\n".join(generate(args.cases)) + "\n", encoding="utf-8")
        one = (ROOT / "docs" / "example-case.json").read_text(encoding="utf-8")
        timed(["settle"], stdin=one)  # warm the file cache once
        singles = [timed(["settle"], stdin=one) for _ in range(args.runs * 2)]
        for workers in (1, 2):
            runs = [timed(["settle", "--batch", str(path), "--workers", str(workers)]) for _ in range(args.runs)]
            best, median = min(runs), statistics.median(runs)
            print(f"settle --batch, {args.cases} cases, {workers} worker(s): "
                  f"{args.cases / median:,.0f} cases/s (median of {args.runs}; best {args.cases / best:,.0f})")
    print(f"one settle call from process start: median {statistics.median(singles) * 1000:.0f} ms, "
          f"min {min(singles) * 1000:.0f} ms, max {max(singles) * 1000:.0f} ms ({len(singles)} runs)")


if __name__ == "__main__":
    main()
