"""The workspace pages through AppTest: set-up, login, a cadre's villages only, the version check
as the second cadre sees it, the what-if, deleting a household for good; never in kiosk mode."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from assistant.ledger import Ledger, settling
from assistant.ledger import households as book
from assistant.ledger.tables import Household, Member, Visit
from conftest import ROOT

from ledger_helpers import PASSWORD, family, staff, stored_under_an_older_pack

PAGE = str(ROOT / "views" / "workspace.py")


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SANCHONG_ADMIN_USER", raising=False)
    opened = Ledger(url)
    yield opened
    opened.dispose()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return _run(at)


def _signed_in(username: str) -> AppTest:
    at = _run(AppTest.from_file(PAGE, default_timeout=60))
    at.text_input(key="ws_login_user").input(username)
    at.text_input(key="ws_login_password").input(PASSWORD)
    return _submit(at, "登录")


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_first_run_asks_for_the_admin_then_the_login(ledger):
    at = _run(AppTest.from_file(PAGE, default_timeout=60))
    assert [t.label for t in at.text_input][:1] == ["登录名"] and "设置管理员账号" in at.subheader[0].value
    at.text_input(key="ws_setup_user").input("admin")
    at.text_input(key="ws_setup_password").input(PASSWORD)
    at.text_input(key="ws_setup_again").input(PASSWORD)
    _submit(at, "创建管理员")
    assert at.session_state["ws_actor"].is_admin
    assert "账号管理" in at.radio(key="ws_section").options
    fresh = _run(AppTest.from_file(PAGE, default_timeout=60))
    assert "登录" in fresh.subheader[0].value


def test_a_wrong_password_is_refused_without_saying_which_part(ledger):
    staff(ledger)
    at = _run(AppTest.from_file(PAGE, default_timeout=60))
    at.text_input(key="ws_login_user").input("wang")
    at.text_input(key="ws_login_password").input("not-the-password")
    _submit(at, "登录")
    assert "ws_actor" not in at.session_state
    assert [e.value for e in at.error] == ["登录名或密码不对，请重新输入。忘记密码请找管理员重设。"
                                           "连续输错5次，账号会锁定15分钟。"]


def test_after_five_wrong_passwords_the_page_says_the_account_waits_and_until_when(ledger):
    staff(ledger)
    at = _run(AppTest.from_file(PAGE, default_timeout=60))
    for attempt in range(6):  # five wrong, then the right one
        at.text_input(key="ws_login_user").input("wang")
        at.text_input(key="ws_login_password").input(PASSWORD if attempt == 5 else f"guess-{attempt}")
        _submit(at, "登录")
    assert "ws_actor" not in at.session_state
    (message,) = [e.value for e in at.error]
    assert "锁定" in message and re.search(r"\d\d:\d\d以后再试", message) and "管理员" in message


def test_a_cadre_sees_only_their_villages_and_no_account_management(ledger):
    people = staff(ledger)
    mine = family(ledger, people.wang)
    other = family(ledger, people.liu, code="S001", village="胜利村")
    at = _signed_in("wang")
    assert at.radio(key="ws_section").options == ["农户", "导入花名册", "知识更新", "操作记录"]
    keys = {b.key for b in at.button}
    assert f"ws_open_{mine['household']}" in keys and f"ws_open_{other['household']}" not in keys


def test_the_household_shows_totals_who_is_flagged_and_the_clause(ledger):
    people, ids, at = _open_household(ledger)
    with ledger.session() as s:
        expected = settling.household_year(s, people.wang, ids["household"], 2023, store=False)
    shown = re.search(r'data-testid="ws-household-oop" data-amount="([\d.]+)"', _text(at)).group(1)
    assert Decimal(shown) == expected.totals["out_of_pocket"]
    text = _text(at)
    assert "因病返贫监测" in text and "第十条" in text and "第十一条" in text
    assert "150802" not in text.replace("1508**********", "")  # ID numbers masked on the page
    at.button(key=f"ws_view_{ids['father']}").click()
    _run(at)
    assert re.search(r'data-testid="ws-member-oop" data-amount="([\d.]+)"', _text(at))


def test_what_if_another_stay_is_settled_and_not_saved(ledger):
    people, ids, at = _open_father(ledger)
    at.text_input(key=f"ws_wi_total_{ids['father']}").input("20000")
    _submit(at, "算一算")
    said = next(m.value for m in at.markdown if "再住一次院" in m.value and "比现在多" in m.value)
    with ledger.session() as s:
        year = settling.household_year(s, people.wang, ids["household"], 2023, store=False)
        father = next(i for i in year.members if i.member.id == ids["father"])
        case = {**father.case, "visits": [*father.case["visits"], {
            "date": "2023-08-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
            "referral": "referred", "total": "20000"}]}
        from assistant.settlement import settle
        more = settle(case)["totals"]["out_of_pocket"] - father.result["totals"]["out_of_pocket"]
        assert f"比现在多 **{more:,.2f} 元**" in said
        assert len(s.exec(select(Visit)).all()) == 3  # nothing saved


def test_the_second_cadre_is_told_what_changed_and_nothing_is_overwritten(ledger):
    people, ids, at = _open_household(ledger, "zhao")
    # while zhao looks at the household, wang saves a change
    with ledger.session() as s:
        book.update_household(s, people.wang, ids["household"], ids["version"], address="红星村一组")
    at.text_input(key=f"ws_h_address_{ids['household']}").input("红星村二组")
    _submit(at, "保存")
    conflict = [e.value for e in at.error]
    assert any("已有人保存了修改" in e for e in conflict), conflict
    assert "wang 修改了户“H001”：地址：（空） → 红星村一组" in _text(at)
    with ledger.session() as s:
        assert s.get(Household, ids["household"]).address == "红星村一组"
    # the page now shows the latest version: saving again goes through
    _submit(at, "保存")
    with ledger.session() as s:
        assert s.get(Household, ids["household"]).address == "红星村二组"


def test_deleting_a_household_says_it_is_gone_for_good(ledger):
    people, ids, at = _open_household(ledger)
    assert at.button(key=f"ws_del_{ids['household']}").disabled
    at.checkbox(key=f"ws_del_sure_{ids['household']}").check()
    _run(at)
    at.button(key=f"ws_del_{ids['household']}").click()
    _run(at)
    assert any("已永久删除户编号 H001：3 位成员、3 条就诊记录" in s.value and "无法恢复" in s.value for s in at.success)
    with ledger.session() as s:
        assert s.exec(select(Household)).all() == [] and s.exec(select(Member)).all() == []


def test_kiosk_mode_never_shows_the_workspace(ledger):
    staff(ledger)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["app_kiosk"] = True
    _run(at)
    assert not at.text_input and "自助机模式下不提供工作台" in at.info[0].value
    for kiosk in ("0", "1"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.query_params["kiosk"] = kiosk
        _run(app)
        if kiosk == "0":  # a cadre's browser: the page is there and asks to log in
            _run(app.switch_page("views/workspace.py"))
            assert any("设置管理员账号" in h.value or "登录" in h.value for h in app.subheader)
        else:  # a kiosk: the page is not even registered
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                app.switch_page("views/workspace.py")


def _open_household(ledger, user: str = "wang"):
    """wang's family in the ledger, its household opened by `user`: (people, ids, the page)."""
    people = staff(ledger)
    ids = family(ledger, people.wang)
    at = _signed_in(user)
    at.button(key=f"ws_open_{ids['household']}").click()
    return people, ids, _run(at)


def _open_father(ledger):
    people, ids, at = _open_household(ledger)
    at.button(key=f"ws_view_{ids['father']}").click()
    return people, ids, _run(at)


def test_a_visit_with_text_for_its_amount_is_refused_in_chinese_and_kept_on_screen(ledger):
    people, ids, at = _open_father(ledger)
    prefix = f"ws_v_{ids['father']}"
    at.text_input(key=f"{prefix}_total").input("三千块")
    _submit(at, "保存就诊记录")
    assert any("不是数字" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_input(key=f"{prefix}_total").value == "三千块"  # what the cadre typed is not lost
    with ledger.session() as s:
        assert len(s.exec(select(Visit)).all()) == 3


def test_editing_a_visit_changes_the_year_and_is_logged(ledger):
    people, ids, at = _open_father(ledger)
    with ledger.session() as s:
        first = book.visits(s, [ids["father"]])[ids["father"]][0]
    at.text_input(key=f"ws_ev_{first.id}_total").input("40000")
    _submit(at, "保存修改")
    assert any("已保存修改" in m.value for m in at.success)
    with ledger.session() as s:
        assert s.get(Visit, first.id).total_fen == 4_000_000
        year = settling.household_year(s, people.wang, ids["household"], 2023, store=False)
        from assistant.ledger import audit
        last = audit.entries(s, people.wang)[0]
    assert year.totals["total"] == Decimal("93000.00")  # 40000 + 50000 + 3000
    assert audit.describe(last).startswith("wang 修改了就诊记录") and "总费用：30000.00 → 40000.00" in audit.describe(last)
    shown = re.search(r'data-testid="ws-household-oop" data-amount="([\d.]+)"', _text(at)).group(1)
    assert Decimal(shown) == year.totals["out_of_pocket"]


def test_only_an_admin_can_reveal_a_whole_id_number_and_it_is_logged(ledger):
    from ledger_helpers import FATHER_ID
    people = staff(ledger)
    ids = family(ledger, people.wang)
    for username in ("wang", "admin"):
        at = _signed_in(username)
        at.button(key=f"ws_open_{ids['household']}").click()
        _run(at)
        at.button(key=f"ws_view_{ids['father']}").click()
        _run(at)
        assert FATHER_ID not in _text(at)
        reveal = [b for b in at.button if b.key == f"ws_reveal_btn_{ids['father']}"]
        assert bool(reveal) == (username == "admin")
    reveal[0].click()
    _run(at)
    assert FATHER_ID in _text(at)
    with ledger.session() as s:
        from assistant.ledger import audit
        entry = audit.entries(s, people.admin)[0]
    assert (entry.username, entry.action, entry.entity_id) == ("admin", "reveal", ids["father"])


def test_the_knowledge_page_lists_whose_figures_changed(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        settling.household_year(s, people.wang, ids["household"], 2023)
        pays = stored_under_an_older_pack(s, ids["father"], "123.45")
    at = _signed_in("wang")
    at.radio(key="ws_section").set_value("知识更新")
    _run(at)
    assert any("有 1 个成员年度是按旧的政策知识计算的" in w.value for w in at.warning)
    at.button(key="ws_resettle_go").click()
    _run(at)
    listed = _text(at)
    assert f"个人自付 {pays + Decimal('123.45'):.2f} → **{pays:.2f}** 元（-123.45）" in listed and "李建国" in listed
    assert any("所有保存的结果都是按当前的政策知识计算的" in s.value for s in at.success)


def test_visits_before_the_identity_was_recognised_are_pointed_out(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        book.update_member(s, people.wang, ids["father"], ids["version"], {},
                           [{"code": "低保边缘家庭成员", "recognised_on": "2023-06-01", "recognised_by": "民政局"}])
    at = _signed_in("wang")
    at.button(key=f"ws_open_{ids['household']}").click()
    _run(at)
    at.button(key=f"ws_view_{ids['father']}").click()
    _run(at)
    note = next(m.value for m in at.markdown if "早于" in m.value)
    assert "2 次就诊早于低保边缘家庭成员的认定日期（2023-06-01）" in note  # 03-01 and 05-01
    assert "前溯12个月" in note and "第九条（三）" in note
