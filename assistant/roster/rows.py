"""Row-by-row checks of a roster: each good row becomes a RosterRow, each bad one a RowError with its reason.

Row numbers are the file's (header = row 1). Nothing is dropped silently: every data row ends up
in `Roster.rows` or `Roster.errors`. Visits, amounts, dates and words are checked by the core's
own checks (assistant.checks), so a roster, the self-check and `settle` say the same thing.
"""
from __future__ import annotations

import gc
import hashlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from ..checks import UNKNOWN, is_unknown, parse_code, parse_identities, read_visit
from ..errors import InputError
from ..privacy import check_id_number, mask_id, normalize_id
from .columns import BY_FIELD, COLUMNS, VISIT_FIELDS, field_for, header_key
from .reading import RosterError

EXAMPLE_HOUSEHOLD = "示例"  # the template's example row carries this 户编号
# Columns our own error workbook adds; a corrected workbook comes back with them.
OUR_COLUMNS = {header_key("错误原因"), header_key("原行号")}

_WORDS = {  # the words of the core's case check (assistant.checks.read_case_fields)
    "insurance": ("参保类型", "城乡居民（resident）或职工（employee）"),
    "contribution_tier": ("缴费档次", "高档（high）、低档（low）或不清楚（unknown）"),
}


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One good row. `visit` is a CONTRACT visit (codes, Decimal yuan, ISO date), None for a member
    without a visit; `identities`, `insurance`, `contribution_tier` are None when left blank."""
    row: int
    household_id: str
    name: str
    id_number: str
    identities: tuple[str, ...] | None
    insurance: str | None
    contribution_tier: str | None
    visit: dict | None
    cells: tuple
    key: str

    @property
    def member_key(self) -> tuple[str, str, str]:
        return (self.household_id, self.name, self.id_number)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    reason: str
    cells: tuple = ()
    household_id: str = ""
    name: str = ""
    id_number: str = ""


@dataclass
class Roster:
    """A read roster: the file's headers, its good rows, its rejected rows, remarks about the file."""
    filename: str
    headers: list[str]
    rows: list[RosterRow]
    errors: list[RowError]
    notes: list[str] = field(default_factory=list)

    def years(self) -> Counter:
        return Counter(int(r.visit["date"][:4]) for r in self.rows if r.visit)

    def main_year(self) -> int | None:
        """The year most visits fall in (a roster is screened one year at a time)."""
        years = self.years()
        return max(years, key=lambda y: (years[y], y)) if years else None

    def for_year(self, year: int) -> Roster:
        """The same roster with visits of other years moved to the errors, each with its reason."""
        keep, moved = [], []
        for r in self.rows:
            if r.visit and int(r.visit["date"][:4]) != year:
                moved.append(_error(r, f"就诊日期 {r.visit['date']} 不在筛查的 {year} 年度内"
                                       f"（起付线和限额按年度计算），请把这一行放到 {r.visit['date'][:4]} 年的花名册里单独筛查。"))
            else:
                keep.append(r)
        return replace(self, rows=keep, errors=sorted([*self.errors, *moved], key=lambda e: e.row))


def _error(r: RosterRow, reason: str) -> RowError:
    return RowError(r.row, reason, r.cells, r.household_id, r.name, r.id_number)


def row_key(row: RosterRow | dict) -> str:
    """A stable fingerprint of a row's meaning (normalised values, not its spelling or position):
    the same person and visit written 2023/6/1 or 2023-06-01, 低保户 or 低保对象, give one key.
    A dict is read with RosterRow's field names (household_id, name, …, visit)."""
    if isinstance(row, dict):
        return _key(row.get("household_id", ""), row.get("name", ""), row.get("id_number", ""),
                    row.get("identities"), row.get("insurance"), row.get("contribution_tier"), row.get("visit"))
    return _key(row.household_id, row.name, row.id_number, row.identities, row.insurance,
                row.contribution_tier, row.visit)


def _key(household, name, id_number, identities, insurance, tier, visit) -> str:
    visit = visit or {}
    parts = [household, name, id_number, "-" if identities is None else ",".join(sorted(identities)),
             insurance or "-", tier or "-", *(f"{k}={_canonical(visit[k])}" for k in sorted(visit))]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _canonical(value) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # Excel gives a household number 12 as 12.0
    return str(cell).strip()


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@contextmanager
def paused_gc():
    """Bulk reading makes millions of small objects and no cycles: the cyclic collector would only
    rescan the growing heap again and again (a quarter of the time on 250,000 rows)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_roster(filename: str, headers: list, numbered_rows) -> Roster:
    """Check every row; then duplicates, one ID number for two people, and each member's rows agreeing."""
    with paused_gc():
        return _build(filename, headers, numbered_rows)


def _build(filename: str, headers: list, numbered_rows) -> Roster:
    positions, notes = _match_headers(filename, headers)
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    for number, cells in numbered_rows:
        if all(_blank(c) for c in cells):
            continue  # an empty line is not a row (Excel keeps many at the end)
        cells = tuple(cells)
        good = _check_row(number, cells, positions)
        (rows if isinstance(good, RosterRow) else errors).append(good)
    if not rows and not errors:
        raise RosterError(f"“{filename}”只有表头，没有数据行，请填好每位成员后再导入。")
    rows, more = _duplicates(rows)
    errors.extend(more)
    rows, more = _shared_id_numbers(rows)
    errors.extend(more)
    rows, more = _members_agree(rows)
    errors.extend(more)
    errors.sort(key=lambda e: e.row)
    return Roster(filename, [_text(h) for h in headers], rows, errors, notes)


def _match_headers(filename: str, headers: list) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        name = field_for(header)
        if name is None:
            if not _blank(header) and header_key(header) not in OUR_COLUMNS:
                unknown.append(_text(header))
            continue
        if name in positions:
            raise RosterError(f"“{filename}”里“{BY_FIELD[name].chinese}”这一列出现了两次"
                              f"（第{positions[name] + 1}列和第{index + 1}列），请删掉一列后再导入。")
        positions[name] = index
    missing = [c.chinese for c in COLUMNS if c.required and c.field not in positions]
    if missing:
        seen = "、".join(_text(h) for h in headers if not _blank(h)) or "（无）"
        raise RosterError(f"“{filename}”缺少必需的列：{'、'.join(missing)}。第一行应是表头（中文或英文列名，"
                          f"见模板）；现在的第一行是：{seen}。")
    notes = [f"以下列不认识，没有读取：{'、'.join(unknown)}（可用的列名见模板）。"] if unknown else []
    return positions, notes


def _check_row(number: int, cells: tuple, positions: dict[str, int]) -> RosterRow | RowError:
    width = len(cells)
    # only the filled cells: "is it blank?" becomes "is it here?"
    value = {name: c for name, i in positions.items()
             if i < width and (c := cells[i]) is not None and (not isinstance(c, str) or c.strip())}
    cell = value.get

    problems: list[str] = []
    household = _text(cell("household_id"))
    name = _text(cell("name"))
    if not household:
        problems.append("缺少户编号")
    elif household == EXAMPLE_HOUSEHOLD:
        problems.append("这是模板里的示例行，请删除后再导入")
    if not name:
        problems.append("缺少姓名")
    id_number = _id_number(cell("id_number"), problems)

    identities = None
    if "identities" in value:
        identities, message = _identities(_text(cell("identities")))
        if message:
            problems.append(message)
    insurance = _word("insurance", cell("insurance"), problems)
    tier = _word("contribution_tier", cell("contribution_tier"), problems)

    visit = None
    if any(k in value for k in VISIT_FIELDS):
        visit = _visit(cell, problems)
    if problems:
        return RowError(number, "；".join(problems) + "。", cells, household, name, id_number)
    return RosterRow(number, household, name, id_number, identities, insurance, tier, visit, cells,
                     _key(household, name, id_number, identities, insurance, tier, visit))


@lru_cache(maxsize=4096)
def _identities(text: str) -> tuple[tuple[str, ...] | None, str | None]:
    """Memoised by the cell's text: a roster repeats the same few identity words many times."""
    try:
        return parse_identities(text), None
    except InputError as error:
        return None, error.message.rstrip("。")


def _id_number(value, problems: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        problems.append("身份证号被存成了数字，Excel 只保留15位有效数字，后几位已经丢失；"
                        "请把这一列设成“文本”格式后重新填写")
        return ""
    text, message = _checked_id(value if isinstance(value, str) else str(value))
    if message:
        problems.append(message)
    return text


@lru_cache(maxsize=8192)
def _checked_id(value: str) -> tuple[str, str | None]:
    """Memoised: a member's number repeats on each of their rows, one after another."""
    text = normalize_id(value)
    message = check_id_number(text)
    return text, message.rstrip("。") if message else None


def _word(key: str, value, problems: list[str]) -> str | None:
    if value is None:
        return None
    if key == "contribution_tier" and is_unknown(value):
        return UNKNOWN
    label, hint = _WORDS[key]
    try:
        return parse_code(key, value if isinstance(value, str) else _text(value), label, hint)
    except InputError as error:
        problems.append(error.message.rstrip("。"))
        return None


_VISIT_KEYS = {"visit_date": "date", "kind": "kind", "hospital_level": "hospital_level", "location": "location",
               "referral": "referral", "total": "total", "out_of_catalog": "out_of_catalog",
               "category_b": "category_b", "basic_paid": "basic_paid", "disease": "disease"}


def _visit(cell, problems: list[str]) -> dict | None:
    """A CONTRACT visit from this row's visit columns, checked by the core's own visit check (the same
    words as the self-check and `settle`). Blank fields are left out, so the core applies its defaults
    and says so in the result's assumptions."""
    raw = {key: value for column, key in _VISIT_KEYS.items() if (value := cell(column)) is not None}
    values, found = read_visit(raw, label="本行")
    if found:
        problems.extend(message.rstrip("。") for message in found.values())
        return None
    visit: dict = {"date": values["date"].isoformat()}
    defaulted = values["defaults"]
    for key in ("kind", "hospital_level", "location", "referral", "total"):
        if key not in defaulted:
            visit[key] = values[key]
    if values["out_of_catalog_unknown"]:
        visit["out_of_catalog"] = "unknown"
    elif "out_of_catalog" not in defaulted:
        visit["out_of_catalog"] = values["out_of_catalog"]
    for key in ("category_b", "basic_paid", "disease"):
        if key in raw and values.get(key) is not None:
            visit[key] = values[key]
    return visit


def _duplicates(rows: list[RosterRow]) -> tuple[list[RosterRow], list[RowError]]:
    first: dict[str, int] = {}
    keep, errors = [], []
    for r in rows:
        seen = first.setdefault(r.key, r.row)
        if seen != r.row:
            errors.append(_error(r, f"与第{seen}行内容相同（重复行），没有重复计入；如确是两次就诊，请核对日期和金额。"))
        else:
            keep.append(r)
    return keep, errors


def _shared_id_numbers(rows: list[RosterRow]) -> tuple[list[RosterRow], list[RowError]]:
    """One ID number under two names or households is a copying slip: the later person's rows go back."""
    owner: dict[str, RosterRow] = {}
    keep, errors = [], []
    for r in rows:
        if not r.id_number:
            keep.append(r)
            continue
        first = owner.setdefault(r.id_number, r)
        if (first.household_id, first.name) != (r.household_id, r.name):
            errors.append(_error(r, f"身份证号 {mask_id(r.id_number)} 与第{first.row}行（户编号 {first.household_id}，"
                                    f"姓名 {first.name}）相同，但户编号或姓名不同，请核对是谁的身份证号。"))
        else:
            keep.append(r)
    return keep, errors


def _members_agree(rows: list[RosterRow]) -> tuple[list[RosterRow], list[RowError]]:
    """A member's filled-in 身份, 参保类型 and 缴费档次 must agree across their rows (blank rows follow the
    filled ones); when they differ nobody can tell which is right, so all that member's rows go back."""
    by_member: dict[tuple, list[RosterRow]] = {}
    for r in rows:
        by_member.setdefault(r.member_key, []).append(r)
    bad: dict[tuple, str] = {}
    for key, group in by_member.items():
        for attr, label in (("identities", "身份"), ("insurance", "参保类型"), ("contribution_tier", "缴费档次")):
            values = {}
            for r in group:
                value = getattr(r, attr)
                if value is not None:
                    values.setdefault(tuple(sorted(value)) if attr == "identities" else value, r.row)
            if len(values) > 1:
                listed = "，".join(f"第{row}行“{_shown(attr, v)}”" for v, row in values.items())
                bad[key] = (f"同一人（户编号 {key[0]}，姓名 {key[1]}）各行的{label}不一致：{listed}；"
                            "无法判断哪个正确，这个人的各行都没有导入，请统一后重新导入。")
                break
    if not bad:
        return rows, []
    keep = [r for r in rows if r.member_key not in bad]
    return keep, [_error(r, bad[r.member_key]) for r in rows if r.member_key in bad]


def _shown(attr: str, value) -> str:
    from ..lexicon import name_of
    if attr == "identities":
        return "、".join(name_of("identities", c) for c in value) or "普通参保人"
    return name_of(attr, value)
