"""The guided self-check's questions, checks and case building, without Streamlit.

The app asks one question at a time; this module knows which questions there are, what the
choices are called in the words people use, whether an answer is usable (each message one
Chinese sentence from the core's own parsers where it has one), and how the answers become
CONTRACT.md's case. No rule of any policy lives here: the policy is picked by the core's
`policy_for`, amounts are parsed by `parse_amount`, the 目录外 estimate comes from the pack.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from dataclasses import dataclass
from decimal import Decimal

from .compare import estimate_out_of_catalog
from ..errors import InputError
from ..knowledge.catalog import policy_for, policy_rows, span
from ..knowledge.store import documents
from ..knowledge.store import packs

if TYPE_CHECKING:
    from ..knowledge.packs import Pack
from ..lexicon import choices, code_for
from ..checks import parse_amount, visit_problems

# The steps of the flow, in order. Steps from "kind" to "bill" are asked once per visit; "start",
# "review" (核对您的回答) and "result" are not questions and are not counted in the progress bar.
STEPS = ("start", "where", "insurance", "identities", "kind", "level", "place", "bill", "visits", "review", "result")
QUESTION_STEPS = STEPS[1:-2]
VISIT_STEPS = ("kind", "level", "place", "bill")
STEP_TITLES = {
    "start": "看病能报多少钱，自己算一算",
    "where": "在哪里看病，什么时候",
    "insurance": "参加的是哪种医保",
    "identities": "这位病人有没有这些身份",
    "kind": "这次看病是哪一种",
    "level": "在哪一级医院",
    "place": "医院在哪里，有没有转诊",
    "bill": "花了多少钱",
    "visits": "同一年还有别的看病费用吗",
    "review": "核对您的回答",
    "result": "估算结果",
}

# Identities in the words people use (the code is CONTRACT.md's; lexicon.yaml knows these words too).
IDENTITY_WORDS = (
    ("minimum_living", "低保户", "家里有低保证（城乡最低生活保障）"),
    ("extreme_poverty", "五保户 / 特困供养", "有特困人员救助供养证，过去叫“五保”"),
    ("near_minimum_living", "边缘户（低保边缘家庭）", "民政部门认定的低保边缘家庭成员"),
    ("monitored_at_risk", "监测户（防返贫监测对象）", "村里纳入防止返贫致贫监测的人家"),
    ("orphan", "孤儿", "包括事实无人抚养的儿童"),
    ("illness_impoverished", "因病致贫（重病患者）", "因为看病花钱太多、经民政认定的困难家庭重病患者"),
    ("other_hardship", "其他困难人员", "民政部门认定的其他特殊困难人员"),
    ("registered_poor", "脱贫户（建档立卡）", "过去建档立卡的贫困户"),
    ("severe_disability", "重度残疾人", "持一级、二级残疾人证"),
    ("disabled_child", "病残儿童", ""),
)
IDENTITY_UNSURE_HELP = (
    "可以问村（嘎查）委会或社区居委会、乡镇（苏木）民政办；看家里有没有《低保证》《特困人员救助供养证》；"
    "也可以打 12345 热线问。不确定时先按普通参保人计算，结果页会列出每种身份下要自付多少，方便对照。")

INSURANCE_HELP = {
    "resident": "城乡居民医保：农民、城镇居民、学生、孩子，每年自己交一次钱（居民医保）",
    "employee": "职工医保：有单位、从工资里扣医保的人，以及按职工身份交费的个体户、退休职工",
}
TIER_HELP = {
    "high": "交的钱多一些，报销比例高一些",
    "low": "交的钱少一些，报销比例低一些",
    "unknown": "不清楚就先按高档计算，结果里会说明",
}
KIND_HELP = {
    "inpatient": "住进医院、有住院发票和结算单",
    "chronic_outpatient": "已经办了慢性病、特殊病门诊待遇，如透析、放化疗、糖尿病、高血压",
    "outpatient": "看门诊、急诊，没有住院",
}
KIND_ORDER = ("inpatient", "chronic_outpatient", "outpatient")
LEVEL_HELP = {
    "township": "苏木乡镇卫生院、街道社区卫生服务中心",
    "level1": "规模小的医院，如部分社区医院、厂矿医院",
    "level2": "旗县（区）人民医院、旗县中蒙医院、县中医院等",
    "level3": "市级以上的大医院、医学院附属医院，门口常挂“三级甲等”的牌子",
}
LEVEL_UNSURE_HELP = ("不清楚等级时：看住院发票或结算单上的“医疗机构等级”，看医院门口的牌子（如“三级甲等”），"
                     "或问医院收费处。")
REFERRAL_HELP = {
    "not_needed": "在本地看病，不需要转诊",
    "referred": "开了转诊单，或者在医保 APP、医保经办机构办了异地就医备案",
    "not_referred": "应该转诊或备案，但是没有办",
}
OUT_OF_CATALOG_HELP = ("目录外费用（全自费）是医保目录里没有的药和检查，医保不报，结算单上常写作“全自费”或“目录外”。"
                       "不知道就选“不清楚”，按文件对这一级医院规定的上限比例估算。")
BASIC_PAID_HELP = "结算单上“基本医保统筹支付”或“统筹基金支付”的金额；不知道就空着，按政策估算。"
CATEGORY_B_HELP = "乙类药品、检查的金额，要先自己付一小部分；不知道就空着，按 0 计算。"
DISCLAIMER = ("这里算出的是估算结果，只供参考；实际报销以定点医院“一站式”结算和医保经办机构的审核为准。")


@dataclass(frozen=True)
class Region:
    region: str
    policy: str  # the document (and pack) id
    title: str
    status: str
    status_name: str
    settles: bool
    valid_from: str
    valid_to: str | None


def regions() -> list[Region]:
    """Every region a document covers, settling ones first (what the first question offers)."""
    docs = documents()
    found = []
    for row in policy_rows():
        found.append(Region(row["region"], row["id"], row["title"], row["status"],
                            docs[row["id"]].status_name, row["settles"], row["valid_from"], row["valid_to"]))
    return found


def region_caption(place: Region) -> str:
    """What the region's document can do, in the words of its data: the dates it settles, not "现行"."""
    if place.settles and place.status == "historical":
        return f"历史政策，只用于核对当年的就诊（{place.valid_from}至{place.valid_to}）"
    if place.settles:
        end = f"至 {place.valid_to} " if place.valid_to else "以后"
        return f"可以估算 {place.valid_from} {end}的看病费用"
    return f"只能查阅原文，不能估算：{place.status_name}"


def region_named(name: str | None) -> Region | None:
    return next((r for r in regions() if r.region == name), None)


def pick_policy(region: str | None, day: dt.date | None) -> tuple[Pack | None, str | None]:
    """The pack that settles for this region on this day, or a message that says why none does."""
    pack, message, _ = policy_or_problem(region, day)
    return pack, message


def policy_or_problem(region: str | None, day: dt.date | None) -> tuple[Pack | None, str | None, str | None]:
    """(pack, None, None) or (None, message, the field to fix: "region" or "date")."""
    if not region:
        return None, "请选择看病所在的地区。", "region"
    place = region_named(region)
    if place is not None and not place.settles:
        return None, (f"{place.region}只有《{place.title}》，它是{place.status_name}，"
                      "只能在“政策原文”里查阅，不能用来估算报销。"), "region"
    if day is None:
        return None, "请选择看病的日期（有几次看病就选第一次的日期）。", "date"
    try:
        return policy_for(region=region, day=day), None, None
    except InputError as error:
        return None, error.message, "date" if error.field == "date" else "region"


def insurance_choices() -> dict[str, str]:
    return choices("insurance")


def contribution_tier_choices(pack: Pack | None) -> dict[str, str]:
    """高档/低档 where the policy has tiers (plus 不清楚); empty where it has none."""
    if pack is None or not pack.contribution_tiers:
        return {}
    names = choices("contribution_tier")
    shown = {code: names[code] for code in pack.contribution_tiers}
    shown["unknown"] = "不清楚"
    return shown


def identity_options(pack: Pack | None) -> list[dict]:
    """The identities to offer, with whether this policy names each one."""
    options = []
    for code, words, hint in IDENTITY_WORDS:
        named = pack is None or code in pack.identities
        note = hint
        if not named:
            note = (hint + "。" if hint else "") + "本地政策没有单列这一身份，按普通参保人计算"
        options.append({"code": code, "label": words, "help": note, "named": named})
    return options


def disease_choices(pack: Pack | None) -> dict[str, str]:
    """The diseases a pack's guarantee lists (奈曼旗2019: 23 种集中救治大病), plus “not these”; empty elsewhere."""
    guarantee = getattr(pack, "guarantee", None)
    if guarantee is None:
        return {}
    from ..knowledge.diseases import labels
    shown = labels(guarantee.listed_diseases.diseases)
    shown[NO_LISTED_DISEASE] = "不是这些病 / 不清楚"
    return shown


NO_LISTED_DISEASE = "none"


def kind_choices() -> dict[str, str]:
    names = choices("kind")
    return {code: names[code] for code in KIND_ORDER}


def level_choices() -> dict[str, str]:
    names = choices("hospital_level")
    names["township"] = "乡镇卫生院 / 社区卫生服务中心"
    names["level1"] = "一级医院"
    names["level2"] = "二级医院"
    names["level3"] = "三级医院"
    return names


def location_choices(pack: Pack | None) -> dict[str, str]:
    """Where the hospital is, in words that fit the region (a city-province has no 省内 elsewhere)."""
    region = pack.region if pack else "本地"
    shown = {"local": f"本地（{region}内）"}
    if pack is None or "in_province" in pack.home_region_locations:
        shown["in_province"] = "本省（自治区）内的其他地方"
        shown["out_of_province"] = "外省（自治区以外）"
    else:
        shown["out_of_province"] = f"外地（{region}以外）"
    return shown


def referral_choices(location: str | None = None) -> dict[str, str]:
    """Only the valid pairs: "不需要转诊" is for a hospital in the region itself (CONTRACT "Referral")."""
    shown = {"not_needed": "不需要转诊", "referred": "已经转诊或备案", "not_referred": "没有转诊"}
    if location not in (None, "local"):
        del shown["not_needed"]
    return shown


WORD_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(万|千)(\d+(?:\.\d+)?)?(千|百)?$")


def plain_amount(value):
    """An amount as people write it (3万5, 3.5万, 1万2500, 三万五, 两千八百元) as plain digits ("35000");
    anything else is returned unchanged, so the core's parser gives its own message."""
    if not isinstance(value, str):
        return value
    text = re.sub(r"[\s,，]", "", value).removesuffix("元").removesuffix("块")
    if not text or re.fullmatch(r"\d+(?:\.\d+)?", text):
        return text if text != value.strip() else value
    found = WORD_AMOUNT.fullmatch(text)
    amount = None
    if found:
        head, unit, tail, tail_unit = found.groups()
        size = 10000 if unit == "万" else 1000
        amount = Decimal(head) * size
        if tail:
            if tail_unit:
                amount += Decimal(tail) * (1000 if tail_unit == "千" else 100)
            elif len(tail) == 1:  # 3万5 = 35000: a lone digit counts in the next lower unit
                amount += Decimal(tail) * size // 10
            else:  # 1万2500 = 12500
                amount += Decimal(tail)
    else:
        from ..understanding.amounts import chinese_number
        amount = chinese_number(text)
    if amount is None:
        return value
    return f"{amount.normalize():f}" if amount == amount.to_integral() else str(amount)


def check_amount(value, label: str, *, required: bool, positive: bool = False) -> tuple[Decimal | None, str | None]:
    """(amount, None) when usable, (None, message) when not — the message from the core's parser."""
    try:
        return parse_amount(plain_amount(value), label, required=required, positive=positive), None
    except InputError as error:
        return None, error.message


def new_visit(day: dt.date | None = None) -> dict:
    return {"date": day, "kind": None, "hospital_level": None, "location": None, "referral": None,
            "total": "", "ooc_known": None, "out_of_catalog": "", "basic_paid": "", "category_b": "", "disease": None}


def visit_label(number: int) -> str:
    return f"第{number}次看病"


def check_step(step: str, answers: dict, visit_index: int = 0) -> dict[str, str]:
    """Messages for the answers of one step, keyed by field; empty when the step is complete."""
    errors: dict[str, str] = {}
    pack, message, field = policy_or_problem(answers.get("region"), answers.get("date"))
    if step == "where":
        if message:
            errors[field] = message
        return errors
    if step == "insurance":
        if answers.get("insurance") not in insurance_choices():
            errors["insurance"] = "请选择参加的是城乡居民医保还是职工医保。"
        elif answers["insurance"] == "resident" and contribution_tier_choices(pack) and \
                answers.get("contribution_tier") not in contribution_tier_choices(pack):
            errors["contribution_tier"] = "请选择缴费档次（高档、低档），不清楚就选“不清楚”。"
        return errors
    if step == "identities":
        if not (answers.get("identities") or answers.get("identity_none") or answers.get("identity_unsure")):
            errors["identities"] = "请勾选这位病人有的身份；都没有就选“都不是”，不知道就选“不清楚”。"
        return errors
    visits = answers.get("visits") or []
    if visit_index >= len(visits):
        return {"visits": "请先填写这次看病的情况。"}
    visit = visits[visit_index]
    label = visit_label(visit_index + 1)
    if step == "kind":
        if visit.get("date") is None:
            errors["visit_date"] = f"请选择{label}的日期。"
        elif visit["date"] > dt.date.today():
            errors["visit_date"] = f"{label}的日期 {visit['date']} 晚于今天，请核对。"
        elif pack is not None and not pack.covers(visit["date"]):
            errors["visit_date"] = (f"{label}的日期 {visit['date']} 不在“{pack.name}”的适用期"
                                    f"（{span(pack)}）内，请核对日期。")
    if step == "bill":
        errors.update(check_bill(visit, visit_index))
        return errors
    found = visit_problems(_contract_visit(visit), visit_index, label=label, required=ASKED)
    if step == "place" and "location" not in found and visit.get("location") not in location_choices(pack):
        found["location"] = f"请选择{label}的医院在本地还是外地。"
    errors.update((field, found[field]) for field in STEP_FIELDS.get(step, ()) if field in found)
    return errors


# The interview asks every choice the core would otherwise default; each step shows its own fields.
ASKED = ("kind", "hospital_level", "location", "referral")
STEP_FIELDS = {"kind": ("kind",), "level": ("hospital_level",), "place": ("location", "referral"),
               "bill": ("total", "out_of_catalog", "basic_paid", "category_b")}


def _contract_visit(visit: dict) -> dict:
    """The interview's answers for one visit as CONTRACT.md's visit, for the core's check."""
    item = {name: visit.get(name) for name in ("date", "kind", "hospital_level", "location", "referral")}
    item.update({name: plain_amount(visit.get(name)) for name in ("total", "basic_paid", "category_b")})
    item["date"] = item["date"] or dt.date.today()  # the date is checked on its own step, against the policy
    item["out_of_catalog"] = plain_amount(visit.get("out_of_catalog")) if visit.get("ooc_known") == "known" \
        else "unknown"
    return item


def check_bill(visit: dict, visit_index: int = 0) -> dict[str, str]:
    """The amounts of one visit, checked by the core (`checks.visit_problems`), keyed by field."""
    label = visit_label(visit_index + 1)
    required = ASKED + (("out_of_catalog",) if visit.get("ooc_known") == "known" else ())
    found = visit_problems(_contract_visit(visit), visit_index, label=label, required=required)
    errors = {field: found[field] for field in STEP_FIELDS["bill"] if field in found}
    if visit.get("ooc_known") not in ("known", "unknown"):
        errors["ooc_known"] = "请选择是否知道目录外（全自费）费用；不知道就选“不清楚”。"
    return errors


def first_incomplete(answers: dict) -> tuple[str, int] | None:
    """The first step (and visit) whose answers are missing or wrong, or None when all can be settled."""
    for step in ("where", "insurance", "identities"):
        if check_step(step, answers):
            return step, 0
    visits = answers.get("visits") or []
    if not visits:
        return "kind", 0
    for index in range(len(visits)):
        for step in VISIT_STEPS:
            if check_step(step, answers, index):
                return step, index
    return None


def build_case(answers: dict) -> tuple[dict, list[dict]]:
    """CONTRACT.md's case from the answers, and the app's own notes (the 目录外 estimates).

    Assumes the answers pass `first_incomplete`; raises InputError otherwise.
    """
    pack, message = pick_policy(answers.get("region"), answers.get("date"))
    if pack is None:
        raise InputError(message or "请先选择地区和日期。", "region")
    insurance = answers["insurance"]
    case: dict = {"policy": pack.id, "region": pack.region, "date": answers["date"].isoformat(),
                  "insurance": insurance, "identities": list(answers.get("identities") or [])}
    notes: list[dict] = []
    tier = answers.get("contribution_tier")
    if insurance == "resident" and pack.contribution_tiers:
        # not known: the core settles at 高档 and gives the range over both tiers
        case["contribution_tier"] = tier if tier in pack.contribution_tiers else "unknown"
    visits = []
    for number, visit in enumerate(answers.get("visits") or [], start=1):
        total = parse_amount(plain_amount(visit["total"]), "总费用")
        category_b = parse_amount(plain_amount(visit.get("category_b")), "乙类费用", required=False)
        basic_paid = parse_amount(plain_amount(visit.get("basic_paid")), "基本医保已报销", required=False)
        item = {"date": visit["date"].isoformat(), "kind": visit["kind"],
                "hospital_level": visit["hospital_level"], "location": visit["location"],
                "referral": visit["referral"], "total": total}
        if category_b is not None:
            item["category_b"] = category_b
        if visit.get("disease") and visit["disease"] != NO_LISTED_DISEASE and visit["kind"] == "inpatient":
            item["disease"] = visit["disease"]
        if basic_paid is not None:
            item["basic_paid"] = basic_paid
        if visit.get("ooc_known") == "known":
            item["out_of_catalog"] = parse_amount(plain_amount(visit["out_of_catalog"]), "目录外费用")
        else:  # the core estimates it (the same function, so the same words) and gives the range
            item["out_of_catalog"] = "unknown"
            estimate = estimate_out_of_catalog(pack, visit["date"], visit["hospital_level"], total,
                                               category_b=category_b or Decimal(0), basic_paid=basic_paid,
                                               visit_number=number)
            notes.append({"text": estimate["text"], "citations": estimate["citations"]})
        visits.append(item)
    case["visits"] = visits
    return case, notes


def identity_code(word: str) -> str | None:
    """A code for a word a person typed (低保户 → minimum_living)."""
    return code_for("identities", word)


def all_packs() -> dict[str, Pack]:
    return packs()


def year_choices(region: str | None, today: dt.date | None = None) -> list[int]:
    """Years a visit can be in for this region (every settling policy when none is chosen), newest first."""
    today = today or dt.date.today()
    places = [r for r in regions() if r.settles and (region is None or r.region == region)] or \
        [r for r in regions() if r.settles]
    first = min(dt.date.fromisoformat(str(r.valid_from)).year for r in places)
    last = max(max(dt.date.fromisoformat(str(r.valid_to)).year if r.valid_to else today.year, today.year)
               for r in places)
    return list(range(min(last, today.year), first - 1, -1))


def days_in_month(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def review_rows(answers: dict) -> list[dict]:
    """核对您的回答: each answer in words, with the step (and visit) that edits it."""
    pack, _ = pick_policy(answers.get("region"), answers.get("date"))
    rows = [{"step": "where", "visit": None, "label": "地区", "value": answers.get("region") or "未填"},
            {"step": "where", "visit": None, "label": "第一次看病的日期",
             "value": str(answers.get("date") or "未填")}]
    insurance = insurance_choices().get(answers.get("insurance"), "未填")
    tiers = contribution_tier_choices(pack)
    if tiers and answers.get("insurance") == "resident":
        insurance += f"（{tiers.get(answers.get('contribution_tier'), '档次未填')}）"
    rows.append({"step": "insurance", "visit": None, "label": "医保", "value": insurance})
    names = {o["code"]: o["label"] for o in identity_options(pack)}
    held = "、".join(names.get(code, code) for code in answers.get("identities") or [])
    if not held:
        held = "不清楚" if answers.get("identity_unsure") else ("都不是（普通参保人）" if answers.get("identity_none")
                                                           else "未填")
    rows.append({"step": "identities", "visit": None, "label": "身份", "value": held})
    for index, visit in enumerate(answers.get("visits") or []):
        label = visit_label(index + 1)
        ooc = "不清楚（按文件比例估算）" if visit.get("ooc_known") == "unknown" else \
            (f"{plain_amount(visit.get('out_of_catalog')) or '未填'} 元" if visit.get("ooc_known") == "known" else "未填")
        money = [f"总费用 {plain_amount(visit.get('total')) or '未填'} 元", f"目录外 {ooc}"]
        if visit.get("basic_paid"):
            money.append(f"基本医保已报销 {plain_amount(visit['basic_paid'])} 元")
        if visit.get("category_b"):
            money.append(f"乙类 {plain_amount(visit['category_b'])} 元")
        rows += [
            {"step": "kind", "visit": index, "label": f"{label}：日期和类型",
             "value": f"{visit.get('date') or '日期未填'} · {kind_choices().get(visit.get('kind'), '未填')}"},
            {"step": "level", "visit": index, "label": f"{label}：医院等级",
             "value": level_choices().get(visit.get("hospital_level"), "未填")},
            {"step": "place", "visit": index, "label": f"{label}：医院在哪里、转诊",
             "value": f"{location_choices(pack).get(visit.get('location'), '未填')} · "
                      f"{referral_choices().get(visit.get('referral'), '未填')}"},
            {"step": "bill", "visit": index, "label": f"{label}：费用", "value": "；".join(money)},
        ]
    return rows
