"""A roster through the workspace's import: good rows stored and settled, bad rows returned in the
error workbook with 错误原因, the same file twice adds nothing, the export masks ID numbers."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from assistant.errors import InputError
from assistant.ledger import Ledger, NotAllowed
from assistant.ledger import households as book
from assistant.ledger.importing import export_table, import_roster
from assistant.ledger.tables import AuditEntry, Household, ImportedRow, Member, MemberIdentity, SettledYear, Visit
from assistant.privacy import mask_id
from assistant.settlement import settle

from ledger_helpers import id_number, staff

HEADER = "户编号,姓名,身份证号,身份,参保类型,就诊日期,就诊类型,医院等级,就医地,转诊,总费用,目录外费用,乙类费用,基本医保已支付"
ZHANG = id_number("15080219750315002")
LI = id_number("15080219800101001")
WRONG = LI[:-1] + ("1" if LI[-1] != "1" else "2")
ROSTER = "\n".join([
    HEADER,
    f"H1,张父,{ZHANG},低保户,城乡居民,2023-06-01,住院,三级,本地,已转诊,60000,3000,0,30000",   # 2: the contract's case
    "H1,张孩,,,城乡居民,,,,,,,,,",                                                             # 3: no visit this year
    f"H2,李四,{LI},边缘户,城乡居民,2023-03-01,住院,三级,本地,已转诊,80000,5000,,",                 # 4
    f"H2,李四,{LI},边缘户,城乡居民,2023/3/1,住院,三级,本地,已转诊,80000.00,5000,,",                # 5: duplicate of 4
    f"H2,李四,{LI},,,2022-12-30,住院,三级,本地,已转诊,3000,,,",                                  # 6: another year
    "H3,王五,,贫困边缘,城乡居民,2023-04-01,住院,二级,本地,已转诊,5000,,,",                        # 7: unknown identity
    f"H3,赵六,{WRONG},,城乡居民,2023-04-01,门诊,一级,本地,无需,500,,,",                           # 8: check digit
    "H3,钱七,,,城乡居民,2023-05-01,住院,二级,本地,已转诊,三千,,,",                                 # 9: text amount
]) + "\n"


@pytest.fixture
def ledger(ledger_url):
    opened = Ledger(ledger_url)
    yield opened
    opened.dispose()


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_a_bad_roster_imports_the_good_rows_and_returns_the_bad_ones(ledger):
    people = staff(ledger)
    progress = []
    with ledger.session() as s:
        report = import_roster(s, people.wang, ROSTER.encode("utf-8"), "花名册.csv", village="红星村",
                               region="巴彦淖尔市", progress=lambda done, total: progress.append((done, total)))
        assert report.year == 2023
        assert (report.added_rows, report.new_households, report.new_members, report.new_visits) == (3, 2, 3, 2)
        reasons = {e.row: e.reason for e in report.errors}
        assert sorted(reasons) == [5, 6, 7, 8, 9]
        assert reasons[5].startswith("与第4行内容相同")
        assert "2022-12-30" in reasons[6] and "2023 年度" in reasons[6]
        assert "贫困边缘" in reasons[7] and "校验位" in reasons[8] and "三千" in reasons[9]
        assert progress[-1] == (3, 3) and [d for d, _ in progress] == [1, 2, 3]
        # stored: two households in 红星村, their members with identities, each year settled
        homes = book.visible_households(s, people.wang)
        assert [(h.code, h.village, h.region, h.version) for h in homes] == [
            ("H1", "红星村", "巴彦淖尔市", 1), ("H2", "红星村", "巴彦淖尔市", 1)]
        zhang = s.exec(select(Member).where(Member.name == "张父")).one()
        assert zhang.id_number == ZHANG
        assert [i.code for i in s.exec(select(MemberIdentity).where(MemberIdentity.member_id == zhang.id))] == [
            "minimum_living"]
        stored = s.exec(select(SettledYear).where(SettledYear.member_id == zhang.id)).one()
        # the contract's worked example: (27000 − 7000) × 85% = 17000 大病, 70% × 10000 救助, pays 6000
        assert stored.out_of_pocket_fen == 600000
        li = s.exec(select(Member).where(Member.name == "李四")).one()
        li_case = {"region": "巴彦淖尔市", "identities": ["near_minimum_living"], "visits": [
            {"date": "2023-03-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
             "referral": "referred", "total": 80000, "out_of_catalog": 5000}]}
        li_row = s.exec(select(SettledYear).where(SettledYear.member_id == li.id)).one()
        assert Decimal(li_row.totals["out_of_pocket"]) == settle(li_case)["totals"]["out_of_pocket"]
        # the import is in the audit log, one entry per household touched
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).all()
        assert sorted(e.after["户编号"] for e in entries) == ["H1", "H2"]
    workbook = load_workbook(io.BytesIO(report.error_workbook()))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert "错误原因" in headers and "户编号" in headers and "总费用" in headers
    reason_column = headers.index("错误原因")
    assert len([r for r in sheet.iter_rows(min_row=2, values_only=True) if r[reason_column]]) == 5


def test_importing_the_same_file_twice_adds_nothing(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        import_roster(s, people.wang, ROSTER.encode("utf-8"), "花名册.csv", village="红星村", region="巴彦淖尔市")
        counts = [_count(s, t) for t in (Household, Member, MemberIdentity, Visit, ImportedRow, SettledYear)]
        again = import_roster(s, people.wang, ROSTER.encode("gbk"), "花名册（再次）.csv", village="红星村",
                              region="巴彦淖尔市")
        assert (again.added_rows, again.skipped_rows, again.new_visits) == (0, 3, 0)
        assert [_count(s, t) for t in (Household, Member, MemberIdentity, Visit, ImportedRow, SettledYear)] == counts
        # a new row for a known member adds just that visit to the same person
        more = ROSTER + f"H2,李四,{LI},边缘户,城乡居民,2023-09-01,门诊慢特病,二级,本地,已转诊,4000,,,\n"
        third = import_roster(s, people.wang, more.encode("utf-8"), "花名册.csv", village="红星村", region="巴彦淖尔市")
        assert (third.added_rows, third.new_members, third.new_visits) == (1, 0, 1)
        li = s.exec(select(Member).where(Member.name == "李四")).one()
        assert len(book.visits(s, [li.id], 2023)[li.id]) == 2


def test_a_file_that_is_not_a_roster_is_refused_and_nothing_is_written(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        with pytest.raises(InputError) as raised:
            import_roster(s, people.wang, "名字,年龄\n张三,40\n".encode(), "别的表.csv", village="红星村",
                          region="巴彦淖尔市")
        assert "户编号" in raised.value.message
        with pytest.raises(InputError):
            import_roster(s, people.wang, b"\x00\x01not a spreadsheet", "花名册.xlsx", village="红星村",
                          region="巴彦淖尔市")
        assert _count(s, Household) == 0 and _count(s, ImportedRow) == 0


def test_a_cadre_imports_only_into_their_own_village(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        with pytest.raises(NotAllowed):
            import_roster(s, people.liu, ROSTER.encode(), "花名册.csv", village="红星村", region="巴彦淖尔市")


def test_the_export_masks_id_numbers_unless_an_admin_asks(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        import_roster(s, people.wang, ROSTER.encode("utf-8"), "花名册.csv", village="红星村", region="巴彦淖尔市")
        csv_text = export_table(s, people.wang, 2023, ".csv").decode("utf-8-sig")
        xlsx = export_table(s, people.wang, 2023, ".xlsx")
        with pytest.raises(NotAllowed):
            export_table(s, people.wang, 2023, ".csv", show_id=True)
        full = export_table(s, people.admin, 2023, ".csv", show_id=True).decode("utf-8-sig")
        assert export_table(s, people.liu, 2023, ".csv").decode("utf-8-sig").count("\n") == 1  # header only
        exports = s.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert ZHANG not in csv_text and LI not in csv_text and mask_id(ZHANG) in csv_text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("户编号,姓名,适用身份,总费用,基本医保,大病保险,医疗救助,倾斜救助,重特大疾病医疗救助,健康扶贫兜底,个人自付,监测提示,建议申请")
    zhang_line = next(line for line in lines if line.startswith("H1,张父"))
    assert ",6000.00," in zhang_line
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert ZHANG not in cells and mask_id(ZHANG) in cells
    assert ZHANG in full
    assert [e.after["完整身份证号"] for e in exports] == ["否", "否", "是", "否"]
