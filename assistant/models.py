"""The case a person brings: parsed from CONTRACT.md's JSON with a Chinese message for every mistake."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import InputError
from .lexicon import code_for, is_ordinary
from .money import FEN, to_decimal

# A bill above this is far more likely a typing slip (an extra zero) than a real stay.
ABSURD_AMOUNT = Decimal("10000000")
MAX_VISITS = 366

KIND_NAMES = {"inpatient": "住院", "outpatient": "门诊", "chronic_outpatient": "门诊慢特病"}


@dataclass(frozen=True, slots=True)
class Visit:
    date: dt.date
    kind: str
    hospital_level: str
    location: str
    referral: str
    total: Decimal
    out_of_catalog: Decimal
    category_b: Decimal
    basic_paid: Decimal | None
    disease: str | None
    index: int  # position in the input, so ties on date keep the user's order
    defaults: tuple[str, ...] = ()  # fields that were not given and took a default


@dataclass(frozen=True, slots=True)
class Case:
    policy: str | None
    region: str | None
    date: dt.date | None
    insurance: str
    contribution_tier: str | None
    identities: tuple[str, ...]
    per_capita_income: Decimal | None
    rural_per_capita_income: Decimal | None
    visits: tuple[Visit, ...]
    defaults: tuple[str, ...] = field(default=())


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(value, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if value is not None else ""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise InputError(f"{label}“{text}”不是有效日期，请按 2023-06-01 这样的格式填写。", "date")


def parse_amount(value, label: str, *, required: bool = True, field: str | None = None) -> Decimal | None:
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
        raise InputError(f"{label}“{value}”不是数字，请只填写金额（元），例如 12345.67。", field) from None
    if not amount.is_finite():
        raise InputError(f"{label}“{value}”不是有效金额，请填写具体数字。", field)
    if amount < 0:
        raise InputError(f"{label}不能是负数（填的是 {value}），请填写实际金额。", field)
    if amount > ABSURD_AMOUNT:
        raise InputError(f"{label} {value} 元超过1000万元，请检查是否多输了位数。", field)
    if amount != amount.quantize(FEN):
        raise InputError(f"{label} {value} 超过两位小数，金额请精确到分（如 123.45）。", field)
    return amount.quantize(FEN)


def _code(field_name: str, value, label: str, allowed_hint: str) -> str:
    code = code_for(field_name, value) if value is not None else None
    if code is None:
        raise InputError(f"{label}“{value}”无法识别，请填写{allowed_hint}。", field_name)
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
        if is_ordinary(word):
            continue
        code = code_for("identities", word)
        if code is None:
            raise InputError(
                f"身份“{word}”无法识别，请填写低保对象、特困人员、孤儿、低保边缘家庭成员、监测对象、"
                "因病致贫重病患者等，或不填（普通参保人）。", "identities")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _visit(raw, position: int, case_date) -> Visit:
    label = f"第{position + 1}次就诊"
    if not isinstance(raw, dict):
        raise InputError(f"{label}的内容格式不对，应包含日期、类型、总费用等。", "visits")
    defaults = []
    date_value = raw.get("date") or case_date
    if date_value is None:
        raise InputError(f"请填写{label}的就诊日期。", "date")
    date = parse_date(date_value, f"{label}的日期")
    if raw.get("kind") in (None, ""):
        raise InputError(f"请填写{label}的就诊类型（住院、门诊或门诊慢特病）。", "kind")
    kind = _code("kind", raw.get("kind"), f"{label}的就诊类型", "住院、门诊或门诊慢特病")

    def pick(name, default, hint, cn):
        value = raw.get(name)
        if value in (None, ""):
            defaults.append(name)
            return default
        return _code(name, value, f"{label}的{cn}", hint)

    level = pick("hospital_level", "level2", "乡镇卫生院、一级、二级或三级", "医院等级")
    location = pick("location", "local", "本地、省内或省外", "就医地")
    referral = pick("referral", "not_needed", "无需、已转诊或未转诊", "转诊情况")
    total = parse_amount(raw.get("total"), f"{label}的总费用", field="total")
    out_of_catalog = parse_amount(raw.get("out_of_catalog"), f"{label}的目录外费用", required=False,
                                  field="out_of_catalog")
    if out_of_catalog is None:
        defaults.append("out_of_catalog")
        out_of_catalog = Decimal("0.00")
    category_b = parse_amount(raw.get("category_b"), f"{label}的乙类费用", required=False, field="category_b")
    if category_b is None:
        category_b = Decimal("0.00")
    basic_paid = parse_amount(raw.get("basic_paid"), f"{label}的基本医保已支付", required=False, field="basic_paid")
    if out_of_catalog + category_b > total:
        raise InputError(
            f"{label}的目录外费用（{out_of_catalog}）加乙类费用（{category_b}）超过了总费用（{total}），请核对结算单。",
            "out_of_catalog")
    if basic_paid is not None and basic_paid > total - out_of_catalog:
        raise InputError(
            f"{label}的基本医保已支付（{basic_paid}）超过了目录内费用（总费用 {total} − 目录外 {out_of_catalog}），请核对结算单。",
            "basic_paid")
    disease = raw.get("disease")
    return Visit(date=date, kind=kind, hospital_level=level, location=location, referral=referral,
                 total=total, out_of_catalog=out_of_catalog, category_b=category_b,
                 basic_paid=basic_paid, disease=str(disease) if disease else None,
                 index=position, defaults=tuple(defaults))


def parse_case(raw) -> Case:
    """Turn CONTRACT.md's case JSON (already decoded) into a Case, or raise InputError."""
    if not isinstance(raw, dict):
        raise InputError("输入应是一个病例（JSON 对象），包含 visits 就诊列表。")
    defaults = []
    visits_raw = raw.get("visits")
    if not isinstance(visits_raw, list) or not visits_raw:
        raise InputError("请至少填写一次就诊（visits），包括日期、类型和总费用。", "visits")
    if len(visits_raw) > MAX_VISITS:
        raise InputError(f"一年的就诊次数超过{MAX_VISITS}次，请分开填写或合并同类门诊费用。", "visits")
    case_date = raw.get("date")
    date = parse_date(case_date, "日期") if case_date not in (None, "") else None
    insurance_raw = raw.get("insurance")
    if insurance_raw in (None, ""):
        defaults.append("insurance")
        insurance = "resident"
    else:
        insurance = _code("insurance", insurance_raw, "参保类型", "城乡居民（resident）或职工（employee）")
    tier_raw = raw.get("contribution_tier")
    contribution_tier = None if tier_raw in (None, "") else _code(
        "contribution_tier", tier_raw, "缴费档次", "高档（high）或低档（low）")
    visits = tuple(_visit(item, i, case_date) for i, item in enumerate(visits_raw))
    return Case(
        policy=(str(raw["policy"]).strip() or None) if raw.get("policy") else None,
        region=(str(raw["region"]).strip() or None) if raw.get("region") else None,
        date=date,
        insurance=insurance,
        contribution_tier=contribution_tier,
        identities=parse_identities(raw.get("identities")),
        per_capita_income=_positive_statistic(raw.get("per_capita_income"), "上年居民人均可支配收入", "per_capita_income"),
        rural_per_capita_income=_positive_statistic(raw.get("rural_per_capita_income"),
                                                    "上年农村牧区常住居民人均可支配收入", "rural_per_capita_income"),
        visits=visits,
        defaults=tuple(defaults),
    )


def _positive_statistic(value, label, field):
    amount = parse_amount(value, label, required=False, field=field)
    if amount is not None and amount == 0:
        raise InputError(f"{label}不能为0，请填写统计公报的数字或不填（使用政策包中的数字）。", field)
    return amount
