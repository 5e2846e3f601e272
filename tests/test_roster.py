"""A cadre's roster read row by row: every bad row comes back with its number and a Chinese reason,
every good member's year equals what `settle` gives, and nothing is dropped on the way."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from assistant.roster import (RosterError, case_for, error_workbook, members, read_roster, row_key, screen,
                              template_xlsx, write_table)
from assistant.settlement import settle

HEADER = "户编号,姓名,身份证号,身份,参保类型,就诊日期,就诊类型,医院等级,就医地,转诊,总费用,目录外费用,乙类费用,基本医保已支付"
# Valid ID numbers (GB 11643 check digit computed by assistant.privacy.check_digit).
GRANDMOTHER = "150802194802020044"
FATHER = "150802197503150029"
CHILD = "150802201207080037"
NEIGHBOUR = "150802198001010012"

GOOD = "\n".join([
    HEADER,
    f"H1,张奶奶,{GRANDMOTHER},特困,城乡居民,2023-03-01,住院,二级,本地,已转诊,20000,1000,,12000",
    f"H1,张父,{FATHER},低保户,城乡居民,2023-06-01,住院,三级,本地,已转诊,60000,3000,0,30000",
    f"H1,张孩,{CHILD},,城乡居民,,,,,,,,,",
    f"H2,李四,{NEIGHBOUR},边缘户,城乡居民,2023/3/1,住院,三级,本地,已转诊,80000,5000,,",
    f"H2,李四,{NEIGHBOUR},,,2023年6月1日,住院,二级,本地,已转诊,30000,,,",
    f"H2,李四,{NEIGHBOUR},,,2023.9.1,门诊慢特病,二级,本地,已转诊,5000,,,",
]) + "\n"


def _write(tmp_path, text, name="花名册.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _reasons(roster):
    return {e.row: e.reason for e in roster.errors}


# ---- a bad roster: the exact rows and reasons -------------------------------------------------

BAD = "\n".join([
    HEADER,
    f"H1,张奶奶,{GRANDMOTHER},特困,城乡居民,2023-03-01,住院,二级,本地,已转诊,二万,1000,,",          # 2: text amount
    f"H1,张父,{FATHER},贫困边缘,城乡居民,2023-06-01,住院,三级,本地,已转诊,60000,3000,0,",          # 3: unknown identity
    "H1,张孩,150802201207080038,,城乡居民,,,,,,,,,",                                               # 4: check digit
    f"H2,李四,{NEIGHBOUR},低保,城乡居民,2023-03-01,住院,三级,本地,已转诊,8000,,,",                 # 5: good
    f"H2,李四,{NEIGHBOUR},低保,城乡居民,2023/3/1,住院,三级,本地,已转诊,8000.00,,,",                # 6: duplicate of 5
    f"H2,李四,{NEIGHBOUR},低保,城乡居民,2022-12-30,住院,三级,本地,已转诊,3000,,,",                 # 7: another year
    f"H2,王五,,低保,城乡居民,2023-02-30,住院,甲级,本地,已转诊,-5,,,",                              # 8: date, level, amount
    ",,,,,,,,,,,,,",                                                                              # 9: blank line, not a row
    f"H3,赵六,,,职工,2023-04-01,门诊,一级,本地,无需,500,600,,",                                     # 10: 目录外 > total
    "示例,张三,,,城乡居民,2023-06-01,住院,三级,本地,已转诊,100,,,",                                 # 11: template's example
    "H4,,,,城乡居民,2023-06-01,住院,三级,本地,已转诊,100,,,",                                        # 12: no name
    "H5,钱七,,,城乡居民,,,三级,,,,,,",                                                              # 13: visit without date/kind/total
    "H6,孙八,,,城乡居民,2023-06-01,住院,三级,省外,无需,99999999,,,",                                   # 14: referral, absurd
]) + "\n"


def test_a_bad_roster_names_each_row_and_why(tmp_path):
    roster = read_roster(_write(tmp_path, BAD)).for_year(2023)
    reasons = _reasons(roster)
    assert sorted(reasons) == [2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14]
    assert reasons[2] == "本行的总费用“二万”不是数字，请只填写金额（元），例如 12345.67。"
    assert reasons[3].startswith("身份“贫困边缘”无法识别")
    assert reasons[4] == "身份证号的校验位不符，可能有数字抄错，请对照身份证逐位核对。"
    assert reasons[6].startswith("与第5行内容相同（重复行）")
    assert reasons[7].startswith("就诊日期 2022-12-30 不在筛查的 2023 年度内")
    assert reasons[8] == ("本行的日期“2023-02-30”不是有效日期，请按 2023-06-01 这样的格式填写；"
                          "本行的医院等级“甲级”无法识别，请填写乡镇卫生院、一级、二级或三级；"
                          "本行的总费用不能是负数（填的是 -5），请填写实际金额。")
    assert reasons[10] == "本行的目录外费用（600.00）加乙类费用（0.00）超过了总费用（500.00），请核对结算单。"
    assert reasons[11] == "这是模板里的示例行，请删除后再导入。"
    assert reasons[12] == "缺少姓名。"
    assert reasons[13] == "请填写本行的就诊日期；请选择本行的就诊类型（住院、门诊或门诊慢特病）；请填写本行的总费用（元）。"
    assert reasons[14] == ("本行在省外就医，“无需转诊”只适用于本地就医，请选择已转诊或未转诊；"
                           "本行的总费用 99999999 元超过1000万元，请检查是否多输了位数。")
    # nothing silently dropped: every data row (2–14 except the blank line 9) is either in or out
    assert sorted([r.row for r in roster.rows] + list(reasons)) == [2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    assert [(m.name, m.visit_rows) for m in members(roster)] == [("李四", (5,))]


def test_a_member_whose_rows_disagree_on_identity_is_sent_back_whole(tmp_path):
    text = "\n".join([HEADER,
                      f"H2,李四,{NEIGHBOUR},低保,城乡居民,2023-03-01,住院,三级,本地,已转诊,8000,,,",
                      f"H2,李四,{NEIGHBOUR},,,2023-04-01,住院,三级,本地,已转诊,9000,,,",
                      f"H2,李四,{NEIGHBOUR},特困,城乡居民,2023-05-01,住院,三级,本地,已转诊,7000,,,"])
    roster = read_roster(_write(tmp_path, text))
    reasons = _reasons(roster)
    assert sorted(reasons) == [2, 3, 4]
    assert reasons[2] == ("同一人（户编号 H2，姓名 李四）各行的身份不一致：第2行“低保对象”，第4行“特困人员”；"
                          "无法判断哪个正确，这个人的各行都没有导入，请统一后重新导入。")
    assert roster.rows == []


def test_one_id_number_under_two_names_is_a_copying_slip(tmp_path):
    text = "\n".join([HEADER, f"H1,张父,{FATHER},,,,,,,,,,,", f"H2,李四,{FATHER},,,,,,,,,,,"])
    roster = read_roster(_write(tmp_path, text))
    assert _reasons(roster) == {3: "身份证号 1508**********0029 与第2行（户编号 H1，姓名 张父）相同，"
                                   "但户编号或姓名不同，请核对是谁的身份证号。"}


@pytest.mark.parametrize("name, data, words", [
    ("空.csv", b"", "是空文件"),
    ("空白.csv", b"\r\n \r\n", "是空文件"),
    ("只有表头.csv", (HEADER + "\n").encode(), "只有表头，没有数据行"),
    ("图片.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是表格文件"),
    ("文档.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "无法作为 Excel 文件打开"),
    ("坏的.xlsx", b"PK\x03\x04 not really a zip", "无法作为 Excel 文件打开"),
    ("假的.xlsx", "户编号,姓名\nH1,张三\n".encode(), "扩展名是 .xlsx，但内容不是这种文件"),
    ("坏的.parquet", b"PAR1 truncated", "无法作为 Parquet 文件读取"),
    ("缺列.csv", "户号,名字,总费用\nH1,张三,100\n".encode(), "缺少必需的列：户编号、姓名"),
    ("两列.csv", "户编号,姓名,总费用,total\nH1,张三,100,100\n".encode(), "“总费用”这一列出现了两次"),
])
def test_a_file_that_cannot_be_read_at_all_says_so(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RosterError) as raised:
        read_roster(path)
    assert words in raised.value.message


def test_wrong_columns_are_named_and_unknown_ones_noted(tmp_path):
    text = "户编号, 姓 名 ,Total,备注\nH1,张三,100,x\n"  # spaces and case in headers are ignored
    roster = read_roster(_write(tmp_path, text))
    assert roster.notes == ["以下列不认识，没有读取：备注（可用的列名见模板）。"]
    assert _reasons(roster) == {2: "请填写本行的就诊日期；请选择本行的就诊类型（住院、门诊或门诊慢特病）。"}


# ---- formats ---------------------------------------------------------------------------------

def _summary(roster):
    return [(r.row, r.household_id, r.name, r.id_number, r.identities, r.visit) for r in roster.rows]


def test_gbk_utf8_and_bom_csv_read_the_same(tmp_path):
    utf8 = read_roster(_write(tmp_path, GOOD, "u.csv"))
    gbk = read_roster(_write(tmp_path, GOOD, "g.csv", "gbk"))
    bom = read_roster(_write(tmp_path, GOOD, "b.csv", "utf-8-sig"))
    assert _summary(utf8) == _summary(gbk) == _summary(bom)
    assert len(utf8.rows) == 6 and utf8.errors == []


def test_excel_roster_with_real_dates_and_an_id_stored_as_a_number(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["household_id", "name", "ID_number", "identities", "visit_date", "kind", "total"])
    sheet.append([1, "张父", FATHER, "低保", dt.datetime(2023, 6, 1), "住院", 60000.5])
    sheet.append([1, "张母", 1.50802197503150e17, "", dt.datetime(2023, 6, 2), "门诊", 100])
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    roster = read_roster(path)
    assert [(r.household_id, r.visit) for r in roster.rows] == [
        ("1", {"date": "2023-06-01", "kind": "inpatient", "total": Decimal("60000.50")})]
    assert _reasons(roster)[3].startswith("身份证号被存成了数字")
    # the same file arriving as an upload (bytes + its name) reads the same
    assert _summary(read_roster(path.read_bytes(), filename="上传.xlsx")) == _summary(roster)


def test_parquet_roster(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({"户编号": ["H1", "H1"], "姓名": ["张父", "张父"], "身份证号": [FATHER, FATHER],
                      "身份": ["低保", None], "就诊日期": [dt.date(2023, 6, 1), dt.date(2023, 7, 1)],
                      "就诊类型": ["住院", "门诊"], "总费用": pa.array([Decimal("60000.00"), Decimal("88.80")],
                                                                 pa.decimal128(12, 2))})
    path = tmp_path / "花名册.parquet"
    pq.write_table(table, path)
    (member,) = members(read_roster(path))
    assert member.identities == ("minimum_living",)
    assert [v["total"] for v in member.visits] == [Decimal("60000.00"), Decimal("88.80")]


# ---- a good roster: each member equals settle ---------------------------------------------------

def test_every_member_equals_settle_on_their_own_case(tmp_path):
    people = members(read_roster(_write(tmp_path, GOOD)))
    assert [(m.household_id, m.name, len(m.visits)) for m in people] == [
        ("H1", "张奶奶", 1), ("H1", "张父", 1), ("H1", "张孩", 0), ("H2", "李四", 3)]
    rows = screen(people, policy="bayannur-2023", per_capita_income=Decimal("36000"))
    for member, row in zip(people, rows):
        assert row.error is None
        if not member.visits:
            assert set(row.totals.values()) == {Decimal("0.00")}
            continue
        result = settle(case_for(member, policy="bayannur-2023", per_capita_income=Decimal("36000")))
        assert row.totals == {k: result["totals"][k] for k in row.totals}
        assert row.identity_applied == result["identity_applied"]


def test_household_h1_by_hand_from_the_clauses(tmp_path):
    people = members(read_roster(_write(tmp_path, GOOD)))
    grandmother, father, child = screen(people[:3], policy="bayannur-2023", per_capita_income=36000)
    # 张奶奶, 特困: in scope 20000 − 1000 = 19000; basic from the slip 12000; left 7000.
    # 大病 (第九条（二）: 特困 起付 14000 × 50% = 7000): (7000 − 7000) × 85% = 0.
    # 医疗救助 (第九条（三）“特困人员给予全额救助”): 7000 × 100% = 7000. She pays the 1000 目录外.
    assert grandmother.totals["critical_illness"] == Decimal("0.00")
    assert grandmother.totals["medical_aid"] == Decimal("7000.00")
    assert grandmother.totals["out_of_pocket"] == Decimal("1000.00")
    # 张父, 低保 — CONTRACT's worked example: 大病 (27000 − 7000) × 85% = 17000; 医疗救助 70% × 10000
    # = 7000 (第九条（三）“低保、孤儿按70%比例救助”); he pays 3000 目录外 + 3000 in scope = 6000.
    assert father.identity_applied == "minimum_living"
    assert (father.totals["critical_illness"], father.totals["medical_aid"], father.totals["out_of_pocket"]) == (
        Decimal("17000.00"), Decimal("7000.00"), Decimal("6000.00"))
    assert father.suggestions[0] == "医疗救助 7000.00 元"
    assert father.suggestions[1].startswith("办理：经相关部门认定即可直接获得医疗救助")
    # 张孩 has no visit: listed with every amount 0.00
    assert child.visits == 0 and child.totals["total"] == Decimal("0.00")


def test_monitoring_and_advice_come_from_the_result(tmp_path):
    people = members(read_roster(_write(tmp_path, GOOD)))
    (li,) = screen(people[3:], policy="bayannur-2023")
    result = settle(case_for(people[3], policy="bayannur-2023"))
    assert li.monitoring == tuple(f["message"] for f in result["flags"] if f["code"].startswith("monitoring"))
    assert len(li.monitoring) == 2 and "因病致贫监测" in li.monitoring[0]
    assert li.suggestions[0] == f"医疗救助 {result['totals']['medical_aid']:.2f} 元"


def test_a_member_the_core_rejects_comes_back_with_the_row_number(tmp_path):
    # bayannur-2023 does not cover 2019: the core numbers visits by date, the table names the row
    text = "\n".join([HEADER, f"H1,张父,{FATHER},低保,城乡居民,2019-07-01,住院,三级,本地,已转诊,6000,,,",
                      f"H1,张父,{FATHER},低保,城乡居民,2019-06-01,住院,三级,本地,已转诊,6000,,,"])
    people = members(read_roster(_write(tmp_path, text)))
    (row,) = screen(people, policy="bayannur-2023")
    assert row.error is not None and "第3行的就诊日期 2019-06-01" in row.error
    assert "次就诊" not in row.error
    assert row.rows == (2, 3)


def test_progress_reports_every_member_and_pooled_equals_in_process(tmp_path):
    lines = [HEADER] + [f"H{i},人{i},,低保,城乡居民,2023-0{1 + i % 9}-01,住院,三级,本地,已转诊,{1000 + 37 * i},,,"
                        for i in range(450)]
    people = members(read_roster(_write(tmp_path, "\n".join(lines))))
    seen = []
    pooled = screen(people, policy="bayannur-2023", progress=lambda done, total: seen.append((done, total)))
    alone = screen(people, policy="bayannur-2023", workers=1)
    assert pooled == alone
    assert seen[0] == (0, 450) and seen[-1] == (450, 450)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_an_unknown_engine_is_refused_in_chinese():
    from assistant.errors import InputError
    with pytest.raises(InputError, match="没有名为“gpu”的计算引擎"):
        screen([], engine="gpu")


# ---- keys: importing the same file twice adds nothing ------------------------------------------

def test_row_keys_are_stable_and_ignore_spelling(tmp_path):
    first = read_roster(_write(tmp_path, GOOD, "a.csv"))
    again = read_roster(_write(tmp_path, GOOD, "b.csv", "gbk"))
    assert [r.key for r in first.rows] == [r.key for r in again.rows]
    assert len({r.key for r in first.rows}) == len(first.rows)
    respelled = GOOD.replace("低保户", "低保对象").replace("2023-06-01", "2023/6/1").replace("60000,", "60000.00,")
    assert [r.key for r in read_roster(_write(tmp_path, respelled, "c.csv")).rows] == [r.key for r in first.rows]
    changed = GOOD.replace("60000,", "60001,")
    assert [r.key for r in read_roster(_write(tmp_path, changed, "d.csv")).rows][1] != first.rows[1].key
    assert row_key(first.rows[0]) == first.rows[0].key


def test_the_same_rows_twice_in_one_file_count_once(tmp_path):
    body = GOOD.split("\n", 1)[1]
    twice = read_roster(_write(tmp_path, GOOD + body))
    once = read_roster(_write(tmp_path, GOOD, "once.csv"))
    assert members(twice) == members(once)
    assert [e.row for e in twice.errors] == list(range(8, 14))


# ---- files out: masking everywhere -------------------------------------------------------------

def _all_text(path):
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return "\n".join(str(c) for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        return str(pq.read_table(path).to_pylist())
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_tables_mask_id_numbers_unless_asked(tmp_path, suffix):
    roster = read_roster(_write(tmp_path, GOOD.replace(f"2023.9.1", "2022.9.1"))).for_year(2023)
    rows = screen(members(roster), policy="bayannur-2023")
    written = write_table(rows, tmp_path / f"结果{suffix}", roster.errors)
    text = "\n".join(_all_text(p) for p in written)
    for number in (GRANDMOTHER, FATHER, CHILD, NEIGHBOUR):
        assert number not in text
    assert "1508**********0029" in text and "不在筛查的 2023 年度内" in text
    shown = write_table(rows, tmp_path / f"全号{suffix}", roster.errors, show_id=True)
    assert FATHER in "\n".join(_all_text(p) for p in shown)


def test_the_table_has_the_contract_columns_first_with_exact_amounts(tmp_path):
    rows = screen(members(read_roster(_write(tmp_path, GOOD))), policy="bayannur-2023", per_capita_income=36000)
    (out,) = write_table(rows, tmp_path / "结果.xlsx")
    book = load_workbook(out)
    sheet = book["筛查结果"]
    header = [c.value for c in sheet[1]]
    assert header[:13] == ["户编号", "姓名", "适用身份", "总费用", "基本医保", "大病保险", "医疗救助", "倾斜救助",
                           "重特大疾病医疗救助", "健康扶贫兜底", "个人自付", "监测提示", "建议申请"]
    father = [c for c in sheet[3]]
    assert [c.value for c in father[:3]] == ["H1", "张父", "低保对象"]
    assert father[10].value == 6000 and father[10].number_format == "0.00"
    assert book.sheetnames == ["筛查结果", "错误行"]
    import pyarrow.parquet as pq
    written = write_table(rows, tmp_path / "结果.parquet")
    table = pq.read_table(written[0])
    assert str(table.schema.field("个人自付").type) == "decimal128(14, 2)"
    assert table.column("个人自付").to_pylist()[1] == Decimal("6000.00")


def test_error_workbook_gives_back_the_original_columns_plus_the_reason(tmp_path):
    roster = read_roster(_write(tmp_path, BAD)).for_year(2023)
    book = load_workbook(io.BytesIO(error_workbook(roster)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER.split(",") + ["错误原因", "原行号"]
    assert [r[-1] for r in rows[1:]] == [2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14]
    assert rows[1][10] == "二万" and rows[1][-2].startswith("本行的总费用“二万”不是数字")
    assert rows[1][2] == "1508**********0044"  # masked unless show_id
    full = load_workbook(io.BytesIO(error_workbook(roster, show_id=True))).active
    assert list(full.iter_rows(values_only=True))[1][2] == GRANDMOTHER
    # fixed and imported again: our two extra columns are not reported as unknown
    path = tmp_path / "改好的.xlsx"
    path.write_bytes(error_workbook(roster, show_id=True))
    assert read_roster(path).notes == []


def test_template_reads_back_with_its_example_flagged(tmp_path):
    path = tmp_path / "模板.xlsx"
    path.write_bytes(template_xlsx())
    book = load_workbook(path)
    assert book.sheetnames == ["花名册", "填写说明"]
    assert book["花名册"]["C2"].number_format == "@"
    explained = [row[0] for row in book["填写说明"].iter_rows(min_row=2, max_row=16, values_only=True)]
    assert explained[:3] == ["户编号", "姓名", "身份证号"]
    roster = read_roster(path)
    assert _reasons(roster) == {2: "这是模板里的示例行，请删除后再导入。"}
    # the example is right in every other way: with its 户编号 changed it goes in
    book["花名册"]["A2"] = "H1"
    book.save(path)
    (member,) = members(read_roster(path))
    result = settle(case_for(member, policy="bayannur-2023", per_capita_income=36000))
    assert result["totals"]["out_of_pocket"] == Decimal("6000.00")  # the contract's worked example


def test_screening_inside_a_threaded_server_gives_the_same_rows(tmp_path):
    import threading
    lines = [HEADER] + [f"H{i},人{i},,边缘户,城乡居民,2023-05-01,住院,二级,本地,已转诊,{20000 + 91 * i},,," for i in range(60)]
    people = members(read_roster(_write(tmp_path, "\n".join(lines))))
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as Streamlit's server threads are
    server.start()
    try:
        spawned = screen(people, policy="bayannur-2023", workers=2)
    finally:
        stop.set()
        server.join()
    assert spawned == screen(people, policy="bayannur-2023", workers=1)


def test_error_workbook_hides_diagnoses_and_returns_members_the_core_refused(tmp_path):
    text = "\n".join([HEADER + ",疾病",
                      f"H1,张父,{FATHER},低保,城乡居民,2019-07-01,住院,三级,本地,已转诊,6000,,,,肺癌",
                      f"H2,李四,{NEIGHBOUR},低保,城乡居民,2023-07-01,住院,三级,本地,已转诊,二万,,,,糖尿病"])
    roster = read_roster(_write(tmp_path, text))
    table = screen(members(roster), policy="bayannur-2023")
    rows = list(load_workbook(io.BytesIO(error_workbook(roster, table))).active.iter_rows(values_only=True))
    assert [r[-1] for r in rows[1:]] == [2, 3]
    assert rows[1][-2].startswith("第2行的就诊日期 2019-07-01 不在")
    assert [r[14] for r in rows[1:]] == ["（已隐藏）", "（已隐藏）"]
    assert "肺癌" not in str(rows) and FATHER not in str(rows)


def test_excel_dates_come_back_as_dates_in_the_error_workbook(tmp_path):
    book = Workbook()
    book.active.append(["户编号", "姓名", "就诊日期", "就诊类型", "总费用"])
    book.active.append(["H1", "张三", dt.datetime(2023, 6, 1), "住院", "两千"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    back = tmp_path / "back.xlsx"
    back.write_bytes(error_workbook(read_roster(path)))
    (error,) = read_roster(back).errors  # the amount is still wrong, the date now reads fine
    assert error.reason == "本行的总费用“两千”不是数字，请只填写金额（元），例如 12345.67。"


def test_unknown_out_of_catalog_goes_to_the_core_as_unknown(tmp_path):
    text = "\n".join([HEADER, f"H1,张父,{FATHER},低保,城乡居民,2023-06-01,住院,三级,本地,已转诊,60000,不清楚,,30000"])
    (member,) = members(read_roster(_write(tmp_path, text)))
    case = case_for(member, policy="bayannur-2023")
    assert case["visits"][0]["out_of_catalog"] == "unknown"
    assert "range" in settle(case)  # the least and most the person could pay


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path):
    text = "\n".join([HEADER, '"=HYPERLINK(""http://x"",""点我"")",张三,,,,,,,,,,,,'])
    roster = read_roster(_write(tmp_path, text))
    rows = screen(members(roster), policy="bayannur-2023")
    out, _ = write_table(rows, tmp_path / "结果.csv")
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("\"'=HYPERLINK(")
    (book,) = write_table(rows, tmp_path / "结果.xlsx")
    cell = load_workbook(book)["筛查结果"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(")


def test_a_2019_naiman_roster_carries_the_disease_to_the_core(tmp_path):
    text = "\n".join([HEADER + ",疾病",
                      f"N1,王大,{FATHER},建档立卡,城乡居民,2019-05-01,住院,二级,本地,已转诊,30000,1000,,,肺癌",
                      f"N1,王大,{FATHER},,,2019-08-01,门诊慢特病,二级,本地,已转诊,3000,,,,肺癌"])
    (member,) = members(read_roster(_write(tmp_path, text)))
    assert [v["disease"] for v in member.visits] == ["肺癌", "肺癌"]
    (row,) = screen([member], policy="naiman-2019")
    result = settle(case_for(member, policy="naiman-2019"))
    assert row.totals == {k: result["totals"][k] for k in row.totals}
    assert row.totals["poverty_fund"] > 0 and row.suggestions[0].startswith("健康扶贫兜底 ")
