"""`python -m assistant screen`, driven as a cadre's script drives it: files in, files out, exit codes."""
import csv
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assistant.roster import case_for, members, read_roster
from assistant.settlement import settle
from test_roster import BAD, FATHER, GOOD, GRANDMOTHER, NEIGHBOUR


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_text(GOOD, encoding="gbk")  # as Excel in China saves it
    return path


def test_a_good_roster_gives_one_row_per_member_equal_to_settle(cli, tmp_path, good):
    out = tmp_path / "结果.csv"
    done = cli("screen", str(good), "--out", str(out), "--policy", "bayannur-2023", "--per-capita-income", "36000")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "2023 年度" in done.stderr and "4 人已计算，0 行被拒" in done.stderr
    table = _csv(out)
    assert [(r["户编号"], r["姓名"]) for r in table] == [("H1", "张奶奶"), ("H1", "张父"), ("H1", "张孩"), ("H2", "李四")]
    for member, row in zip(members(read_roster(good)), table):
        if member.visits:
            totals = settle(case_for(member, "bayannur-2023", per_capita_income=36000))["totals"]
            assert row["个人自付"] == f"{totals['out_of_pocket']:.2f}"
            assert row["医疗救助"] == f"{totals['medical_aid']:.2f}"
    assert table[1]["个人自付"] == "6000.00" and table[1]["适用身份"] == "低保对象"  # CONTRACT's worked example
    assert table[2]["总费用"] == "0.00"
    assert "因病致贫监测" in table[3]["监测提示"] and table[3]["建议申请"].startswith("医疗救助 ")
    assert _csv(tmp_path / "结果.errors.csv") == []


def test_rejected_rows_are_counted_and_listed_with_masked_ids(cli, tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text(BAD, encoding="utf-8")
    out = tmp_path / "结果.xlsx"
    done = cli("screen", str(roster), "--out", str(out), "--region", "巴彦淖尔市", "--year", "2023")
    assert done.returncode == 0, done.stderr
    assert "1 人已计算，11 行被拒" in done.stderr
    assert "以下列不认识" not in done.stderr
    book = load_workbook(out, read_only=True)
    errors = list(book["错误行"].iter_rows(values_only=True))
    assert errors[0] == ("行号", "户编号", "姓名", "身份证号", "错误原因")
    assert [r[0] for r in errors[1:]] == [2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14]
    assert errors[1][3] == "1508**********0044"
    text = str(list(book["筛查结果"].values)) + str(errors)
    assert GRANDMOTHER not in text and NEIGHBOUR not in text


def test_show_id_writes_the_full_numbers(cli, tmp_path, good):
    out = tmp_path / "全号.csv"
    done = cli("screen", str(good), "--out", str(out), "--policy", "bayannur-2023", "--show-id")
    assert done.returncode == 0, done.stderr
    assert _csv(out)[1]["身份证号"] == FATHER


def test_visits_in_another_year_than_asked_are_rejected(cli, tmp_path, good):
    out = tmp_path / "结果.csv"
    done = cli("screen", str(good), "--out", str(out), "--policy", "bayannur-2023", "--year", "2024")
    assert done.returncode == 0, done.stderr
    assert "1 人已计算，5 行被拒" in done.stderr  # the visit-less child is still listed
    errors = _csv(tmp_path / "结果.errors.csv")
    assert [e["行号"] for e in errors] == ["2", "3", "5", "6", "7"]
    assert all("不在筛查的 2024 年度内" in e["错误原因"] for e in errors)


def test_parquet_in_and_out(cli, tmp_path, good):
    import pyarrow as pa
    import pyarrow.parquet as pq
    with open(good, encoding="gbk", newline="") as handle:
        rows = list(csv.reader(handle))
    roster = tmp_path / "花名册.parquet"
    pq.write_table(pa.table({h: [r[i] for r in rows[1:]] for i, h in enumerate(rows[0])}), roster)
    out = tmp_path / "结果.parquet"
    done = cli("screen", str(roster), "--out", str(out), "--policy", "bayannur-2023")
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out).to_pylist()
    assert table[1]["个人自付"] == Decimal("6000.00") and table[1]["身份证号"] == "1508**********0029"
    assert pq.read_table(tmp_path / "结果.errors.parquet").num_rows == 0


@pytest.mark.parametrize("name, data, words", [
    ("空.csv", b"", "是空文件"),
    ("图片.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格文件"),
    ("缺列.csv", "户号,名字\nH1,张三\n".encode(), "缺少必需的列"),
])
def test_a_file_that_cannot_be_read_exits_2_with_one_chinese_line(cli, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "结果.csv"
    done = cli("screen", str(path), "--out", str(out), "--policy", "bayannur-2023")
    assert done.returncode == 2
    assert done.stdout == ""
    assert words in done.stderr and done.stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (["--out", "x.csv"], "请用 --policy"),
    (["--out", "x.txt", "--policy", "bayannur-2023"], "扩展名应为"),
    (["--out", "x.csv", "--policy", "nowhere-2023"], "没有编号为“nowhere-2023”的政策"),
    (["--out", "x.csv", "--region", "上海市"], "暂时没有“上海市”的政策"),
    (["--out", "x.csv", "--policy", "bayannur-2023", "--engine", "gpu"], "没有名为“gpu”的计算引擎"),
    (["--out", "x.csv", "--policy", "bayannur-2023", "--per-capita-income", "三万"], "不是数字"),
    (["--out", "x.csv", "--policy", "bayannur-2023", "--per-capita-income", "0"], "不能为0"),
    (["--out", "no/such/folder/x.csv", "--policy", "bayannur-2023"], "文件夹"),
    (["--out", "x.csv", "--policy", "zhejiang-2022-draft"], "只能查询政策原文"),
])
def test_wrong_options_exit_2_in_chinese(cli, tmp_path, good, args, words):
    args = [str(tmp_path / a) if a.startswith(("x.", "no/")) else a for a in args]
    done = cli("screen", str(good), *args)
    assert done.returncode == 2
    assert words in done.stderr


def test_progress_bar_only_when_asked_or_on_a_terminal(cli, tmp_path, good):
    out = tmp_path / "结果.csv"
    quiet = cli("screen", str(good), "--out", str(out), "--policy", "bayannur-2023")
    assert "人/s" not in quiet.stderr and "计算:" not in quiet.stderr
    shown = cli("screen", str(good), "--out", str(out), "--policy", "bayannur-2023", "--progress")
    assert shown.returncode == 0
    assert "计算: 100%" in shown.stderr and "4/4" in shown.stderr
