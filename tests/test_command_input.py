"""Whatever another program or a person pipes into the command, it answers in Chinese and never
with a traceback; `--batch` settles every line it can and numbers every line it writes."""
import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal

import jsonschema
import pytest

from conftest import ROOT

CASE = {"policy": "bayannur-2023", "insurance": "resident", "identities": ["minimum_living"],
        "per_capita_income": 36000,
        "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                    "referral": "referred", "total": 60000, "out_of_catalog": 3000, "category_b": 0,
                    "basic_paid": 30000}]}
LINE = json.dumps(CASE, ensure_ascii=False).encode()
DEEP = b"[" * 100_000 + b"]" * 100_000


def run(*args, stdin: bytes = b"", env: dict | None = None):
    """The command with bytes in and out, as a program on another machine would drive it."""
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120, env={**os.environ, **(env or {})})


def _refused(done) -> str:
    """The one Chinese line of a refusal (exit 2, nothing on standard output)."""
    assert done.returncode == 2, (done.returncode, done.stderr.decode(errors="replace")[-500:])
    assert done.stdout == b""
    text = done.stderr.decode("utf-8")
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    return lines[0]


def _batch_out(done) -> list[dict]:
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]


# ---- one case


@pytest.mark.parametrize("data", [DEEP, b'{"visits": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                                  b'{"visits":[' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"]}"],
                         ids=["deep list", "deep visits", "deep objects"])
def test_deeply_nested_json_is_one_chinese_line_and_exit_2(data):
    line = _refused(run("settle", stdin=data))
    assert "嵌套" in line or "就诊" in line


def test_an_integer_of_thousands_of_digits_is_refused_in_chinese():
    _refused(run("settle", stdin=b'{"visits":[{"total":' + b"9" * 5000 + b"}]}"))


def test_gbk_on_standard_input_says_not_utf8_as_for_a_file(tmp_path):
    gbk = json.dumps({**CASE, "region": "巴彦淖尔市"}, ensure_ascii=False).encode("gbk")
    from_stdin = _refused(run("settle", stdin=gbk))
    path = tmp_path / "case.json"
    path.write_bytes(gbk)
    from_file = _refused(run("settle", str(path)))
    assert "不是 UTF-8" in from_stdin and "标准输入" in from_stdin
    assert from_stdin.split("不是 UTF-8")[1] == from_file.split("不是 UTF-8")[1]


def test_a_utf8_bom_is_accepted_on_standard_input_and_in_a_file(tmp_path):
    done = run("settle", stdin=b"\xef\xbb\xbf" + LINE)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["totals"]["out_of_pocket"] == 6000
    path = tmp_path / "case.json"
    path.write_bytes(b"\xef\xbb\xbf" + LINE)
    assert json.loads(run("settle", str(path)).stdout)["totals"]["out_of_pocket"] == 6000


def test_minus_zero_is_never_printed():
    case = {**CASE, "visits": [{**CASE["visits"][0], "out_of_catalog": "-0", "category_b": "-0.00",
                                "basic_paid": "-0.0"}]}
    done = run("settle", stdin=json.dumps(case).encode())
    assert done.returncode == 0, done.stderr.decode()
    assert b"-0.00" not in done.stdout and b"-0.0" not in done.stdout
    from assistant.jsonio import dump_bytes
    from assistant.money import yuan
    assert yuan(Decimal("-0.001")) == "0.00" and yuan(Decimal("-0")) == "0.00"
    assert dump_bytes({"a": Decimal("-0.00"), "b": Decimal("-1.50")}) == b'{"a":0.00,"b":-1.50}'


def test_a_folder_for_a_file_is_said_in_chinese(tmp_path):
    for args in (("settle", str(tmp_path)), ("settle", "--batch", str(tmp_path))):
        line = _refused(run(*args))
        assert "文件夹" in line and "Is a directory" not in line


def test_a_missing_file_is_said_in_chinese_for_batch_too(tmp_path):
    line = _refused(run("settle", "--batch", str(tmp_path / "none.jsonl")))
    assert "找不到文件" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions cannot be denied")
def test_a_file_that_cannot_be_read_is_said_in_chinese(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(LINE)
    path.chmod(0)
    line = _refused(run("settle", str(path)))
    assert "权限" in line and "Permission" not in line


def test_the_message_reaches_a_terminal_that_is_not_utf8():
    done = run("settle", stdin=b"{broken", env={"PYTHONIOENCODING": "latin-1", "LC_ALL": "C"})
    assert "JSON" in _refused(done)


def test_a_lone_surrogate_in_the_input_is_no_crash():
    done = run("settle", stdin=b'{"policy":"bayannur-2023","identities":["\\ud800"],'
                               b'"visits":[{"date":"2023-06-01","kind":"inpatient","total":100}]}')
    assert "无法识别" in _refused(done)


def test_no_referral_needed_away_from_home_is_refused_with_the_choices():
    case = {**CASE, "visits": [{**CASE["visits"][0], "location": "out_of_province", "referral": "not_needed"}]}
    line = _refused(run("settle", stdin=json.dumps(case).encode()))
    assert "已转诊" in line and "未转诊" in line


def test_a_dialysis_year_of_420_sessions_settles():
    start = dt.date(2023, 1, 1)
    sessions = [{"date": (start + dt.timedelta(days=i * 364 // 420)).isoformat(), "kind": "chronic_outpatient",
                 "hospital_level": "level3", "location": "local", "referral": "not_needed", "total": "450.00"}
                for i in range(420)]
    for policy in ("bayannur-2023", "tianjin-2023"):
        done = run("settle", stdin=json.dumps({"policy": policy, "identities": ["minimum_living"],
                                               "visits": sessions}).encode())
        assert done.returncode == 0, done.stderr.decode()
        result = json.loads(done.stdout)
        assert len(result["visits"]) == 420
        assert result["totals"]["total"] == 420 * 450


def test_far_too_many_visits_never_suggests_splitting_the_year():
    from assistant.checks import MAX_VISITS
    visit = {"date": "2023-03-01", "kind": "outpatient", "total": 10}
    line = _refused(run("settle", stdin=json.dumps({**CASE, "visits": [visit] * (MAX_VISITS + 1)}).encode()))
    assert "分开" not in line and "拆" not in line and str(MAX_VISITS) in line


# ---- --batch


def _schema():
    return json.loads((ROOT / "docs" / "contract.schema.json").read_text(encoding="utf-8"))


def test_batch_numbers_every_line_counting_blank_ones(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"\n".join([LINE, b"", b"   ", LINE, b"{broken", LINE]) + b"\n")
    out = _batch_out(run("settle", "--batch", str(path)))
    assert [r["line"] for r in out] == [1, 4, 5, 6]
    assert [r["totals"]["out_of_pocket"] for r in out if "totals" in r] == [6000, 6000, 6000]
    assert "JSON" in out[2]["error"]
    jsonschema.validate(out[0], {**_schema(), "$ref": "#/$defs/result"})


def test_batch_of_standard_input_with_dash():
    out = _batch_out(run("settle", "--batch", "-", stdin=b"\xef\xbb\xbf" + LINE + b"\n" + LINE + b"\n"))
    assert [(r["line"], r["totals"]["out_of_pocket"]) for r in out] == [(1, 6000), (2, 6000)]


def test_batch_survives_every_kind_of_malformed_line():
    bad = {
        2: DEEP,
        3: json.dumps(CASE, ensure_ascii=False).replace("resident", "居民").encode("gbk"),
        4: b'{"visits":[{"total":' + b"9" * 5000 + b"}]}",
        5: b"[1, 2, 3]",
        6: b'"just text"',
        7: b'{"policy":"bayannur-2023","identities":["\\ud800"],"visits":[{"date":"2023-06-01","kind":"inpatient","total":1}]}',
        8: b'{"visits": ' + b"[" * 900 + b"]" * 900 + b"}",
        9: b"\xef\xbb\xbf{}",
        10: json.dumps({**CASE, "visits": [{**CASE["visits"][0], "location": "in_province",
                                            "referral": "not_needed"}]}).encode(),
    }
    lines = [LINE] + [bad[n] for n in range(2, 11)] + [LINE]
    out = _batch_out(run("settle", "--batch", "-", stdin=b"\n".join(lines)))
    assert [r["line"] for r in out] == list(range(1, 12))
    assert out[0]["totals"]["out_of_pocket"] == out[-1]["totals"]["out_of_pocket"] == 6000
    for result in out[1:-1]:
        assert "totals" not in result
        assert any("\u4e00" <= ch <= "\u9fff" for ch in result["error"]), result
        assert "程序错误" not in result["error"], result  # each is an input error we explain, not a defect
    assert "嵌套" in out[1]["error"] and "UTF-8" in out[2]["error"]
    assert "已转诊" in out[9]["error"]


def test_batch_in_parallel_keeps_numbers_and_order(tmp_path):
    lines = []
    for i in range(2500):
        case = json.loads(LINE)
        case["visits"][0]["total"] = 60000 + i
        lines.append(json.dumps(case).encode() if i % 500 else b"{oops")
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(lines))
    out = _batch_out(run("settle", "--batch", str(path), "--workers", "2"))
    assert [r["line"] for r in out] == list(range(1, 2501))
    assert all(("error" in r) == (i % 500 == 0) for i, r in enumerate(out))
    assert [r["totals"]["total"] for r in out if "totals" in r] == [60000 + i for i in range(2500) if i % 500]


def test_json_reading_lives_in_jsonio_and_stays_importable_from_the_core():
    from assistant import jsonio
    from assistant.settlement import api, settle_json
    assert api.loads is jsonio.loads and api.dumps is jsonio.dumps and api.dump_bytes is jsonio.dump_bytes
    assert settle_json is jsonio.settle_json
    assert json.loads(settle_json(LINE))["totals"]["out_of_pocket"] == 6000
