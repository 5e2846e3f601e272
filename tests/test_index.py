"""The index each pack owns: no figures leak between pack objects, results own their lists,
a missing parameter value is a knowledge error, and settlement never imports eligibility back."""
import ast
import re
import datetime as dt
import gc
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.knowledge.packs import load_pack_file
from assistant.knowledge.plain import plain
from assistant.models import parse_case
from assistant.settlement import settle
from assistant.settlement.context import Run
from assistant.settlement.index import index_for
from assistant.settlement.year import settle_year

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
CASE = {"policy": "bayannur-2023", "identities": ["低保户"], "visits": [
    {"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
     "referral": "referred", "total": 60000, "out_of_catalog": 3000, "basic_paid": 30000}]}


def _pack_with(tmp_path, edit=None, name="bayannur-2023"):
    data = yaml.safe_load((POLICIES / f"{name}.yaml").read_text(encoding="utf-8"))
    if edit:
        edit(data)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_new_pack_object_never_gets_a_freed_packs_figures(tmp_path):
    """The id() caches handed a new pack a dead pack's figures (12,800.00 where a fresh process gave 8,000.00)."""
    case = parse_case(CASE)
    visits = list(case.visits)
    raw = yaml.safe_load((POLICIES / "bayannur-2023.yaml").read_text(encoding="utf-8"))
    for deductible in (7000, 1000, 7000, 3000, 9000, 7000):
        raw["parameters"]["critical_illness.deductible_hardship"]["values"][0]["value"] = deductible
        path = tmp_path / "bayannur-2023.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        pack = plain(load_pack_file(path))
        year = settle_year(Run(pack, case, "minimum_living"), visits)
        # 大病: (27000 − deductible) × 85%
        want = ((Decimal(27000) - deductible) * Decimal("0.85")).quantize(Decimal("0.01"))
        assert year.totals["critical_illness"] == want, deductible
        del pack, year
        gc.collect()


def test_the_index_lives_in_its_pack_and_is_rebuilt_not_pickled(tmp_path):
    import pickle
    pack = plain(load_pack_file(_pack_with(tmp_path)))
    index = index_for(pack)
    assert index_for(pack) is index and index.pack is pack
    settle_year(Run(pack, parse_case(CASE), "minimum_living"), list(parse_case(CASE).visits))
    copied = pickle.loads(pickle.dumps(pack))
    assert "_index" not in copied.__dict__ and index_for(copied) is not index


def test_every_result_owns_its_lists():
    first, second = settle(CASE), settle(CASE)
    first["visits"][0]["tiers"][1]["citations"][0]["quote"] = "changed"
    first["visits"][0]["tiers"][1]["citations"].clear()
    first["assumptions"].clear()
    first["eligibility"][0]["citations"].clear()
    third = settle(CASE)
    for result in (second, third):
        assert result["visits"][0]["tiers"][1]["citations"][0]["quote"] != "changed"
        assert result["assumptions"] and result["eligibility"][0]["citations"]
    assert third == second


def test_citations_are_never_the_same_object_in_two_places():
    result = settle(CASE)
    lists = [t["citations"] for v in result["visits"] for t in v["tiers"]]
    dicts = [c for cites in lists for c in cites]
    assert len({id(x) for x in lists}) == len(lists)
    assert len({id(x) for x in dicts}) == len(dicts)


def test_a_parameter_with_no_value_for_a_day_is_a_knowledge_error_naming_both(tmp_path):
    pack = plain(load_pack_file(_pack_with(tmp_path)))
    index = index_for(pack)
    with pytest.raises(KnowledgeError) as raised:
        index.item("critical_illness.deductible", dt.date(2022, 5, 1))
    assert "critical_illness.deductible" in str(raised.value) and "2022-05-01" in str(raised.value)
    with pytest.raises(KnowledgeError, match="no_such_parameter"):
        index.item("no_such_parameter", dt.date(2023, 5, 1))
    with pytest.raises(KnowledgeError, match="2022-05-01"):
        pack.param("critical_illness.deductible", dt.date(2022, 5, 1))


def test_loading_refuses_a_parameter_that_stops_before_the_pack_does(tmp_path):
    def edit(data):
        data["parameters"]["tilted_aid.limit"]["values"][0]["to"] = dt.date(2024, 12, 31)
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_pack_with(tmp_path, edit))
    assert "parameters.tilted_aid.limit" in str(raised.value) and "2024-12-31" in str(raised.value)


def test_loading_refuses_a_gap_between_two_values(tmp_path):
    def edit(data):
        values = data["parameters"]["statistics.per_capita_income"]["values"]
        values[1]["from"] = dt.date(2024, 3, 1)
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_pack_with(tmp_path, edit))
    assert "statistics.per_capita_income" in str(raised.value) and "2024-01-01" in str(raised.value)


def test_loading_refuses_a_parameter_that_starts_after_the_pack(tmp_path):
    def edit(data):
        data["parameters"]["medical_aid.limit"]["values"][0]["from"] = dt.date(2023, 2, 1)
    with pytest.raises(KnowledgeError, match="medical_aid.limit"):
        load_pack_file(_pack_with(tmp_path, edit))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(("." * node.level) + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_eligibility_reads_the_pack_and_never_imports_settlement():
    assert not [name for name in _imports(ROOT / "assistant" / "eligibility.py") if "settlement" in name]


def test_choosing_the_policy_lives_in_the_catalog_alone():
    """policy_for is defined once (knowledge/catalog.py); the core, the interview and the chat call it."""
    defined = [path.relative_to(ROOT) for path in (ROOT / "assistant").rglob("*.py")
               if "def policy_for(" in path.read_text(encoding="utf-8")]
    assert defined == [Path("assistant/knowledge/catalog.py")]


def test_no_module_keeps_a_cache_keyed_by_id():
    offenders = []
    for path in (ROOT / "assistant").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # a dict keyed by id(): a subscript, a get or a key made of it (a walk's `seen` set is no cache)
            if re.search(r"\[id\(|\.get\(id\(|\.setdefault\(id\(|key = \(?id\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
