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

from sqlalchemy import insert, update
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
    """Read, check, store and settle one roster file. RosterError (an InputError) when unreadable.

    The village's households and members are read once, new ones are written in batches and the
    visits, identities and row keys in one insert each, so a large roster is not row-by-row SQL."""
    if not actor.sees(village):
        raise NotAllowed(f"“{village}”不是您负责的村，只能导入到自己负责的村。")
    book.clean_household({"village": village, "region": region})
    roster = read_roster(data, filename)
    year = year or roster.main_year()
    if year is not None:
        roster = roster.for_year(year)
    report = ImportReport(filename, year, roster=roster)
    keys = [r.key for r in roster.rows]
    known: set[str] = set()
    for start in range(0, len(keys), 5000):  # IN lists of bounded size
        known.update(session.exec(select(ImportedRow.key).where(ImportedRow.key.in_(keys[start:start + 5000]))))
    fresh = []
    for row in roster.rows:
        if row.key in known:
            report.skipped_rows += 1
        else:
            known.add(row.key)
            fresh.append(row)
    with session.no_autoflush:
        homes = {h.code: h for h in session.exec(select(Household).where(Household.village == village))}
        people = {(m.household_id, m.name, m.id_number): m for m in session.exec(
            select(Member).join(Household, Household.id == Member.household_id).where(Household.village == village))}
        created = [Household(code=code, village=village, region=region, version=0)
                   for code in dict.fromkeys(r.household_id for r in fresh) if code not in homes]
        session.add_all(created)
        session.flush()
        homes.update({h.code: h for h in created})
        report.new_households = len(created)
        added: dict[int, dict] = {}          # household id -> what this import added to it
        new_people = []
        for row in fresh:
            home = homes[row.household_id]
            key = (home.id, row.name, row.id_number or None)
            if key not in people:
                people[key] = Member(household_id=home.id, name=row.name, id_number=row.id_number or None,
                                     insurance=row.insurance or "resident", contribution_tier=row.contribution_tier)
                new_people.append((people[key], row))
        session.add_all([m for m, _ in new_people])
        session.flush()
        identities = [{"member_id": m.id, "code": code, "recognised_on": None, "recognised_by": IMPORTED_BY}
                      for m, row in new_people for code in (row.identities or ())]
        visits, imported, touched = [], [], set()
        for row in fresh:
            home = homes[row.household_id]
            person = people[(home.id, row.name, row.id_number or None)]
            touched.add(person.id)
            tally = added.setdefault(home.id, {"新增成员": 0, "新增就诊": 0, "行数": 0})
            tally["行数"] += 1
            if row.visit:
                visits.append({"member_id": person.id, **book.clean_visit(row.visit)})
                tally["新增就诊"] += 1
            imported.append({"key": row.key, "household_id": home.id, "imported_at": now()})
        for person, _ in new_people:
            added[person.household_id]["新增成员"] += 1
        for table, items in ((MemberIdentity, identities), (Visit, visits), (ImportedRow, imported)):
            if items:
                session.execute(insert(table), items)
    report.new_members, report.new_visits, report.added_rows = len(new_people), len(visits), len(fresh)
    by_id = {h.id: h for h in homes.values()}
    ids = sorted(added)
    for start in range(0, len(ids), 5000):  # one version step for each household the import touched
        session.execute(update(Household).where(Household.id.in_(ids[start:start + 5000]))
                        .values(version=Household.version + 1, updated_at=now())
                        .execution_options(synchronize_session=False))
    for household_id, tally in added.items():
        home = by_id[household_id]
        home.version += 1
        audit.record(session, actor, "import", "roster", household_id, household=home,
                     after={"户编号": home.code, "文件": filename, **tally})
    session.commit()
    report.households = sorted(added)
    if year is not None:
        _settle(session, sorted(touched), year, progress)
    return report


def _settle(session: Session, member_ids: list[int], year: int, progress) -> None:
    """Settle these members' year and store it, reading the ledger in a few queries, not per member."""
    held = book.identities(session, member_ids)
    seen = book.visits(session, member_ids, year)
    with session.no_autoflush:
        people = {m.id: m for m in _in(session, Member, Member.id, member_ids)}
        homes = {h.id: h for h in _in(session, Household, Household.id, {m.household_id for m in people.values()})}
        stored = {r.member_id: r for r in _in(session, SettledYear, SettledYear.member_id, member_ids)
                  if r.year == year}
        fresh = []
        for number, member_id in enumerate(member_ids, start=1):
            person = people[member_id]
            item = settling.settle_member(homes[person.household_id], person, held[member_id], seen[member_id])
            if member_id in stored or item.result is None:
                settling.keep(session, member_id, year, item.result, row=stored.get(member_id))
            else:  # a new year: written with the others in one insert below
                fresh.append(settling.record(member_id, year, item.result))
            if progress:
                progress(number, len(member_ids))
        if fresh:
            session.execute(insert(SettledYear), fresh)
    session.commit()


def _in(session: Session, table, column, values) -> list:
    values = list(values)
    found = []
    for start in range(0, len(values), 5000):
        found.extend(session.exec(select(table).where(column.in_(values[start:start + 5000]))))
    return found


# ---- the screening table out of the ledger ----

def screening_rows(session: Session, actor: Actor, year: int, village: str | None = None) -> list:
    """F1's ScreenRow for every member the person may see (their stored result for the year),
    read in a few queries for all households at once."""
    homes = book.visible_households(session, actor, village=village)
    by_id = {h.id: h for h in homes}
    people = sorted(_in(session, Member, Member.household_id, list(by_id)), key=lambda m: (m.household_id, m.id))
    ids = [p.id for p in people]
    held: dict[int, list] = {i: [] for i in ids}
    for item in sorted(_in(session, MemberIdentity, MemberIdentity.member_id, ids), key=lambda h: h.id):
        held[item.member_id].append(item)
    seen: dict[int, list] = {i: [] for i in ids}
    for visit in sorted(_in(session, Visit, Visit.member_id, ids), key=lambda v: (v.date, v.id)):
        if visit.date.year == year:
            seen[visit.member_id].append(visit)
    stored = {r.member_id: r for r in _in(session, SettledYear, SettledYear.member_id, ids) if r.year == year}
    order = {h.id: n for n, h in enumerate(homes)}
    rows = []
    for person in sorted(people, key=lambda m: (order[m.household_id], m.id)):
        home = by_id[person.household_id]
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
