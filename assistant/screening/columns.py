"""Arrow columns as the numpy arrays the kernel reads, touching each value as few times as possible.

A column without nulls is read in place; a text column is read through its dictionary (Parquet
gives one: each distinct word is looked up once, the rows only carry small integers).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _chunks(column) -> list:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


def _join(parts: list, dtype) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def integers(column, missing: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(int64 values with `missing` where null, which cells were given — None when all were)."""
    chunks = [chunk if pa.types.is_int64(chunk.type) else chunk.cast(pa.int64()) for chunk in _chunks(column)]
    values = [chunk.to_numpy() if chunk.null_count == 0
              else np.full(len(chunk), missing, np.int64) if chunk.null_count == len(chunk)
              else pc.fill_null(chunk, missing).to_numpy() for chunk in chunks]
    if not any(chunk.null_count for chunk in chunks):
        return _join(values, np.int64), None
    given = [chunk.is_valid().to_numpy(zero_copy_only=False) for chunk in chunks]
    return _join(values, np.int64), _join(given, bool)


def days(column) -> tuple[np.ndarray, np.ndarray | None]:
    """(days since 1970-01-01 as int64, 0 where null; which were given — None when all were)."""
    values, given, any_null = [], [], False
    for chunk in _chunks(column):
        if not pa.types.is_date32(chunk.type):
            chunk = chunk.cast(pa.date32())
        raw = chunk.view(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
        valid = np.ones(len(chunk), bool) if chunk.null_count == 0 else chunk.is_valid().to_numpy(zero_copy_only=False)
        if chunk.null_count:
            raw[~valid] = 0
            any_null = True
        values.append(raw)
        given.append(valid)
    return _join(values, np.int64), (_join(given, bool) if any_null else None)


def _dictionary(column) -> pa.ChunkedArray:
    """The column dictionary-encoded, every chunk sharing one dictionary."""
    column = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    return column.unify_dictionaries() if column.num_chunks > 1 else column


def _indices(column: pa.ChunkedArray, null: int) -> np.ndarray:
    parts = []
    for chunk in column.chunks:
        indices = chunk.indices
        if indices.null_count == len(indices):  # (a column left empty: no need to look at each cell)
            parts.append(np.full(len(indices), null, np.int32))
            continue
        if indices.null_count:
            indices = pc.fill_null(indices, null)
        parts.append(indices.to_numpy(zero_copy_only=False))
    return _join(parts, np.int32)


def words(column) -> tuple[np.ndarray, list]:
    """(index of each cell's word in the returned vocabulary — len(vocabulary) where null —, the
    vocabulary). The indices are Arrow's own when the column is one dictionary (no copy)."""
    column = _dictionary(column)
    vocabulary = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    return _indices(column, len(vocabulary)), vocabulary


def coded(column, values: tuple, default: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(each cell's index into a lookup, the lookup: position in `values` of each distinct word, −1
    for a word not in `values`, and last the position of `default` for a null, −1 when None).
    The kernel applies the lookup as it reads each row, so the rows are passed over once."""
    column = _dictionary(column)
    vocabulary = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    lookup = np.array([values.index(w) if w in values else -1 for w in vocabulary]
                      + [values.index(default) if default is not None else -1], np.int64)
    return _indices(column, len(vocabulary)), lookup


def lists(column) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A list<string> column as Arrow holds it: (each row's first and past-last value, each value's
    first and past-last byte, the bytes, which values are not null). Nothing is copied or hashed
    for the rows nobody reads (only a person-year's first row is). A null list has no values."""
    parts = _chunks(column)
    array = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)
    if len(array) and array.null_count:
        array = pc.if_else(array.is_valid(), array, pa.scalar([], array.type))
    offsets = array.offsets.to_numpy()
    values = array.values
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    _, value_offsets, data = values.buffers()
    starts = np.frombuffer(value_offsets, np.int32)[values.offset:values.offset + len(values) + 1]
    text = np.frombuffer(data, np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    valid = np.ones(len(values), bool) if values.null_count == 0 else values.is_valid().to_numpy(zero_copy_only=False)
    return offsets, starts, text, valid


def encoded(words) -> tuple[np.ndarray, np.ndarray]:
    """Words as (their UTF-8 bytes end to end, where each starts and ends): what `lists` compares with."""
    raw = [w.encode("utf-8") for w in words]
    return (np.frombuffer(b"".join(raw) or b"\0", np.uint8).copy(),
            np.cumsum([0] + [len(r) for r in raw]).astype(np.int64))
