"""A roster into the ledger (F1's reader checks every row), and the ledger out as a screening table.

Importing: every good row goes in under the cadre's chosen village — its household and member
found or created, its visit added — and its `row_key` is kept, so the same file imported again
adds nothing. Rejected rows come back as F1's error workbook (the file's columns + 错误原因).
The members touched are then settled (with a progress callback for the page's bar). Each
household touched gets one version step and one audit entry saying what the import added.
Exporting: stored results as F1's screening table (ID numbers masked unless an admin asks).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from ..roster import Roster, error_workbook, read_roster, write_table
from ..roster import Member as RosterMember
from ..roster.screen import no_visit_row, screen_row
from . import audit
from . import households as book
from . import settling
from .auth import Actor
from .errors import LedgerError, NotAllowed
from .tables import Household, ImportedRow, Member, MemberIdentity, SettledYear, Visit, now

IMPORTED_BY = "花名册导入"


@dataclass
class ImportReport:
    filename: str
    year: int | None
    added_rows: int = 0
    skipped_rows: int = 0                  # already imported before (same row key)
    new_households: int = 0
    new_members: int = 0
    new_visits: int = 0
    households: list[int] = field(default_factory=list)
    roster: Roster | None = None

    @property
    def errors(self):
        return self.roster.errors if self.roster else []

    def error_workbook(self, show_id: bool = False) -> bytes | None:
        return error_workbook(self.roster, show_id=show_id) if self.roster and self.roster.errors else None

    def summary(self) -> str:
        parts = [f"新增 {self.added_rows} 行（{self.new_households} 户、{self.new_members} 人、{self.new_visits} 次就诊）"]
        if self.skipped_rows:
            parts.append(f"{self.skipped_rows} 行以前已导入过，没有重复添加")
        if self.errors:
            parts.append(f"{len(self.errors)} 行有错误未导入，请下载错误表修改后重新导入")
        return "；".join(parts) + "。"


def import_roster(session: Session, actor: Actor, data: bytes, filename: str, *, village: str, region: str,
                  year: int | None = None, progress=None) -> ImportReport:
    """Read, check, store and settle one roster file. RosterError (an InputError) when unreadable."""
    if not actor.sees(village):
        raise NotAllowed(f"“{village}”不是您负责的村，只能导入到自己负责的村。")
    book.clean_household({"village": village, "region": region})
    roster = read_roster(data, filename)
    year = year or roster.main_year()
    if year is not None:
        roster = roster.for_year(year)
    report = ImportReport(filename, year, roster=roster)
    known = set(session.exec(select(ImportedRow.key).where(ImportedRow.key.in_([r.key for r in roster.rows])))) \
        if roster.rows else set()
    homes: dict[str, Household] = {}
    people: dict[tuple, Member] = {}
    added: dict[int, dict] = {}          # household id -> what this import added to it
    touched: set[int] = set()
    for row in roster.rows:
        if row.key in known:
            report.skipped_rows += 1
            continue
        known.add(row.key)
        home = homes.get(row.household_id) or _household(session, village, region, row.household_id, report)
        homes[row.household_id] = home
        tally = added.setdefault(home.id, {"新增成员": 0, "新增就诊": 0, "行数": 0})
        tally["行数"] += 1
        person = people.get((home.id, row.name, row.id_number)) or _member(session, home, row, report, tally)
        people[(home.id, row.name, row.id_number)] = person
        touched.add(person.id)
        if row.visit:
            session.add(Visit(member_id=person.id, **book.clean_visit(row.visit)))
            report.new_visits += 1
            tally["新增就诊"] += 1
        session.add(ImportedRow(key=row.key, household_id=home.id))
        report.added_rows += 1
    for household_id, tally in added.items():
        home = session.get(Household, household_id)
        session.execute(update(Household).where(Household.id == household_id)
                        .values(version=Household.version + 1, updated_at=now()))
        session.flush()
        session.refresh(home)
        audit.record(session, actor, "import", "roster", household_id, household=home,
                     after={"户编号": home.code, "文件": filename, **tally})
    session.commit()
    report.households = sorted(added)
    if year is not None:
        _settle(session, actor, sorted(touched), year, progress)
    return report


def _household(session: Session, village: str, region: str, code: str, report: ImportReport) -> Household:
    found = session.exec(select(Household).where(Household.village == village, Household.code == code)).first()
    if found is None:
        found = Household(code=code, village=village, region=region, version=0)
        session.add(found)
        session.flush()
        report.new_households += 1
    return found


def _member(session: Session, home: Household, row, report: ImportReport, tally: dict) -> Member:
    query = select(Member).where(Member.household_id == home.id, Member.name == row.name)
    query = query.where(Member.id_number == row.id_number) if row.id_number else query.where(Member.id_number.is_(None))
    found = session.exec(query).first()
    if found is None:
        found = Member(household_id=home.id, name=row.name, id_number=row.id_number or None,
                       insurance=row.insurance or "resident", contribution_tier=row.contribution_tier)
        session.add(found)
        session.flush()
        for code in row.identities or ():
            session.add(MemberIdentity(member_id=found.id, code=code, recognised_by=IMPORTED_BY))
        report.new_members += 1
        tally["新增成员"] += 1
    return found


def _settle(session: Session, actor: Actor, member_ids: list[int], year: int, progress) -> None:
    held = book.identities(session, member_ids)
    seen = book.visits(session, member_ids, year)
    for number, member_id in enumerate(member_ids, start=1):
        person = session.get(Member, member_id)
        home = session.get(Household, person.household_id)
        item = settling.settle_member(home, person, held[member_id], seen[member_id])
        settling.keep(session, member_id, year, item.result)
        if progress:
            progress(number, len(member_ids))
    session.commit()


# ---- the screening table out of the ledger ----

def screening_rows(session: Session, actor: Actor, year: int, village: str | None = None) -> list:
    """F1's ScreenRow for every member the person may see (their stored result for the year)."""
    rows = []
    for home in book.visible_households(session, actor, village=village):
        people = book.members(session, home.id)
        ids = [p.id for p in people]
        held = book.identities(session, ids)
        seen = book.visits(session, ids, year)
        stored = {r.member_id: r for r in session.exec(select(SettledYear).where(
            SettledYear.member_id.in_(ids), SettledYear.year == year))} if ids else {}
        for person in people:
            member = RosterMember(home.code, person.name, person.id_number or "",
                                  tuple(h.code for h in held[person.id]), person.insurance, person.contribution_tier,
                                  tuple(book.visit_raw(v) for v in seen[person.id]), (), ())
            if person.id in stored:
                rows.append(screen_row(member, settling.stored(stored[person.id])))
            elif not seen[person.id]:
                rows.append(no_visit_row(member, None))
            else:  # visits not settled yet (or no longer settle): settle now, so nothing is left out
                item = settling.settle_member(home, person, held[person.id], seen[person.id])
                if item.result:
                    rows.append(screen_row(member, item.result))
    return rows


def export_table(session: Session, actor: Actor, year: int, suffix: str = ".xlsx", *, show_id: bool = False,
                 village: str | None = None) -> bytes:
    """The screening table as .xlsx or .csv bytes; full ID numbers only when an admin asks (audited)."""
    if show_id and not actor.is_admin:
        raise NotAllowed("只有管理员可以导出完整身份证号。")
    if suffix not in (".xlsx", ".csv"):
        raise LedgerError("导出格式请选择 Excel（.xlsx）或 CSV。")
    rows = screening_rows(session, actor, year, village)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"screening{suffix}"
        write_table(rows, out, show_id=show_id)
        data = out.read_bytes()
    audit.record(session, actor, "export", "roster", None,
                 after={"年度": year, "格式": suffix, "行数": len(rows), "完整身份证号": "是" if show_id else "否"})
    session.commit()
    return data
