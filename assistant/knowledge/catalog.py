"""The policies a user can pick from, and the one place that decides which policy settles a case.

`policy_rows` is what `policies` prints; `policy_for` picks the pack a policy id names, or the
one for a region on a day. The command, the app and the chat all ask here.
"""
from __future__ import annotations

import datetime as dt

from ..errors import InputError
from .store import documents, packs  # plain copies: no pydantic on the command's start


def policy_rows() -> list[dict]:
    """Every document with its pack, if it has one: settling packs first, then the rest."""
    rows = []
    available = packs()
    for doc in documents().values():
        pack = available.get(doc.id)
        rows.append({
            "id": doc.id,
            "region": pack.region if pack else doc.region,
            "title": doc.title,
            "valid_from": str(pack.valid_from if pack else (doc.effective or doc.date)),
            "valid_to": str(pack.valid_to) if pack and pack.valid_to else None,
            "status": doc.status,
            "settles": bool(pack and pack.settles),
        })
    rows.sort(key=lambda row: (not row["settles"], row["status"] != "current", row["id"]))  # today's rules first
    return rows


def span(pack) -> str:
    """The dates a pack settles, in words: '2023-01-01至今' for a pack in force until a newer one."""
    return f"{pack.valid_from}至{pack.valid_to}" if pack.valid_to else f"{pack.valid_from}至今"


def not_settling(doc, available) -> str:
    """Why a document without a pack never settles (a draft, a framework), and which policies do."""
    why = {"draft": "是征求意见稿，从未正式实施，不能用于计算报销金额",
           "framework": "是框架性文件，只规定原则（各盟市据此制定具体办法），不能用于计算报销金额"}.get(
        doc.status, f"是{doc.status_name}，目前不能用于计算报销金额")
    names = "、".join(f"{p.id}（{p.region}，{span(p)}）" for p in available.values() if p.settles)
    return f"“{doc.title}”{why}，只能查询政策原文。可以计算的政策：{names}。"


def region_matches(pack, region: str) -> bool:
    words = [pack.region, *pack.region_aliases]
    return any(region == w or region in w or w in region for w in words)


def check_day(day: dt.date, what: str, field: str = "date", covered: str | None = None) -> None:
    """A bill from the future cannot be settled (nor checked against rules that may still change)."""
    today = dt.date.today()
    if day > today:
        within = f"目前可以计算{covered}的就诊，" if covered else ""
        raise InputError(f"{what} {day} 晚于今天（{today}），{within}请核对就诊日期。", field)


def policy_for(region: str | None = None, day: dt.date | None = None, policy: str | None = None):
    """The pack a policy id names, or the one for a region on a day; InputError says what to fix.

    Given both, they must agree: a case for 天津 with policy bayannur-2023 is refused, not settled
    under the wrong city's rules.
    """
    available = packs()
    if policy:
        pack = available.get(policy)
        if pack is None:
            doc = documents().get(policy)
            if doc is not None:
                raise InputError(not_settling(doc, available), "policy")
            names = "、".join(f"{p.id}（{p.region}）" for p in available.values())
            raise InputError(f"没有编号为“{policy}”的政策，可选：{names}。", "policy")
        if region and not region_matches(pack, region):
            raise InputError(f"地区“{region}”和政策“{pack.id}”（{pack.region}）不一致，请只填其中一个，"
                             "或改成同一个地区的政策。", "region")
        return pack
    if not region:
        raise InputError("请填写地区（如 巴彦淖尔市、天津市）或政策编号，才能确定适用的政策。", "region")
    matching = [p for p in available.values() if region_matches(p, region)]
    if not matching:
        doc = next((d for d in documents().values() if d.region == region), None)
        if doc is not None:  # 浙江省, 内蒙古自治区: a document that never settles
            raise InputError(not_settling(doc, available), "region")
        regions = "、".join(p.region for p in available.values())
        raise InputError(f"暂时没有“{region}”的政策，目前可计算的地区：{regions}。", "region")
    if day is None:
        raise InputError("请填写就诊日期，才能确定适用哪一年的政策。", "date")
    check_day(day, "就诊日期", covered="、".join(span(p) for p in matching))
    for pack in matching:
        if pack.covers(day):
            return pack
    spans = "、".join(span(p) for p in matching)
    raise InputError(f"{region}目前收录的政策适用于 {spans} 的就诊，日期 {day} 不在其中，请核对就诊日期。", "date")
