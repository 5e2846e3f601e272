"""One check of what a person typed: `{field: message}`, each message one Chinese sentence.

The command (through `models.parse_case`) and the guided interview (`selfcheck.flow`) both ask this
module, so a mistake is explained in the same words wherever it was made. A field's reader
returns the parsed value and, where it is wrong, a message instead of raising: the interview
wants every problem of a screen at once, the command wants the first.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .errors import InputError
from .lexicon import code_for, is_ordinary, name_of
from .money import FEN, ZERO, to_decimal

# A bill above this is far more likely a typing slip (an extra zero) than a real stay.
ABSURD_AMOUNT = Decimal("10000000")
# A dialysis year is ~150 sessions (three a week) plus its 门诊 and 住院 bills; one slip a day for
# a whole year and then some still fits. Far above any real year, low enough that a pasted log
# of a whole ward is caught before it is settled.
MAX_VISITS = 2000

# The person does not know the value: settled at the documents' assumption, with a range.
UNKNOWN = "unknown"
UNKNOWN_WORDS = frozenset({"unknown", "不清楚", "不知道", "不详", "未知"})

# Fields of a visit the core fills in when absent (the interview asks them all).
CHOICE_FIELDS = {
    "kind": ("就诊类型", "住院、门诊或门诊慢特病"),
    "hospital_level": ("医院等级", "乡镇卫生院、一级、二级或三级"),
    "location": ("就医地", "本地、省内或省外"),
    "referral": ("转诊情况", "无需、已转诊或未转诊"),
}
DEFAULT_CHOICES = {"hospital_level": "level2", "location": "local", "referral": "not_needed"}

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def shown(value) -> str:
    """What the person typed, short enough for a one-line message (a pasted list is named, not printed)."""
    if isinstance(value, dict):
        return "（一组键值）"
    if isinstance(value, (list, tuple)):
        return "（一个列表）"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def parse_date(value, label: str) -> dt.date:
    if (type(value) is str and len(value) == 10 and value[4] == "-" == value[7]
            and value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit()):
        try:  # the usual 2023-06-01, read without the patterns below
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise InputError(f"{label}“{shown(text if isinstance(value, str) else value)}”不是有效日期，请按 2023-06-01 这样的格式填写。", "date")


def parse_amount(value, label: str, *, required: bool = True, field: str | None = None,
                 positive: bool = False) -> Decimal | None:
    """An amount in yuan, exact to the fen; InputError names `field` (the case's key) when given."""
    field = field or label
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"请填写{label}（元）。", field)
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    else:
        text = value
    try:
        amount = to_decimal(text)
    except (InvalidOperation, ValueError, TypeError):
        raise InputError(f"{label}“{shown(value)}”不是数字，请只填写金额（元），例如 12345.67。", field) from None
    if not amount.is_finite():
        raise InputError(f"{label}“{shown(value)}”不是有效金额，请填写具体数字。", field)
    if amount < 0:
        raise InputError(f"{label}不能是负数（填的是 {shown(value)}），请填写实际金额。", field)
    if amount > ABSURD_AMOUNT:
        raise InputError(f"{label} {shown(value)} 元超过1000万元，请检查是否多输了位数。", field)
    if amount != amount.quantize(FEN):
        raise InputError(f"{label} {shown(value)} 超过两位小数，金额请精确到分（如 123.45）。", field)
    if positive and amount == 0:
        raise InputError(f"{label}要大于 0 元，请填写结算单上的医疗费用总额。", field)
    return amount.quantize(FEN).copy_abs()  # "-0" is 0.00, never shown as -0.00


def is_unknown(value) -> bool:
    return isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS


def parse_code(field: str, value, label: str, allowed_hint: str) -> str:
    code = code_for(field, value) if isinstance(value, str) else None
    if code is None:
        raise InputError(f"{label}“{shown(value)}”无法识别，请填写{allowed_hint}。", field)
    return code


def parse_identities(raw) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[、,，;；\s]+", raw) if part]
    if not isinstance(raw, (list, tuple)):
        raise InputError("身份请写成列表，例如 [\"低保对象\"]，没有特殊身份可不填。", "identities")
    codes: list[str] = []
    for word in raw:
        if not isinstance(word, str):
            raise InputError(f"身份“{shown(word)}”无法识别，请填写身份的名称，例如 低保对象。", "identities")
        if is_ordinary(word):
            continue
        code = code_for("identities", word)
        if code is None:
            raise InputError(
                f"身份“{shown(word)}”无法识别，请填写低保对象、特困人员、孤儿、低保边缘家庭成员、监测对象、"
                "因病致贫重病患者等，或不填（普通参保人）。", "identities")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_INT_LIMIT = int(ABSURD_AMOUNT)


def _read_amount(values: dict, problems: dict, field: str, value, label: str, *, required: bool = False,
                 positive: bool = False) -> None:
    kind = type(value)
    if value is None and not required:
        values[field] = None
        return
    if kind is int and 0 <= value <= _INT_LIMIT and (value or not positive):  # the usual whole yuan
        values[field] = Decimal(value).quantize(FEN)
        return
    try:
        values[field] = parse_amount(value, label, required=required, field=field, positive=positive)
    except InputError as error:
        problems[field] = error.message


def read_visit(raw, position: int = 0, case_date=None, *, label: str | None = None,
               required: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """(values, problems) of one visit. `values` holds what parsed (codes, Decimals, a date), plus
    `defaults` (fields that took a default) and `out_of_catalog_unknown`; `problems` is
    {field: message} in the order a person fills the form. `required` lists choice fields that
    must be answered rather than defaulted (the interview asks every one).

    Written flat (no closures): `settle --batch` reads every visit of every line through here."""
    label = label or f"第{position + 1}次就诊"
    if not isinstance(raw, dict):
        return {}, {"visits": f"{label}的内容格式不对，应包含日期、类型、总费用等。"}
    defaults: list[str] = []
    values: dict = {"defaults": defaults, "out_of_catalog_unknown": False}
    problems: dict[str, str] = {}

    date_value = raw.get("date") or case_date
    if _blank(date_value):
        problems["date"] = f"请填写{label}的就诊日期。"
    else:
        try:
            values["date"] = parse_date(date_value, f"{label}的日期")
        except InputError as error:
            problems["date"] = error.message
    for field, (name, hint) in CHOICE_FIELDS.items():
        value = raw.get(field)
        code = code_for(field, value) if isinstance(value, str) else None
        if code is not None:
            values[field] = code
        elif _blank(value):
            if field == "kind" or field in required:
                problems[field] = f"请选择{label}的{name}（{hint}）。"
            else:
                defaults.append(field)
                values[field] = DEFAULT_CHOICES[field]
        else:
            problems[field] = f"{label}的{name}“{shown(value)}”无法识别，请填写{hint}。"
    location, referral = values.get("location"), values.get("referral")
    if location not in (None, "local") and referral == "not_needed":
        where = name_of("location", location)
        if "referral" in defaults:
            problems["referral"] = f"请填写{label}的转诊情况：在{where}就医，请选择已转诊或未转诊。"
            defaults.remove("referral")
        else:
            problems["referral"] = (f"{label}在{where}就医，“无需转诊”只适用于本地就医，"
                                    "请选择已转诊或未转诊。")
        del values["referral"]

    _read_amount(values, problems, "total", raw.get("total"), f"{label}的总费用", required=True, positive=True)
    ooc_raw = raw.get("out_of_catalog")
    if is_unknown(ooc_raw):
        values["out_of_catalog_unknown"] = True
        values["out_of_catalog"] = ZERO
    elif _blank(ooc_raw):
        if "out_of_catalog" in required:
            problems["out_of_catalog"] = f"请填写{label}的目录外费用（元），不知道就选“不清楚”。"
        else:
            defaults.append("out_of_catalog")
            values["out_of_catalog"] = ZERO
    else:
        _read_amount(values, problems, "out_of_catalog", ooc_raw, f"{label}的目录外费用", required=True)
    _read_amount(values, problems, "category_b", raw.get("category_b"), f"{label}的乙类费用")
    if values.get("category_b", ZERO) is None:
        values["category_b"] = ZERO
    _read_amount(values, problems, "basic_paid", raw.get("basic_paid"), f"{label}的基本医保已支付")
    total, ooc = values.get("total"), values.get("out_of_catalog")
    category_b, basic_paid = values.get("category_b"), values.get("basic_paid")
    if total is not None and ooc is not None and category_b is not None and ooc + category_b > total:
        problems.setdefault("out_of_catalog", (
            f"{label}的目录外费用（{ooc}）加乙类费用（{category_b}）超过了总费用（{total}），请核对结算单。"))
    elif total is not None and ooc is not None and basic_paid is not None and basic_paid > total - ooc:
        problems.setdefault("basic_paid", (
            f"{label}的基本医保已支付（{basic_paid}）超过了目录内费用（总费用 {total} − 目录外 {ooc}），请核对结算单。"))
    disease = raw.get("disease")
    if disease and not isinstance(disease, str):
        problems["disease"] = f"{label}的疾病名称请写成文字，例如 肺癌。"
    values["disease"] = (disease.strip() or None) if isinstance(disease, str) else None
    return values, problems


def visit_problems(raw, position: int = 0, case_date=None, *, label: str | None = None,
                   required: tuple[str, ...] = ()) -> dict[str, str]:
    """{field: message} for one visit; empty when it can be settled."""
    return read_visit(raw, position, case_date, label=label, required=required)[1]


def read_case_fields(raw) -> tuple[dict, dict[str, str]]:
    """(values, problems) of a case's own fields (not its visits' contents)."""
    if not isinstance(raw, dict):
        return {}, {"case": "输入应是一个病例（JSON 对象），包含 visits 就诊列表。"}
    values: dict = {"defaults": []}
    problems: dict[str, str] = {}

    def attempt(field, read):
        try:
            values[field] = read()
        except InputError as error:
            problems[field] = error.message

    visits = raw.get("visits")
    if not isinstance(visits, list) or not visits:
        problems["visits"] = "请至少填写一次就诊（visits），包括日期、类型和总费用。"
    elif len(visits) > MAX_VISITS:
        problems["visits"] = (f"一个病例最多填写{MAX_VISITS}次就诊（填了{len(visits)}次），"
                              "请核对是否重复粘贴了费用清单。")
    case_date = raw.get("date")
    values["date"] = None
    if not _blank(case_date):
        attempt("date", lambda: parse_date(case_date, "日期"))
    insurance = raw.get("insurance")
    if _blank(insurance):
        values["defaults"].append("insurance")
        values["insurance"] = "resident"
    else:
        attempt("insurance", lambda: parse_code("insurance", insurance, "参保类型",
                                                "城乡居民（resident）或职工（employee）"))
    tier = raw.get("contribution_tier")
    if _blank(tier):
        values["contribution_tier"] = None
    elif is_unknown(tier):
        values["contribution_tier"] = UNKNOWN
    else:
        attempt("contribution_tier", lambda: parse_code("contribution_tier", tier, "缴费档次",
                                                        "高档（high）、低档（low）或不清楚（unknown）"))
    attempt("identities", lambda: parse_identities(raw.get("identities")))
    attempt("per_capita_income", lambda: _positive_statistic(
        raw.get("per_capita_income"), "上年居民人均可支配收入", "per_capita_income"))
    attempt("rural_per_capita_income", lambda: _positive_statistic(
        raw.get("rural_per_capita_income"), "上年农村牧区常住居民人均可支配收入", "rural_per_capita_income"))
    for field in ("policy", "region"):
        value = raw.get(field)
        values[field] = (str(value).strip() or None) if value else None
    return values, problems


def case_problems(raw) -> dict[str, str]:
    """{field: message} for a whole case; a visit's problems are keyed `visits.N.field` (N from 0)."""
    values, problems = read_case_fields(raw)
    if "visits" in problems or "case" in problems:
        return problems
    case_date = raw.get("date")
    for position, visit in enumerate(raw["visits"]):
        for field, message in visit_problems(visit, position, case_date).items():
            problems[f"visits.{position}.{field}"] = message
    return problems


def _positive_statistic(value, label, field):
    amount = parse_amount(value, label, required=False, field=field)
    if amount is not None and amount == 0:
        raise InputError(f"{label}不能为0，请填写统计公报的数字或不填（使用政策包中的数字）。", field)
    return amount
