"""Login and roles: hashed passwords, the first admin, villages per cadre, who reads the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from assistant.ledger import Ledger, LedgerError, NotAllowed, audit, auth
from assistant.ledger import households as book
from assistant.ledger import settling

from ledger_helpers import PASSWORD, family, staff


@pytest.fixture
def ledger(ledger_url):
    opened = Ledger(ledger_url)
    yield opened
    opened.dispose()


def test_passwords_are_stored_as_argon2_hashes_only(ledger):
    staff(ledger)
    with ledger.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT password_hash FROM ledger_user"))]
        everything = " ".join(str(r) for r in connection.execute(text("SELECT * FROM ledger_user")))
    assert len(stored) == 4 and all(h.startswith("$argon2id$") for h in stored)
    assert PASSWORD not in everything


def test_sign_in_with_the_right_password_only(ledger):
    staff(ledger)
    with ledger.session() as s:
        actor = auth.sign_in(s, "wang", PASSWORD)
        assert actor is not None and (actor.role, actor.villages) == ("cadre", ("红星村",))
        assert auth.sign_in(s, "wang", PASSWORD + "x") is None
        assert auth.sign_in(s, "nobody", PASSWORD) is None
        assert auth.sign_in(s, "wang", "") is None


def test_a_disabled_account_cannot_sign_in(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        auth.update_user(s, people.admin, people.wang.id, active=False)
        assert auth.sign_in(s, "wang", PASSWORD) is None
        auth.update_user(s, people.admin, people.wang.id, active=True, password="新的密码456789")
        assert auth.sign_in(s, "wang", PASSWORD) is None
        assert auth.sign_in(s, "wang", "新的密码456789") is not None
        described = [audit.describe(e) for e in audit.entries(s, people.admin)]
    assert any("密码" in line and "已重设" in line for line in described)
    assert not any("新的密码456789" in line for line in described)


def test_five_wrong_passwords_in_a_row_lock_the_account_for_a_while(ledger):
    import datetime as dt
    from assistant.ledger.tables import User
    people = staff(ledger)
    start = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Beijing
    with ledger.session() as s:
        for n in range(auth.MAX_FAILURES - 1):  # four wrong, then right: the count starts again
            assert auth.sign_in(s, "wang", "猜的密码", at=start) is None
        assert auth.sign_in(s, "wang", PASSWORD, at=start) is not None
        for n in range(auth.MAX_FAILURES):
            assert auth.sign_in(s, "wang", "猜的密码", at=start) is None
        with pytest.raises(auth.Locked, match="09:15"):   # even the right password waits
            auth.sign_in(s, "wang", PASSWORD, at=start + dt.timedelta(minutes=14))
        assert auth.sign_in(s, "liu", PASSWORD, at=start) is not None  # other accounts are not touched
        assert auth.sign_in(s, "wang", PASSWORD, at=start + dt.timedelta(minutes=16)) is not None
        for n in range(auth.MAX_FAILURES):
            auth.sign_in(s, "wang", "又猜错了", at=start + dt.timedelta(minutes=20))
        assert auth.locked_until(s.get(User, people.wang.id), start + dt.timedelta(minutes=21))
        auth.update_user(s, people.admin, people.wang.id, password="管理员给的新密码")  # an admin unlocks at once
        assert auth.sign_in(s, "wang", "管理员给的新密码", at=start + dt.timedelta(minutes=21)) is not None
        described = [audit.describe(e) for e in audit.entries(s, people.admin)]
    assert sum("锁定" in line for line in described) == 2
    assert not any("猜的密码" in line or "又猜错了" in line for line in described)


def test_the_first_admin_is_made_once(ledger):
    with ledger.session() as s:
        assert auth.needs_setup(s)
        with pytest.raises(LedgerError, match="至少 8 位"):
            auth.create_first_admin(s, "admin", "short")
        auth.create_first_admin(s, "admin", PASSWORD)
        assert not auth.needs_setup(s)
        with pytest.raises(NotAllowed, match="已经设置过"):
            auth.create_first_admin(s, "admin2", PASSWORD)


def test_the_first_admin_can_come_from_the_environment(ledger, monkeypatch):
    monkeypatch.setenv("SANCHONG_ADMIN_USER", "root-admin")
    monkeypatch.setenv("SANCHONG_ADMIN_PASSWORD", PASSWORD)
    with ledger.session() as s:
        made = auth.admin_from_environment(s)
        assert made is not None and made.is_admin
        assert auth.admin_from_environment(s) is None  # only while there is no admin
        assert auth.sign_in(s, "root-admin", PASSWORD).is_admin


def test_only_an_admin_manages_cadres(ledger):
    people = staff(ledger)
    with ledger.session() as s:
        with pytest.raises(NotAllowed, match="只有管理员"):
            auth.create_cadre(s, people.wang, "x", PASSWORD, "x", ["红星村"])
        with pytest.raises(NotAllowed):
            auth.users(s, people.wang)
        with pytest.raises(LedgerError, match="至少填写一个负责的村"):
            auth.create_cadre(s, people.admin, "x", PASSWORD, "x", [])
        with pytest.raises(LedgerError, match="已经有人用了"):
            auth.create_cadre(s, people.admin, "wang", PASSWORD, "x", ["红星村"])


def test_a_cadre_sees_only_their_villages(ledger):
    people = staff(ledger)
    ids = family(ledger, people.wang)
    other = family(ledger, people.liu, code="S001", village="胜利村")
    with ledger.session() as s:
        assert [h.code for h in book.visible_households(s, people.wang)] == ["H001"]
        assert [h.code for h in book.visible_households(s, people.liu)] == ["S001"]
        assert sorted(h.code for h in book.visible_households(s, people.admin)) == ["H001", "S001"]
        with pytest.raises(NotAllowed, match="不是您负责的村"):
            book.household(s, people.liu, ids["household"])
        with pytest.raises(NotAllowed):
            settling.household_year(s, people.liu, ids["household"], 2023)
        with pytest.raises(NotAllowed):
            book.update_member(s, people.liu, ids["father"], ids["version"], {"name": "改名"})
        with pytest.raises(NotAllowed):
            book.delete_household(s, people.wang, other["household"], other["version"])
        with pytest.raises(NotAllowed, match="只能在自己负责的村"):
            book.create_household(s, people.wang, code="X1", village="胜利村", region="巴彦淖尔市")
        assert book.household(s, people.admin, other["household"]).village == "胜利村"


def test_the_audit_log_is_not_shown_to_other_cadres(ledger):
    people = staff(ledger)
    family(ledger, people.wang)
    family(ledger, people.liu, code="S001", village="胜利村")
    with ledger.session() as s:
        assert {e.username for e in audit.entries(s, people.wang)} == {"wang"}
        assert {e.username for e in audit.entries(s, people.liu)} == {"liu"}
        assert {e.username for e in audit.entries(s, people.admin)} == {"admin", "wang", "liu"}
