"""The audit log: who changed what and when, with before and after — masked.

Snapshots never hold a full ID number, phone or diagnosis (they are masked before they are
written), so the log itself is safe to show. A cadre sees only their own entries; an admin sees all.
"""
from __future__ import annotations

from sqlmodel import Session, select

from ..privacy import mask_id, mask_name, mask_phone
from .tables import AuditEntry

ACTIONS = {"create": "新增", "update": "修改", "delete": "删除", "import": "导入", "resettle": "重新计算",
           "reveal": "查看完整身份证号", "export": "导出", "lock": "锁定"}
ENTITIES = {"household": "户", "member": "成员", "visit": "就诊记录", "user": "账号", "roster": "花名册",
            "settlement": "结算结果"}
SENSITIVE = {"身份证号": mask_id, "电话": mask_phone}
HIDDEN = {"疾病"}  # a diagnosis is never written to the log, masked or not


def masked(snapshot: dict | None) -> dict | None:
    if snapshot is None:
        return None
    out = {}
    for key, value in snapshot.items():
        if key in SENSITIVE and value:
            out[key] = SENSITIVE[key](str(value))
        elif key in HIDDEN and value:
            out[key] = "（已填写，不记入日志）"
        elif key == "姓名" and value and snapshot.get("_mask_name"):
            out[key] = mask_name(str(value))
        elif not key.startswith("_"):
            out[key] = value
    return out


def record(session: Session, actor, action: str, entity: str, entity_id: int | None, *, household=None,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    entry = AuditEntry(user_id=getattr(actor, "id", None), username=getattr(actor, "username", "系统"),
                       action=action, entity=entity, entity_id=entity_id,
                       household_id=getattr(household, "id", None),
                       household_version=getattr(household, "version", None),
                       village=getattr(household, "village", None),
                       before=masked(before), after=masked(after))
    session.add(entry)
    return entry


def entries(session: Session, actor, limit: int = 200) -> list[AuditEntry]:
    """What this person may read: everything for an admin, their own changes for a cadre."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if not actor.is_admin:
        query = query.where(AuditEntry.user_id == actor.id)
    return list(session.exec(query))


def changes(before: dict | None, after: dict | None) -> list[str]:
    """'字段：旧 → 新' for each field that differs (both sides already masked)."""
    before, after = before or {}, after or {}
    lines = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old != new:
            lines.append(f"{key}：{_shown(old)} → {_shown(new)}")
    return lines


def describe(entry: AuditEntry) -> str:
    """One line in Chinese: who did what to which record, and what changed."""
    what = f"{entry.username} {ACTIONS.get(entry.action, entry.action)}了{ENTITIES.get(entry.entity, entry.entity)}"
    shown = entry.after or entry.before or {}
    label = shown.get("姓名") or shown.get("户编号") or (
        f"{shown['就诊日期']} {shown.get('就诊类型', '')} {shown.get('总费用', '')}元" if "就诊日期" in shown else None)
    if label:
        what += f"“{label}”"
    detail = changes(entry.before, entry.after) if entry.action == "update" else []
    return what + ("：" + "；".join(detail) if detail else "")


def _shown(value) -> str:
    return "（空）" if value in (None, "", []) else str(value)
