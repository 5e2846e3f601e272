"""Each member's year settled by the core, stored with the knowledge it was settled under.

`settle` (assistant.settlement) computes every figure; this module only builds the member's
case from the ledger, keeps the result, and reads from the result who crosses a monitoring line
and who should apply for 医疗救助 / 倾斜救助 — quoting the result's own flags and eligibility
items, never writing a rule again. A stored year carries the pack version (a hash of the whole
pack) and the result's fingerprint; when the knowledge changes the version differs, and
`resettle` settles those members again and lists whose figures changed and by how much.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, select

from ..errors import InputError
from ..knowledge.store import packs, tier_codes, tier_name
from ..money import ZERO
from ..settlement import settle
from ..settlement.api import dumps, loads, policy_for
from . import audit
from . import households as book
from .auth import Actor
from .money import from_fen, to_fen
from .tables import Household, Member, MemberIdentity, SettledYear, Visit, now

def total_keys() -> tuple[str, ...]:
    """A result's totals in order: the bill, the policy scope, every tier (knowledge/tiers.yaml), what is left."""
    return ("total", "policy_scope", *tier_codes(), "out_of_pocket")


def aid_tiers() -> dict[str, str]:
    """code -> name of the tiers after 大病保险 (救助, 倾斜, 重特大, 健康扶贫兜底), in settlement order
    (knowledge/tiers.yaml: basic and critical_illness come first)."""
    return {code: tier_name(code) for code in tier_codes()[2:]}
MONITORING = {"monitoring_impoverishment": "因病致贫监测", "monitoring_return_to_poverty": "因病返贫监测"}


_VERSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # pack object -> its version text


def pack_version(policy: str) -> str:
    """'<pack id> <date its values were last reviewed>#<12 hex>': the hash covers every value the pack
    holds, so any change to the knowledge shows, even one made without a new review date.
    Kept with the pack object (weakly), so a reloaded or changed pack is hashed afresh."""
    pack = packs()[policy]
    found = _VERSIONS.get(pack)
    if found is None:
        found = _VERSIONS[pack] = _hash_pack(policy, pack)
    return found


def _hash_pack(policy: str, pack) -> str:
    parts = [repr(getattr(pack, name, None)) for name in
             ("parameters", "basic", "tiers", "flags", "eligibility", "identities", "identity_order", "reviewed")]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    reviewed = getattr(pack, "reviewed", None)
    return f"{policy} {reviewed.isoformat() if reviewed else '—'}#{digest}"


def fingerprint(result: dict) -> str:
    """The result's own fingerprint (result['basis'] from the core: the parameter values it used);
    the pack's hash for a result from before the core gave one."""
    basis = result.get("basis") or {}
    return str(basis.get("fingerprint") or pack_version(result["policy"]).rsplit("#", 1)[1])


@dataclass
class MemberYear:
    member: Member
    held: list[MemberIdentity]
    visits: list[Visit]
    case: dict | None = None
    result: dict | None = None
    error: str | None = None          # why this year could not be settled (in the core's words)
    changed: dict | None = None       # after a resettle: the figures before and after

    @property
    def out_of_pocket(self) -> Decimal:
        return self.result["totals"]["out_of_pocket"] if self.result else ZERO


@dataclass
class HouseholdYear:
    household: Household
    year: int
    members: list[MemberYear] = field(default_factory=list)

    @property
    def totals(self) -> dict:
        """The members' totals added up, and `paid`: what every tier together paid for the family."""
        sums = {key: ZERO for key in total_keys()}
        for item in self.members:
            if item.result:
                for key in total_keys():
                    sums[key] += item.result["totals"][key]
        sums["paid"] = sums["total"] - sums["out_of_pocket"]
        return sums


def stored_summary(session: Session, household_ids: list[int], year: int) -> dict[int, tuple[Decimal, list[str]]]:
    """household id -> (the year's stored out-of-pocket, added over members; the monitoring lines crossed),
    from the saved results (for the household list, without settling anyone again)."""
    out: dict[int, tuple[Decimal, list[str]]] = {h: (ZERO, []) for h in household_ids}
    if not household_ids:
        return out
    rows = session.exec(select(SettledYear, Member.household_id).join(Member, Member.id == SettledYear.member_id)
                        .where(Member.household_id.in_(household_ids), SettledYear.year == year)).all()
    for row, household_id in rows:
        pays, crossed = out[household_id]
        out[household_id] = (pays + from_fen(row.out_of_pocket_fen), crossed + [m["what"] for m in monitoring(stored(row))])
    return out


def what_if(item: MemberYear, extra_visit: dict) -> dict:
    """The member's year with one more visit, settled by the core (nothing stored): the new result,
    how much more the person would pay, and the monitoring lines the year would newly cross."""
    case = {**item.case, "visits": [*item.case["visits"], extra_visit]}
    again = settle(case)
    before = {line["what"] for line in monitoring(item.result)}
    return {"result": again, "out_of_pocket": again["totals"]["out_of_pocket"],
            "more": again["totals"]["out_of_pocket"] - item.result["totals"]["out_of_pocket"],
            "newly_crossed": [line["what"] for line in monitoring(again) if line["what"] not in before]}


def member_case(home: Household, person: Member, held: list[MemberIdentity], visits: list[Visit]) -> dict:
    """The CONTRACT case for this member's visits: region and date pick the policy, as in the self-check."""
    case = {"region": home.region, "date": visits[0].date.isoformat(), "insurance": person.insurance,
            "identities": [item.code for item in held], "visits": [book.visit_raw(v) for v in visits]}
    if person.contribution_tier:
        case["contribution_tier"] = person.contribution_tier
    if home.per_capita_income_fen is not None:
        case["per_capita_income"] = from_fen(home.per_capita_income_fen)
    return case


def settle_member(home: Household, person: Member, held: list[MemberIdentity], visits: list[Visit]) -> MemberYear:
    item = MemberYear(person, held, visits)
    if not visits:
        item.error = "本年度没有就诊记录。"
        return item
    item.case = member_case(home, person, held, visits)
    try:
        item.result = settle(item.case)
    except InputError as error:
        item.error = error.message
    return item


def household_year(session: Session, actor: Actor, household_id: int, year: int, *, store: bool = True) -> HouseholdYear:
    """Every member's year settled now (and stored when `store`), with the household's totals."""
    home = book.household(session, actor, household_id)
    people = book.members(session, household_id)
    ids = [p.id for p in people]
    held = book.identities(session, ids)
    seen = book.visits(session, ids, year)
    found = HouseholdYear(home, year)
    for person in people:
        item = settle_member(home, person, held[person.id], seen[person.id])
        found.members.append(item)
        if store:
            keep(session, person.id, year, item.result)
    if store:
        session.commit()
    return found


def keep(session: Session, member_id: int, year: int, result: dict | None, *,
         replace_stale: bool = False, row: SettledYear | None = ...) -> SettledYear | None:
    """Store (or replace) the member's settled year; a year that no longer settles is removed.

    A year stored under an older pack is left as it is unless `replace_stale`: `resettle` replaces
    it and lists the change, so opening a household never hides what the new knowledge changed.
    `row`: the stored row when the caller has already read it (None: there is none)."""
    if row is ...:
        row = session.exec(select(SettledYear).where(SettledYear.member_id == member_id,
                                                     SettledYear.year == year)).first()
    if row is not None and not replace_stale and row.policy in packs() and row.pack_version != pack_version(row.policy):
        return row
    if result is None:
        if row is not None:
            session.delete(row)
        return None
    values = record(member_id, year, result)
    if row is not None and row.result == values["result"] and row.pack_version == values["pack_version"]:
        return row  # the same figures from the same knowledge: nothing to write
    row = row or SettledYear(member_id=member_id, year=year)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    return row


def record(member_id: int, year: int, result: dict) -> dict:
    """The stored year's columns for this result (also inserted in bulk by the import)."""
    return {"member_id": member_id, "year": year, "policy": result["policy"],
            "pack_version": pack_version(result["policy"]), "fingerprint": fingerprint(result),
            "out_of_pocket_fen": to_fen(result["totals"]["out_of_pocket"]),
            "totals": {key: f"{result['totals'][key]:f}" for key in total_keys()},
            "result": dumps(result), "settled_at": now()}


def stored(row: SettledYear) -> dict:
    return loads(row.result)


# ---- who needs what (read from the result) ----

def monitoring(result: dict) -> list[dict]:
    """The monitoring lines this year crosses: the result's own flags (bayannur 第十条)."""
    return [{"what": MONITORING[f["code"]], "message": f["message"], "citations": f["citations"]}
            for f in result.get("flags", []) if f["code"] in MONITORING]


def advice(result: dict) -> list[dict]:
    """Who should apply for 医疗救助 / 倾斜救助 and what they still need, each with its clause."""
    out = []
    names = aid_tiers()
    paid = {tier: result["totals"].get(tier, ZERO) for tier in names}
    how = [e for e in result.get("eligibility", []) if e["item"] == "如何申请医疗救助"]
    if any(amount > 0 for amount in paid.values()):
        parts = "、".join(f"{names[t]} {amount:.2f} 元" for t, amount in paid.items() if amount > 0)
        out.append({"what": f"应享受{parts}", "need": how[0]["result"] if how else "",
                    "citations": how[0]["citations"] if how else []})
    elif monitoring(result) and how:
        out.append({"what": "可申请认定身份后享受医疗救助", "need": how[0]["result"], "citations": how[0]["citations"]})
    for flag in result.get("flags", []):
        if flag["code"] == "not_referred_no_aid":
            out.append({"what": "补办转诊手续", "need": flag["message"], "citations": flag["citations"]})
    recent = [e for e in result.get("eligibility", []) if e["item"] == "新认定身份可前溯12个月"]
    if recent and out:
        out.append({"what": "保留票据", "need": recent[0]["result"], "citations": recent[0]["citations"]})
    return out


# ---- knowledge changed: settle again and say what moved ----

def stale_years(session: Session, actor: Actor) -> list[SettledYear]:
    """Stored years settled under a pack that has changed since (their pack version differs)."""
    rows = session.exec(select(SettledYear, Household.village).join(Member, Member.id == SettledYear.member_id)
                        .join(Household, Household.id == Member.household_id)).all()
    current: dict[str, str | None] = {}
    out = []
    for row, village in rows:
        if not actor.sees(village):
            continue
        if row.policy not in current:
            current[row.policy] = pack_version(row.policy) if row.policy in packs() else None
        if row.pack_version != current[row.policy]:
            out.append(row)
    return out


def resettle(session: Session, actor: Actor, rows: list[SettledYear] | None = None, progress=None) -> list[dict]:
    """Settle these stored years again (default: the stale ones); return the members whose figures changed."""
    rows = stale_years(session, actor) if rows is None else rows
    changed = []
    for number, row in enumerate(rows, start=1):
        person = session.get(Member, row.member_id)
        home = session.get(Household, person.household_id)
        held = book.identities(session, [person.id])[person.id]
        seen = book.visits(session, [person.id], row.year)[person.id]
        before = dict(row.totals)
        item = settle_member(home, person, held, seen)
        after = {key: f"{item.result['totals'][key]:f}" for key in total_keys()} if item.result else None
        keep(session, person.id, row.year, item.result, replace_stale=True)
        if after != before:
            old = Decimal(before["out_of_pocket"])
            new = Decimal(after["out_of_pocket"]) if after else None
            entry = {"household": home.code, "village": home.village, "household_id": home.id,
                     "member": person.name, "member_id": person.id, "year": row.year,
                     "before": old, "after": new, "difference": None if new is None else new - old,
                     "tiers": {k: (Decimal(before[k]), Decimal(after[k])) for k in total_keys()
                               if after and before.get(k) != after[k]},
                     "error": item.error}
            changed.append(entry)
            audit.record(session, actor, "resettle", "settlement", person.id, household=home,
                         before={"年度": row.year, "个人自付": before["out_of_pocket"]},
                         after={"年度": row.year, "个人自付": after["out_of_pocket"] if after else item.error})
        if progress:
            progress(number, len(rows))
    session.commit()
    return changed


def year_of(day: dt.date | None = None) -> int:
    return (day or dt.date.today()).year


__all__ = ["household_year", "settle_member", "member_case", "monitoring", "advice", "stale_years",
           "resettle", "pack_version", "fingerprint", "policy_for"]
