"""Files for people: the screening table (xlsx, csv, parquet), the error workbook and the template.

ID numbers are masked (1505**********1234) in every file unless the caller passes show_id=True
(an authorised person asked). Amounts are written exactly: Decimal yuan with two decimals.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..knowledge.store import tier_codes, tier_name
from ..lexicon import name_of
from ..privacy import mask_id
from .columns import COLUMNS, PRIVATE_FIELDS, field_for
from .rows import Roster, RowError, paused_gc
from .screen import AMOUNT_KEYS, ScreenRow

AMOUNT_HEADERS = dict(zip(AMOUNT_KEYS, ("总费用", *(tier_name(code) for code in tier_codes()), "个人自付")))
# CONTRACT.md's columns first, in its order; ours after them.
HEADERS = ("户编号", "姓名", "适用身份", *AMOUNT_HEADERS.values(), "监测提示", "建议申请",
           "身份证号", "政策", "就诊次数", "其他提示", "行号")
ERROR_HEADERS = ("行号", "户编号", "姓名", "身份证号", "错误原因")


def table_rows(rows: Iterable[ScreenRow], show_id: bool = False) -> list[list]:
    """The screening table's data rows (settled members only), cells in HEADERS order."""
    out = []
    for r in rows:
        if r.error:
            continue
        identity = name_of("identities", r.identity_applied) if r.visits else "—（本年无就诊）"
        out.append([r.household_id, r.name, identity, *(r.totals[k] for k in AMOUNT_KEYS),
                    "\n".join(r.monitoring), "\n".join(r.suggestions),
                    r.id_number if show_id else mask_id(r.id_number), r.policy, r.visits,
                    "\n".join(r.notes), "、".join(map(str, r.rows))])
    return out


def error_rows(rows: Iterable[ScreenRow] = (), errors: Iterable[RowError] = (), show_id: bool = False) -> list[list]:
    """Every rejected input row by its row number: the roster's and the members the core could not settle."""
    items = [(e.row, e.household_id, e.name, e.id_number, e.reason) for e in errors]
    for r in rows:
        if r.error:
            items.extend((n, r.household_id, r.name, r.id_number, r.error) for n in r.rows)
    items.sort(key=lambda item: item[0])
    return [[n, h, name, idn if show_id else mask_id(idn), reason] for n, h, name, idn, reason in items]


def errors_path(out_path: str | Path, suffix: str | None = None) -> Path:
    """result.csv → result.errors.csv beside it (result.parquet → result.errors.parquet)."""
    out = Path(out_path)
    return out.with_name(f"{out.stem}.errors{suffix or out.suffix}")


def write_table(rows: Iterable[ScreenRow], out_path: str | Path, errors: Iterable[RowError] = (),
                show_id: bool = False) -> list[Path]:
    """Write the screening table (and its errors: a second sheet, or a file beside it); the paths written."""
    rows = list(rows)
    out = Path(out_path)
    with paused_gc():
        table = table_rows(rows, show_id)
        problems = error_rows(rows, errors, show_id)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        out.write_bytes(_xlsx([("筛查结果", HEADERS, table), ("错误行", ERROR_HEADERS, problems)]))
        return [out]
    if suffix == ".csv":
        beside = errors_path(out)
        _write_csv(out, HEADERS, table)
        _write_csv(beside, ERROR_HEADERS, problems)
        return [out, beside]
    if suffix == ".parquet":
        beside = errors_path(out)
        _write_parquet(out, HEADERS, table)
        _write_parquet(beside, ERROR_HEADERS, problems)
        return [out, beside]
    raise InputError(f"结果文件“{out.name}”的扩展名应为 .xlsx、.csv 或 .parquet。")


def _cell_text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()  # an Excel date cell, read back as a date on re-import
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    text = _cell_text(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text  # a name typed as =HYPERLINK(…) stays text when Excel opens the file
    return text


def _write_csv(path: Path, headers, rows) -> None:
    # UTF-8 with BOM: Excel in China opens it with the Chinese intact (without the BOM it guesses GBK).
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)


def _write_parquet(path: Path, headers, rows) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    columns = list(zip(*rows)) if rows else [()] * len(headers)
    arrays = []
    for header, values in zip(headers, columns):
        if header in AMOUNT_HEADERS.values():
            arrays.append(pa.array(values, type=pa.decimal128(14, 2)))  # exact yuan, never float
        elif header in ("就诊次数", "行号") and all(isinstance(v, int) for v in values):
            arrays.append(pa.array(values, type=pa.int64()))
        else:
            arrays.append(pa.array([_cell_text(v) for v in values], type=pa.string()))
    pq.write_table(pa.table(arrays, names=list(headers)), path)


def _xlsx(sheets) -> bytes:
    """A workbook written row by row (XlsxWriter's constant-memory mode: 100,000 members in little memory,
    several times faster than openpyxl). Amounts are numbers Excel can add up, shown with two decimals;
    a Decimal goes in as its exact text (at most 10 digits and 2 decimals, so a double holds it exactly)."""
    import xlsxwriter
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    money = book.add_format({"num_format": "0.00"})
    bold = book.add_format({"bold": True})
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, list(headers), bold)
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, value, money)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:  # text stays text: an ID number or 户编号 "0012" must not become a number
                    sheet.write_string(r, c, _cell_text(value))
    book.close()
    return buffer.getvalue()


def error_workbook(roster: Roster, extra: Iterable[ScreenRow] = (), show_id: bool = False) -> bytes:
    """The rejected rows with the file's own columns plus 错误原因 (and 原行号), to fix and import again.

    `extra`: screened members the core could not settle (their rows come back too).
    """
    private = {i: field_for(h) for i, h in enumerate(roster.headers) if field_for(h) in PRIVATE_FIELDS}
    items = [(e.row, e.cells, e.reason) for e in roster.errors]
    failed = {r.rows: r.error for r in extra if r.error}
    if failed:
        by_row = {r.row: r.cells for r in roster.rows}
        for numbers, reason in failed.items():
            items.extend((n, by_row.get(n, ()), reason) for n in numbers)
    items.sort(key=lambda item: item[0])
    rows = []
    for number, cells, reason in items:
        cells = list(cells) + [None] * (len(roster.headers) - len(cells))
        for i, name in private.items():
            if not show_id and cells[i] not in (None, ""):
                cells[i] = mask_id(cells[i]) if name == "id_number" else "（已隐藏）"
        rows.append([*cells, reason, number])
    return _xlsx([("错误行", [*roster.headers, "错误原因", "原行号"], rows)])


EXAMPLE = {"household_id": "示例", "name": "张三", "id_number": "150802198001010012", "identities": "低保户",
           "insurance": "城乡居民", "contribution_tier": "", "visit_date": "2023-06-01", "kind": "住院",
           "hospital_level": "三级", "location": "本地", "referral": "已转诊", "total": Decimal("60000.00"),
           "out_of_catalog": Decimal("3000.00"), "category_b": Decimal("0.00"), "basic_paid": Decimal("30000.00"),
           "disease": ""}


def template_xlsx() -> bytes:
    """The roster template: headers and one example row on 花名册, what each column means on 填写说明."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append([c.chinese for c in COLUMNS])
    sheet.append([EXAMPLE[c.field] for c in COLUMNS])
    id_letter = sheet.cell(row=1, column=[c.field for c in COLUMNS].index("id_number") + 1).column_letter
    for row in range(2, 2002):  # text, so Excel keeps all 18 digits of an ID number
        sheet[f"{id_letter}{row}"].number_format = "@"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, 2 * len(column.chinese) + 4)
    sheet.column_dimensions[id_letter].width = 22
    notes = book.create_sheet("填写说明")
    notes.append(["列名（中文）", "列名（英文，也可用）", "必填", "说明"])
    for column in COLUMNS:
        notes.append([column.chinese, column.field, "是" if column.required else "否", column.help])
    for line in ("",
                 "每次就诊写一行；同一人（户编号、姓名、身份证号都相同）的多行合在一起按全年计算。",
                 "全年没有就诊的成员也写一行，就诊各列留空。",
                 "“花名册”第2行是示例（户编号为“示例”），导入前请删除。",
                 "可以保存为 .xlsx，或另存为 CSV（UTF-8 或 GBK 都可以）。"):
        notes.append(["", "", "", line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 20
    notes.column_dimensions["D"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
