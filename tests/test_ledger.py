"""The ledger against SQLite and a real PostgreSQL server: storage, settling, deletion, audit, re-settling."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

from assistant.ledger import EditConflict, Ledger, LedgerError, audit
from assistant.ledger import households as book
from assistant.ledger import settling
from assistant.ledger.tables import (AuditEntry, Household, ImportedRow, Member, MemberIdentity, SettledYear,
                                     Visit)
from assistant.privacy import mask_id
from assistant.settlement import settle

from ledger_helpers import FATHER_ID, FATHER_PHONE, family, staff, stored_under_an_older_pack


@pytest.fixture
def ledger(ledger_url):
    opened = Ledger(ledger_url)
    yield opened
    opened.dispose()


def test_a_new_database_gets_the_whole_schema_and_matches_the_tables(ledger):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from assistant.ledger.db import current_revision
    assert current_revision(ledger.engine) == "0003"
    with ledger.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_opening_twice_keeps_the_data(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    again = Ledger(ledger.url)
    try:
        with again.session() as s:
            assert [m.name for m in book.members(s, ids["household"])] == ["李桂兰", "李建国", "李小明"]
    finally:
        again.dispose()


def test_amounts_are_kept_to_the_fen(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        book.add_visit(s, people.wang, ids["child"], ids["version"],
                       {"date": "2023-07-09", "kind": "门诊", "hospital_level": "一级", "total": "1234.57",
                        "out_of_catalog": "0.01", "category_b": "99.99"})
    with ledger.session() as s:
        stored = book.visits(s, [ids["child"]])[ids["child"]][0]
        raw = book.visit_raw(stored)
        assert (raw["total"], raw["out_of_catalog"], raw["category_b"]) == (
            Decimal("1234.57"), Decimal("0.01"), Decimal("99.99"))


def test_each_member_is_settled_with_their_own_identities(ledger):
    """The grandmother's 特困 never applies to the father's bills (the defect the issue reports)."""
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        year = settling.household_year(s, people.wang, ids["household"], 2023)
    by_name = {item.member.name: item for item in year.members}
    father = by_name["李建国"]
    assert father.result["identity_applied"] == "near_minimum_living"
    assert father.case["identities"] == ["near_minimum_living"]
    # the same case straight through the core gives the same figures
    assert father.result["totals"] == settle(father.case)["totals"]
    assert by_name["李桂兰"].result is None and by_name["李桂兰"].error == "本年度没有就诊记录。"
    assert year.totals["out_of_pocket"] == father.result["totals"]["out_of_pocket"]
    assert year.totals["total"] == Decimal("83000.00")  # 30000 + 50000 + 3000


def test_the_contract_example_settles_through_the_ledger_to_6000(ledger):
    """CONTRACT's worked example: 57000 in scope, basic 30000 from the slip, 大病 (27000 − 7000) × 85%
    = 17000, 医疗救助 70% × 10000 = 7000; the person pays 3000 + 3000 = 6000."""
    people = staff(ledger)
    with ledger.session() as s:
        home = book.create_household(s, people.wang, code="H009", village="红星村", region="巴彦淖尔市")
        person = book.add_member(s, people.wang, home.id, 1, {"name": "张三"}, ["低保户"])
        book.add_visit(s, people.wang, person.id, 2, {"date": "2023-06-01", "kind": "住院", "hospital_level": "三级",
                                                      "total": "60000", "out_of_catalog": "3000", "basic_paid": "30000"})
        year = settling.household_year(s, people.wang, home.id, 2023)
        result = year.members[0].result
        assert result["totals"]["critical_illness"] == (Decimal(27000) - 7000) * Decimal("0.85")
        assert result["totals"]["medical_aid"] == Decimal(10000) * Decimal("0.70")
        assert result["totals"]["out_of_pocket"] == Decimal("6000.00")
        row = s.exec(select(SettledYear).where(SettledYear.member_id == person.id)).one()
        assert row.out_of_pocket_fen == 600000
        assert row.policy == "bayannur-2023"
        assert row.pack_version == settling.pack_version("bayannur-2023")
        assert row.pack_version.startswith("bayannur-2023 ") and "#" in row.pack_version
        assert row.fingerprint == result["basis"]["fingerprint"] and len(row.fingerprint) == 12
        assert settling.stored(row)["totals"]["out_of_pocket"] == Decimal("6000.00")


def test_monitoring_and_what_to_apply_for_come_from_the_result(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        year = settling.household_year(s, people.wang, ids["household"], 2023)
    father = next(i for i in year.members if i.member.id == ids["father"])
    burden = father.result["totals"]["total"] - father.result["totals"]["basic"] - father.result["totals"]["critical_illness"]
    lines = settling.monitoring(father.result)
    # 第十条: above 50% of 19641 (9820.50) → 因病返贫; above 19641 → 因病致贫
    expected = ["因病返贫监测"] if Decimal("9820.50") < burden <= Decimal("19641") else (
        ["因病致贫监测", "因病返贫监测"] if burden > Decimal("19641") else [])
    assert sorted(x["what"] for x in lines) == sorted(expected) and expected
    assert all(x["citations"][0]["clause"] == "第十条" for x in lines)
    advice = settling.advice(father.result)
    assert advice[0]["what"].startswith("应享受医疗救助")
    assert "医保经办机构" in advice[0]["need"]  # 低保边缘 apply themselves (第十一条)
    assert advice[0]["citations"][0]["clause"] == "第十一条"


def test_a_visit_not_referred_says_to_get_the_referral_papers(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        home = book.create_household(s, people.wang, code="H010", village="红星村", region="巴彦淖尔市")
        person = book.add_member(s, people.wang, home.id, 1, {"name": "周强"}, ["低保对象"])
        book.add_visit(s, people.wang, person.id, 2, {"date": "2023-04-01", "kind": "住院", "hospital_level": "三级",
                                                      "location": "省外", "referral": "未转诊", "total": "80000"})
        result = settling.household_year(s, people.wang, home.id, 2023).members[0].result
    assert result["totals"]["medical_aid"] == Decimal("0.00")
    needs = {a["what"]: a for a in settling.advice(result)}
    assert "补办转诊手续" in needs and needs["补办转诊手续"]["citations"][0]["clause"] == "第十二条"


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        with pytest.raises(LedgerError, match="校验位"):
            book.add_member(s, people.wang, ids["household"], ids["version"], {"name": "错号", "id_number": FATHER_ID[:-1] + "0"
                                                                              if FATHER_ID[-1] != "0" else FATHER_ID[:-1] + "1"})
        with pytest.raises(LedgerError, match="不是数字"):
            book.add_visit(s, people.wang, ids["child"], ids["version"], {"date": "2023-01-02", "kind": "门诊",
                                                                          "total": "三百"})
        with pytest.raises(LedgerError, match="负数"):
            book.add_visit(s, people.wang, ids["child"], ids["version"], {"date": "2023-01-02", "kind": "门诊",
                                                                          "total": "-5"})
        with pytest.raises(LedgerError, match="无法识别"):
            book.add_member(s, people.wang, ids["household"], ids["version"], {"name": "某人"}, ["外星人"])
        assert s.get(Household, ids["household"]).version == ids["version"]
        assert len(book.members(s, ids["household"])) == 3


def test_deleting_a_household_removes_everything_for_good(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        settling.household_year(s, people.wang, ids["household"], 2023)
        s.add(ImportedRow(key="k" * 40, household_id=ids["household"]))
        s.commit()
        counts = book.delete_household(s, people.wang, ids["household"], ids["version"])
        assert counts == {"members": 3, "visits": 3}
    with ledger.session() as s:
        for table in (Household, Member, MemberIdentity, Visit, SettledYear, ImportedRow):
            assert s.exec(select(table)).all() == [], table.__name__
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).one()
        assert entry.username == "wang" and "李建国" in entry.before["成员"]


def test_the_audit_log_never_holds_an_id_number_phone_or_diagnosis(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        book.update_member(s, people.wang, ids["father"], ids["version"], {"phone": "13900001111"})
        rows = s.exec(select(AuditEntry)).all()
        assert rows
        with ledger.engine.connect() as connection:  # the raw stored text, not what the ORM shows
            raw = " ".join(str(r) for r in connection.execute(text("SELECT * FROM audit_entry")))
    assert FATHER_ID not in raw and FATHER_PHONE not in raw and "13900001111" not in raw
    assert "肺癌" not in raw
    assert mask_id(FATHER_ID) in raw and "139****1111" in raw
    described = [audit.describe(r) for r in rows if r.action == "update"]
    assert any("电话：138****5678 → 139****1111" in line for line in described)


def test_every_change_is_in_the_log_with_who_and_before_after(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        book.update_household(s, people.zhao, ids["household"], ids["version"], address="红星村三组")
        last = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.username, last.action, last.entity) == ("zhao", "update", "household")
    assert last.before["地址"] is None and last.after["地址"] == "红星村三组"
    assert isinstance(last.at, dt.datetime)


def test_two_cadres_editing_one_household_the_second_is_told_what_changed(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    shown = ids["version"]  # both opened the household at this version
    with ledger.session() as first, ledger.session() as second:
        book.update_member(first, people.wang, ids["father"], shown, {"phone": "13700000000"},
                           [{"code": "低保对象", "recognised_on": "2023-06-01"}])
        with pytest.raises(EditConflict) as raised:
            book.update_member(second, people.zhao, ids["father"], shown, {"name": "李建军"})
    conflict = raised.value
    assert conflict.version == shown + 1
    assert "已有人保存了修改" in conflict.message
    assert any("wang 修改了成员“李建国”" in line and "身份" in line and "低保对象" in line for line in conflict.changes)
    assert not any("13700000000" in line for line in conflict.changes)  # masked there too
    with ledger.session() as s:
        father = s.get(Member, ids["father"])
        assert father.name == "李建国" and father.phone == "13700000000"


def test_simultaneous_saves_exactly_one_wins(ledger):
    """Two threads save against the same version at once: the database lets exactly one through."""
    import threading
    people = staff(ledger)
    ids = family(ledger, people.wang)
    start = threading.Barrier(2)
    outcome = {}

    def save(actor, address):
        with ledger.session() as s:
            start.wait()
            try:
                book.update_household(s, actor, ids["household"], ids["version"], address=address)
                outcome[address] = "saved"
            except EditConflict:
                outcome[address] = "conflict"

    threads = [threading.Thread(target=save, args=(people.wang, "一组")),
               threading.Thread(target=save, args=(people.zhao, "二组"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(a for a, o in outcome.items() if o == "saved")
    with ledger.session() as s:
        home = s.get(Household, ids["household"])
        assert (home.address, home.version) == (winner, ids["version"] + 1)


def test_when_the_knowledge_changes_the_workspace_settles_again_and_lists_the_changes(ledger):
    """A year stored under an older pack (another version, other figures) is found and settled again."""
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        settling.household_year(s, people.wang, ids["household"], 2023)
        assert settling.stale_years(s, people.wang) == []
        # as it was stored under last year's statistic: 500.00 more out of pocket, another pack version
        now_pays = stored_under_an_older_pack(s, ids["father"], 500)
        stale = settling.stale_years(s, people.wang)
        assert [r.member_id for r in stale] == [ids["father"]]
        # opening the household does not quietly replace it: the change waits to be listed
        settling.household_year(s, people.wang, ids["household"], 2023)
        assert [r.member_id for r in settling.stale_years(s, people.wang)] == [ids["father"]]
        assert settling.stale_years(s, people.liu) == []  # another village's cadre sees nothing of it
        changed = settling.resettle(s, people.wang)
        assert len(changed) == 1
        change = changed[0]
        assert (change["member"], change["year"]) == ("李建国", 2023)
        assert change["before"] == now_pays + 500 and change["after"] == now_pays
        assert change["difference"] == Decimal("-500.00")
        assert settling.stale_years(s, people.wang) == []
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "resettle")).one().username == "wang"


def test_the_household_list_reads_the_stored_years(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    other = family(ledger, people.wang, code="H002")
    with ledger.session() as s:
        assert settling.stored_summary(s, [ids["household"]], 2023) == {ids["household"]: (Decimal("0.00"), [])}
        year = settling.household_year(s, people.wang, ids["household"], 2023)
        summary = settling.stored_summary(s, [ids["household"], other["household"]], 2023)
    pays, crossed = summary[ids["household"]]
    assert pays == year.totals["out_of_pocket"] and crossed == ["因病返贫监测"]
    assert summary[other["household"]] == (Decimal("0.00"), [])  # not settled yet: nothing stored
    assert year.totals["paid"] == year.totals["total"] - year.totals["out_of_pocket"]
