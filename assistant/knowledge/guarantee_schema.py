"""The schema of an outcome guarantee (奈曼旗2019 健康扶贫兜底): what the family pays at most, by rule.

The 2019 document does not say how much each earlier tier pays; it fixes what is left to the
family (10% of a listed disease's stay, a yearly self-pay cap by hospital level, 20% of 门诊慢病 …).
A pack states those rules here, each with its parameters (value, unit, source) and clauses;
`assistant/settlement/guarantee.py` applies them. Optional: packs without it are unchanged.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Stand-alone (packs.py imports this module, and takes _Strict and Citation from here).
INSURANCE = Literal["resident", "employee"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Citation(_Strict):
    doc: str
    clause: str
    quote: str = Field(min_length=1)

LEVELS = Literal["township", "level1", "level2", "level3"]
LOCATIONS = Literal["local", "in_province", "out_of_province"]


class ShareRule(_Strict):
    """The family pays `share` (a ratio parameter) of the visit's policy-scope cost."""
    share: str
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class ListedDiseases(ShareRule):
    diseases: str  # a list id in knowledge/diseases.yaml


class MajorIllness(_Strict):
    """重特大疾病: a stay whose self-pay after basic reaches the 大病 起付标准 for the identity."""
    threshold_base: str   # yuan: the 大病保险 起付线 the tilt is applied to
    threshold_share: str  # ratio: what is left of it for 贫困人口 (1 − 50%)
    share: str            # ratio the family pays of the rest after the basic 起付线
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class AnnualCap(_Strict):
    caps: str                          # yuan by hospital_level
    out_of_city_cap: str               # yuan, for any stay outside the city
    out_of_city_locations: list[LOCATIONS]
    above_share: str                   # ratio the family pays above the cap
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class ReferralRule(_Strict):
    """Stays at these levels or places need a 转诊备案, or they lose every tilt and the fund."""
    levels: list[LEVELS]
    locations: list[LOCATIONS]
    message: str
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class HospitalBorne(_Strict):
    share: str  # ratio by hospital_level: 目录外 above this share of the bill is the hospital's
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class DeductibleWaiver(_Strict):
    """No basic 起付线 for an inpatient stay: a second one at the same level, or these people at these levels."""
    when: Literal["same_level_again", "holder_at_levels"]
    identities: list[str]
    levels: list[LEVELS] | None = None
    locations: list[LOCATIONS] | None = None
    message: str
    citations: list[Citation] = Field(min_length=1)
    reading: str | None = None


class Notice(_Strict):
    code: str
    message: str
    citations: list[Citation] = Field(min_length=1)


class Guarantee(_Strict):
    tier: Literal["poverty_fund"] = "poverty_fund"
    name: str
    identities: list[str]
    insurance: list[INSURANCE]
    citations: list[Citation] = Field(min_length=1)
    listed_diseases: ListedDiseases
    major_illness: MajorIllness
    annual_cap: AnnualCap
    chronic_outpatient: ShareRule
    referral: ReferralRule
    hospital_borne: HospitalBorne
    deductible_waivers: list[DeductibleWaiver] = []
    notice: Notice | None = None  # said on every result (e.g. the policy is historical)


def check_guarantee(pack, docs, name: str, need, check_citation) -> None:
    """Every clause quoted verbatim, every parameter present with the right unit, identities known."""
    from ..errors import KnowledgeError
    from .diseases import load_disease_lists

    g = pack.guarantee
    base = "guarantee"

    def quotes(where: str, citations) -> None:
        for i, cite in enumerate(citations):
            check_citation(cite, docs, f"{name}: field {base}.{where}[{i}]")

    quotes("citations", g.citations)
    for part in ("listed_diseases", "major_illness", "annual_cap", "chronic_outpatient", "referral",
                 "hospital_borne"):
        quotes(f"{part}.citations", getattr(g, part).citations)
    for i, waiver in enumerate(g.deductible_waivers):
        quotes(f"deductible_waivers[{i}].citations", waiver.citations)
    if g.notice is not None:
        quotes("notice.citations", g.notice.citations)
    need(g.listed_diseases.share, f"{base}.listed_diseases.share", ("ratio",))
    need(g.chronic_outpatient.share, f"{base}.chronic_outpatient.share", ("ratio",))
    need(g.major_illness.threshold_base, f"{base}.major_illness.threshold_base", ("yuan",))
    need(g.major_illness.threshold_share, f"{base}.major_illness.threshold_share", ("ratio",))
    need(g.major_illness.share, f"{base}.major_illness.share", ("ratio",))
    need(g.annual_cap.caps, f"{base}.annual_cap.caps", ("yuan",))
    need(g.annual_cap.out_of_city_cap, f"{base}.annual_cap.out_of_city_cap", ("yuan",))
    need(g.annual_cap.above_share, f"{base}.annual_cap.above_share", ("ratio",))
    need(g.hospital_borne.share, f"{base}.hospital_borne.share", ("ratio",))
    if g.listed_diseases.diseases not in load_disease_lists(docs):
        raise KnowledgeError(f"{name}: field {base}.listed_diseases.diseases: no list "
                             f"'{g.listed_diseases.diseases}' in knowledge/diseases.yaml")
    for code in [*g.identities, *(c for w in g.deductible_waivers for c in w.identities)]:
        if code not in pack.identities:
            raise KnowledgeError(f"{name}: field {base}: '{code}' is not among the pack's identities")
