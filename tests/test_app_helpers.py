"""The app's helpers without Streamlit: comparisons, clause search, the flow's checks, the summary page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.selfcheck import flow
from assistant.selfcheck.compare import compare_identities, compare_referral, estimate_out_of_catalog
from assistant.knowledge.store import documents
from assistant.knowledge.store import packs
from assistant.lexicon import code_for
from assistant.understanding.search import search
from assistant.settlement import settle
from assistant.selfcheck.present import money, segments, share
from conftest import ROOT

JUNE = dt.date(2023, 6, 1)
CASE = {"policy": "bayannur-2023", "insurance": "resident", "identities": ["minimum_living"],
        "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                    "referral": "referred", "total": "60000", "out_of_catalog": "3000"}]}


def test_the_old_app_modules_moved_into_the_selfcheck_package():
    for old in ("ui_flow", "ui_present", "ui_about", "compare"):
        assert not (ROOT / "assistant" / f"{old}.py").exists(), old
    for new in ("flow", "present", "about", "compare"):
        assert (ROOT / "assistant" / "selfcheck" / f"{new}.py").exists(), new


@pytest.mark.parametrize(("policy", "level", "total", "amount"), [
    ("bayannur-2023", "level2", "40000", "2000.00"),      # 第十二条: 二级及以下 5%
    ("bayannur-2023", "township", "999.99", "49.99"),     # 5%, rounded down to the fen
    ("bayannur-2023", "level3", "60000", "6000.00"),      # 三级 10%
    ("tianjin-2023", "level1", "12345.67", "1234.56"),    # 二（三）7.: 目录内至少 90%
])
def test_unknown_out_of_catalogue_is_the_documents_limit(policy, level, total, amount):
    estimate = estimate_out_of_catalog(packs()[policy], JUNE, level, Decimal(total))
    assert estimate["amount"] == Decimal(amount)
    cited = estimate["citations"][0]
    assert cited["quote"] in documents()[cited["doc"]].clause(cited["clause"]).text
    assert "估算" in estimate["text"] and "结算单为准" in estimate["text"]


def test_the_estimate_never_makes_the_case_unsettleable():
    # basic_paid from the slip leaves less room than 10%: the estimate is capped at what is left
    estimate = estimate_out_of_catalog(packs()["bayannur-2023"], JUNE, "level3", Decimal("1000"),
                                       basic_paid=Decimal("950"))
    assert estimate["amount"] == Decimal("50.00")
    assert "封顶" in estimate["text"]


def test_the_estimate_raises_no_out_of_catalogue_warning():
    case = {**CASE, "visits": [{**CASE["visits"][0], "out_of_catalog": "6000"}]}  # exactly 10% at 三级
    assert not [f for f in settle(case)["flags"] if f["code"] == "out_of_catalog_over_limit"]


def test_referral_comparison_is_settle_twice():
    found = compare_referral(CASE)
    referred = settle(CASE)["totals"]["out_of_pocket"]
    not_referred = settle({**CASE, "visits": [{**CASE["visits"][0], "referral": "not_referred"}]})
    assert found["referred"]["out_of_pocket"] == referred
    assert found["not_referred"]["out_of_pocket"] == not_referred["totals"]["out_of_pocket"]
    assert found["difference"] == not_referred["totals"]["out_of_pocket"] - referred > 0


def test_identity_comparison_agrees_with_the_cores_own_choice():
    case = {**CASE, "identities": ["minimum_living", "monitored_at_risk"]}
    rows = {row["identity"]: row for row in compare_identities(case)}
    compared = settle(case)["identity_choice"]["compared"]
    for code, amount in compared.items():
        assert rows[code]["out_of_pocket"] == amount
    assert rows["minimum_living"]["applied"] and rows["minimum_living"]["held"]
    assert rows["monitored_at_risk"]["held"] and not rows["orphan"]["held"]
    assert set(rows) == {*packs()["bayannur-2023"].identities, "ordinary"}


def test_tianjin_compares_only_the_identities_it_names():
    case = {**CASE, "policy": "tianjin-2023", "identities": []}
    rows = compare_identities(case)
    assert [r["identity"] for r in rows] == ["extreme_poverty", "minimum_living", "near_minimum_living", "ordinary"]
    assert rows[-1]["held"]


@pytest.mark.parametrize(("query", "doc", "clause"), [
    ("起付线", "bayannur-2023", "第八条"),
    ("倾斜救助", "bayannur-2023", "第九条（三）"),
    ("五保户", None, None),              # 五保户 is 特困人员 in the documents
    ("门诊救助限额", "bayannur-2023", "第九条（三）"),  # no spaces: found by two-character pieces
    ("第十二条", "bayannur-2023", "第十二条"),
])
def test_search_finds_clauses(query, doc, clause):
    hits = search(query)
    assert hits
    if doc:
        assert (doc, clause) in {(h.doc, h.clause) for h in hits}
    for hit in hits:
        assert hit.status in ("current", "historical", "draft", "framework")
        assert documents()[hit.doc].clause(hit.clause) is not None
        assert 0 < hit.score <= 100


def test_search_by_synonym_shows_the_documents_word():
    hit = search("五保户")[0]
    assert "特困" in hit.snippet


def test_search_ranks_exact_phrases_first_and_misses_nothing_silly():
    assert search("就高不就低")[0].score == 100
    assert search("xyz") == []
    assert search("   ") == []


def test_search_can_stay_inside_one_document():
    assert {h.doc for h in search("救助", doc="naiman-2019")} == {"naiman-2019"}


def test_every_identity_word_is_known_to_the_lexicon():
    for code, words, _ in flow.IDENTITY_WORDS:
        first = words.split("（")[0].split(" / ")[0]
        assert code_for("identities", first) == code, words


def test_regions_put_settling_policies_first_and_say_why_others_cannot():
    regions = flow.regions()
    assert [r.policy for r in regions[:2]] == ["bayannur-2023", "tianjin-2023"]
    pack, message = flow.pick_policy("奈曼旗", JUNE)
    assert pack is None and "2019-01-01至2019-12-31" in message
    assert flow.pick_policy("奈曼旗", dt.date(2019, 6, 1))[0].id == "naiman-2019"
    pack, message = flow.pick_policy("浙江省", JUNE)
    assert pack is None and "征求意见稿" in message
    assert flow.pick_policy("天津市", JUNE)[0].id == "tianjin-2023"


def test_tianjin_has_contribution_tiers_and_no_elsewhere_in_province():
    tianjin = packs()["tianjin-2023"]
    assert set(flow.contribution_tier_choices(tianjin)) == {"high", "low", "unknown"}
    assert flow.contribution_tier_choices(packs()["bayannur-2023"]) == {}
    assert "in_province" not in flow.location_choices(tianjin)
    assert "in_province" in flow.location_choices(packs()["bayannur-2023"])


def test_answers_become_the_contract_case():
    answers = {"region": "天津市", "date": JUNE, "insurance": "resident", "contribution_tier": "unknown",
               "identities": ["minimum_living"], "visits": [
                   {**flow.new_visit(JUNE), "kind": "inpatient", "hospital_level": "level3", "location": "local",
                    "referral": "referred", "total": "50,000元", "ooc_known": "unknown", "basic_paid": ""}]}
    assert flow.first_incomplete(answers) is None
    case, notes = flow.build_case(answers)
    assert case["policy"] == "tianjin-2023" and case["contribution_tier"] == "unknown"
    assert case["visits"][0]["total"] == Decimal("50000.00")
    assert case["visits"][0]["out_of_catalog"] == "unknown"
    assert "basic_paid" not in case["visits"][0]
    result = settle(case)
    # the core settles at 高档 with 目录外 at the control share (50000 × 10% = 5000), and gives the range
    assert any("缴费档次不清楚" in line for line in result["assumptions"])
    assert any(n["text"] in result["assumptions"] and "5000.00" in n["text"] for n in notes)
    assert result["range"]["out_of_pocket"]["low"] <= result["totals"]["out_of_pocket"] <= result["range"]["out_of_pocket"]["high"]


def test_first_incomplete_points_at_the_missing_answer():
    answers = {"region": "巴彦淖尔市", "date": JUNE, "insurance": "resident", "identities": [],
               "identity_none": True, "visits": [{**flow.new_visit(JUNE), "kind": "inpatient"}]}
    assert flow.first_incomplete(answers) == ("level", 0)


def test_money_and_share_are_shown_to_the_fen():
    assert money(Decimal("5579.7")) == "5,579.70"
    assert share(Decimal("5579.70"), Decimal("60000")) == "9.3%"
    assert share(Decimal("1"), Decimal("0")) == "0%"


def test_the_bar_splits_exactly_the_bill():
    result = settle(CASE)
    assert sum(part["amount"] for part in segments(result)) == result["totals"]["total"]


def test_app_set_up_installs_the_chinese_font():
    text = (ROOT / "scripts" / "app.sh").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in text


def test_readme_shows_a_screenshot_that_exists():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shots = [line.split("](")[1].split(")")[0] for line in text.splitlines() if line.startswith("![")]
    assert shots and all(Path(ROOT, shot).exists() for shot in shots)
