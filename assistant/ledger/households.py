"""Every change to a household, its members and their visits: access, validation, version, audit.

Each write names the household version the page showed. The household row is updated with
`WHERE version = shown` (version + 1); when no row matches, someone else saved first and the
write is refused with EditConflict listing what they changed (from the audit log), so two cadres
can never silently overwrite each other — in SQLite and in PostgreSQL alike.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from ..errors import InputError
from ..lexicon import code_for, name_of
from ..models import parse_case
from ..privacy import check_id_number, normalize_id
from . import audit
from .auth import Actor
from .errors import EditConflict, LedgerError, NotAllowed
from .money import from_fen, to_fen
from .tables import AuditEntry, Household, ImportedRow, Member, MemberIdentity, SettledYear, Visit, now

REGIONS = ("巴彦淖尔市", "天津市")
INSURANCE = {"resident": "城乡居民", "employee": "职工"}
TIERS = {None: "不分档", "high": "高档", "low": "低档"}


# ---- reading ----

def visible_households(session: Session, actor: Actor, village: str | None = None,
                       search: str | None = None) -> list[Household]:
    query = select(Household).order_by(Household.village, Household.code)
    if not actor.is_admin:
        if not actor.villages:
            return []
        query = query.where(Household.village.in_(actor.villages))
    if village:
        query = query.where(Household.village == village)
    found = list(session.exec(query))
    if search:
        words = search.strip()
        names = {m.household_id for m in session.exec(select(Member).where(Member.name.contains(words)))}
        found = [h for h in found if words in h.code or h.id in names or (h.address and words in h.address)]
    return found


def household(session: Session, actor: Actor, household_id: int) -> Household:
    found = session.get(Household, household_id)
    if found is None:
        raise LedgerError("没有找到这一户，可能已被删除。")
    if not actor.sees(found.village):
        raise NotAllowed(f"“{found.village}”不是您负责的村，不能查看这一户。")
    return found


def members(session: Session, household_id: int) -> list[Member]:
    return list(session.exec(select(Member).where(Member.household_id == household_id).order_by(Member.id)))


def identities(session: Session, member_ids: list[int]) -> dict[int, list[MemberIdentity]]:
    held: dict[int, list[MemberIdentity]] = {i: [] for i in member_ids}
    if member_ids:
        for row in session.exec(select(MemberIdentity).where(MemberIdentity.member_id.in_(member_ids))
                                .order_by(MemberIdentity.id)):
            held[row.member_id].append(row)
    return held


def visits(session: Session, member_ids: list[int], year: int | None = None) -> dict[int, list[Visit]]:
    found: dict[int, list[Visit]] = {i: [] for i in member_ids}
    if member_ids:
        query = select(Visit).where(Visit.member_id.in_(member_ids)).order_by(Visit.date, Visit.id)
        if year is not None:
            query = query.where(Visit.date >= dt.date(year, 1, 1), Visit.date <= dt.date(year, 12, 31))
        for row in session.exec(query):
            found[row.member_id].append(row)
    return found


def member(session: Session, actor: Actor, member_id: int) -> tuple[Member, Household]:
    found = session.get(Member, member_id)
    if found is None:
        raise LedgerError("没有找到这位成员，可能已被删除。")
    return found, household(session, actor, found.household_id)


# ---- checking what a page sends ----

def _required_text(fields: dict, key: str, message: str) -> str:
    """A text field a page must fill: stripped, or a LedgerError naming the field."""
    text = str(fields[key] or "").strip()
    if not text:
        raise LedgerError(message, key)
    return text


def clean_household(fields: dict) -> dict:
    out = {}
    if "code" in fields:
        out["code"] = _required_text(fields, "code", "请填写户编号。")[:64]
    if "village" in fields:
        out["village"] = _required_text(fields, "village", "请填写所属村（嘎查）。")
    if "region" in fields:
        if fields["region"] not in REGIONS:
            raise LedgerError(f"地区请选择{'或'.join(REGIONS)}。", "region")
        out["region"] = fields["region"]
    if "address" in fields:
        out["address"] = (str(fields["address"]).strip() or None) if fields["address"] else None
    if "per_capita_income" in fields:
        value = fields["per_capita_income"]
        if value in (None, ""):
            out["per_capita_income_fen"] = None
        else:
            amount = _amount(value, "上年居民人均可支配收入", "per_capita_income")
            if amount == 0:
                raise LedgerError("上年居民人均可支配收入不能是0，不知道可以不填（按政策包的统计数计算）。", "per_capita_income")
            out["per_capita_income_fen"] = to_fen(amount)
    return out


def clean_member(fields: dict) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = _required_text(fields, "name", "请填写成员姓名。")[:64]
    if "id_number" in fields:
        value = normalize_id(fields["id_number"])
        if value:
            problem = check_id_number(value)
            if problem:
                raise LedgerError(problem, "id_number")
        out["id_number"] = value or None
    if "phone" in fields:
        phone = "".join(str(fields["phone"] or "").split()).replace("-", "")
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
            raise LedgerError("电话号码应为7到12位数字，请核对。", "phone")
        out["phone"] = phone or None
    if "insurance" in fields:
        code = code_for("insurance", fields["insurance"] or "resident")
        if code is None:
            raise LedgerError("参保类型请选择城乡居民或职工。", "insurance")
        out["insurance"] = code
    if "contribution_tier" in fields:
        value = fields["contribution_tier"]
        code = None if value in (None, "", "不分档") else code_for("contribution_tier", value)
        if value not in (None, "", "不分档") and code is None:
            raise LedgerError("缴费档次请选择高档或低档（不分档的地区不填）。", "contribution_tier")
        out["contribution_tier"] = code
    return out


def clean_identities(items) -> list[dict]:
    """[{code, recognised_on, recognised_by}] with codes checked (Chinese names accepted)."""
    out, seen = [], set()
    for item in items or []:
        if isinstance(item, str):
            item = {"code": item}
        word = item.get("code")
        code = code_for("identities", word) if word else None
        if code is None:
            raise LedgerError(f"身份“{word}”无法识别，请从列表中选择。", "identities")
        if code in seen:
            continue
        seen.add(code)
        day = item.get("recognised_on")
        if isinstance(day, str) and day.strip():
            try:
                day = dt.date.fromisoformat(day.strip())
            except ValueError:
                raise LedgerError(f"{name_of('identities', code)}的认定日期“{day}”不是有效日期，请按 2023-06-01 填写。",
                                  "recognised_on") from None
        if isinstance(day, dt.date) and day > dt.date.today():
            raise LedgerError(f"{name_of('identities', code)}的认定日期不能晚于今天。", "recognised_on")
        by = str(item.get("recognised_by") or "").strip() or None
        out.append({"code": code, "recognised_on": day or None, "recognised_by": by})
    return out


def clean_visit(raw: dict) -> dict:
    """A visit checked by the core's own case reader (the same words and messages as the self-check)."""
    try:
        parsed = parse_case({"visits": [raw]}).visits[0]
    except InputError as error:
        raise LedgerError(error.message.replace("第1次就诊", "这次就诊"), error.field) from None
    return {"date": parsed.date, "kind": parsed.kind, "hospital_level": parsed.hospital_level,
            "location": parsed.location, "referral": parsed.referral, "total_fen": to_fen(parsed.total),
            "out_of_catalog_fen": to_fen(parsed.out_of_catalog), "category_b_fen": to_fen(parsed.category_b),
            "basic_paid_fen": None if parsed.basic_paid is None else to_fen(parsed.basic_paid),
            "disease": parsed.disease}


def _amount(value, label: str, field: str) -> Decimal:
    from ..models import parse_amount
    try:
        return parse_amount(value, label, field=field)
    except InputError as error:
        raise LedgerError(error.message, field) from None


# ---- snapshots for the audit log (masked there) ----

def household_snapshot(row: Household) -> dict:
    return {"户编号": row.code, "村": row.village, "地区": row.region, "地址": row.address,
            "上年居民人均可支配收入": None if row.per_capita_income_fen is None else str(from_fen(row.per_capita_income_fen))}


def member_snapshot(row: Member, held: list | None = None) -> dict:
    snap = {"姓名": row.name, "身份证号": row.id_number, "电话": row.phone,
            "参保类型": INSURANCE.get(row.insurance, row.insurance), "缴费档次": TIERS.get(row.contribution_tier)}
    if held is not None:
        snap["身份"] = "、".join(_identity_words(held)) or "普通参保人"
    return snap


def visit_snapshot(row: Visit) -> dict:
    return {"就诊日期": row.date.isoformat(), "就诊类型": name_of("kind", row.kind),
            "医院等级": name_of("hospital_level", row.hospital_level), "就医地": name_of("location", row.location),
            "转诊": name_of("referral", row.referral), "总费用": str(from_fen(row.total_fen)),
            "目录外费用": str(from_fen(row.out_of_catalog_fen)), "乙类费用": str(from_fen(row.category_b_fen)),
            "基本医保已支付": None if row.basic_paid_fen is None else str(from_fen(row.basic_paid_fen)),
            "疾病": row.disease}


def _identity_words(held) -> list[str]:
    words = []
    for item in held:
        code = item["code"] if isinstance(item, dict) else item.code
        day = item["recognised_on"] if isinstance(item, dict) else item.recognised_on
        words.append(name_of("identities", code) + (f"（{day}认定）" if day else ""))
    return words


# ---- the version check ----

def _claim(session: Session, actor: Actor, household_id: int, version: int) -> Household:
    """Take the household for this change: version must still be the one shown; it becomes version + 1."""
    row = household(session, actor, household_id)
    result = session.execute(update(Household).where(Household.id == household_id, Household.version == version)
                             .values(version=version + 1, updated_at=now())
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise conflict(session, household_id, version)
    session.refresh(row)
    return row


def conflict(session: Session, household_id: int, version: int) -> EditConflict:
    current = session.get(Household, household_id)
    if current is None:
        return EditConflict("这一户已被其他人删除，您的修改没有保存。", ["这一户已被删除"], 0)
    entries = session.exec(select(AuditEntry).where(AuditEntry.household_id == household_id,
                                                    AuditEntry.household_version > version)
                           .order_by(AuditEntry.id)).all()
    lines = [f"{e.at:%m-%d %H:%M} {audit.describe(e)}" for e in entries] or ["（其他人保存了修改）"]
    return EditConflict(f"您打开这一户之后，已有人保存了修改（当前是第{current.version}版，您看到的是第{version}版）。"
                        "您的修改没有保存，请看下面的变化，刷新后再改。", lines, current.version)


# ---- households ----

def create_household(session: Session, actor: Actor, *, code: str, village: str, region: str,
                     address: str | None = None, per_capita_income=None) -> Household:
    fields = clean_household({"code": code, "village": village, "region": region, "address": address,
                              "per_capita_income": per_capita_income})
    if not actor.sees(fields["village"]):
        raise NotAllowed(f"“{fields['village']}”不是您负责的村，只能在自己负责的村新增农户。")
    if session.exec(select(Household.id).where(Household.village == fields["village"],
                                               Household.code == fields["code"])).first() is not None:
        raise LedgerError(f"{fields['village']}已经有户编号“{fields['code']}”的农户，请直接打开它。", "code")
    row = Household(**fields)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "household", row.id, household=row, after=household_snapshot(row))
    session.commit()
    return row


def update_household(session: Session, actor: Actor, household_id: int, version: int, **fields) -> Household:
    changes = clean_household(fields)
    if "village" in changes and not actor.sees(changes["village"]):
        raise NotAllowed(f"“{changes['village']}”不是您负责的村。")
    row = _claim(session, actor, household_id, version)
    before = household_snapshot(row)
    for key, value in changes.items():
        setattr(row, key, value)
    session.add(row)
    audit.record(session, actor, "update", "household", row.id, household=row, before=before,
                 after=household_snapshot(row))
    session.commit()
    return row


def delete_household(session: Session, actor: Actor, household_id: int, version: int) -> dict:
    """Deletes the household for good: members, identities, visits, settled years, import keys.
    Only the audit entry (masked) stays, saying who deleted it and what it held."""
    row = _claim(session, actor, household_id, version)
    people = members(session, household_id)
    ids = [m.id for m in people]
    count_visits = session.exec(select(func.count()).select_from(Visit).where(Visit.member_id.in_(ids))).one() if ids else 0
    before = household_snapshot(row) | {"成员": "、".join(m.name for m in people), "就诊记录数": count_visits}
    if ids:  # explicit, so nothing depends on the database honouring ON DELETE CASCADE
        for table in (Visit, MemberIdentity, SettledYear):
            session.execute(delete(table).where(table.member_id.in_(ids)))
        session.execute(delete(Member).where(Member.id.in_(ids)))
    session.execute(delete(ImportedRow).where(ImportedRow.household_id == household_id))
    audit.record(session, actor, "delete", "household", household_id, household=row, before=before)
    session.execute(delete(Household).where(Household.id == household_id))
    session.commit()
    return {"members": len(people), "visits": count_visits}


# ---- members ----

def add_member(session: Session, actor: Actor, household_id: int, version: int, fields: dict,
               held: list | None = None) -> Member:
    values = clean_member({"insurance": "resident", "contribution_tier": None, **fields})
    if "name" not in values:
        raise LedgerError("请填写成员姓名。", "name")
    held = clean_identities(held)
    row_household = _claim(session, actor, household_id, version)
    row = Member(household_id=household_id, **values)
    session.add(row)
    session.flush()
    _write_identities(session, row.id, held)
    audit.record(session, actor, "create", "member", row.id, household=row_household,
                 after=member_snapshot(row, held))
    session.commit()
    return row


def update_member(session: Session, actor: Actor, member_id: int, version: int, fields: dict,
                  held: list | None = None) -> Member:
    values = clean_member(fields)
    row, home = member(session, actor, member_id)
    new_held = None if held is None else clean_identities(held)
    old_held = identities(session, [member_id])[member_id]
    before = member_snapshot(row, old_held)
    _claim(session, actor, home.id, version)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    if new_held is not None:
        session.execute(delete(MemberIdentity).where(MemberIdentity.member_id == member_id))
        _write_identities(session, member_id, new_held)
    session.flush()
    audit.record(session, actor, "update", "member", member_id, household=home, before=before,
                 after=member_snapshot(row, new_held if new_held is not None else old_held))
    session.commit()
    return row


def delete_member(session: Session, actor: Actor, member_id: int, version: int) -> None:
    row, home = member(session, actor, member_id)
    before = member_snapshot(row, identities(session, [member_id])[member_id])
    _claim(session, actor, home.id, version)
    for table in (Visit, MemberIdentity, SettledYear):
        session.execute(delete(table).where(table.member_id == member_id))
    session.execute(delete(Member).where(Member.id == member_id))
    audit.record(session, actor, "delete", "member", member_id, household=home, before=before)
    session.commit()


def _write_identities(session: Session, member_id: int, held: list[dict]) -> None:
    for item in held:
        session.add(MemberIdentity(member_id=member_id, **item))


# ---- visits ----

def add_visit(session: Session, actor: Actor, member_id: int, version: int, raw: dict) -> Visit:
    values = clean_visit(raw)
    _, home = member(session, actor, member_id)
    _claim(session, actor, home.id, version)
    row = Visit(member_id=member_id, **values)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "visit", row.id, household=home, after=visit_snapshot(row))
    session.commit()
    return row


def update_visit(session: Session, actor: Actor, visit_id: int, version: int, raw: dict) -> Visit:
    values = clean_visit(raw)
    row = session.get(Visit, visit_id)
    if row is None:
        raise LedgerError("没有找到这条就诊记录，可能已被删除。")
    _, home = member(session, actor, row.member_id)
    before = visit_snapshot(row)
    _claim(session, actor, home.id, version)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    audit.record(session, actor, "update", "visit", row.id, household=home, before=before, after=visit_snapshot(row))
    session.commit()
    return row


def delete_visit(session: Session, actor: Actor, visit_id: int, version: int) -> None:
    row = session.get(Visit, visit_id)
    if row is None:
        raise LedgerError("没有找到这条就诊记录，可能已被删除。")
    _, home = member(session, actor, row.member_id)
    before = visit_snapshot(row)
    _claim(session, actor, home.id, version)
    session.execute(delete(Visit).where(Visit.id == visit_id))
    audit.record(session, actor, "delete", "visit", visit_id, household=home, before=before)
    session.commit()


def visit_raw(row: Visit) -> dict:
    """A stored visit as CONTRACT's visit dict (what settle and the forms read)."""
    raw = {"date": row.date.isoformat(), "kind": row.kind, "hospital_level": row.hospital_level,
           "location": row.location, "referral": row.referral, "total": from_fen(row.total_fen),
           "out_of_catalog": from_fen(row.out_of_catalog_fen), "category_b": from_fen(row.category_b_fen)}
    if row.basic_paid_fen is not None:
        raw["basic_paid"] = from_fen(row.basic_paid_fen)
    if row.disease:
        raw["disease"] = row.disease
    return raw
