"""python -m assistant.screening VISITS.parquet OUT.parquet [--engine columnar|spark] [--workers N] [--partitions N]

Visits in the engine's columns (docs/SPARK.md) → one row per person-year, amounts in integer fen.
"""
from __future__ import annotations

import argparse
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.screening", description=__doc__.splitlines()[0])
    parser.add_argument("visits")
    parser.add_argument("out")
    parser.add_argument("--engine", choices=("columnar", "spark"), default="columnar")
    parser.add_argument("--workers", type=int, default=None, help="threads settling at once (columnar; default: one per core)")
    parser.add_argument("--partitions", type=int, default=None, help="partitions of persons (spark)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.engine == "spark":
            from .spark import screen_parquet_spark
            screen_parquet_spark(args.visits, args.out, partitions=args.partitions)
            sys.stderr.write(f"已写入 {args.out}（{time.perf_counter() - started:.1f} 秒）\n")
        else:
            from .parquet import screen_parquet
            count = screen_parquet(args.visits, args.out, workers=args.workers)
            sys.stderr.write(f"{count} 人年已计算，写入 {args.out}（{time.perf_counter() - started:.1f} 秒）\n")
    except OSError as error:
        sys.stderr.write(f"无法读取或写入文件：{error}\n")
        return 2
    except ValueError as error:
        import pyarrow as pa
        if isinstance(error, pa.ArrowException):  # not Parquet, cut short, or columns of another type
            sys.stderr.write(f"无法读取“{args.visits}”：请确认它是完整的 Parquet 文件，列见 docs/SPARK.md（{error}）\n")
        else:  # visits not sorted by person: the message says what to do
            sys.stderr.write(f"无法计算：{error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
