"""naiman-2019: the poverty_fund guarantee's properties over any year, the disease names, the choice by date."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.knowledge.diseases import match_disease, names
from assistant.knowledge.store import documents
from assistant.money import fen
from assistant.settlement import settle
from assistant.knowledge.store import tier_codes

_EXPLORE = int(os.environ.get("HYPOTHESIS_EXPLORE", "0"))
FAST = settings(max_examples=_EXPLORE or 150, deadline=None, derandomize=not _EXPLORE, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
cents = st.integers(min_value=1, max_value=40_000_000).map(lambda c: Decimal(c) / 100)
DISEASES = ["食管癌", "尿毒症", "心梗", "肺癌", "阑尾炎", "肺炎", None]
CAPS = {"township": 1000, "level1": 2000, "level2": 3000, "level3": 4000}


@st.composite
def stays(draw):
    total = draw(cents)
    ooc = Decimal(draw(st.integers(0, int(total * 100)))) / 100
    location = draw(st.sampled_from(["local", "local", "in_province", "out_of_province"]))
    referral = draw(st.sampled_from(["not_needed", "referred", "not_referred"] if location == "local"
                                    else ["referred", "not_referred"]))
    visit = {"date": f"2019-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
             "kind": draw(st.sampled_from(["inpatient", "inpatient", "chronic_outpatient", "outpatient"])),
             "hospital_level": draw(st.sampled_from(list(CAPS))), "location": location, "referral": referral,
             "total": total, "out_of_catalog": ooc, "disease": draw(st.sampled_from(DISEASES))}
    if draw(st.booleans()):
        visit["basic_paid"] = Decimal(draw(st.integers(0, int((total - ooc) * 100)))) / 100
    return visit


@st.composite
def years(draw):
    return {"policy": "naiman-2019",
            "identities": draw(st.sampled_from([["registered_poor"], [], ["disabled_child"],
                                                ["registered_poor", "severe_disability"]])),
            "visits": draw(st.lists(stays(), min_size=1, max_size=5))}


@FAST
@given(years())
def test_the_fund_never_pays_negative_nor_more_than_is_owed_and_every_fen_is_accounted(case):
    result = settle(case)
    totals = result["totals"]
    for visit in result["visits"]:
        paid = {t["tier"]: t["amount"] for t in visit["tiers"]}
        owed = visit["policy_scope"] - paid["basic"]
        assert Decimal(0) <= paid["poverty_fund"] <= max(owed, Decimal(0))
        assert visit["hospital_borne"] >= 0
        assert visit["out_of_pocket"] == visit["total"] - sum(paid.values()) - visit["hospital_borne"]
        assert visit["out_of_pocket"] >= 0
    assert totals["out_of_pocket"] == (totals["total"] - sum(totals[t] for t in tier_codes())
                                       - totals["hospital_borne"])
    assert "historical_policy" in {f["code"] for f in result["flags"]}
    if result["identity_applied"] != "registered_poor":
        assert totals["poverty_fund"] == 0 and totals["hospital_borne"] == 0


@FAST
@given(years())
def test_a_listed_disease_stay_leaves_the_family_at_most_ten_percent_of_its_scope(case):
    case = {**case, "identities": ["registered_poor"]}
    result = settle(case)
    for visit in result["visits"]:
        fund = next(t for t in visit["tiers"] if t["tier"] == "poverty_fund")
        if visit["kind"] == "inpatient" and fund["formula"].startswith(("食道癌", "终末期肾病", "急性心肌梗死", "肺癌")):
            in_scope = visit["out_of_pocket"] - (visit["total"] - visit["policy_scope"]) + visit["hospital_borne"]
            assert in_scope <= fen(visit["policy_scope"] * Decimal("0.10"))


@FAST
@given(years())
def test_every_citation_is_verbatim_in_the_document_and_the_seed(case):
    result = settle(case)
    quoted = [c for v in result["visits"] for t in v["tiers"] for c in t["citations"]]
    quoted += [c for f in result["flags"] for c in f["citations"]]
    quoted += [c for e in result["eligibility"] for c in e["citations"]]
    seed = (SEEDS / documents()["naiman-2019"].source_file)
    text = seed.read_text(encoding="utf-8") if seed.exists() else None
    for visit in result["visits"]:
        for tier in visit["tiers"]:
            if tier["amount"] > 0:
                assert tier["citations"] and tier["formula"]
    for c in quoted:
        assert c["quote"] in documents()[c["doc"]].clause(c["clause"]).text
        if text is not None:
            assert c["quote"] in text


def test_a_year_of_other_stays_never_leaves_more_than_the_cap_of_its_highest_level_plus_ten_percent():
    stays_ = [("township", 9000, 6000), ("level1", 12000, 8000), ("level2", 15000, 11000)]
    case = {"policy": "naiman-2019", "identities": ["registered_poor"], "visits": [
        {"date": f"2019-0{i + 1}-01", "kind": "inpatient", "hospital_level": level, "location": "local",
         "referral": "not_needed", "total": total, "out_of_catalog": 0, "basic_paid": basic}
        for i, (level, total, basic) in enumerate(stays_)]}
    result = settle(case)
    # s = (3000 − 200) + (4000 − 300) + (4000 − 500) = 10000; cap by level2 = 3000; family = Σ起付 1000 + 3000 + 10% × 7000
    assert result["totals"]["poverty_fund"] == Decimal("6300.00")
    assert result["totals"]["out_of_pocket"] == Decimal("4700.00")


def test_the_23_diseases_are_the_documents_words_9_for_2018_and_14_added_in_2019():
    listed = names("concentrated_treatment")
    assert len(listed) == 23
    clause = "".join(documents()["naiman-2019"].clause("二（四）").text.split())
    assert all(name in clause for name in listed)
    assert listed[:9] == ["食道癌", "胃癌", "结肠癌", "直肠癌", "终末期肾病", "儿童急性淋巴细胞白血病",
                          "儿童急性早幼粒细胞白血病", "儿童先天性心脏病房间隔缺损", "儿童先天性心脏病室间隔缺损"]
    assert "9种大病" in clause and "14种大病" in clause


@pytest.mark.parametrize("said, listed", [
    ("食管癌", "食道癌"), ("晚期食管癌", "食道癌"), ("尿毒症", "终末期肾病"), ("心梗", "急性心肌梗死"),
    ("急性心梗", "急性心肌梗死"), ("子宫颈癌", "宫颈癌"), ("兔唇", "唇腭裂"), ("小儿淋巴瘤", "儿童淋巴瘤"),
    ("食 管 癌", "食道癌"), ("白血病", None), ("淋巴瘤", None), ("感冒", None), ("", None),
])
def test_diseases_are_matched_from_the_words_people_use(said, listed):
    found = match_disease(said, "concentrated_treatment")
    assert (found.name if found else None) == listed


def test_a_disease_named_in_everyday_words_is_settled_as_listed_and_the_formula_names_the_documents_word():
    result = settle({"policy": "naiman-2019", "identities": ["贫困户"], "visits": [
        {"date": "2019-05-01", "kind": "inpatient", "hospital_level": "level2", "location": "local",
         "referral": "not_needed", "total": 10000, "out_of_catalog": 0, "basic_paid": 6000, "disease": "食管癌"}]})
    fund = result["visits"][0]["tiers"][-1]
    assert fund["amount"] == Decimal("3000.00")   # 10000 × 10% = 1000 left to the family; 4000 − 1000
    assert fund["formula"].startswith("食道癌")
    assert "食管癌" not in fund["formula"]          # the person's own words are not echoed back


def test_the_result_bar_shows_the_hospitals_share_and_still_adds_up_to_the_bill():
    from assistant.selfcheck.present import segments
    result = settle({"policy": "naiman-2019", "identities": ["registered_poor"], "visits": [
        {"date": "2019-04-04", "kind": "inpatient", "hospital_level": "level2", "location": "local",
         "referral": "not_needed", "total": 20000, "out_of_catalog": 1600, "basic_paid": 14000}]})
    parts = {p["key"]: p["amount"] for p in segments(result)}
    assert parts["hospital_borne"] == Decimal("600.00")      # 1600 − 20000 × 5%
    assert parts["self_outside"] == Decimal("1000.00")       # the family's 目录外 is capped at 5% of the bill
    assert sum(parts.values()) == Decimal("20000.00")
