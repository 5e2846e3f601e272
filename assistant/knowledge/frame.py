"""Checks a 盟市 pack against the region's framework document (inner-mongolia-2015).

The frame's rules are data (knowledge/frames/inner-mongolia-2015.yaml: each rule with its clause
and verbatim quote, and the per-capita figures the 起付线 rule compares with); this module reads
a pack's 大病保险 (the `critical_illness` tier, or for a pack with an outcome guarantee that
follows a higher level's 大病保险, what the pack itself sets) and says pass or fail with figures.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, KnowledgeError
from ..money import percent, yuan
from .files import knowledge_path, read_yaml

ONE = Decimal(1)
NO_TIER = "本政策包没有城乡居民大病保险"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameRule(_Strict):
    id: str
    name: str
    clause: str
    quote: str = Field(min_length=1)
    minimum: Decimal | None = None
    reading: str | None = None


class FrameStatistic(_Strict):
    for_year: int
    urban: Decimal
    rural: Decimal
    source: str
    reading: str | None = None


class Frame(_Strict):
    frame: str
    regions: list[str]
    statistics: list[FrameStatistic] = []
    rules: list[FrameRule] = Field(min_length=1)

    def rule(self, rule_id: str) -> FrameRule:
        return next(r for r in self.rules if r.id == rule_id)


RULE_IDS = ("after_basic", "bands", "deductible", "hardship", "limit")


def load_frame(frame_id: str = "inner-mongolia-2015", docs=None) -> Frame:
    path = knowledge_path("frames", f"{frame_id}.yaml")
    if not path.exists():
        raise KnowledgeError(f"frames/{frame_id}.yaml: no such frame")
    try:
        frame = Frame.model_validate(read_yaml(path))
    except ValidationError as error:
        from .documents import describe_validation
        raise KnowledgeError(describe_validation(path, error)) from None
    if docs is None:
        from .store import documents
        docs = documents()
    doc = docs.get(frame.frame)
    if doc is None:
        raise KnowledgeError(f"{path.name}: field frame: no document '{frame.frame}'")
    for rule in frame.rules:
        clause = doc.clause(rule.clause)
        if clause is None or rule.quote not in clause.text:
            raise KnowledgeError(f"{path.name}: field rules.{rule.id}.quote: not found verbatim in {frame.frame} {rule.clause}")
    missing = set(RULE_IDS) - {r.id for r in frame.rules}
    if missing:
        raise KnowledgeError(f"{path.name}: field rules: missing {', '.join(sorted(missing))}")
    return frame


def in_frame(pack, frame: Frame) -> bool:
    return any(name in frame.regions for name in (pack.region, *pack.region_aliases))


def frame_packs(frame: Frame, packs: dict, policy: str | None = None) -> list:
    """The packs to check: one named (refused with a reason when outside the frame), or all in it."""
    if policy is None:
        return [p for p in packs.values() if in_frame(p, frame) and p.id != frame.frame]
    pack = packs.get(policy)
    if pack is None:
        if policy == frame.frame:
            raise InputError(f"“{policy}”就是框架文件本身，请检查依据它制定的政策，例如 "
                             + "、".join(p.id for p in frame_packs(frame, packs)) + "。", "policy")
        raise InputError(f"没有编号为“{policy}”的政策包，可检查的：{'、'.join(p.id for p in frame_packs(frame, packs))}。", "policy")
    if not in_frame(pack, frame):
        raise InputError(f"“{pack.name}”（{pack.region}）不在内蒙古自治区，不适用 {frame.frame} 的框架要求。", "policy")
    return [pack]


def check_frame(packs: dict, policy: str | None = None, frame: Frame | None = None) -> list[dict]:
    """One row per pack and rule: {"policy","rule","clause","quote","result","detail"}."""
    frame = frame or load_frame()
    rows = []
    for pack in frame_packs(frame, packs, policy):
        checker = _PackCheck(pack, frame)
        for rule in frame.rules:
            ok, detail = getattr(checker, rule.id)(rule)
            rows.append({"policy": pack.id, "rule": rule.name, "clause": f"{frame.frame} {rule.clause}",
                         "quote": rule.quote, "result": "pass" if ok else "fail", "detail": detail})
    return rows


def frame_summary(pack_id: str) -> dict | None:
    """For the 政策原文 page: the frame check of one pack, or None when the pack is not in the frame."""
    from .store import packs
    available = packs()
    frame = load_frame()
    pack = available.get(pack_id)
    if pack is None or not in_frame(pack, frame):
        return None
    rows = check_frame(available, policy=pack_id, frame=frame)
    failed = sum(row["result"] == "fail" for row in rows)
    title = frame_title(frame)
    heading = (f"对照《{title}》：{len(rows) - failed} 项符合" + (f"，{failed} 项不符合" if failed else "，全部符合"))
    return {"heading": heading, "rows": rows}


def frame_title(frame: Frame) -> str:
    from .store import documents
    return documents()[frame.frame].title


class _PackCheck:
    def __init__(self, pack, frame: Frame):
        self.pack, self.frame = pack, frame
        self.day = pack.valid_from
        self.tier_index, self.tier = next(((i, t) for i, t in enumerate(pack.tiers) if t.tier == "critical_illness"),
                                          (None, None))
        rules = [r for r in self.tier.rules if "resident" in r.insurance] if self.tier else []
        self.groups = [g for r in rules for g in r.groups]
        self.general = next((g for g in self.groups if g.identities == "all"), None)
        self.guarantee = getattr(pack, "guarantee", None)

    # -------------------------------------------------------------- reading the pack's parameters
    def value(self, name: str):
        item = self.pack.parameters[name].at(self.day)
        if item is None:
            raise KnowledgeError(f"{self.pack.id}: parameter {name} has no value on {self.day}")
        return item

    def ratios(self, group) -> list[tuple[Decimal | None, Decimal]]:
        if group.bands:
            return [(b.upto, b.ratio) for b in self.value(group.bands).value]
        return [(None, self.value(group.ratio).value)]

    def who(self, group) -> str:
        from ..lexicon import name_of
        return "普通参保人" if group.identities == "all" else "、".join(name_of("identities", c) for c in group.identities)

    def _delegated(self) -> str:
        return (f"{self.pack.name}没有自己的大病保险参数（大病保险沿用上级政策，不在收录的文件中），"
                "只规定了对贫困人口的倾斜")

    def _without_tier(self, nothing_to_check: str) -> tuple[bool, str]:
        """A rule's answer for a pack with no 大病保险 tier: passed when it delegates to the higher policy."""
        if self.guarantee is None:
            return False, NO_TIER
        return True, f"{self._delegated()}：{nothing_to_check}"

    # -------------------------------------------------------------- the five rules
    def after_basic(self, rule) -> tuple[bool, str]:
        if self.tier is None:
            if self.guarantee is not None:
                quote = self.guarantee.major_illness.citations[0]
                return True, (f"{self._delegated()}；{quote.clause}写明大病保险在基本医保之后启动："
                              f"“{_clip(quote.quote, 40)}”")
            return False, f"{NO_TIER}（critical_illness）"
        kinds = "、".join({"inpatient": "住院", "chronic_outpatient": "门诊慢特病", "outpatient": "门诊"}[k]
                         for r in self.tier.rules for k in r.kinds)
        if self.tier_index != 0:
            before = "、".join(t.name for t in self.pack.tiers[:self.tier_index])
            return False, f"大病保险排在{before}之后，计算基数不是“经基本医保支付后”的个人负担"
        resident = [r for r in self.tier.rules if "resident" in r.insurance]
        if not any("inpatient" in r.kinds for r in resident):
            return False, "大病保险不支付城乡居民的住院费用，没有覆盖基本医保支付后的高额住院负担"
        return True, (f"大病保险紧接基本医保，按政策范围内（合规）费用经基本医保支付后的年度累计个人负担计算"
                      f"（{kinds}）")

    def bands(self, rule) -> tuple[bool, str]:
        if self.tier is None:
            return self._without_tier("没有可核对的分段比例")
        problems, shown = [], []
        for group in self.groups:
            ratios = self.ratios(group)
            text = "、".join(f"{'起付线以上' if len(ratios) == 1 else ('其余' if upto is None else '至' + yuan(upto))} "
                            f"{percent(r)}" for upto, r in ratios)
            shown.append(f"{self.who(group)}：{text}" + ("（只设一个比例，未分段）" if len(ratios) == 1 else ""))
            values = [r for _, r in ratios]
            if min(values) < rule.minimum:
                problems.append(f"{self.who(group)}最低段 {percent(min(values))} 低于 {percent(rule.minimum)}")
            if any(b < a for a, b in zip(values, values[1:])):
                problems.append(f"{self.who(group)}的比例随费用升高而降低")
        return not problems, "；".join(problems + shown)

    def deductible(self, rule) -> tuple[bool, str]:
        if self.tier is None:
            if self.guarantee is None:
                return False, NO_TIER
            base = self.value(self.guarantee.major_illness.threshold_base)
            kind = "本地配置假设值" if base.is_assumption else "文件规定"
            return True, (f"{self._delegated()}；起付线沿用上级标准（本包用 {yuan(base.value)} 元，{kind}，只用来判断重特大疾病），"
                          "本包没有自定起付线可与人均收入比较")
        if self.general is None or not self.general.deductible:
            return False, "大病保险没有设普通参保人的起付线"
        amount, assumed = self.deductible_value(self.general)
        year = self.day.year
        stat = next((s for s in self.frame.statistics if s.for_year == year), None)
        mark = "（假设值）" if assumed else ""
        if stat is None:
            return False, (f"起付线 {yuan(amount)} 元{mark}；未收录{year - 1}年的城镇、农村牧区人均收入数字，"
                           "无法确认是否符合，请补充 knowledge/frames 中的统计数字")
        figures = (f"起付线 {yuan(amount)} 元{mark}；{year - 1}年城镇居民人均可支配收入 {yuan(stat.urban)} 元、"
                   f"农村牧区居民人均可支配收入 {yuan(stat.rural)} 元（{stat.source}）")
        if amount < stat.rural:
            return False, figures + f"：起付线低于两个数字（占农村牧区数字的 {percent((amount / stat.rural).quantize(Decimal('0.001')))}）"
        urban = "也不低于城镇居民的数字" if amount >= stat.urban else "但低于城镇居民的数字"
        return True, figures + f"：不低于农村牧区居民的数字，{urban}"

    def hardship(self, rule) -> tuple[bool, str]:
        if self.tier is None:
            if self.guarantee is None:
                return False, NO_TIER
            share = self.value(self.guarantee.major_illness.threshold_share).value
            ok = share <= ONE
            return ok, (f"贫困人口大病保险起付线为原标准的 {percent(share)}"
                        + ("（降低，文件允许）" if ok else "（提高了起付线，框架只允许降低）"))
        if self.general is None:
            return False, "大病保险没有普通参保人的标准，无法比较"
        base_deductible = self.deductible_value(self.general)
        base_ratios = [r for _, r in self.ratios(self.general)]
        problems, shown = [], []
        for group in self.groups:
            if group is self.general:
                continue
            own = self.deductible_value(group)
            ratios = [r for _, r in self.ratios(group)]
            if own and base_deductible and own[0] > base_deductible[0]:
                problems.append(f"{self.who(group)}起付线 {yuan(own[0])} 元高于普通参保人 {yuan(base_deductible[0])} 元")
            if min(ratios) < min(base_ratios):
                problems.append(f"{self.who(group)}比例 {percent(min(ratios))} 低于普通参保人 {percent(min(base_ratios))}")
            shown.append(f"{self.who(group)}：起付线 {yuan(own[0]) if own else 0} 元、比例最低 {percent(min(ratios))}")
        if not shown:
            return True, "没有对困难群众另定标准（文件允许而非要求）"
        general = (f"普通参保人：起付线 {yuan(base_deductible[0]) if base_deductible else 0} 元、"
                   f"比例最低 {percent(min(base_ratios))}")
        return not problems, "；".join(problems + shown + [general])

    def deductible_value(self, group):
        if not group.deductible:
            return None
        item = self.value(group.deductible)
        amount, assumed = item.value, item.is_assumption
        if group.deductible_of:
            base = self.value(group.deductible_of)
            amount, assumed = amount * base.value, assumed or base.is_assumption
        return amount, assumed

    def limit(self, rule) -> tuple[bool, str]:
        if self.tier is None:
            return self._without_tier("本包未设最高支付限额")
        problems, shown = [], []
        for group in self.groups:
            if group.limit is None:
                shown.append(f"{self.who(group)}：不设最高支付限额")
                continue
            amount = self.value(group.limit).value
            if amount <= 0:
                problems.append(f"{self.who(group)}的最高支付限额 {yuan(amount)} 元不是正数，大病保险实际上不支付")
            shown.append(f"{self.who(group)}：最高支付限额 {yuan(amount)} 元")
        return not problems, "；".join(problems + shown)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"
