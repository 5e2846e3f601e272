"""Shared set-up for the ledger tests: a ledger with an admin and three cadres, and a family."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assistant.ledger import Ledger, auth
from assistant.ledger import households as book
from assistant.privacy import check_digit

PASSWORD = "村里的密码123"


def id_number(first17: str) -> str:
    """A valid 18-digit ID number (its check digit computed) for test people."""
    return first17 + check_digit(first17)


FATHER_ID = id_number("15080219800101001")
FATHER_PHONE = "13812345678"


@dataclass
class People:
    admin: auth.Actor
    wang: auth.Actor     # 红星村
    zhao: auth.Actor     # 红星村 too: edits the same households
    liu: auth.Actor      # 胜利村 only


def staff(ledger: Ledger) -> People:
    with ledger.session() as session:
        admin = auth.create_first_admin(session, "admin", PASSWORD, "管理员")
        wang = auth.create_cadre(session, admin, "wang", PASSWORD, "王书记", ["红星村"])
        zhao = auth.create_cadre(session, admin, "zhao", PASSWORD, "赵主任", ["红星村", "东风村"])
        liu = auth.create_cadre(session, admin, "liu", PASSWORD, "刘书记", ["胜利村"])
    return People(admin, wang, zhao, liu)


def family(ledger: Ledger, actor: auth.Actor, code: str = "H001", village: str = "红星村") -> dict:
    """The issue's family of three: grandmother 特困, father 低保边缘 with two stays and a
    门诊慢特病 visit, an ordinary child. Returns ids and the household's version."""
    with ledger.session() as s:
        home = book.create_household(s, actor, code=code, village=village, region="巴彦淖尔市")
        v = home.version
        grandmother = book.add_member(s, actor, home.id, v, {"name": "李桂兰"},
                                      [{"code": "特困人员", "recognised_on": "2021-05-01", "recognised_by": "民政局"}])
        v += 1
        father = book.add_member(s, actor, home.id, v, {"name": "李建国", "id_number": FATHER_ID,
                                                        "phone": FATHER_PHONE},
                                 [{"code": "低保边缘家庭成员", "recognised_on": "2023-02-01", "recognised_by": "民政局"}])
        v += 1
        child = book.add_member(s, actor, home.id, v, {"name": "李小明"})
        v += 1
        stay = {"date": "2023-03-01", "kind": "住院", "hospital_level": "二级", "location": "本地",
                "referral": "已转诊", "total": "30000", "disease": "肺癌"}
        book.add_visit(s, actor, father.id, v, stay)
        book.add_visit(s, actor, father.id, v + 1, dict(stay, date="2023-08-01", total="50000", hospital_level="三级"))
        book.add_visit(s, actor, father.id, v + 2, {"date": "2023-05-01", "kind": "门诊慢特病", "hospital_level": "一级",
                                                    "total": "3000"})
        return {"household": home.id, "grandmother": grandmother.id, "father": father.id, "child": child.id,
                "version": v + 3}


def stored_under_an_older_pack(session, member_id: int, more) -> Decimal:
    """Make a member's stored year look as if an older pack settled it (another version, `more`
    yuan more out of pocket). Returns what the year pays now."""
    from sqlmodel import select
    from assistant.ledger.tables import SettledYear
    row = session.exec(select(SettledYear).where(SettledYear.member_id == member_id)).one()
    pays = Decimal(row.totals["out_of_pocket"])
    row.pack_version = "bayannur-2023 2023-01-01#000000000000"
    row.totals = dict(row.totals, out_of_pocket=f"{pays + Decimal(more):f}")
    session.add(row)
    session.commit()
    return pays
