"""Who may sign in and what they may see: argon2-hashed passwords, two roles, villages per cadre.

An admin manages cadres and sees every village; a cadre sees only the villages given to them.
The first admin is created once, by the set-up form on the workspace page or from the
environment (SANCHONG_ADMIN_USER + SANCHONG_ADMIN_PASSWORD) when the ledger has no admin yet.
MAX_FAILURES wrong passwords in a row lock an account for LOCK_MINUTES (guessing a password
then takes years); an admin who sets a new password unlocks it at once.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from . import audit
from .errors import LedgerError, NotAllowed
from .tables import User, now

HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
ROLES = {"admin": "管理员", "cadre": "村干部"}
MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCK_MINUTES = 15


class Locked(LedgerError):
    """The account is locked after too many wrong passwords; `message` says until when and what to do."""


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the pages keep them (a plain value, not a database row)."""
    id: int
    username: str
    display_name: str
    role: str
    villages: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def sees(self, village: str) -> bool:
        return self.is_admin or village in self.villages


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, user.role, tuple(user.villages or ()))


def needs_setup(session: Session) -> bool:
    """True while the ledger has no admin: the workspace then shows the set-up form only."""
    return session.exec(select(User.id).where(User.role == "admin")).first() is None


def _check_new(session: Session, username: str, password: str) -> str:
    username = (username or "").strip()
    if not username:
        raise LedgerError("请填写登录名。", "username")
    if len(username) > 64:
        raise LedgerError("登录名太长，请不超过64个字。", "username")
    if len(password or "") < MIN_PASSWORD:
        raise LedgerError(f"密码至少 {MIN_PASSWORD} 位，请重新设置。", "password")
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise LedgerError(f"登录名“{username}”已经有人用了，请换一个。", "username")
    return username


def create_first_admin(session: Session, username: str, password: str, display_name: str = "") -> Actor:
    """The set-up form: allowed only while there is no admin."""
    if not needs_setup(session):
        raise NotAllowed("管理员已经设置过了，请直接登录。")
    username = _check_new(session, username, password)
    user = User(username=username, display_name=display_name.strip() or username,
                password_hash=HASHER.hash(password), role="admin", villages=[])
    session.add(user)
    session.flush()
    actor = actor_of(user)
    audit.record(session, actor, "create", "user", user.id, after=_user_snapshot(user))
    session.commit()
    return actor


def admin_from_environment(session: Session) -> Actor | None:
    """First run without the form: SANCHONG_ADMIN_USER / SANCHONG_ADMIN_PASSWORD create the admin."""
    username = os.environ.get("SANCHONG_ADMIN_USER")
    password = os.environ.get("SANCHONG_ADMIN_PASSWORD")
    if not username or not password or not needs_setup(session):
        return None
    return create_first_admin(session, username, password, "管理员")


def create_cadre(session: Session, actor: Actor, username: str, password: str, display_name: str,
                 villages: list[str], role: str = "cadre") -> Actor:
    _admin_only(actor)
    username = _check_new(session, username, password)
    villages = _villages(villages)
    if role not in ROLES:
        raise LedgerError("角色只能是管理员或村干部。", "role")
    if role == "cadre" and not villages:
        raise LedgerError("请至少填写一个负责的村（嘎查），村干部只能看到自己负责的村。", "villages")
    user = User(username=username, display_name=display_name.strip() or username,
                password_hash=HASHER.hash(password), role=role, villages=villages)
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, after=_user_snapshot(user))
    session.commit()
    return actor_of(user)


def update_user(session: Session, actor: Actor, user_id: int, *, villages: list[str] | None = None,
                active: bool | None = None, password: str | None = None) -> None:
    _admin_only(actor)
    user = session.get(User, user_id)
    if user is None:
        raise LedgerError("没有这个账号。")
    before = _user_snapshot(user)
    if villages is not None:
        user.villages = _villages(villages)
    if active is not None:
        if not active and user.id == actor.id:
            raise LedgerError("不能停用自己正在使用的管理员账号。")
        user.active = active
    if password is not None:
        if len(password) < MIN_PASSWORD:
            raise LedgerError(f"密码至少 {MIN_PASSWORD} 位，请重新设置。", "password")
        user.password_hash = HASHER.hash(password)
        user.failed_logins, user.locked_until = 0, None  # a new password unlocks the account
    session.add(user)
    after = _user_snapshot(user)
    if password is not None:
        after["密码"] = "已重设"  # never the password or its hash
    audit.record(session, actor, "update", "user", user.id, before=before, after=after)
    session.commit()


def users(session: Session, actor: Actor) -> list[User]:
    _admin_only(actor)
    return list(session.exec(select(User).order_by(User.id)))


def sign_in(session: Session, username: str, password: str, at: dt.datetime | None = None) -> Actor | None:
    """The person when name and password match an active account, else None (no hint which was wrong).
    Locked (with when to try again) while the account is locked after MAX_FAILURES wrong passwords."""
    at = at or now()
    user = session.exec(select(User).where(User.username == (username or "").strip())).first()
    if user is None:
        HASHER.hash(password or "x")  # the same work either way, so timing does not tell names apart
        return None
    until = locked_until(user, at)
    if until is not None:
        HASHER.hash(password or "x")
        raise Locked(f"这个账号连续输错密码{MAX_FAILURES}次，已暂时锁定，请在{_clock(until)}以后再试；"
                     "急用请找管理员重设密码。")
    try:
        HASHER.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        _failed(session, user, at)
        return None
    if not user.active:
        return None
    changed = bool(user.failed_logins or user.locked_until)
    user.failed_logins, user.locked_until = 0, None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
        changed = True
    if changed:
        session.add(user)
        session.commit()
    return actor_of(user)


def locked_until(user: User, at: dt.datetime | None = None) -> dt.datetime | None:
    """When the account's lock ends, or None when it is not locked (at `at`, default now)."""
    until = user.locked_until
    if until is None:
        return None
    if until.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        until = until.replace(tzinfo=dt.timezone.utc)
    return until if until > (at or now()) else None


def _failed(session: Session, user: User, at: dt.datetime) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.failed_logins, user.locked_until = 0, at + dt.timedelta(minutes=LOCK_MINUTES)
        audit.record(session, None, "lock", "user", user.id,
                     after={"锁定": f"连续输错密码{MAX_FAILURES}次，锁定到{_clock(user.locked_until)}"})
    session.add(user)
    session.commit()


def _clock(moment: dt.datetime) -> str:
    """Beijing time, as a cadre reads a clock."""
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")


def _admin_only(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("只有管理员可以管理账号。")


def _villages(villages) -> list[str]:
    if isinstance(villages, str):
        villages = villages.replace("，", ",").replace("、", ",").split(",")
    return list(dict.fromkeys(v.strip() for v in villages if v and v.strip()))


def _user_snapshot(user: User) -> dict:
    return {"登录名": user.username, "姓名": user.display_name, "角色": ROLES.get(user.role, user.role),
            "负责村": "、".join(user.villages or []), "启用": "是" if user.active else "否"}
