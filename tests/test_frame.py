"""check-frame: each Inner Mongolia pack against inner-mongolia-2015's rules (三（二）, 三（三）).

The shipped packs are checked as they are; then copies of bayannur-2023 (and naiman-2019) are
broken in one rule each, written to a temporary folder and loaded through the normal validation,
and the checker must fail exactly that rule.
"""
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.errors import InputError
from assistant.knowledge.frame import check_frame, load_frame
from assistant.knowledge.packs import load_pack_file
from assistant.knowledge.store import packs

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
RULES = {"after_basic": "大病保险在基本医保之后", "bands": "支付比例分段递增", "deductible": "起付线不低于",
         "hardship": "困难群众可以降低", "limit": "是否设置最高支付限额"}


def _rows(pack_map, policy=None):
    return {row["rule"]: row for row in check_frame(pack_map, policy=policy)}


def _rule(rows, key):
    return next(row for name, row in rows.items() if name.startswith(RULES[key]))


def _broken(tmp_path, pack_id, change):
    data = yaml.safe_load((POLICIES / f"{pack_id}.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{pack_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {pack_id: load_pack_file(path)}


def _set(name, value):
    def change(data):
        data["parameters"][name]["values"][0]["value"] = value
    return change


def test_every_inner_mongolia_pack_is_checked_on_every_rule_with_its_clause():
    rows = check_frame(packs())
    assert {r["policy"] for r in rows} == {"bayannur-2023", "naiman-2019"}
    frame_doc = load_frame()
    for row in rows:
        assert row["result"] in ("pass", "fail") and row["detail"]
        clause = row["clause"].split(" ", 1)[1]
        from assistant.knowledge.store import documents
        assert row["quote"] in documents()[frame_doc.frame].clause(clause).text


def test_bayannur_fails_only_the_deductible_rule_and_says_the_figures():
    rows = _rows(packs(), "bayannur-2023")
    failed = [name for name, row in rows.items() if row["result"] == "fail"]
    assert len(failed) == 1 and failed[0].startswith(RULES["deductible"])
    detail = _rule(rows, "deductible")["detail"]
    # 14000 is below 2022's rural 19641 and urban 46295 (内蒙古年鉴2023): a real departure from the 2015 frame
    assert "14000.00" in detail and "19641.00" in detail and "46295.00" in detail


def test_naiman_passes_every_rule_and_says_its_大病_follows_the_higher_level():
    rows = _rows(packs(), "naiman-2019")
    assert all(row["result"] == "pass" for row in rows.values())
    assert "起付线为原标准的 50%" in _rule(rows, "hardship")["detail"]


@pytest.mark.parametrize("rule, change", [
    ("after_basic", lambda d: d["tiers"][0]["rules"][0].update(kinds=["chronic_outpatient"])),  # no 住院
    ("bands", _set("critical_illness.ratio", 0.45)),                            # lowest band under 50%
    ("deductible", _set("critical_illness.deductible", 19640.99)),              # one fen under the rural figure
    ("hardship", _set("critical_illness.deductible_hardship", 15000)),         # hardship 起付 above ordinary 14000
    ("hardship", _set("critical_illness.ratio_hardship", 0.75)),               # hardship ratio below ordinary 80%
    ("limit", _set("critical_illness.limit", 0)),                               # a limit that lets nothing be paid
])
def test_a_pack_broken_in_one_rule_fails_that_rule(tmp_path, rule, change):
    rows = _rows(_broken(tmp_path, "bayannur-2023", change))
    assert _rule(rows, rule)["result"] == "fail"
    for other in RULES:
        if other not in (rule, "deductible"):
            assert _rule(rows, other)["result"] == "pass", other


def test_bands_falling_with_cost_fail(tmp_path):
    def change(data):
        data["parameters"]["critical_illness.bands"] = {
            "description": "分段比例（故意设为随费用降低）", "unit": "bands",
            "values": [{"from": "2023-01-01",
                        "value": [{"upto": 100000, "ratio": 0.80}, {"upto": None, "ratio": 0.60}],
                        "source": {"local_config": "测试用：随费用升高而降低的比例"}}]}
        group = data["tiers"][0]["rules"][0]["groups"][1]
        del group["ratio"]
        group["bands"] = "critical_illness.bands"
    row = _rule(_rows(_broken(tmp_path, "bayannur-2023", change)), "bands")
    assert row["result"] == "fail" and "降低" in row["detail"]


@pytest.mark.parametrize("deductible, result", [(19640.99, "fail"), (19641, "pass"), (19641.01, "pass")])
def test_the_deductible_rule_at_its_boundary(tmp_path, deductible, result):
    rows = _rows(_broken(tmp_path, "bayannur-2023", _set("critical_illness.deductible", deductible)))
    assert _rule(rows, "deductible")["result"] == result


def test_a_year_without_figures_cannot_be_confirmed(tmp_path):
    def change(data):
        for name in ("critical_illness.deductible",):
            data["parameters"][name]["values"][0]["from"] = "2022-01-01"
        data["valid_from"] = "2022-01-01"
        for parameter in data["parameters"].values():
            parameter["values"][0]["from"] = "2022-01-01"
    row = _rule(_rows(_broken(tmp_path, "bayannur-2023", change)), "deductible")
    assert row["result"] == "fail" and "未收录2021年" in row["detail"]


def test_naiman_broken_to_raise_the_poor_起付_fails_the_hardship_rule(tmp_path):
    # 150% of the 通辽 起付线 for 贫困人口: the frame allows lowering it only
    rows = _rows(_broken(tmp_path, "naiman-2019", _set("critical_illness.deductible_share_poor", 1.5)))
    assert _rule(rows, "hardship")["result"] == "fail"


def test_a_pack_outside_inner_mongolia_or_the_frame_itself_is_refused():
    with pytest.raises(InputError) as raised:
        check_frame(packs(), policy="tianjin-2023")
    assert "不在内蒙古自治区" in raised.value.message
    with pytest.raises(InputError):
        check_frame(packs(), policy="inner-mongolia-2015")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "assistant", "check-frame", *args], cwd=ROOT,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_command_exits_1_when_any_rule_fails_0_when_all_pass_2_outside_the_region():
    every = _cli()
    assert every.returncode == 1
    rows = json.loads(every.stdout)
    assert {tuple(sorted(r)) for r in rows} == {("clause", "detail", "policy", "quote", "result", "rule")}
    naiman = _cli("--policy", "naiman-2019")
    assert naiman.returncode == 0 and all(r["result"] == "pass" for r in json.loads(naiman.stdout))
    tianjin = _cli("--policy", "tianjin-2023")
    assert tianjin.returncode == 2 and tianjin.stdout == "" and "内蒙古" in tianjin.stderr
