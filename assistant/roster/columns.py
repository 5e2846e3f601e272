"""The roster's columns (CONTRACT.md "A roster"): Chinese or English headers, matched ignoring spaces and case."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    field: str     # the English header, also the case's key
    chinese: str   # the Chinese header, shown in templates and messages
    required: bool
    help: str      # one line for the template's explanation sheet


COLUMNS: tuple[Column, ...] = (
    Column("household_id", "户编号", True, "同一户的成员填同一个编号（如村里的户号）。"),
    Column("name", "姓名", True, "成员姓名；同一人的每一行写法要一致。"),
    Column("id_number", "身份证号", False,
           "18位身份证号，按校验位检查；请把这一列设成“文本”格式，否则 Excel 会丢掉后几位。导出时只显示前4位和后4位。"),
    Column("identities", "身份", False,
           "低保对象、特困人员、孤儿、低保边缘家庭成员、监测对象、因病致贫重病患者等，也可写低保户、五保户、边缘户；"
           "多个身份用顿号、逗号、分号或空格隔开；普通参保人不填或填“普通”。同一人的各行要一致。"),
    Column("insurance", "参保类型", False, "城乡居民 或 职工；不填按城乡居民计算。"),
    Column("contribution_tier", "缴费档次", False, "高档 或 低档（天津分档）；不填按政策默认。"),
    Column("visit_date", "就诊日期", False, "如 2023-06-01、2023/6/1、2023年6月1日；一人多次就诊写多行；全年没有就诊的人留空。"),
    Column("kind", "就诊类型", False, "住院、门诊 或 门诊慢特病。"),
    Column("hospital_level", "医院等级", False, "乡镇卫生院、一级、二级 或 三级；不填按二级计算。"),
    Column("location", "就医地", False, "本地、省内 或 省外；不填按本地计算。"),
    Column("referral", "转诊", False, "无需（仅本地就医）、已转诊 或 未转诊；不填按无需转诊计算。"),
    Column("total", "总费用", False, "这次就诊的医疗总费用（元），如 12345.67。"),
    Column("out_of_catalog", "目录外费用", False, "目录外（全自费）费用（元）；不知道可不填。"),
    Column("category_b", "乙类费用", False, "乙类项目金额（元）；不知道可不填。"),
    Column("basic_paid", "基本医保已支付", False, "结算单上基本医保已支付的金额（元）；不填则按政策估算。"),
    Column("disease", "疾病", False, "可不填；按病种计算的政策（如奈曼旗2019年健康扶贫）需要，用平常的说法即可。导出时不显示。"),
)

VISIT_FIELDS = ("visit_date", "kind", "hospital_level", "location", "referral", "total",
                "out_of_catalog", "category_b", "basic_paid", "disease")
# Cells that name a person or their illness: masked in files unless an authorised person asks.
PRIVATE_FIELDS = ("id_number", "disease")
BY_FIELD = {c.field: c for c in COLUMNS}


def header_key(text) -> str:
    """How a header is compared: no spaces anywhere (全角 too), case ignored."""
    return "".join(str(text or "").replace("\u3000", " ").split()).lower()


_LOOKUP = {header_key(name): c.field for c in COLUMNS for name in (c.field, c.chinese)}


def field_for(header) -> str | None:
    return _LOOKUP.get(header_key(header))
