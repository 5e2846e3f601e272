"""A roster's rows grouped into members (户编号, 姓名, 身份证号), and each member as a CONTRACT case."""
from __future__ import annotations

from dataclasses import dataclass

from .rows import Roster, paused_gc


@dataclass(frozen=True, slots=True)
class Member:
    household_id: str
    name: str
    id_number: str
    identities: tuple[str, ...]
    insurance: str | None
    contribution_tier: str | None
    visits: tuple[dict, ...]      # CONTRACT visits, by date (ties in the file's order)
    visit_rows: tuple[int, ...]   # the row each visit came from, same order
    rows: tuple[int, ...]         # every row of this member (visits and a visit-less row)


def members(roster: Roster) -> list[Member]:
    """One Member per (户编号, 姓名, 身份证号), in the order they first appear in the file."""
    with paused_gc():
        return _members(roster)


def _members(roster: Roster) -> list[Member]:
    groups: dict[tuple, list] = {}
    for r in roster.rows:
        groups.setdefault(r.member_key, []).append(r)
    out = []
    for (household, name, id_number), group in groups.items():
        first = lambda attr: next((getattr(r, attr) for r in group if getattr(r, attr) is not None), None)  # noqa: E731
        # in date order (ties: the file's order), as the core settles and numbers them
        with_visit = sorted((r for r in group if r.visit), key=lambda r: (r.visit["date"], r.row))
        out.append(Member(household, name, id_number, first("identities") or (), first("insurance"),
                          first("contribution_tier"), tuple(r.visit for r in with_visit),
                          tuple(r.row for r in with_visit), tuple(r.row for r in group)))
    return out


def case_for(member: Member, policy: str | None = None, region: str | None = None,
             per_capita_income=None) -> dict:
    """CONTRACT.md's case for this member's year (visits may be empty: `settle` then says so)."""
    case: dict = {"identities": list(member.identities), "visits": [dict(v) for v in member.visits]}
    for key, value in (("policy", policy), ("region", region), ("insurance", member.insurance),
                       ("contribution_tier", member.contribution_tier),
                       ("per_capita_income", per_capita_income)):
        if value is not None:
            case[key] = value
    return case
