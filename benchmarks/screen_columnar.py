"""Prints the columnar engine's speed, Parquet to Parquet, beside OpenFisca on the same people.

    .venv/bin/python benchmarks/screen_columnar.py [--sizes 1000000 10000000] [--workers 2] [--runs 3] [--no-openfisca]

For each size: generated person-years of bayannur-2023 (1–4 visits each, in date order, 住院 or
门诊慢特病, the slip's basic_paid on every visit, one identity or none drawn as the OpenFisca peer
draws it) are written to Parquet; the columnar engine reads them, settles every visit in order and
writes one row per person-year to Parquet. Reported: person-years a second over the whole run
(reading, settling, writing; the packs and the compiled kernel are loaded before the clock starts,
as OpenFisca's tax-benefit system is built before its clock), the median of `--runs` runs, each in
a fresh process, and the peak resident memory of those runs; then, like for like with OpenFisca's
own figure, the calculation alone on the visits already in memory.

OpenFisca (`../shared/peers/openfisca_bayannur.py`, the bayannur cascade on one summed visit per
person, float64) runs on the same people, summed, in its own environment (benchmarks/.venv-openfisca,
created on first use with openfisca-core, because it pins numpy its own way). Reported: its rate for
the calculation alone (as the peer measures it) and how many people it puts at a different fen than
the exact engine (summing the visits loses their order; floats lose fen).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEER = ROOT.parent / "shared" / "peers" / "openfisca_bayannur.py"
VENV = ROOT / "benchmarks" / ".venv-openfisca"
ROW_GROUP = 1_000_000


def generate(n: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """visits.parquet (the engine's input) and persons.parquet (the same people summed, for OpenFisca)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from assistant.knowledge.store import packs
    from assistant.screening import INPUT_SCHEMA

    order = list(packs()["bayannur-2023"].identity_order)  # the peer's codes 1..7 in this order
    visits_path, persons_path = folder / f"visits-{n}.parquet", folder / f"persons-{n}.parquet"
    rng = np.random.default_rng(seed)
    step = 2_000_000
    with pq.ParquetWriter(visits_path, INPUT_SCHEMA) as writer:
        sums = []
        for first in range(0, n, step):
            m = min(step, n - first)
            count = rng.integers(1, 5, m)
            ident = rng.integers(0, 8, m)                       # 0 ordinary, 1..7 as the peer
            share = rng.choice([0.4, 0.6], m)
            owner = np.repeat(np.arange(m), count)
            rows = len(owner)
            total = rng.integers(200_000, 60_000_000, m)        # the peer's 2000–600000 yuan, in fen
            cut = 0.1 + rng.random(rows)  # every visit gets a share of the bill (a zero bill is refused)
            part = cut / np.bincount(owner, cut)[owner]
            visit_total = np.floor(total[owner] * part).astype(np.int64)
            ooc = (visit_total * 5 + 50) // 100                   # 5 %, to the fen
            basic = np.round((visit_total - ooc) * share[owner]).astype(np.int64)
            day = np.sort(rng.integers(0, 365, rows) + owner * 1000) - owner * 1000
            dates = (np.datetime64("2023-01-01") + day).astype("datetime64[D]")
            names = np.array([None, *order], dtype=object)
            identities = pa.ListArray.from_arrays(
                pa.array(np.append(0, np.cumsum(ident > 0)).astype(np.int32)),
                pa.array(names[ident[ident > 0]].tolist(), pa.string())).take(pa.array(owner))
            kinds = np.array(["inpatient", "chronic_outpatient"], dtype=object)[rng.integers(0, 2, rows)]
            levels = np.array(["level2", "level3"], dtype=object)[rng.integers(0, 2, rows)]
            table = pa.table({
                "person": first + owner, "policy": pa.array(["bayannur-2023"] * rows, pa.string()),
                "insurance": pa.array(["resident"] * rows, pa.string()),
                "contribution_tier": pa.nulls(rows, pa.string()), "identities": identities,
                "per_capita_income": np.full(rows, 3_600_000), "rural_per_capita_income": pa.nulls(rows, pa.int64()),
                "date": pa.array(dates, pa.date32()), "kind": pa.array(kinds, pa.string()),
                "hospital_level": pa.array(levels, pa.string()), "location": pa.array(["local"] * rows, pa.string()),
                "referral": pa.array(["referred"] * rows, pa.string()), "total": visit_total,
                "out_of_catalog": ooc, "category_b": np.zeros(rows, np.int64), "basic_paid": basic,
            }, schema=INPUT_SCHEMA)
            writer.write_table(table, row_group_size=ROW_GROUP)
            sums.append(pa.table({"total": np.bincount(owner, visit_total).astype(np.int64),
                                  "out_of_catalog": np.bincount(owner, ooc).astype(np.int64),
                                  "basic_paid": np.bincount(owner, basic).astype(np.int64), "identity": ident}))
    pq.write_table(pa.concat_tables(sums), persons_path)
    return visits_path, persons_path


def run_engine(visits: Path, out: Path, workers: int) -> dict:
    """In this process (started fresh for each size, so its peak memory is its own)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from assistant.screening import settle_table
    from assistant.screening.parquet import screen_parquet, tune_allocator
    tune_allocator()
    # loading the compiled kernel and the packs, outside the clock (as OpenFisca's tax-benefit system is)
    # (100 rows only: reading a whole row group here would leave its memory in the heap, pre-touched for the run)
    settle_table(pa.Table.from_batches([next(pq.ParquetFile(visits).iter_batches(batch_size=100))]))
    start, cpu = time.perf_counter(), _cpu()
    n = screen_parquet(visits, out, workers=workers)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    own = _peak_kib()
    calculation = run_calculation(visits, workers)
    return {"person_years": n, "seconds": seconds, "rate": n / seconds, "cpu_seconds": cpu, "cpu_rate": n / cpu,
            "peak_mib": own / 1024, **calculation}


def run_calculation(visits: Path, workers: int) -> dict:
    """The settling alone, as OpenFisca's figure is its calculation alone: the visits already in
    memory (read before the clock), settled on `workers` threads, the result left in memory."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.screening import settle_table
    from assistant.screening.parquet import read_batches, whole_persons
    pieces = list(whole_persons(read_batches(visits)))
    start, cpu = time.perf_counter(), _cpu()
    with ThreadPoolExecutor(workers) as pool:
        n = sum(table.num_rows for table in pool.map(lambda piece: settle_table(piece, True), pieces))
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    return {"calculation_seconds": seconds, "calculation_rate": n / seconds, "calculation_cpu_rate": n / cpu}


def _peak_kib() -> int:
    """This process's peak resident memory since it started its own program (VmHWM): getrusage's
    ru_maxrss would also count the parent's peak before exec — here the generator's."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu() -> float:
    """Processor seconds of this process (its threads) and any finished child processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


OPENFISCA_RUN = r'''
import sys, time, json, importlib.util
import numpy as np, pyarrow.parquet as pq
spec = importlib.util.spec_from_file_location("peer", sys.argv[1]); peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
from openfisca_core.simulations import SimulationBuilder
p = pq.read_table(sys.argv[2]).to_pydict()
total = np.asarray(p["total"], float) / 100; ooc = np.asarray(p["out_of_catalog"], float) / 100
basic = np.asarray(p["basic_paid"], float) / 100; ident = np.asarray(p["identity"])
n = len(total); tbs = peer.Bayannur()
t0 = time.perf_counter()
sim = SimulationBuilder().build_default_simulation(tbs, n)
for k, v in (("total", total), ("out_of_catalog", ooc), ("basic_paid", basic), ("identity", ident),
             ("income", np.full(n, 36000.0))):
    sim.set_input(k, "2023", v)
oop = sim.calculate("out_of_pocket", "2023")
dt = time.perf_counter() - t0
np.save(sys.argv[3], oop)
print(json.dumps({"seconds": dt, "rate": n / dt}))
'''


def openfisca_python() -> Path | None:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} with openfisca-core (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "openfisca-core", "pyarrow"], check=True)
    return python


def run_openfisca(persons: Path, folder: Path, ours: Path) -> dict:
    import numpy as np
    import pyarrow.parquet as pq
    python = openfisca_python()
    script = folder / "openfisca_run.py"
    script.write_text(OPENFISCA_RUN, encoding="utf-8")
    result_path = folder / "openfisca_oop.npy"
    done = subprocess.run([str(python), str(script), str(PEER), str(persons), str(result_path)],
                          capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    theirs = np.round(np.load(result_path) * 100).astype(np.int64)
    exact = pq.read_table(ours, columns=["out_of_pocket"]).column("out_of_pocket").to_numpy()
    differ = theirs != exact
    figures.update({"people_at_another_fen": int(differ.sum()), "share_at_another_fen": float(differ.mean()),
                    "largest_gap_yuan": float(np.abs(theirs - exact).max() / 100)})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3, help="engine runs per size (the median is reported)")
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--engine-only", nargs=3, metavar=("VISITS", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_only:
        visits, out, workers = args.engine_only
        print(json.dumps(run_engine(Path(visits), Path(out), int(workers))))
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="screen-bench-") as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            started = time.perf_counter()
            visits, persons = generate(n, folder)
            print(f"\n{n:,} person-years generated in {time.perf_counter() - started:.1f}s "
                  f"({visits.stat().st_size / 2**20:.0f} MiB of Parquet)", flush=True)
            out = folder / f"out-{n}.parquet"
            runs = []
            for _ in range(args.runs):  # each in a fresh process: one screening, as a user runs it
                done = subprocess.run([sys.executable, __file__, "--engine-only", str(visits), str(out),
                                       str(args.workers)], capture_output=True, text=True, check=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            engine = sorted(runs, key=lambda run: run["rate"])[len(runs) // 2]  # the median run
            spread = ", ".join(f"{run['rate']:,.0f}" for run in runs)
            print(f"columnar, exact, {args.workers} threads, Parquet→Parquet: {engine['rate']:,.0f} person-years/s "
                  f"median of {len(runs)} runs ({spread}); median run: {engine['seconds']:.1f}s wall, "
                  f"{engine['cpu_rate']:,.0f} per processor-second ({engine['cpu_seconds']:.1f} processor-seconds); "
                  f"peak memory {max(run['peak_mib'] for run in runs):,.0f} MiB", flush=True)
            calculation = sorted(runs, key=lambda run: run["calculation_rate"])[len(runs) // 2]
            print(f"columnar, exact, calculation only (visits in memory, {args.workers} threads): "
                  f"{calculation['calculation_rate']:,.0f} person-years/s, median of {len(runs)} runs "
                  f"({calculation['calculation_seconds']:.1f}s); "
                  f"{calculation['calculation_cpu_rate']:,.0f} per processor-second", flush=True)
            if args.no_openfisca:
                continue
            if not PEER.exists():
                print(f"OpenFisca: {PEER} not found, skipped")
                continue
            peer = run_openfisca(persons, folder, out)
            print(f"OpenFisca (one core, calculation only, one summed visit per person, float64): "
                  f"{peer['rate']:,.0f} person-years/s ({peer['seconds']:.1f}s); at another fen than the exact "
                  f"engine: {peer['people_at_another_fen']:,} people ({peer['share_at_another_fen']:.1%}), "
                  f"largest gap {peer['largest_gap_yuan']:,.2f} yuan", flush=True)
            for path in (visits, persons, out):
                path.unlink()
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other processes share these cores)")


if __name__ == "__main__":
    main()
