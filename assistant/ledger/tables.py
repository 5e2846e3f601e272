"""The ledger's tables (SQLModel). The migrations in migrations/versions/ build exactly this schema.

Money is stored as integer fen (exact in SQLite and PostgreSQL alike; a SQLite NUMERIC would go
through a float) and turned back into Decimal yuan by `money.py`'s helpers at the edges.
`Household.version` goes up by one on every change to the household, its members or their visits:
the pages send the version they showed, and a save against an older one is refused (EditConflict).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class User(SQLModel, table=True):
    __tablename__ = "ledger_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)                     # admin | cadre
    villages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    created_at: dt.datetime = Field(default_factory=now)
    failed_logins: int = Field(default=0)                # wrong passwords in a row since the last sign-in
    locked_until: dt.datetime | None = Field(default=None)  # after too many: no sign-in before this


class Household(SQLModel, table=True):
    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("village", "code", name="uq_household_village_code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64)                     # 户编号
    village: str = Field(max_length=64, index=True)
    region: str = Field(max_length=32)                   # picks the policy with the visit date
    address: str | None = Field(default=None, max_length=200)
    per_capita_income_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=now)
    updated_at: dt.datetime = Field(default_factory=now)


class Member(SQLModel, table=True):
    __tablename__ = "member"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=Column(Integer, ForeignKey("household.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    name: str = Field(max_length=64)
    id_number: str | None = Field(default=None, max_length=18)
    phone: str | None = Field(default=None, max_length=20)
    insurance: str = Field(default="resident", max_length=16)
    contribution_tier: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime = Field(default_factory=now)


class MemberIdentity(SQLModel, table=True):
    """One identity a member holds, with the day it was recognised and who recognised it."""
    __tablename__ = "member_identity"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"),
                                            nullable=False, index=True))
    code: str = Field(max_length=32)
    recognised_on: dt.date | None = None
    recognised_by: str | None = Field(default=None, max_length=100)


class Visit(SQLModel, table=True):
    __tablename__ = "visit"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"),
                                            nullable=False, index=True))
    date: dt.date
    kind: str = Field(max_length=24)
    hospital_level: str = Field(max_length=16)
    location: str = Field(default="local", max_length=24)
    referral: str = Field(default="not_needed", max_length=16)
    total_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    out_of_catalog_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    category_b_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    basic_paid_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    disease: str | None = Field(default=None, max_length=100)


class ImportedRow(SQLModel, table=True):
    """A roster row already taken in (its key), so importing the same file again adds nothing."""
    __tablename__ = "imported_row"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)
    household_id: int = Field(sa_column=Column(Integer, ForeignKey("household.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    imported_at: dt.datetime = Field(default_factory=now)


class SettledYear(SQLModel, table=True):
    """A member's year as the core settled it, stamped with the knowledge it was settled under."""
    __tablename__ = "settled_year"
    __table_args__ = (UniqueConstraint("member_id", "year", name="uq_settled_member_year"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id", ondelete="CASCADE"),
                                            nullable=False, index=True))
    year: int
    policy: str = Field(max_length=64)
    pack_version: str = Field(max_length=64)
    fingerprint: str = Field(max_length=64)
    out_of_pocket_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    totals: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # yuan as "0.00" text
    result: str = Field(sa_column=Column(Text, nullable=False))   # the whole result, CONTRACT JSON
    settled_at: dt.datetime = Field(default_factory=now)


class AuditEntry(SQLModel, table=True):
    """Who changed what, when; before/after with ID numbers, phones and diseases masked."""
    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=now, index=True)
    user_id: int | None = Field(default=None, index=True)
    username: str = Field(max_length=64)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int | None = None
    household_id: int | None = Field(default=None, index=True)   # kept after a deletion, no foreign key
    household_version: int | None = None
    village: str | None = Field(default=None, max_length=64)
    before: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
