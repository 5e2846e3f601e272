"""A roster file's bytes → its header and its rows of cells, whatever the format (CSV, .xlsx/.xls, Parquet).

Nothing here judges the cells; `rows.py` does. A file that cannot be read at all raises
RosterError with one Chinese sentence saying what to do (the command exits 2 with it).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from ..errors import InputError


class RosterError(InputError):
    """The file as a whole cannot be read (wrong format, no header, missing required columns)."""


_XLSX_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc, which the Excel reader refuses)


def file_kind(data: bytes, filename: str) -> str:
    """csv | xlsx | parquet, by the file's first bytes (a renamed file is still read as what it is)."""
    suffix = Path(filename).suffix.lower()
    if data.startswith(_PARQUET_MAGIC):
        return "parquet"
    if data.startswith(_XLSX_MAGIC) or data.startswith(_OLE_MAGIC):
        return "xlsx"  # the old binary .xls too: the Excel reader takes both
    if suffix in (".xlsx", ".xlsm", ".xls", ".parquet"):
        raise RosterError(f"“{Path(filename).name}”的扩展名是 {suffix}，但内容不是这种文件，"
                          "可能已损坏或改过扩展名，请重新导出后再导入。")
    return "csv"


def read_cells(data: bytes, filename: str) -> tuple[list, Iterator[tuple[int, list]]]:
    """(header cells, iterator of (row number, cells)); the header is row 1, as a spreadsheet shows it."""
    if not data.strip():
        raise RosterError(f"“{Path(filename).name}”是空文件，请填好表头和数据后再导入（可先下载模板）。")
    kind = file_kind(data, filename)
    rows = {"csv": _csv_rows, "xlsx": _xlsx_rows, "parquet": _parquet_rows}[kind](data, filename)
    for number, cells in rows:
        if any(_filled(c) for c in cells):
            return list(cells), rows
        # blank lines above the header are skipped; the numbering stays the file's
    raise RosterError(f"“{Path(filename).name}”里没有内容，请填好表头和数据后再导入（可先下载模板）。")


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data[:65536]:
        raise RosterError(f"“{Path(filename).name}”不是表格文件（CSV、Excel .xlsx 或 Parquet），请检查选的文件。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel in China saves CSV as GBK; GB18030 reads every GBK file and more
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterError(f"“{Path(filename).name}”的文字编码无法识别（不是 UTF-8 也不是 GBK），"
                          "请在 Excel 里另存为“CSV UTF-8”后再导入。") from None


def _csv_rows(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    text = _decode(data, filename)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") and "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as error:
        raise RosterError(f"“{Path(filename).name}”第{reader.line_num}行的引号不配对，无法读取（{error}），"
                          "请在 Excel 里打开后重新保存。") from None


def _xlsx_rows(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    """Excel through calamine (Rust): 15 times faster than openpyxl on a big roster. It reads .xlsx and
    the old binary .xls alike. Empty leading rows and columns are kept so numbering stays Excel's."""
    from python_calamine import CalamineError, CalamineWorkbook
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = "花名册" if "花名册" in book.sheet_names else book.sheet_names[0]
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, IndexError, ValueError):
        raise RosterError(f"“{Path(filename).name}”无法作为 Excel 文件打开，可能已损坏或不是表格，"
                          "请在 Excel 里重新保存为 .xlsx 后再导入。") from None
    for number, cells in enumerate(rows, start=1):
        yield number, cells


def _parquet_rows(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception:  # ArrowInvalid and OSError for a damaged file
        raise RosterError(f"“{Path(filename).name}”无法作为 Parquet 文件读取，可能已损坏，请重新导出。") from None
    yield 1, list(table.column_names)
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for offset, cells in enumerate(zip(*columns)):
        yield offset + 2, list(cells)
