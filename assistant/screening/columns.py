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
    values, given, any_null = [], [], False
    for chunk in _chunks(column):
        if not pa.types.is_int64(chunk.type):
            chunk = chunk.cast(pa.int64())
        if chunk.null_count == 0:
            values.append(chunk.to_numpy())
            given.append(np.ones(len(chunk), bool))
        elif chunk.null_count == len(chunk):
            values.append(np.full(len(chunk), missing, np.int64))
            given.append(np.zeros(len(chunk), bool))
            any_null = True
        else:
            values.append(pc.fill_null(chunk, missing).to_numpy())
            given.append(chunk.is_valid().to_numpy(zero_copy_only=False))
            any_null = True
    return _join(values, np.int64), (_join(given, bool) if any_null else None)


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
        if indices.null_count:
            indices = pc.fill_null(indices, null)
        parts.append(indices.to_numpy(zero_copy_only=False))
    return _join(parts, np.int32)


def words(column) -> tuple[np.ndarray, list]:
    """(index of each cell's word in the returned vocabulary, −1 where null; the vocabulary)."""
    column = _dictionary(column)
    vocabulary = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    index = _indices(column, len(vocabulary)).astype(np.int64)
    index[index == len(vocabulary)] = -1
    return index, vocabulary


def coded(column, values: tuple, default: str | None) -> np.ndarray:
    """Index of each cell in `values`; a null takes `default` (−1 when None), a word not in `values` −1.
    One lookup per distinct word, then one pass over the rows."""
    column = _dictionary(column)
    vocabulary = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    lookup = np.array([values.index(w) if w in values else -1 for w in vocabulary]
                      + [values.index(default) if default is not None else -1], np.int64)
    return lookup[_indices(column, len(vocabulary))]


def lists(column) -> tuple[np.ndarray, np.ndarray, list]:
    """A list<string> column: (offsets into the values per row, each value's word index, the vocabulary).
    A null list has no values."""
    parts = _chunks(column)
    array = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)
    if len(array) and array.null_count:
        array = pc.if_else(array.is_valid(), array, pa.scalar([], array.type))
    offsets = array.offsets.to_numpy().astype(np.int64)
    index, vocabulary = words(array.values) if len(array.values) else (np.zeros(0, np.int64), [])
    return offsets, index, vocabulary
