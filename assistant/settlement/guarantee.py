"""The `poverty_fund` tier: an outcome guarantee that pays what brings the family down to it.

naiman-2019 (奈曼旗2019年健康扶贫政策) does not say what each tier pays; it says what the family
pays at most, by the kind of stay (our readings are in the pack beside each rule):
- a listed disease (二（四）, 23 种集中救治): 10% of the stay's policy-scope cost;
- 重特大疾病 (二（六）: self-pay after basic reaches the 大病 起付标准 for 贫困人口): the basic
  起付线 met + 10% of the rest;
- other stays (二（七）): beyond the basic 起付线, the year's self-pay is capped by the highest
  level used in the year (1000 … 5000); above the cap the family pays 10%;
- 门诊慢病 (二（三）): 20% of the policy-scope cost.
Stays at 盟市 level or above without 转诊备案 lose all of it (二（十）). 目录外 above 5%/10% of a
stay's bill is the hospital's (二（十一）1.). The fund never pays a negative amount nor more than
the family still owes; amounts are fen, ROUND_HALF_UP.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..knowledge.diseases import match_disease
from ..lexicon import name_of
from ..models import KIND_NAMES, Visit
from ..money import ZERO, fen, percent, yuan
from .context import Run, cite, cites

if TYPE_CHECKING:
    from .year import VisitResult

LEVEL_RANK = {"township": 0, "level1": 1, "level2": 2, "level3": 3}
OUT_OF_CITY = "out_of_city"  # ranks above every level (市域外医院)
FLAG_CODES = ("not_referred_no_poverty_fund", "out_of_catalog_borne_by_hospital")  # raised below, with the notice's
ONE = Decimal(1)


def needs_referral(guarantee, visit: Visit) -> bool:
    """A stay at 盟市 level or above (二（十）): it keeps the policy only with 转诊备案."""
    rule = guarantee.referral
    return visit.kind == "inpatient" and (visit.hospital_level in rule.levels or visit.location in rule.locations)


def keeps_policy(guarantee, visit: Visit) -> bool:
    return not (needs_referral(guarantee, visit) and visit.referral == "not_referred")


def deductible_waiver(run: Run, visit: Visit, earlier: tuple[Visit, ...]) -> str | None:
    """Why this inpatient stay has no basic 起付线 (二（一）2., 3.), or None. Only under a guarantee."""
    guarantee = getattr(run.pack, "guarantee", None)
    if guarantee is None or visit.kind != "inpatient" or run.identity is None:
        return None
    if not keeps_policy(guarantee, visit):
        return None
    for waiver in guarantee.deductible_waivers:
        if waiver.when == "same_level_again":
            if run.identity in waiver.identities and any(
                    v.kind == "inpatient" and v.hospital_level == visit.hospital_level for v in earlier):
                return waiver.message
        elif set(waiver.identities) & set(run.case.identities):
            # a condition of the stay, not another identity's treatment: it goes with any 2019 identity
            if (waiver.levels is None or visit.hospital_level in waiver.levels) and (
                    waiver.locations is None or visit.location in waiver.locations):
                return waiver.message
    return None


def tilt_citations(run: Run, rule, day, deductible_text: str) -> list[dict]:
    """The clauses of basic's tilts under a guarantee: the waiver applied, an identity's own ratio."""
    if getattr(run.pack, "guarantee", None) is None:
        return []
    found = _waiver_citations(run, deductible_text)
    if getattr(rule, "identities", None):
        found += [c for c in run.citation_of(rule.ratio, day) if c not in found]
    return found


def _waiver_citations(run: Run, message: str) -> list[dict]:
    for waiver in run.pack.guarantee.deductible_waivers:
        if waiver.message == message:
            return cites(waiver.citations)
    return []


class Fund:
    """One identity's year under the pack's guarantee; `settle_visit` is called after every tier."""

    def __init__(self, run: Run, visits: list[Visit]):
        self.run = run
        self.g = run.pack.guarantee
        self.covered = run.identity in self.g.identities and run.case.insurance in self.g.insurance
        self.earlier: list[Visit] = []   # inpatient stays settled so far (同级别再次住院)
        self.pool = ZERO                 # the year's self-pay beyond the 起付线 on other stays (二（七）)
        self.pool_paid = ZERO
        self.top = self._highest(visits)
        if run.explain and self.g.notice is not None:
            run.flag(self.g.notice.code, self.g.notice.message, cites(self.g.notice.citations))

    def _highest(self, visits: list[Visit]) -> str | None:
        """The highest level of the year's stays that keep the policy (二（七）: 就诊最高级别医疗机构)."""
        top = None
        for visit in visits:
            if visit.kind != "inpatient" or not keeps_policy(self.g, visit):
                continue
            key = OUT_OF_CITY if visit.location in self.g.annual_cap.out_of_city_locations else visit.hospital_level
            if top is None or _rank(key) > _rank(top):
                top = key
        return top

    def settle_visit(self, result: VisitResult, basic: Decimal, remaining: Decimal, totals: dict) -> Decimal:
        """Adds the poverty_fund tier and the hospital's share to `result`; returns both (not the family's)."""
        visit = result.visit
        earlier = tuple(self.earlier)
        if visit.kind == "inpatient":
            self.earlier.append(visit)
        amount, text, quoted = self._amount(visit, result.policy_scope, basic, remaining, earlier)
        borne, borne_text, borne_cites = self._hospital_borne(visit)
        if text is not None and borne_text:
            text += f"；{borne_text}"
            quoted = [*quoted, *(c for c in borne_cites if c not in quoted)]
        result.tiers.append({"tier": "poverty_fund", "amount": amount, "formula": text, "citations": quoted})
        result.hospital_borne = borne
        totals["poverty_fund"] += amount
        totals["hospital_borne"] = totals.get("hospital_borne", ZERO) + borne
        return amount + borne

    # ------------------------------------------------------------------ the family's guarantee
    def _amount(self, visit: Visit, scope: Decimal, basic: Decimal, remaining: Decimal, earlier):
        run, g, words = self.run, self.g, self.run.explain
        own = cites(g.citations) if words else None
        if not self.covered:
            if run.case.insurance not in g.insurance:
                why = f"{g.name}只适用于城乡居民医保的建档立卡贫困人口，{name_of('insurance', run.case.insurance)}不适用"
            else:
                why = f"{name_of('identities', run.identity)}不是{g.name}的对象（只适用于建档立卡贫困人口）"
            return ZERO, why if words else None, own
        if visit.kind == "outpatient":
            return ZERO, "普通门诊不在健康扶贫兜底范围内（兜底只针对住院和门诊慢病）" if words else None, own
        if visit.kind == "chronic_outpatient":
            rule = g.chronic_outpatient
            return self._share_of_scope(visit, scope, remaining, rule, "门诊慢病")
        if not keeps_policy(g, visit):
            quoted = cites(g.referral.citations)
            run.flag("not_referred_no_poverty_fund", g.referral.message, quoted)
            return ZERO, g.referral.message if words else None, quoted
        if words and needs_referral(g, visit) and visit.referral == "not_needed":
            run.assume(f"{_which(run, visit)}在盟市及以上医疗机构住院、填的是“无需转诊”：按已转诊备案"
                       "（或危急重症已报备）计算；如果没有备案，不享受健康扶贫倾斜政策和兜底")
        disease = match_disease(visit.disease, g.listed_diseases.diseases)
        if words and visit.disease:
            if disease is None:
                run.assume(f"{_which(run, visit)}所填疾病不在二（四）所列23种集中救治大病内，按其他住院计算")
            else:
                run.assume(f"{_which(run, visit)}所填疾病按二（四）所列“{disease.name}”计算（23种集中救治大病）")
        if disease is not None:
            if words and g.listed_diseases.reading:
                run.assume(f"{g.name}：{g.listed_diseases.reading}")
            return self._share_of_scope(visit, scope, remaining, g.listed_diseases,
                                        f"{disease.name}（23种集中救治大病）")
        deductible, waived = self._deductible(visit, scope, earlier)
        threshold = self._major_threshold(visit)
        if scope - basic >= threshold:
            return self._major(visit, scope, basic, remaining, deductible, waived, threshold)
        return self._pooled(visit, scope, basic, remaining, deductible, waived)

    def _share_of_scope(self, visit, scope, remaining, rule, label):
        run = self.run
        share = run.value(rule.share, visit.date)
        target = fen(scope * share)
        amount = _clip(remaining - target, remaining)
        if not run.explain:
            return amount, None, None
        if rule.reading and rule is self.g.chronic_outpatient:
            run.assume(f"{self.g.name}：{rule.reading}")
        text = (f"{label}：家庭负担政策范围内 {yuan(scope)} × {percent(share)} = {yuan(target)}；"
                f"兜底 = 前面各项支付后个人负担 {yuan(remaining)} − {yuan(target)} = {yuan(amount)}")
        if remaining <= target:
            text = (f"{label}：家庭负担上限 {yuan(scope)} × {percent(share)} = {yuan(target)}，"
                    f"前面各项支付后个人负担 {yuan(remaining)} 未超过，兜底不支付")
        return amount, text, self._cites(rule.citations, rule.share, visit)

    def _deductible(self, visit: Visit, scope: Decimal, earlier) -> tuple[Decimal, str | None]:
        """The basic 起付线 this stay meets (the family keeps paying it), with the waiver if any."""
        waived = deductible_waiver(self.run, visit, earlier)
        if waived:
            return ZERO, waived
        rule = next((r for r in self.run.pack.basic.rules if r.insurance == self.run.case.insurance
                     and visit.kind in r.kinds and r.deductible), None)
        if rule is None:
            return ZERO, None
        amount = self.run.value(rule.deductible, visit.date, visit.hospital_level)
        return min(amount, scope), None

    def _major_threshold(self, visit: Visit) -> Decimal:
        rule = self.g.major_illness
        return fen(self.run.value(rule.threshold_base, visit.date) * self.run.value(rule.threshold_share, visit.date))

    def _major(self, visit, scope, basic, remaining, deductible, waived, threshold):
        run, rule = self.run, self.g.major_illness
        share = run.value(rule.share, visit.date)
        target = deductible + fen((scope - deductible) * share)
        amount = _clip(remaining - target, remaining)
        if not run.explain:
            return amount, None, None
        if rule.reading:
            run.assume(f"{self.g.name}：{rule.reading}")
        floor = f"起付线 {yuan(deductible)}" if not waived else f"起付线 0（{waived}）"
        text = (f"重特大疾病住院（经基本医保支付后个人负担 {yuan(scope - basic)} ≥ 贫困人口大病保险起付标准 "
                f"{yuan(threshold)}）：家庭负担 = {floor} + (政策范围内 {yuan(scope)} − {yuan(deductible)}) × "
                f"{percent(share)} = {yuan(target)}；兜底 = 个人负担 {yuan(remaining)} − {yuan(target)} = {yuan(amount)}")
        quoted = self._cites(rule.citations, rule.share, visit)
        return amount, text, quoted + [c for c in _waiver_citations(run, waived) if c not in quoted] if waived else quoted

    def _pooled(self, visit, scope, basic, remaining, deductible, waived):
        run, rule = self.run, self.g.annual_cap
        own = max(remaining - deductible, ZERO)  # beyond the basic 起付线 (二（七）: 在…自付基本医保起付线的基础上)
        cap = self._cap(visit)
        above = run.value(rule.above_share, visit.date)
        before, paid_before = self.pool, self.pool_paid
        after = before + own
        year = fen(max(after - cap, ZERO) * (ONE - above))
        amount = _clip(year - paid_before, remaining)
        self.pool, self.pool_paid = after, paid_before + amount
        if not run.explain:
            return amount, None, None
        if rule.reading:
            run.assume(f"{self.g.name}：{rule.reading}")
        top = "市域外医院" if self.top == OUT_OF_CITY else name_of("hospital_level", self.top)
        floor = f"起付线 {yuan(deductible)}" if not waived else f"起付线 0（{waived}）"
        text = (f"其他住院：基本医保支付后个人负担 {yuan(remaining)} − {floor} = 本次计入 {yuan(own)}；"
                f"全年累计 {yuan(after)}，封顶额按全年最高级别（{top}）{yuan(cap)}")
        if after <= cap:
            text += f"，未超过封顶额，兜底不支付（家庭自付封顶以内部分）"
        else:
            text += (f"，超出部分 ({yuan(after)} − {yuan(cap)}) × {percent(ONE - above)} = {yuan(year)}")
            if paid_before:
                text += f"，减去本年此前已兜底 {yuan(paid_before)}"
            text += f"，本次兜底 {yuan(amount)}"
        quoted = self._cites(rule.citations, rule.caps if self.top != OUT_OF_CITY else rule.out_of_city_cap, visit)
        for extra in self._cites([], rule.above_share, visit) + (_waiver_citations(run, waived) if waived else []):
            if extra not in quoted:
                quoted.append(extra)
        return amount, text, quoted

    def _cap(self, visit: Visit) -> Decimal:
        rule = self.g.annual_cap
        if self.top == OUT_OF_CITY:
            return self.run.value(rule.out_of_city_cap, visit.date)
        return self.run.value(rule.caps, visit.date, self.top)

    # ------------------------------------------------------------------ the hospital's share of 目录外
    def _hospital_borne(self, visit: Visit) -> tuple[Decimal, str | None, list[dict]]:
        """(the hospital's share of 目录外, the words, the clause) — words whenever 目录外 was checked."""
        run, rule = self.run, self.g.hospital_borne
        if (not self.covered or visit.kind != "inpatient" or not keeps_policy(self.g, visit)
                or not visit.out_of_catalog or "out_of_catalog" in visit.defaults):
            return ZERO, None, []
        share = run.value(rule.share, visit.date, visit.hospital_level)
        allowed = fen(visit.total * share)
        borne = visit.out_of_catalog - allowed if visit.out_of_catalog > allowed else ZERO
        if not run.explain:
            return borne, None, []
        quoted = cites(rule.citations)
        if not borne:
            return borne, (f"目录外 {yuan(visit.out_of_catalog)} 未超过总费用 {yuan(visit.total)} × {percent(share)} = "
                           f"{yuan(allowed)}，由家庭负担"), quoted
        if rule.reading:
            run.assume(f"{self.g.name}：{rule.reading}")
        run.flag("out_of_catalog_borne_by_hospital",
                 f"{_which(run, visit)}目录外费用 {yuan(visit.out_of_catalog)} 元超过总费用的 {percent(share)}"
                 f"（{yuan(allowed)} 元），超出的 {yuan(borne)} 元应由医疗机构承担，不应由家庭支付。",
                 cites(rule.citations))
        return borne, (f"目录外 {yuan(visit.out_of_catalog)} 超过总费用 {yuan(visit.total)} × {percent(share)} = "
                       f"{yuan(allowed)}，超出的 {yuan(borne)} 由医疗机构承担（二（十一）1.）"), quoted

    def _cites(self, citations, parameter: str, visit: Visit) -> list[dict]:
        found = cites(citations)  # fresh dicts: the result owns its lists
        found += [c for c in self.run.citation_of(parameter, visit.date) if c not in found]
        return found


def _rank(key: str) -> int:
    return 4 if key == OUT_OF_CITY else LEVEL_RANK[key]


def _clip(amount: Decimal, most: Decimal) -> Decimal:
    """Never negative, never more than the family still owes."""
    if amount <= 0:
        return ZERO
    return most if amount > most else amount


def _which(run: Run, visit: Visit) -> str:
    return f"第{visit.index + 1}次填写的{KIND_NAMES[visit.kind]}（{visit.date}）"


def start(run: Run, visits: list[Visit]) -> Fund | None:
    """The year's guarantee for this run, or None when the pack has none (every other pack)."""
    return Fund(run, visits) if getattr(run.pack, "guarantee", None) is not None else None


__all__ = ["Fund", "start", "deductible_waiver", "keeps_policy", "needs_referral", "cite"]
