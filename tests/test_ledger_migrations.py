"""Migrations carry the data along: a ledger at the old revision, with people in it, upgraded."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlmodel import select

from assistant.ledger import Ledger, auth
from assistant.ledger import households as book
from assistant.ledger import settling
from assistant.ledger.db import current_revision, downgrade, make_engine, migrate
from assistant.ledger.tables import MemberIdentity

from ledger_helpers import PASSWORD

NOW = dt.datetime(2023, 1, 5, 8, 0, tzinfo=dt.timezone.utc)


def _old_ledger(url: str) -> None:
    """A database as revision 0001 left it: identities as one comma-separated text column."""
    engine = make_engine(url)
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as c:
        c.execute(text("INSERT INTO household (id, code, village, region, version, created_at, updated_at) "
                       "VALUES (1, 'H001', '红星村', '巴彦淖尔市', 4, :t, :t)"), {"t": NOW})
        c.execute(text("INSERT INTO member (id, household_id, name, insurance, identities, created_at) VALUES "
                       "(1, 1, '张三', 'resident', 'minimum_living,extreme_poverty', :t), "
                       "(2, 1, '张小三', 'resident', NULL, :t)"), {"t": NOW})
        c.execute(text("INSERT INTO visit (member_id, date, kind, hospital_level, location, referral, total_fen, "
                       "out_of_catalog_fen, category_b_fen, basic_paid_fen) VALUES "
                       "(1, :d, 'inpatient', 'level3', 'local', 'referred', 6000000, 300000, 0, 3000000)"),
                  {"d": dt.date(2023, 6, 1)})
    engine.dispose()


def test_upgrading_an_old_ledger_keeps_every_person_visit_and_identity(ledger_url):
    _old_ledger(ledger_url)
    ledger = Ledger(ledger_url)  # opening upgrades to head
    try:
        assert current_revision(ledger.engine) == "0003"
        with ledger.session() as s:
            held = s.exec(select(MemberIdentity).order_by(MemberIdentity.id)).all()
            assert [(h.member_id, h.code) for h in held] == [(1, "minimum_living"), (1, "extreme_poverty")]
            assert all(h.recognised_on is None and "旧版台账" in h.recognised_by for h in held)
            admin = auth.create_first_admin(s, "admin", PASSWORD)
            home = book.household(s, admin, 1)
            assert home.version == 4
            year = settling.household_year(s, admin, 1, 2023)
            zhang = year.members[0]
            # 就高不就低 over the carried identities: 特困 pays 100% of what 大病 leaves (第九条（三）)
            assert zhang.result["identity_applied"] == "extreme_poverty"
            assert str(zhang.result["totals"]["total"]) == "60000.00"
            assert year.members[1].error == "本年度没有就诊记录。"
            assert len(book.visits(s, [1, 2])[1]) == 1  # the visit survived the table's rebuild
    finally:
        ledger.dispose()


def test_downgrading_writes_the_identities_back(ledger_url):
    _old_ledger(ledger_url)
    engine = make_engine(ledger_url)
    try:
        migrate(engine)
        downgrade(engine, "0001")
        with engine.connect() as c:
            rows = c.execute(text("SELECT id, identities FROM member ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "minimum_living,extreme_poverty"), (2, None)]
    finally:
        engine.dispose()
