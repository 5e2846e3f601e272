"""Packs and documents: loading refuses what cannot be trusted; every cited quote is verbatim."""
from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.knowledge.store import documents
from assistant.knowledge.packs import load_pack_file
from assistant.knowledge.plain import is_citation
from assistant.knowledge.store import packs
from assistant.settlement import settle
from conftest import SHARED

POLICIES = Path(__file__).resolve().parents[1] / "knowledge" / "policies"


def _write_broken(tmp_path, edit) -> Path:
    data = yaml.safe_load((POLICIES / "bayannur-2023.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "bayannur-2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_quote_not_in_its_clause_stops_loading_naming_file_and_field(tmp_path):
    def edit(data):
        data["parameters"]["critical_illness.deductible"]["values"][0]["source"]["quote"] = "城乡居民大病保险起付标准15000元"
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_write_broken(tmp_path, edit))
    message = str(raised.value)
    assert "bayannur-2023.yaml" in message
    assert "parameters.critical_illness.deductible.values[0].source.quote" in message


def test_a_missing_unit_stops_loading(tmp_path):
    def edit(data):
        del data["parameters"]["tilted_aid.limit"]["unit"]
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_write_broken(tmp_path, edit))
    assert "bayannur-2023.yaml" in str(raised.value) and "tilted_aid.limit" in str(raised.value)
    assert "unit" in str(raised.value)


def test_overlapping_periods_stop_loading(tmp_path):
    def edit(data):
        values = data["parameters"]["medical_aid.limit"]["values"]
        values.append({**values[0], "from": "2023-06-01", "to": "2024-05-31"})
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_write_broken(tmp_path, edit))
    assert "medical_aid.limit" in str(raised.value) and "overlap" in str(raised.value)


def test_a_reference_to_a_missing_parameter_stops_loading(tmp_path):
    def edit(data):
        data["tiers"][0]["rules"][0]["groups"][0]["ratio"] = "critical_illness.no_such_ratio"
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(_write_broken(tmp_path, edit))
    assert "tiers[0].rules[0].groups[0].ratio" in str(raised.value)


def test_every_parameter_has_a_source_and_every_assumed_one_says_why():
    for pack in packs().values():
        for name, parameter in pack.parameters.items():
            for value in parameter.values:
                source = value.source
                if is_citation(source):
                    continue
                text = getattr(source, "external", None) or getattr(source, "local_config", None)
                assert text and len(text) > 6, f"{pack.id} {name}"


def test_document_statuses_are_the_ones_the_notes_give():
    status = {doc_id: doc.status for doc_id, doc in documents().items()}
    assert status == {"bayannur-2023": "current", "tianjin-2023": "current", "naiman-2019": "historical",
                      "inner-mongolia-2015": "framework", "zhejiang-2022-draft": "draft"}


def _seed_text(doc_id):
    name = documents()[doc_id].source_file
    path = SHARED / "seeds" / name
    return path.read_text(encoding="utf-8") if path.exists() else None


CASES = [
    {"policy": "bayannur-2023", "identities": ["extreme_poverty"], "visits": [
        {"date": "2023-02-01", "kind": "inpatient", "hospital_level": "level3", "referral": "referred", "total": 400000},
        {"date": "2023-05-01", "kind": "chronic_outpatient", "total": 9000},
        {"date": "2023-07-01", "kind": "outpatient", "total": 800}]},
    {"policy": "bayannur-2023", "insurance": "employee", "identities": ["near_minimum_living"], "visits": [
        {"date": "2023-02-01", "kind": "inpatient", "referral": "not_referred", "total": 90000, "out_of_catalog": 9000}]},
    {"policy": "tianjin-2023", "identities": ["near_minimum_living", "orphan"], "visits": [
        {"date": "2023-02-01", "kind": "inpatient", "hospital_level": "level2", "total": 500000},
        {"date": "2023-03-01", "kind": "outpatient", "total": 3000}]},
    {"policy": "tianjin-2023", "insurance": "employee", "visits": [
        {"date": "2023-02-01", "kind": "inpatient", "total": 50000}]},
]


@pytest.mark.parametrize("case", CASES)
def test_every_citation_in_a_result_is_verbatim_in_its_document(case):
    result = settle(case)
    citations = [c for v in result["visits"] for t in v["tiers"] for c in t["citations"]]
    citations += [c for e in result["eligibility"] for c in e["citations"]]
    citations += [c for f in result["flags"] for c in f["citations"]]
    for visit in result["visits"]:
        for tier in visit["tiers"]:
            if tier["amount"] > 0:
                assert tier["citations"], tier
    for citation in citations:
        doc = documents()[citation["doc"]]
        assert citation["quote"] in doc.clause(citation["clause"]).text
        seed = _seed_text(citation["doc"])
        if seed is not None:
            assert citation["quote"] in seed


def test_a_pack_that_is_not_valid_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "bayannur-2023.yaml"
    path.write_text("id: bayannur-2023\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_pack_file(path)
    assert "bayannur-2023.yaml" in str(raised.value) and "line" in str(raised.value)
