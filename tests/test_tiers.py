"""The tier table (knowledge/tiers.yaml): one list of codes, names and order that everything reads."""
import re
from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.knowledge.packs import load_pack_file
from assistant.knowledge.store import load_tiers, packs, tier_codes, tier_name, tiers
from assistant.settlement import settle
from assistant.understanding.answer import ask

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_lists_the_six_tiers_in_settlement_order_with_their_chinese_names():
    assert [(t["code"], t["name"]) for t in tiers()] == [
        ("basic", "基本医保"), ("critical_illness", "大病保险"), ("medical_aid", "医疗救助"),
        ("tilted_aid", "倾斜救助"), ("major_illness_aid", "重特大疾病医疗救助"), ("poverty_fund", "健康扶贫兜底")]
    assert all(t["short"] and t["help"] for t in tiers())
    assert tier_name("poverty_fund") == "健康扶贫兜底"
    assert tier_name("no_such_tier") == "no_such_tier"


def test_every_pack_settles_its_tiers_in_the_table_order():
    order = tier_codes()
    for pack in packs().values():
        positions = [order.index(t.tier) for t in pack.tiers]
        assert positions == sorted(positions) and 0 not in positions, pack.id


def test_a_result_totals_every_tier_of_the_table_between_scope_and_out_of_pocket():
    result = settle({"policy": "tianjin-2023", "visits": [{"date": "2023-03-01", "kind": "outpatient", "total": 100}]})
    assert list(result["totals"]) == ["total", "policy_scope", *tier_codes(), "out_of_pocket"]


def test_a_pack_naming_a_tier_the_table_lacks_does_not_load(tmp_path):
    data = yaml.safe_load((ROOT / "knowledge" / "policies" / "bayannur-2023.yaml").read_text(encoding="utf-8"))
    data["tiers"][1]["tier"] = "charity_aid"
    path = tmp_path / "bayannur-2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"tiers\[1\]\.tier"):
        load_pack_file(path)


def test_a_pack_with_tiers_out_of_order_does_not_load(tmp_path):
    data = yaml.safe_load((ROOT / "knowledge" / "policies" / "bayannur-2023.yaml").read_text(encoding="utf-8"))
    data["tiers"][1], data["tiers"][2] = data["tiers"][2], data["tiers"][1]
    path = tmp_path / "bayannur-2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="settlement order"):
        load_pack_file(path)


@pytest.mark.parametrize("broken, field", [
    ([], "list"),
    ([{"code": "basic", "name": "基本医保", "short": "医保"}], r"\[0\]"),
    ([{"code": "medical_aid", "name": "医疗救助", "short": "救助", "help": "…"}], "basic"),
    ([{"code": "basic", "name": "基本医保", "short": "医保", "help": "…"}] * 2, "twice"),
])
def test_a_broken_tier_table_is_refused_naming_what_is_wrong(broken, field):
    with pytest.raises(KnowledgeError, match=field):
        load_tiers(broken)


def test_no_module_keeps_its_own_copy_of_the_tier_names():
    """The names live in knowledge/tiers.yaml only: a second copy is how the chat lost poverty_fund."""
    copies = []
    names = [re.compile(rf"[\"']{word}[\"']") for word in ("重特大疾病医疗救助", "倾斜救助", "健康扶贫兜底")]
    for path in [*ROOT.glob("assistant/**/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        if sum(bool(name.search(text)) for name in names) >= 2:  # the names as literals: a table (prose may name tiers)
            copies.append(path.relative_to(ROOT))
        if '"major_illness_aid", "poverty_fund"' in text or '"tilted_aid", "major_illness_aid"' in text:
            copies.append(path.relative_to(ROOT))
    assert copies == []


def test_the_chat_names_every_tier_that_paid():
    answer = ask("巴彦淖尔低保户住院花了6万，三级医院，报销多少？")
    paid = [t for t in tier_codes() if answer["settlement"]["totals"][t] > 0]
    assert len(paid) >= 3
    for code in paid:
        assert tier_name(code) in answer["answer"]
