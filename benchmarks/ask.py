"""How fast `ask` answers: every question of the labelled set (tests/data/questions.yaml), conversations
turn by turn, in one process; prints the time to build the index (first question) and the median and
p95 per question after it. Aim: p95 < 50 ms.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ask.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    from assistant.understanding.answer import ask
    from tests.ask_set import load_set, run_set
    imported = time.perf_counter()
    ask("低保户大病保险起付线是多少", region="巴彦淖尔市")  # builds jieba, the pinyin keys and the BM25 index
    built = time.perf_counter()
    times: list[float] = []

    def timed(question, region=None, state=None, policy=None):
        start = time.perf_counter()
        answer = ask(question, region=region, state=state, policy=policy)
        times.append((time.perf_counter() - start) * 1000)
        return answer

    data = load_set()
    for _ in range(args.rounds):
        run_set(data, ask_one=timed)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"import: {(imported - started) * 1000:.0f} ms; first question (index built): {(built - imported) * 1000:.0f} ms")
    print(f"{len(times)} questions ({args.rounds} rounds of the set): median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (aim p95 < 50 ms)")


if __name__ == "__main__":
    main()
