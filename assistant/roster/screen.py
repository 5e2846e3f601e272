"""Screening: every member's year settled, one ScreenRow each.

`screen(members, …, engine="core")` looks the engine up in ENGINES; "core" settles each member
with `assistant.settlement.settle` on worker processes. Other engines (columnar, Spark) register
themselves here with the same signature and must give the same rows.
The 监测提示 and 建议申请 columns are read from the result (its flags, tier amounts and
eligibility); no rule is written again here.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from ..errors import InputError
from ..knowledge.store import tier_codes, tier_name
from ..money import ZERO
from .members import Member, case_for
from .rows import paused_gc

# tier codes and names from knowledge/tiers.yaml (the one table); the aid tiers are those after 大病保险
AMOUNT_KEYS = ("total", *tier_codes(), "out_of_pocket")
AID_TIERS = {code: tier_name(code) for code in tier_codes()[2:]}
HOW_TO_APPLY = "如何申请医疗救助"  # the eligibility item that says how this person applies

Progress = Callable[[int, int], None]  # (members done, members in all)


@dataclass(frozen=True, slots=True)
class ScreenRow:
    """One member's year. `id_number` is the full number: masking happens where it is shown."""
    household_id: str
    name: str
    id_number: str
    rows: tuple[int, ...]
    visits: int = 0
    policy: str = ""
    identity_applied: str | None = None
    totals: dict = field(default_factory=dict)      # AMOUNT_KEYS -> Decimal yuan
    monitoring: tuple[str, ...] = ()                # the result's monitoring flags, in words
    suggestions: tuple[str, ...] = ()               # what to apply for, from the result
    notes: tuple[str, ...] = ()                     # the result's other flags
    error: str | None = None                        # why this member could not be settled


def screen_row(member: Member, result: dict) -> ScreenRow:
    """The table's row for a settled member, read off CONTRACT's result."""
    totals = {k: result["totals"].get(k, ZERO) for k in AMOUNT_KEYS}
    monitoring = tuple(f["message"] for f in result["flags"] if f["code"].startswith("monitoring"))
    notes = tuple(dict.fromkeys(f["message"] for f in result["flags"] if not f["code"].startswith("monitoring")))
    paid = [f"{name} {totals[code]:.2f} 元" for code, name in AID_TIERS.items() if totals[code] > 0]
    suggestions = list(paid)
    if paid or monitoring:
        how = next((e["result"] for e in result["eligibility"] if e["item"] == HOW_TO_APPLY), None)
        if how:
            suggestions.append(f"办理：{how}")
    return ScreenRow(member.household_id, member.name, member.id_number, member.rows, len(member.visits),
                     result["policy"], result["identity_applied"], totals, monitoring, tuple(suggestions), notes)


def no_visit_row(member: Member, policy: str | None) -> ScreenRow:
    """A member without a visit this year: listed, all amounts 0.00 (nothing to settle)."""
    return ScreenRow(member.household_id, member.name, member.id_number, member.rows, 0, policy or "",
                     None, {k: Decimal("0.00") for k in AMOUNT_KEYS}, notes=("本年度没有就诊记录。",))


_VISIT_NUMBER = re.compile(r"第(\d+)次就诊")


def error_row(member: Member, error: InputError) -> ScreenRow:
    """The core's message, its "第N次就诊" turned into the file's row number."""
    def row_of(match):
        n = int(match.group(1))
        return f"第{member.visit_rows[n - 1]}行的就诊" if 0 < n <= len(member.visit_rows) else match.group(0)
    return ScreenRow(member.household_id, member.name, member.id_number, member.rows, len(member.visits),
                     error=_VISIT_NUMBER.sub(row_of, error.message))


def _settle_chunk(args) -> list[ScreenRow]:
    from ..settlement import settle
    chunk, policy, region, income = args
    out = []
    for member in chunk:
        if not member.visits:
            out.append(no_visit_row(member, policy))
            continue
        try:
            out.append(screen_row(member, settle(case_for(member, policy, region, income))))
        except InputError as error:
            out.append(error_row(member, error))
    return out


def _core(members: list[Member], *, policy=None, region=None, per_capita_income=None,
          progress: Progress | None = None, workers: int | None = None) -> list[ScreenRow]:
    total = len(members)
    size = max(50, min(1000, total // 40 or 1))
    chunks = [(members[i:i + size], policy, region, per_capita_income) for i in range(0, total, size)]
    if workers is None:  # a pool costs ~0.3 s to start: worth it from a few hundred members
        workers = min(2, os.cpu_count() or 1) if total >= 400 else 1
    out: list[ScreenRow] = []
    if progress:
        progress(0, total)
    with paused_gc():
        return _run(chunks, workers, out, total, progress)


def _run(chunks, workers, out, total, progress) -> list[ScreenRow]:
    if workers <= 1 or len(chunks) <= 1:
        blocks: Iterable[list[ScreenRow]] = map(_settle_chunk, chunks)
        for block in blocks:
            out.extend(block)
            if progress:
                progress(len(out), total)
        return out
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        for block in pool.map(_settle_chunk, chunks):
            out.extend(block)
            if progress:
                progress(len(out), total)
    return out


def _context():
    """fork starts workers with the knowledge already loaded; in a process with other threads (the
    app's server) forking can copy a held lock, so there the workers are spawned afresh."""
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


def _columnar(members: list[Member], **kwargs) -> list[ScreenRow]:
    from ..screening.roster import screen_columnar  # here: the screening package imports this module
    return screen_columnar(members, **kwargs)


def _spark(members: list[Member], **kwargs) -> list[ScreenRow]:
    from ..screening.roster import screen_spark
    return screen_spark(members, **kwargs)


# Engines take (members, *, policy, region, per_capita_income, progress, **options) and return one
# ScreenRow per member in order, equal to the core's. "columnar" settles in integer-fen columns and
# asks the core only for the members whose row carries words (warnings, aid, refusals).
ENGINES: dict[str, Callable[..., list[ScreenRow]]] = {"core": _core, "columnar": _columnar, "spark": _spark}
DEFAULT_ENGINE = "columnar"


def screen(members: list[Member], *, policy: str | None = None, region: str | None = None,
           per_capita_income=None, engine: str | None = None, progress: Progress | None = None,
           **options) -> list[ScreenRow]:
    """Settle every member; one ScreenRow each, in the members' order (errors included, never dropped)."""
    engine = engine or DEFAULT_ENGINE
    run = ENGINES.get(engine)
    if run is None:
        raise InputError(f"没有名为“{engine}”的计算引擎，可选：{'、'.join(ENGINES)}。")
    return run(list(members), policy=policy, region=region, per_capita_income=per_capita_income,
               progress=progress, **options)
