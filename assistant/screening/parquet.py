"""Parquet in, Parquet out, on every core of one machine.

The input (INPUT_SCHEMA, one row per visit, sorted by person) is read once, in batches; each batch
is cut after its last whole person (the rest waits for the next batch), settled on a pool of
threads, and the person-years are written in input order while later batches are read and
settled. Threads rather than processes: reading and writing Parquet (Arrow) and the compiled
kernel (numba, nogil) all run outside Python's lock, so nothing is copied between processes.
"""
from __future__ import annotations

import ctypes
import gc
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .engine import INPUT_SCHEMA, WORDS, output_schema, settle_table

SLICE_ROWS = 262_144  # visits settled together: large enough to amortise a batch, small enough to share out
TEXT = [f.name for f in INPUT_SCHEMA if pa.types.is_string(f.type)]
UNSORTED = "就诊记录须按人员编号（person）排序，请先排序（例如 Spark，或 pyarrow 的 sort_by('person')）。"


def _write_options() -> dict:
    """How the result is written: the words as the dictionaries the engine made (a reader sees plain
    strings: the Arrow schema is not stored), every integer column delta-encoded (half the size and
    faster than compressing plain fen), statistics only where a reader filters."""
    integers = [f.name for f in output_schema() if pa.types.is_integer(f.type)]
    return {"use_dictionary": list(WORDS), "write_statistics": ["person", "year"], "store_schema": False,
            "column_encoding": {name: "DELTA_BINARY_PACKED" for name in integers}}


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
        libc.mallopt(-8, 2)        # M_ARENA_MAX: the threads share two pools, so what one frees another reuses
    except (OSError, AttributeError):
        pass
    try:
        np._core.multiarray._set_madvise_hugepage(False)
    except AttributeError:
        pass
    pa.set_memory_pool(pa.system_memory_pool())  # Arrow's buffers too, from the same tuned allocator


def _dictionaries(path) -> list[str]:
    """The text columns, read as dictionaries (the identities inside their lists are compared as bytes)."""
    names = pq.read_schema(path).names
    return [n for n in TEXT if n in names]


def _uniform(file: pq.ParquetFile, group: int, schema: pa.Schema) -> dict:
    """The flat text and integer columns of one row group that hold one value in every row (or none),
    as its statistics say: {name: value, None for all null}. Such a column (a city's file names one
    policy; the statistics overrides are mostly left empty) need not be decoded row by row at all."""
    metadata = file.metadata.row_group(group)
    found = {}
    for j in range(metadata.num_columns):
        chunk = metadata.column(j)
        name, stats = chunk.path_in_schema, chunk.statistics
        if name not in schema.names or name == "person" or stats is None or not stats.has_null_count:
            continue  # (the persons are always read: a batch is cut by them)
        kind = schema.field(name).type
        if not (pa.types.is_int64(kind) or pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)):
            continue
        if stats.null_count == metadata.num_rows:
            found[name] = None
        elif (stats.null_count == 0 and stats.has_min_max and stats.min == stats.max
              and getattr(stats, "is_min_value_exact", True) is not False
              and getattr(stats, "is_max_value_exact", True) is not False
              and not (isinstance(stats.min, str) and len(stats.min.encode()) >= 64)):
            found[name] = stats.min  # (a long text: some writers cut its statistics short, so it is decoded)
    return found


def _filled(value, dtype: pa.DataType, n: int) -> pa.Array:
    """`n` rows of one value (None: null), typed as the reader would have given them."""
    if value is None:
        return pa.nulls(n, dtype)
    if pa.types.is_dictionary(dtype):
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([value], dtype.value_type))
    return pa.array(np.full(n, value, np.int64), dtype)


def read_batches(source, rows: int = SLICE_ROWS):
    """The visits of a Parquet file as record batches of at most `rows`, text columns as dictionaries;
    a column that one value fills in a row group is made from its statistics, not decoded."""
    # pre_buffer off: Arrow would otherwise hold whole row groups' bytes ahead (1.3 GiB instead of 0.9 at 10M);
    # memory-mapped: the file's pages are read in place rather than copied into buffers (less system time;
    # the resident figure counts the mapped pages, which the kernel can drop at will)
    text = _dictionaries(source)
    file = pq.ParquetFile(source, read_dictionary=text, pre_buffer=False, memory_map=True)
    schema = pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), pa.string()), f.nullable) if f.name in text else f
                        for f in file.schema_arrow])
    runs: list[tuple[list[int], dict]] = []  # consecutive row groups alike in what they need not decode
    for group in range(file.metadata.num_row_groups):
        uniform = _uniform(file, group, schema)
        if runs and runs[-1][1] == uniform:
            runs[-1][0].append(group)
        else:
            runs.append(([group], uniform))
    for run, uniform in runs:
        read = [name for name in schema.names if name not in uniform]
        filled = {name: _filled(value, schema.field(name).type, rows) for name, value in uniform.items()}
        for batch in file.iter_batches(batch_size=rows, row_groups=run, columns=read):  # (never above `rows`)
            arrays = [filled[name].slice(0, batch.num_rows) if name in uniform else batch.column(name)
                      for name in schema.names]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def whole_persons(batches):
    """Tables of whole persons, in order, from record batches sorted by person. Each batch gives
    the persons it holds whole as one piece, without copying; a person whose visits run on from one
    batch into the next is a small piece of its own. ValueError (in Chinese) when the persons are
    not sorted."""
    held: list = []  # the visits of the person the last batch ended with: they may go on
    held_person = last = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        person = batch.column(batch.schema.get_field_index("person")).to_numpy(zero_copy_only=False)
        if np.any(person[1:] < person[:-1]) or (last is not None and person[0] < last):
            raise ValueError(UNSORTED)
        last = person[-1]
        head = int(np.searchsorted(person, held_person, side="right")) if held else 0
        if held and head == batch.num_rows:  # the whole batch is that one person's
            held.append(batch)
            continue
        if held:
            yield pa.Table.from_batches(held + ([batch.slice(0, head)] if head else []))
        cut = int(np.searchsorted(person, person[-1], side="left"))  # the last person's first visit here
        if cut > head:
            yield pa.Table.from_batches([batch.slice(head, cut - head)])
        held, held_person = [batch.slice(cut)], person[-1]
    if held:
        yield pa.Table.from_batches(held)


def screen_parquet(source, target, workers: int | None = None, rows: int = SLICE_ROWS) -> int:
    """Settle every person-year of `source` into `target`; returns the number of person-years."""
    workers = workers or os.cpu_count() or 1
    collecting = gc.isenabled()
    gc.disable()  # the engine makes few Python objects; a collection pass over them all is wasted time
    try:
        with pq.ParquetWriter(str(target), output_schema(dictionary=True), **_write_options()) as writer, \
                ThreadPoolExecutor(workers) as settling, ThreadPoolExecutor(1) as writing:
            # three stages at once: this thread reads, `settling` settles, `writing` writes in input order
            settled: deque = deque()
            written: deque = deque()
            count = 0

            def hand_on(limit: int, writes: int) -> int:
                done = 0
                while len(settled) > limit:  # bounded look-ahead: memory stays a few batches deep
                    written.append(writing.submit(_write, writer, settled.popleft().result()))
                while len(written) > writes:
                    done += written.popleft().result()
                return done
            for piece in whole_persons(read_batches(source, rows)):
                settled.append(settling.submit(settle_table, piece, True))
                count += hand_on(2 * workers, 4)  # (a deeper queue than the threads: none waits for another's turn)
            count += hand_on(0, 0)
    finally:
        if collecting:
            gc.enable()
    return count


def _write(writer, table: pa.Table) -> int:
    writer.write_table(table)
    return table.num_rows

