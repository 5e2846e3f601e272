"""Row-by-row checks of a roster: each good row becomes a RosterRow, each bad one a RowError with its reason.

Row numbers are the file's (header = row 1). Nothing is dropped silently: every data row ends up
in `Roster.rows` or `Roster.errors`. Amounts, dates and words are read with the core's own
readers (assistant.models, assistant.lexicon), so a roster and the self-check say the same thing.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from ..errors import InputError
from ..lexicon import code_for
from ..models import parse_amount, parse_date, parse_identities
from ..privacy import check_id_number, mask_id, normalize_id
from .columns import BY_FIELD, COLUMNS, VISIT_FIELDS, field_for, header_key
from .reading import RosterError

EXAMPLE_HOUSEHOLD = "示例"  # the template's example row carries this 户编号
# Columns our own error workbook adds; a corrected workbook comes back with them.
OUR_COLUMNS = {header_key("错误原因"), header_key("原行号")}

_WORDS = {
    "insurance": ("参保类型", "城乡居民或职工"),
    "contribution_tier": ("缴费档次", "高档或低档"),
    "kind": ("就诊类型", "住院、门诊或门诊慢特病"),
    "hospital_level": ("医院等级", "乡镇卫生院、一级、二级或三级"),
    "location": ("就医地", "本地、省内或省外"),
    "referral": ("转诊", "无需、已转诊或未转诊"),
}
_ZERO = Decimal(0)
_AMOUNTS = (("total", "总费用"), ("out_of_catalog", "目录外费用"), ("category_b", "乙类费用"),
            ("basic_paid", "基本医保已支付"))


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


def build_roster(filename: str, headers: list, numbered_rows) -> Roster:
    """Check every row; then duplicates, one ID number for two people, and each member's rows agreeing."""
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


@lru_cache(maxsize=4096)
def _date_text(text: str) -> tuple[str | None, str | None]:
    try:
        return parse_date(text, "就诊日期").isoformat(), None
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
    code = code_for(key, value if isinstance(value, str) else _text(value))
    if code is None:
        label, hint = _WORDS[key]
        problems.append(f"{label}“{_text(value)}”无法识别，请填写{hint}")
    return code


def _visit(cell, problems: list[str]) -> dict | None:
    """A CONTRACT visit from this row's visit columns; blanks are left out so the core applies
    (and states) its defaults."""
    visit: dict = {}
    before = len(problems)
    date = cell("visit_date")
    if date is None:
        problems.append("填了就诊信息但缺少就诊日期")
    elif isinstance(date, str):
        visit["date"], message = _date_text(date.strip())
        if message:
            problems.append(message)
    else:
        try:
            visit["date"] = parse_date(date, "就诊日期").isoformat()
        except InputError as error:
            problems.append(error.message.rstrip("。"))
    if cell("kind") is None:
        problems.append("缺少就诊类型（住院、门诊或门诊慢特病）")
    for key in ("kind", "hospital_level", "location", "referral"):
        code = _word(key, cell(key), problems)
        if code is not None:
            visit[key] = code
    for key, label in _AMOUNTS:
        raw = cell(key)
        if raw is None and key != "total":
            continue
        try:
            visit[key] = parse_amount(raw, label, field=key)
        except InputError as error:
            problems.append(error.message.rstrip("。"))
    disease = cell("disease")
    if disease is not None:
        visit["disease"] = _text(disease)
    if len(problems) > before:
        return None
    total = visit["total"]
    outside = visit.get("out_of_catalog", _ZERO)
    if outside + visit.get("category_b", _ZERO) > total:
        problems.append(f"目录外费用加乙类费用超过了总费用（{total}），请核对结算单")
    elif visit.get("basic_paid", _ZERO) > total - outside:
        problems.append(f"基本医保已支付（{visit['basic_paid']}）超过了目录内费用（总费用减目录外费用），请核对结算单")
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
