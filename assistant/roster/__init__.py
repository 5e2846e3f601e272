"""Rosters in, screening tables out: a cadre's spreadsheet of members and visits, checked row by row,
grouped into members, each member's year settled by the core, written back as a table.

    roster = read_roster("花名册.xlsx")              # or read_roster(data, filename="花名册.csv")
    roster = roster.for_year(2023)                   # visits of other years become row errors
    people = members(roster)                         # one Member per (户编号, 姓名, 身份证号)
    table = screen(people, policy="bayannur-2023", progress=lambda done, total: ...)
    write_table(table, "结果.xlsx", roster.errors)   # ID numbers masked unless show_id=True

`roster.errors` lists every rejected row with its row number (header = row 1) and a Chinese
reason; `error_workbook(roster)` gives them back as a workbook to fix and import again;
`template_xlsx()` is the template to download; `row_key(row)` fingerprints a row so that
importing the same file twice adds nothing. A file that cannot be read at all raises RosterError
(an InputError: one Chinese sentence).
"""
from __future__ import annotations

from pathlib import Path

from .members import Member, case_for, members
from .reading import RosterError, read_cells
from .rows import Roster, RosterRow, RowError, build_roster, row_key
from .screen import ENGINES, ScreenRow, screen
from .tables import error_workbook, template_xlsx, write_table


def read_roster(source: str | Path | bytes, filename: str | None = None) -> Roster:
    """Read a CSV (UTF-8, UTF-8 with BOM, GBK), .xlsx or Parquet roster from a path, or from bytes
    with the uploaded file's name. RosterError when the file cannot be read at all."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = filename or "花名册"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise RosterError(f"找不到文件“{path}”，请检查路径。") from None
        except IsADirectoryError:
            raise RosterError(f"“{path}”是一个文件夹，请选择花名册文件。") from None
        except OSError as error:
            raise RosterError(f"无法读取文件“{path}”（{error.strerror}）。") from None
    headers, rows = read_cells(data, name)
    return build_roster(name, headers, rows)


__all__ = ["read_roster", "Roster", "RosterRow", "RowError", "RosterError", "row_key", "members", "Member",
           "case_for", "screen", "ScreenRow", "ENGINES", "write_table", "error_workbook", "template_xlsx"]
