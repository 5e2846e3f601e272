"""Parquet in, Parquet out, on every core of one machine.

The input (INPUT_SCHEMA, one row per visit) is cut into slices of whole persons; each worker
process reads its slice from the file itself, settles it, and hands back the person-years,
which are written in input order. Only the `person` column is read up front.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .engine import INPUT_SCHEMA, output_schema, settle_table

SLICE_ROWS = 1_000_000  # visits a worker settles at a time
TEXT = [f.name for f in INPUT_SCHEMA if pa.types.is_string(f.type)]


def tune_allocator() -> None:
    """Keep freed arrays for reuse instead of handing them back to the kernel after every step.

    The engine makes many short-lived arrays of a few megabytes; glibc gives each a fresh mapping
    and numpy asks for huge pages, so every step pays page faults (measured here: an addition of two
    million-element arrays took 20 ms instead of 1.5 ms). For a batch process this trade is right;
    the app does not call it."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass
    try:
        np._core.multiarray._set_madvise_hugepage(False)
    except AttributeError:
        pass


def read_visits(path, start: int = 0, stop: int | None = None) -> pa.Table:
    """Rows [start, stop) of a visit Parquet file, words as dictionaries (looked up once each)."""
    file = pq.ParquetFile(path, read_dictionary=[n for n in TEXT if n in pq.read_schema(path).names])
    stop = file.metadata.num_rows if stop is None else stop
    groups, first, at = [], None, 0
    for g in range(file.metadata.num_row_groups):
        size = file.metadata.row_group(g).num_rows
        if at + size > start and at < stop:
            groups.append(g)
            first = at if first is None else first
        at += size
    if not groups:
        return INPUT_SCHEMA.empty_table()
    table = file.read_row_groups(groups)
    return table.slice(start - first, stop - start)


def person_slices(path, rows: int = SLICE_ROWS) -> list[tuple[int, int]]:
    """[start, stop) row ranges of about `rows` visits that never cut a person's visits in two."""
    person = pq.read_table(path, columns=["person"], use_threads=False).column("person").to_numpy()
    if len(person) and np.any(person[1:] < person[:-1]):
        raise ValueError("the visits must be sorted by person (Spark, or `sort_by('person')`, can do it)")
    cuts = [0]
    while cuts[-1] < len(person):
        guess = min(cuts[-1] + rows, len(person))
        if guess < len(person):  # move to the next person's first visit
            guess = int(np.searchsorted(person, person[guess], side="left"))
            if guess <= cuts[-1]:
                guess = int(np.searchsorted(person, person[cuts[-1]], side="right"))
        cuts.append(guess)
    return list(zip(cuts[:-1], cuts[1:]))


def _settle_slice(job) -> pa.Table:
    path, start, stop = job
    return settle_table(read_visits(path, start, stop))


def _worker_start() -> None:
    tune_allocator()


def screen_parquet(source, target, workers: int | None = None, rows: int = SLICE_ROWS) -> int:
    """Settle every person-year of `source` into `target`; returns the number of person-years."""
    workers = workers or os.cpu_count() or 1
    jobs = [(str(source), a, b) for a, b in person_slices(source, rows)]
    written = 0
    with pq.ParquetWriter(str(target), output_schema()) as writer:
        if workers == 1 or len(jobs) == 1:
            tune_allocator()
            results = map(_settle_slice, jobs)
            for table in results:
                writer.write_table(table)
                written += table.num_rows
        else:
            # a worker is replaced after a few slices: the allocator keeps what it freed (tune_allocator),
            # so a long-lived worker's footprint would only grow with fragmentation
            with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start,
                                                          maxtasksperchild=3) as pool:
                for table in pool.imap(_settle_slice, jobs):
                    writer.write_table(table)
                    written += table.num_rows
    return written
