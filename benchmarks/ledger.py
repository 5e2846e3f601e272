"""Prints the workspace's import speed: a generated roster (benchmarks/screen.py's generator) imported
into the ledger — rows stored per second, members settled per second, the same file again (nothing
added), and the masked export — on SQLite, and on PostgreSQL when --postgres URL (or DATABASE_URL) is given.

    .venv/bin/python benchmarks/ledger.py [--members 2000] [--postgres postgresql://…]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screen import generate  # noqa: E402

from assistant.ledger import Ledger, auth  # noqa: E402
from assistant.ledger.importing import export_table, import_roster  # noqa: E402


def run(url: str, roster: Path, rows: int, members: int) -> None:
    ledger = Ledger(url)
    with ledger.session() as s:
        admin = auth.create_first_admin(s, "admin", "benchmark-password")
        cadre = auth.create_cadre(s, admin, "cadre", "benchmark-password", "村干部", ["红星村"])
    data = roster.read_bytes()
    marks = {}

    def progress(done, total):
        marks.setdefault("first", time.perf_counter())

    with ledger.session() as s:
        start = time.perf_counter()
        report = import_roster(s, cadre, data, roster.name, village="红星村", region="巴彦淖尔市", year=2023,
                               progress=progress)
        end = time.perf_counter()
        stored = marks.get("first", end) - start
        settled = end - marks.get("first", end)
        again_start = time.perf_counter()
        again = import_roster(s, cadre, data, roster.name, village="红星村", region="巴彦淖尔市", year=2023)
        again_time = time.perf_counter() - again_start
        export_start = time.perf_counter()
        table = export_table(s, cadre, 2023, ".xlsx")
        export_time = time.perf_counter() - export_start
    backend = ledger.backend
    ledger.dispose()
    print(f"[{backend}] {rows} rows, {members} members: read+check+store {stored:.1f} s ({rows / stored:,.0f} rows/s); "
          f"settle+save {settled:.1f} s ({report.new_members / max(settled, 1e-9):,.0f} members/s); "
          f"same file again {again_time:.1f} s (added {again.added_rows}); "
          f"export .xlsx {export_time:.1f} s ({members / export_time:,.0f} members/s, {len(table) // 1024} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "花名册.csv"
        rows = generate(roster, args.members)
        run(f"sqlite:///{folder}/ledger.db", roster, rows, args.members)
        if args.postgres and args.postgres.startswith(("postgres://", "postgresql")):
            run(args.postgres, roster, rows, args.members)


if __name__ == "__main__":
    main()
