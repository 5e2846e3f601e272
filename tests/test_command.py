"""The command of CONTRACT.md, driven as another program drives it."""
import json
import re

import jsonschema
import pytest

from conftest import ROOT, SHARED

EXAMPLE = {"policy": "bayannur-2023", "insurance": "resident", "identities": ["minimum_living"],
           "per_capita_income": 36000,
           "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                       "referral": "referred", "total": 60000, "out_of_catalog": 3000, "category_b": 0,
                       "basic_paid": 30000}]}


def _schema():
    return json.loads((ROOT / "docs" / "contract.schema.json").read_text(encoding="utf-8"))


def test_repo_copy_of_the_contract_schema_matches_shared():
    shared = SHARED / "contract.schema.json"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    ours = _schema()
    # ours may only add optional result fields (the pages' and the ledger's: thresholds, basis, readings)
    added = {"thresholds", "basis", "readings"}
    result = ours["$defs"]["result"]
    assert added <= set(result["properties"]) and not added & set(result["required"])
    trimmed = {**ours, "$defs": {**ours["$defs"], "result": {
        **result, "properties": {k: v for k, v in result["properties"].items() if k not in added}}}}
    assert json.loads(shared.read_text(encoding="utf-8")) == trimmed


def test_contract_example_settles_as_published(cli):
    done = cli("settle", stdin=json.dumps(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert re.search(r'"out_of_pocket": ?6000\.00[,}]', done.stdout)
    assert result["totals"]["critical_illness"] == 17000
    assert result["totals"]["medical_aid"] == 7000
    assert result["identity_applied"] == "minimum_living"
    jsonschema.validate(result, {**_schema(), "$ref": "#/$defs/result"})
    jsonschema.validate(EXAMPLE, {**_schema(), "$ref": "#/$defs/case"})


def test_settle_reads_a_file_argument(cli, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(EXAMPLE, ensure_ascii=False), encoding="utf-8")
    done = cli("settle", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["policy"] == "bayannur-2023"


BAD = {
    "negative total": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "total": -5}]},
    "text for a number": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "total": "六万"}]},
    "absurd amount": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "total": 6e9}]},
    "date no policy covers": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "date": "2022-03-01"}]},
    "date in the future": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "date": "2099-03-01"}]},
    "unknown identity": {**EXAMPLE, "identities": ["外星人"]},
    "out of catalogue above the bill": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "out_of_catalog": 70000}]},
    "basic paid above the bill": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "basic_paid": 59000}]},
    "unknown policy": {**EXAMPLE, "policy": "beijing-2030"},
    "draft cannot settle": {**EXAMPLE, "policy": "zhejiang-2022-draft"},
    "no visits": {**EXAMPLE, "visits": []},
    "bad date": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "date": "2023-02-30"}]},
    "unknown kind": {**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], "kind": "体检"}]},
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_one_chinese_line(cli, name):
    done = cli("settle", stdin=json.dumps(BAD[name], ensure_ascii=False))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    assert "Traceback" not in done.stderr


def test_not_json_exits_2(cli):
    done = cli("settle", stdin="{not json")
    assert done.returncode == 2 and "JSON" in done.stderr and done.stdout == ""


def test_missing_file_exits_2(cli):
    done = cli("settle", "/nonexistent/case.json")
    assert done.returncode == 2 and "找不到文件" in done.stderr


def test_batch_reports_a_bad_line_by_number_and_settles_the_rest(cli, tmp_path):
    lines = [json.dumps(EXAMPLE), "{broken", json.dumps(BAD["negative total"]), json.dumps(EXAMPLE)]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = cli("settle", "--batch", str(path))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["totals"]["out_of_pocket"] == 6000
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "负数" in out[2]["error"]
    assert out[3]["totals"]["out_of_pocket"] == 6000


def test_batch_in_parallel_keeps_input_order(cli, tmp_path):
    cases = []
    for i in range(5000):
        case = json.loads(json.dumps(EXAMPLE))
        case["visits"][0]["total"] = 60000 + i
        cases.append(json.dumps(case))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(cases), encoding="utf-8")
    done = cli("settle", "--batch", str(path), "--workers", "2")
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["totals"]["total"] for r in out] == [60000 + i for i in range(5000)]


def test_policies_lists_every_document_with_status(cli):
    done = cli("policies")
    assert done.returncode == 0
    rows = {row["id"]: row for row in json.loads(done.stdout)}
    assert rows["bayannur-2023"]["region"] == "巴彦淖尔市" and rows["bayannur-2023"]["settles"]
    assert rows["tianjin-2023"]["settles"]
    assert rows["zhejiang-2022-draft"]["status"] == "draft" and not rows["zhejiang-2022-draft"]["settles"]
    assert rows["naiman-2019"]["status"] == "historical"
    assert rows["inner-mongolia-2015"]["status"] == "framework"


def test_region_and_date_pick_the_policy(cli):
    case = {k: v for k, v in EXAMPLE.items() if k != "policy"}
    case.update(region="巴彦淖尔", date="2023-06-01")
    done = cli("settle", stdin=json.dumps(case, ensure_ascii=False))
    assert json.loads(done.stdout)["policy"] == "bayannur-2023"


def test_usage_error_is_chinese_and_exits_2(cli):
    done = cli("frobnicate")
    assert done.returncode == 2 and "用法" in done.stderr


@pytest.mark.parametrize("visit_change, field", [
    ({"total": -1}, "total"), ({"total": "abc"}, "total"), ({"out_of_catalog": 99999}, "out_of_catalog"),
    ({"basic_paid": 59999}, "basic_paid"), ({"date": "2023-13-01"}, "date"), ({"kind": "体检"}, "kind"),
    ({"hospital_level": "四级"}, "hospital_level")])
def test_every_input_error_names_the_field_to_fix(visit_change, field):
    from assistant.errors import InputError
    from assistant.settlement import settle
    with pytest.raises(InputError) as raised:
        settle({**EXAMPLE, "visits": [{**EXAMPLE["visits"][0], **visit_change}]})
    assert raised.value.field == field


def test_policy_for_region_and_day():
    import datetime as dt

    from assistant.errors import InputError
    from assistant.settlement.api import policy_for
    assert policy_for(region="天津", day=dt.date(2023, 5, 1)).id == "tianjin-2023"
    assert policy_for(region="天津", day=dt.date(2024, 5, 1)).id == "tianjin-2023"  # in force until a newer one
    with pytest.raises(InputError) as raised:
        policy_for(region="天津", day=dt.date(2022, 5, 1))
    assert raised.value.field == "date" and "2023-01-01至今" in raised.value.message
    with pytest.raises(InputError) as raised:
        policy_for(region="天津", day=dt.date.today() + dt.timedelta(days=1))
    assert raised.value.field == "date" and "晚于今天" in raised.value.message
    assert policy_for(region="奈曼旗", day=dt.date(2019, 5, 1)).id == "naiman-2019"
    with pytest.raises(InputError) as raised:
        policy_for(region="奈曼旗", day=dt.date(2023, 5, 1))
    assert "2019-01-01至2019-12-31" in raised.value.message and raised.value.field == "date"
    for draft, word in (("zhejiang-2022-draft", "征求意见稿"), ("inner-mongolia-2015", "框架性文件")):
        with pytest.raises(InputError) as raised:
            policy_for(policy=draft)
        assert word in raised.value.message and "naiman-2019" in raised.value.message
