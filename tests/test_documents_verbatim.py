"""The clause-indexed documents in knowledge/documents/ are complete and verbatim.

Each YAML file holds one source policy document split into clauses. The app quotes these
texts to residents, so every paragraph must be found, character for character, in the
seed document it was copied from: `../shared/seeds` beside the repository (the product itself
never reads it). Where that folder is absent (a copy of the repository on its own) the check is
skipped and says so; where it is present, a missing seed file fails.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "documents"
ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

EXPECTED_IDS = {
    "bayannur-2023",
    "tianjin-2023",
    "naiman-2019",
    "inner-mongolia-2015",
    "zhejiang-2022-draft",
}
STATUSES = {"current", "historical", "draft", "framework"}
TOP_LEVEL_KEYS = [
    "id", "title", "issuer", "number", "date", "effective", "status",
    "region", "source_file", "clauses",
]
OPTIONAL_TOP_LEVEL_KEYS = {"date_note", "external_note"}
CLAUSE_KEYS = {"id", "heading", "path", "text"}

# (document id, clause id, quote the clause must contain)
KEY_QUOTES = [
    ("bayannur-2023", "第九条（二）", "城乡居民大病保险起付标准14000元"),
    ("bayannur-2023", "第九条（三）", "倾斜救助起付线14000元"),
    ("tianjin-2023", "二（二）4.", "大病保险起付线至10万元（含）费用段，支付比例为65%"),
    ("tianjin-2023", "二（二）5.", "最高救助限额20万元"),
    ("naiman-2019", "二（七）", "1000元、2000元、3000元、4000元、5000元"),
]


def _load_all() -> dict[str, dict]:
    docs = {}
    for path in sorted(DOCUMENTS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        assert isinstance(doc, dict), f"{path.name}: not a mapping"
        assert doc.get("id") == path.stem, f"{path.name}: id {doc.get('id')!r} differs from file name"
        docs[doc["id"]] = doc
    return docs


DOCS = _load_all()


def _as_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _clause(doc_id: str, clause_id: str) -> dict:
    matches = [c for c in DOCS[doc_id]["clauses"] if c["id"] == clause_id]
    assert len(matches) == 1, f"{doc_id}: clause {clause_id} found {len(matches)} times"
    return matches[0]


def test_all_five_documents_are_present():
    assert EXPECTED_IDS <= set(DOCS), f"missing: {EXPECTED_IDS - set(DOCS)}"


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_document_has_required_fields(doc_id):
    doc = DOCS[doc_id]
    keys = set(doc)
    assert set(TOP_LEVEL_KEYS) <= keys, f"missing: {set(TOP_LEVEL_KEYS) - keys}"
    assert keys <= set(TOP_LEVEL_KEYS) | OPTIONAL_TOP_LEVEL_KEYS, f"unexpected: {keys - set(TOP_LEVEL_KEYS) - OPTIONAL_TOP_LEVEL_KEYS}"
    for field in ("id", "title", "issuer", "region", "source_file"):
        assert isinstance(doc[field], str) and doc[field].strip(), field
    assert doc["number"] is None or isinstance(doc["number"], str)
    _as_date(doc["date"])
    if doc["effective"] is not None:
        _as_date(doc["effective"])
    assert doc["status"] in STATUSES
    assert isinstance(doc["clauses"], list) and doc["clauses"], "clauses must not be empty"


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_clauses_are_well_formed_and_ids_unique(doc_id):
    clauses = DOCS[doc_id]["clauses"]
    ids = [c["id"] for c in clauses]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate clause ids: {duplicates}"
    for c in clauses:
        assert set(c) == CLAUSE_KEYS, f"{c.get('id')}: keys {sorted(c)}"
        assert isinstance(c["id"], str) and c["id"]
        assert "(" not in c["id"] and ")" not in c["id"], f"{c['id']}: use full-width parentheses"
        assert isinstance(c["heading"], str) and c["heading"]
        assert isinstance(c["path"], list) and all(isinstance(p, str) for p in c["path"])
        assert isinstance(c["text"], str) and c["text"].strip(), f"{c['id']}: empty text"


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_every_paragraph_is_verbatim_in_the_seed(doc_id):
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed documents are not beside this checkout ({SEEDS_DIR} is absent)")
    doc = DOCS[doc_id]
    path = SEEDS_DIR / doc["source_file"]
    assert path.is_file(), f"{doc_id}: its seed {doc['source_file']} is missing from {SEEDS_DIR}"
    seed = path.read_text(encoding="utf-8")
    missing = []
    for c in doc["clauses"]:
        for paragraph in c["text"].split("\n"):
            assert paragraph, f"{c['id']}: empty paragraph"
            if paragraph not in seed:
                missing.append(f"{c['id']}: {paragraph[:40]}…")
    assert not missing, "not found verbatim in seed:\n" + "\n".join(missing)


@pytest.mark.parametrize(("doc_id", "clause_id", "quote"), KEY_QUOTES)
def test_key_quote_is_in_its_clause(doc_id, clause_id, quote):
    assert quote in _clause(doc_id, clause_id)["text"]


def test_bayannur_tilted_aid_paragraph_stays_in_article_9_item_3():
    text = _clause("bayannur-2023", "第九条（三）")["text"]
    assert "\n门诊和住院救助共用年度救助限额" in text


def test_article_lead_is_kept_apart_from_its_items():
    lead = _clause("bayannur-2023", "第九条")["text"]
    assert "（一）" not in lead and "基本医疗保险。" not in lead
