"""`screen --engine columnar|spark`: a roster's members settled by the columnar engine.

The table `screen` writes has the core's words in it (监测提示, 建议申请 and notes are the
result's flag messages and eligibility text). The columnar path computes numbers only, so: every
member is settled in columns; a member whose year raises no warning and gets no 救助 has a row
made of those numbers (its words are empty, as the core's would be); a member with a warning, an
aid amount, a refused input, or visits in more than one year is settled again by the explained
core, which writes that member's words. A member who holds an identity goes to the core directly:
救助 (words) is what an identity is for. The rows are therefore the core's, by construction, and
the columns carry the bulk: in a general population most people only have basic and 大病.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from ..errors import InputError
from ..models import parse_case
from .cases import table_from_cases
from .compiled import supported
from .engine import settle_table


PROBE = 500   # members settled in columns first, to see whether the columns pay for this roster
WORDY = 0.5   # when more of those than this share need the core's words, the rest go to the core at once


def _prepare(members, policy, region, income, indices=None):
    """(the members the columns settle, their cases as a table, everything else left to the core);
    `indices`: which members to look at (default: all)."""
    from ..roster.members import case_for
    from ..settlement.api import select_pack
    cases, persons, policies, rest = [], [], [], []
    for n in range(len(members)) if indices is None else indices:
        member = members[n]
        if not member.visits or member.identities:
            # an identity almost always brings words (救助 to apply for, or a note that the pack does
            # not know it): such a member goes to the core at once rather than being settled twice
            rest.append(n)
            continue
        try:
            case = parse_case(case_for(member, policy, region, income))
            if len({v.date.year for v in case.visits}) > 1 or any(
                    getattr(v, "out_of_catalog_unknown", False) for v in case.visits) or case.contribution_tier == "unknown":
                raise LookupError  # several years, or unknowns: the core's choice and range
            pack = select_pack(case)
            if not supported(pack):
                raise LookupError  # a pack this compiler does not know yet: the core settles it
        except (InputError, LookupError):
            rest.append(n)
            continue
        cases.append(case)
        persons.append(n)
        policies.append(pack.id)
    table = table_from_cases(cases, persons=persons, policies=policies) if cases else None
    return table, rest


def _needs_words(settled: pa.Table) -> np.ndarray:
    """Per settled member: whether the row carries the core's words (a warning, an aid amount for
    建议申请, a refusal), so the core must settle it again to write them."""
    from ..roster.screen import AID_TIERS
    words = np.zeros(settled.num_rows, dtype=bool)
    for name in settled.column_names:
        if name.startswith("flag_"):
            words |= settled.column(name).fill_null(True).to_numpy(zero_copy_only=False)
    for name in AID_TIERS:  # an aid amount means words in 建议申请
        words |= settled.column(name).fill_null(0).to_numpy(zero_copy_only=False) > 0
    return words | settled.column("error").is_valid().to_numpy(zero_copy_only=False)


def _rows(members, settled: pa.Table, rest: list[int], policy, region, income, progress):
    from ..roster.screen import AMOUNT_KEYS, ScreenRow, _core
    out: dict[int, object] = {}
    if settled is not None and settled.num_rows:
        data = {name: settled.column(name).to_numpy(zero_copy_only=False) for name in ("person", *AMOUNT_KEYS)}
        words = _needs_words(settled)
        identity = settled.column("identity_applied").to_pylist()
        policies = settled.column("policy").to_pylist()
        for i, n in enumerate(data["person"].tolist()):
            if words[i]:
                rest.append(n)
                continue
            member = members[n]
            totals = {k: Decimal(int(data[k][i])).scaleb(-2) for k in AMOUNT_KEYS}
            out[n] = ScreenRow(member.household_id, member.name, member.id_number, member.rows,
                               len(member.visits), policies[i], identity[i], totals)
    if progress:
        progress(len(out), len(members))
    if rest:
        rest = sorted(rest)
        done = len(out)

        def moved(count, _total):
            if progress:
                progress(done + count, len(members))
        for n, row in zip(rest, _core([members[n] for n in rest], policy=policy, region=region,
                                      per_capita_income=income, progress=moved)):
            out[n] = row
    return [out[n] for n in range(len(members))]


def screen_columnar(members, *, policy=None, region=None, per_capita_income=None, progress=None, **_options):
    """ENGINES["columnar"]: one ScreenRow per member, equal to the core's.

    The first PROBE members the columns could take are settled first: when most of them need the
    core's words anyway (a roster of large bills, every year a warning), the others go to the core
    at once instead of being settled twice. Either way every row is the core's."""
    income = None if per_capita_income is None else Decimal(per_capita_income)
    candidates = [n for n, member in enumerate(members) if member.visits and not member.identities]
    table, rest = _prepare(members, policy, region, income, candidates[:PROBE])
    settled = [settle_table(table)] if table is not None else []
    later = candidates[PROBE:]
    if later and settled and _needs_words(settled[0]).mean() > WORDY:
        rest.extend(later)
    elif later:
        table, others = _prepare(members, policy, region, income, later)
        rest.extend(others)
        settled += [settle_table(table)] if table is not None else []
    rest.extend(n for n, member in enumerate(members) if not member.visits or member.identities)
    joined = pa.concat_tables(settled) if settled else None
    return _rows(members, joined, rest, policy, region, income, progress)


def screen_spark(members, *, policy=None, region=None, per_capita_income=None, progress=None, spark=None,
                 **_options):
    """ENGINES["spark"]: the same, with the columns settled on Spark (local mode unless given a session)."""
    from .spark import local_session, screen_dataframe
    income = None if per_capita_income is None else Decimal(per_capita_income)
    table, rest = _prepare(members, policy, region, income)
    settled = None
    if table is not None:
        session = spark or local_session()
        try:
            frame = session.createDataFrame(table)          # Spark 4 takes Arrow directly
        except TypeError:
            frame = session.createDataFrame(table.to_pandas())
        settled = screen_dataframe(frame).toArrow().sort_by("person")
    return _rows(members, settled, rest, policy, region, income, progress)
