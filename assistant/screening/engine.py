"""The columnar engine: a table of visits in integer fen → one row per person-year, the same fen as `settle`.

How it stays exact. The explained core settles one case visit by visit, carrying a small state
(起付线 used, what basic has paid against each limit, each later tier's accumulated base and what
it has paid). Here every person-year is settled under each identity it may claim (就高不就低: a
"candidate" per identity held, plus ordinary), and the candidates are laid out so that the k-th
visit of every candidate that has one forms one contiguous slice (candidates sorted by their
number of visits, longest first; rows in visit-rank order). One numpy step per visit rank then
applies exactly the core's recurrence to all candidates at once, in the same order, with the same
rounding (ROUND_HALF_UP in integers over the pack's common denominator). A year with 4 visits
takes 4 vector steps, however many people there are; no person is ever looked at alone.

Everything that does not depend on the order of visits (policy scope, which rule and group, the
schedule's 起付线, bands and limit, the conditions) is looked up once for all rows beforehand.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..knowledge.store import packs
from ..settlement.year import TIER_ORDER
from .compiled import (DEFAULTS, INSURANCES, KINDS, LEVELS, LOCATIONS, REFERRALS, UNBOUNDED, CompiledPack,
                       compiled, half_up)

MAX_FEN = 10_000_000 * 100   # models.ABSURD_AMOUNT in fen
MAX_VISITS = 366             # models.MAX_VISITS
_NEVER = UNBOUNDED // 10**7  # "no limit": above any year's amount, and × den still fits in int64
AMOUNTS = ("total", "policy_scope", *TIER_ORDER, "out_of_pocket")

INPUT_SCHEMA = pa.schema([
    ("person", pa.int64()), ("policy", pa.string()), ("insurance", pa.string()),
    ("contribution_tier", pa.string()), ("identities", pa.list_(pa.string())),
    ("per_capita_income", pa.int64()), ("rural_per_capita_income", pa.int64()),
    ("date", pa.date32()), ("kind", pa.string()), ("hospital_level", pa.string()),
    ("location", pa.string()), ("referral", pa.string()), ("total", pa.int64()),
    ("out_of_catalog", pa.int64()), ("category_b", pa.int64()), ("basic_paid", pa.int64()),
])
"""One row per visit. Amounts and incomes are integer fen; a null takes the core's default
(level2, local, not_needed, resident, 目录外 0 with no 目录外 warning, no slip). `person` is any
integer id; a person's visits in one calendar year are one person-year."""


def flag_codes() -> tuple[str, ...]:
    """Every flag any settling pack can raise: one boolean column each, the same for every batch."""
    codes = set()
    for pack in packs().values():
        if getattr(pack, "settles", True):
            codes.update(compiled(pack).flag_codes)
    return tuple(sorted(codes))


def output_schema() -> pa.Schema:
    fields = [("person", pa.int64()), ("year", pa.int32()), ("policy", pa.string()),
              ("identity_applied", pa.string()), *[(name, pa.int64()) for name in AMOUNTS],
              *[(f"flag_{code}", pa.bool_()) for code in flag_codes()], ("error", pa.string())]
    return pa.schema(fields)


# ---- reading the input -----------------------------------------------------------------------

def _codes(table: pa.Table, name: str, values) -> tuple[np.ndarray, np.ndarray]:
    """(index into values, or −1; whether the cell was given)."""
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    given = column.is_valid().to_numpy(zero_copy_only=False)
    index = pc.index_in(column, value_set=pa.array(values, pa.string())).fill_null(-1)
    return index.to_numpy().astype(np.int64), given


def _ints(table: pa.Table, name: str, missing: int = -1) -> np.ndarray:
    return table.column(name).cast(pa.int64()).fill_null(missing).to_numpy()


def _read(table: pa.Table) -> tuple[dict, np.ndarray]:
    """The columns as numpy arrays, rows sorted by person, year, date, input order."""
    table = table.select(INPUT_SCHEMA.names)
    person = _ints(table, "person", 0)
    date = table.column("date").cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    year = date.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((np.arange(len(person)), date, year, person))
    if np.all(order[1:] > order[:-1]):
        order = None  # already sorted: no copy
    c = {"person": person, "year": year, "date": date}
    for name, values, default in (("kind", KINDS, None), ("hospital_level", LEVELS, "hospital_level"),
                                  ("location", LOCATIONS, "location"), ("referral", REFERRALS, "referral"),
                                  ("insurance", INSURANCES, "insurance")):
        index, given = _codes(table, name, values)
        if default:
            index[~given] = values.index(DEFAULTS[default])
        c[name] = index
    for name in ("total", "category_b"):
        c[name] = _ints(table, name, 0 if name == "category_b" else -1)
    c["out_of_catalog"] = _ints(table, "out_of_catalog", 0)
    c["catalog_given"] = table.column("out_of_catalog").is_valid().to_numpy(zero_copy_only=False)
    c["basic_paid"] = _ints(table, "basic_paid", 0)
    c["slip_given"] = table.column("basic_paid").is_valid().to_numpy(zero_copy_only=False)
    c["per_capita_income"] = _ints(table, "per_capita_income", -1)
    c["rural_per_capita_income"] = _ints(table, "rural_per_capita_income", -1)
    c["row"] = np.arange(len(person))
    if order is not None:
        c = {k: v[order] for k, v in c.items()}
    return c, (np.arange(len(person)) if order is None else order)


# ---- the public entry --------------------------------------------------------------------------

def settle_table(table: pa.Table) -> pa.Table:
    """Visits (INPUT_SCHEMA) → one row per person-year (output_schema()); amounts in integer fen."""
    schema = output_schema()
    if table.num_rows == 0:
        return schema.empty_table()
    c, order = _read(table)
    n = len(c["person"])
    new = np.ones(n, dtype=bool)
    new[1:] = (c["person"][1:] != c["person"][:-1]) | (c["year"][1:] != c["year"][:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, n))
    first_rows = order[starts]  # rows of the input table that open each person-year
    firsts = table.select(["policy", "contribution_tier", "identities"]).take(pa.array(first_rows))
    policy = firsts.column("policy").cast(pa.string())
    n_py = len(starts)
    out = {name: np.zeros(n_py, dtype=np.int64) for name in AMOUNTS}
    codes = flag_codes()
    flags = {code: np.zeros(n_py, dtype=bool) for code in codes}
    identity = np.full(n_py, None, dtype=object)
    error = np.full(n_py, None, dtype=object)
    settled = np.zeros(n_py, dtype=bool)
    available = packs()
    names = pc.unique(policy).to_pylist()
    for name in names:
        mask = pc.equal(policy, name).fill_null(False).to_numpy(zero_copy_only=False) if name is not None \
            else policy.is_null().to_numpy(zero_copy_only=False)
        pack = available.get(name) if name else None
        if pack is None or not getattr(pack, "settles", True):
            error[mask] = (f"没有可计算的政策“{name}”，请核对政策编号。" if name else "请填写政策编号（policy）。")
            continue
        cp = compiled(pack)
        py = np.flatnonzero(mask)
        result = _settle_pack(cp, c, starts[py], counts[py], firsts.take(pa.array(py)))
        ok = result["error"] == None  # noqa: E711 (object array)
        error[py] = result["error"]
        for key in AMOUNTS:
            out[key][py] = result[key]
        for code, values in result["flags"].items():
            flags[code][py] = values
        identity[py] = result["identity"]
        settled[py[ok]] = True
    columns = {"person": pa.array(c["person"][starts]), "year": pa.array(c["year"][starts].astype(np.int32)),
               "policy": policy, "identity_applied": pa.array(identity, pa.string())}
    for key in AMOUNTS:
        columns[key] = pa.array(out[key], mask=~settled)
    for code in codes:
        columns[f"flag_{code}"] = pa.array(flags[code], mask=~settled)
    columns["error"] = pa.array(error, pa.string())
    return pa.table(columns, schema=schema)


# ---- one pack --------------------------------------------------------------------------------

def _checks(cp: CompiledPack, c: dict, rows: np.ndarray, epoch: np.ndarray, scope: np.ndarray):
    """(row mask, message) for each thing the core refuses, in the order the core checks them."""
    total, ooc, cat_b, paid = (c[k][rows] for k in ("total", "out_of_catalog", "category_b", "basic_paid"))
    return [
        (c["kind"][rows] < 0, "就诊类型无法识别，请填写住院、门诊或门诊慢特病。"),
        (c["insurance"][rows] < 0, "参保类型无法识别，请填写城乡居民（resident）或职工（employee）。"),
        (np.isnat(c["date"][rows]), "请填写就诊日期。"),
        (total < 0, "请填写总费用（元），不能是负数。"),
        ((ooc < 0) | (cat_b < 0) | (paid < -1), "目录外、乙类或基本医保已支付不能是负数。"),
        ((total > MAX_FEN) | (ooc > MAX_FEN) | (cat_b > MAX_FEN) | (paid > MAX_FEN),
         "金额超过1000万元，请检查是否多输了位数。"),
        (ooc + cat_b > total, "目录外费用加乙类费用超过了总费用，请核对结算单。"),
        (paid > total - ooc, "基本医保已支付超过了目录内费用（总费用 − 目录外），请核对结算单。"),
        (epoch < 0, f"就诊日期不在“{cp.pack.name}”的有效期（{cp.valid_from}至{cp.valid_to}）内，请核对日期或选择其他政策。"),
        (paid > scope, "基本医保已支付超过了政策范围内费用，请核对结算单上的“基本医保统筹支付”和目录外、乙类费用。"),
    ]


def _identity_bits(cp: CompiledPack, identities: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(bitmask of the pack's identities held, whether some identity is not the pack's) per person-year."""
    n = len(identities)
    identities = identities.combine_chunks() if isinstance(identities, pa.ChunkedArray) else identities
    flat = pc.list_flatten(identities)
    parent = pc.list_parent_indices(identities).to_numpy()
    index = pc.index_in(flat, value_set=pa.array(cp.identity_order, pa.string())).fill_null(-1).to_numpy()
    mask = np.zeros(n, dtype=np.int64)
    known = index >= 0
    np.bitwise_or.at(mask, parent[known], np.left_shift(1, index[known]).astype(np.int64))
    foreign = np.zeros(n, dtype=bool)
    foreign[parent[~known]] = True
    return mask, foreign


def _contribution(cp: CompiledPack, tiers: pa.ChunkedArray) -> np.ndarray:
    """Index into cp.contribution_values, as year._contribution_tier chooses."""
    if len(cp.contribution_values) == 1:
        return np.zeros(len(tiers), dtype=np.int64)
    offered = [v for v in cp.contribution_values[1:]]
    index = pc.index_in(tiers.cast(pa.string()), value_set=pa.array(offered, pa.string())).fill_null(-1).to_numpy()
    index = index.astype(np.int64) + 1
    index[index == 0] = cp.contribution_values.index("high")
    return index


def _settle_pack(cp: CompiledPack, c: dict, starts: np.ndarray, counts: np.ndarray, firsts: pa.Table) -> dict:
    n_py = len(starts)
    den = cp.den
    first = np.cumsum(np.append(0, counts[:-1]))  # each person-year's first row among `rows`
    # rows of these person-years, in order; py_of_row maps each to its person-year (0..n_py−1)
    if n_py and starts[0] == 0 and first[-1] == starts[-1] and counts.sum() == len(c["person"]):
        rows = slice(None)                          # every row: no copies
    else:
        rows = np.repeat(starts - first, counts) + np.arange(counts.sum())
    py_of_row = np.repeat(np.arange(n_py), counts)
    epoch = cp.epoch_of(c["date"][rows])
    year_epoch = np.maximum(epoch, 0)
    ins = np.maximum(c["insurance"][rows], 0)
    kind = np.maximum(c["kind"][rows], 0)
    level, loc, ref = (np.maximum(c[name][rows], 0) for name in ("hospital_level", "location", "referral"))
    total, ooc, cat_b = c["total"][rows], c["out_of_catalog"][rows], c["category_b"][rows]
    scope = total - ooc - half_up(cat_b * cp.category_b[year_epoch, ins], den)

    error = np.full(n_py, None, dtype=object)
    for bad, message in reversed(_checks(cp, c, rows, epoch, scope)):  # the first check wins
        if bad.any():
            error[np.unique(py_of_row[bad])] = message
    error[counts > MAX_VISITS] = f"一年的就诊次数超过{MAX_VISITS}次，请分开填写或合并同类门诊费用。"
    bad_py = error != None  # noqa: E711
    mask, foreign = _identity_bits(cp, firsts.column("identities"))
    contribution = _contribution(cp, firsts.column("contribution_tier"))

    # candidates: each identity held (in the pack's order), then ordinary; identity column 0 = ordinary
    n_id = len(cp.identity_order)
    mask[bad_py] = 0
    holders = np.flatnonzero(mask)
    n_cand_py = np.ones(n_py, dtype=np.int64)
    if len(holders):
        held = ((mask[holders, None] >> np.arange(n_id)) & 1).astype(bool)
        n_cand_py[holders] += held.sum(axis=1)
    cand_first = np.cumsum(np.append(0, n_cand_py[:-1]))
    n_cand = int(n_cand_py.sum())
    cand_py = np.repeat(np.arange(n_py), n_cand_py)
    cand_ident = np.zeros(n_cand, dtype=np.int64)
    if len(holders):
        grid = np.where(held, np.arange(1, n_id + 1), 0)
        listed = np.sort(np.where(grid > 0, grid, n_id + 1), axis=1)   # the identities held, in order
        for column in range(n_id):
            has = column < n_cand_py[holders] - 1
            cand_ident[cand_first[holders[has]] + column] = listed[has, column]

    # wavefront layout: candidates by number of visits (most first); rows by visit rank, then candidate
    cand_count = np.where(bad_py, 0, counts)[cand_py]
    by_length = np.argsort(-cand_count, kind="stable")
    sorted_count = cand_count[by_length]
    max_rank = int(sorted_count[0]) if n_cand else 0
    active = np.searchsorted(-sorted_count, -np.arange(max_rank), side="left")  # candidates with a k-th visit
    offsets = np.append(0, np.cumsum(active))
    row_start = first[cand_py[by_length]]
    w_row = np.concatenate([row_start[:a] + k for k, a in enumerate(active)]) if max_rank else np.zeros(0, np.int64)
    w_ident = np.concatenate([cand_ident[by_length[:a]] for a in active]) if max_rank else np.zeros(0, np.int64)
    n_w = len(w_row)

    # basic: the rule and where its numbers sit in the tables, per row; then per wavefront row
    n_levels = len(LEVELS)
    rule = cp.basic_rule.reshape(-1)[(ins * len(cp.contribution_values) + contribution[py_of_row]) * len(KINDS) + kind]
    has_rule = rule >= 0
    at_rule = (year_epoch * cp.basic_limit.shape[1] + np.maximum(rule, 0))
    w_scope = scope[w_row]
    slip_paid = np.where(c["slip_given"][rows], c["basic_paid"][rows], -1)[w_row]
    w_level_at = (at_rule * n_levels + level)[w_row]
    w_rule_at = np.where(has_rule, at_rule, -1 - cp.kind_group[kind])[w_row]   # −1 − group: no rule
    deductible_table = cp.basic_deductible.reshape(-1)
    ratio_table = cp.basic_ratio.reshape(-1)
    n_rules = cp.basic_limit.shape[1]
    mode_table = np.tile(cp.basic_mode, cp.n_epochs)
    key_table = np.tile(cp.basic_key, cp.n_epochs)
    group_table = np.tile(cp.basic_group, cp.n_epochs)
    limit_table = np.where(cp.basic_limit.reshape(-1) >= 0, cp.basic_limit.reshape(-1), _NEVER)
    assert len(mode_table) == cp.n_epochs * n_rules

    # later tiers: a schedule id per wavefront row (the last id pays nothing, for rows a tier skips)
    statistics = [np.where(c[name][rows] >= 0, c[name][rows], cp.statistics[year_epoch, n])
                  for n, name in enumerate(("per_capita_income", "rural_per_capita_income"))]
    row_flags = np.zeros(n_w, dtype=np.int64)
    tiers = []
    for tt in cp.tiers:
        s = tt.schedule
        n_tier_rules, n_groups = s["fixed"].shape[1:3]
        r = tt.rule_of[kind, ins]
        reach = (r >= 0) & (tt.absent[ins] < 0)
        allowed = reach & tt.allowed[np.maximum(r, 0), ref, loc]
        rule_key = np.where(allowed, year_epoch * n_tier_rules + r, -1)[w_row]
        group = tt.group_of[np.maximum(r, 0)[w_row], w_ident]
        dummy = cp.n_epochs * n_tier_rules * n_groups
        sid = np.where((rule_key >= 0) & (group >= 0), rule_key * n_groups + group, dummy)
        absent = tt.absent[ins]
        if (absent >= 0).any():
            row_flags |= np.where(absent >= 0, np.left_shift(1, np.maximum(absent, 0)), 0)[w_row]
        refused = np.where(reach, tt.refused_flag[np.maximum(r, 0), ref, loc], -1)
        if (refused >= 0).any():
            row_flags |= np.where((refused[w_row] >= 0) & (group >= 0),
                                  np.left_shift(1, np.maximum(refused[w_row], 0)), 0)
        table = {name: np.append(s[name].reshape(dummy, *s[name].shape[3:]),
                                 np.zeros((1, *s[name].shape[3:]), np.int64), axis=0)
                 for name in ("fixed", "share", "statistic", "limit", "uppers", "ratios")}
        table["share"][-1], table["limit"][-1], table["uppers"][-1] = -1, 0, UNBOUNDED
        limit = np.where(table["limit"] >= 0, table["limit"], _NEVER)
        share = table["share"][sid]
        deductible = table["fixed"][sid]
        if (table["share"] >= 0).any():
            which = np.maximum(table["statistic"][sid], 0)
            stat = np.where(which == 0, statistics[0][w_row], statistics[1][w_row])
            deductible = np.where(share >= 0, half_up(stat * np.maximum(share, 0), den), deductible)
        slot = np.append(np.repeat(np.arange(cp.n_epochs * n_tier_rules) % n_tier_rules, n_groups), n_tier_rules)
        tiers.append(dict(sid=sid, deductible=deductible, limit=limit, uppers=table["uppers"],
                          ratios=table["ratios"], slot=slot, n_slots=n_tier_rules + 1,
                          banded=bool((table["uppers"][:-1] < UNBOUNDED).any())))

    # the year, visit rank by visit rank: the core's state, for every candidate at once
    n_keys, n_groups = len(cp.deductible_keys), len(cp.limit_groups)
    deductible_used = np.zeros(n_keys * n_cand, dtype=np.int64)
    limit_paid = np.zeros(n_groups * n_cand, dtype=np.int64)
    accumulated = [np.zeros(t["n_slots"] * n_cand, dtype=np.int64) for t in tiers]
    tier_paid = [np.zeros(t["n_slots"] * n_cand, dtype=np.int64) for t in tiers]
    sums = np.zeros((1 + len(tiers), n_cand), dtype=np.int64)   # basic, then each tier, per sorted candidate
    for k, a in enumerate(active):
        w = slice(offsets[k], offsets[k + 1])
        j = np.arange(a)
        sc = w_scope[w]
        # 基本医保 (basic.basic_payment)
        at = w_rule_at[w]
        no_rule = at < 0
        at = np.maximum(at, 0)
        mode = mode_table[at]
        key = key_table[at] * n_cand + j
        used = deductible_used[key]
        full = deductible_table[w_level_at[w]]
        amount = np.minimum(full, sc)
        slip = slip_paid[w]
        is_slip = slip >= 0
        deducted = np.where(mode == 1, amount, 0)
        if (mode >= 2).any():
            deducted = np.where((mode == 2) & (used == 0), amount, deducted)
            annual = mode == 3
            deducted = np.where(annual, np.minimum(np.maximum(full - used, 0), sc), deducted)
            deducted = np.where(is_slip, 0, deducted)
            deductible_used[key] = np.where(mode == 2, 1, np.where(annual, used + deducted, used))
        deducted = np.where(is_slip, 0, deducted)
        raw = half_up((sc - deducted) * ratio_table[w_level_at[w]], den)
        group = np.where(no_rule, -1 - w_rule_at[w], group_table[at]) * n_cand + j
        spent = limit_paid[group]
        basic = np.minimum(raw, np.maximum(limit_table[at] - spent, 0))
        basic = np.where(is_slip, slip, np.where(no_rule, 0, basic))
        limit_paid[group] = spent + basic
        sums[0, :a] += basic
        remaining = sc - basic
        # later tiers (banded.payment): round(F(accumulated base)) − paid so far, capped by the base
        for t, tier in enumerate(tiers):
            sid = tier["sid"][w]
            slot = tier["slot"][sid] * n_cand + j
            before, paid_before = accumulated[t][slot], tier_paid[t][slot]
            after = before + remaining
            deductible = tier["deductible"][w]
            ratios = tier["ratios"][sid]
            if tier["banded"]:
                uppers = tier["uppers"][sid]
                lower = deductible
                numerator = np.zeros(a, dtype=np.int64)
                for b in range(uppers.shape[1]):
                    numerator += np.maximum(np.minimum(after, uppers[:, b]) - lower, 0) * ratios[:, b]
                    lower = np.maximum(lower, uppers[:, b])
            else:
                numerator = np.maximum(after - deductible, 0) * ratios[:, 0]
            limit = tier["limit"][sid]
            year_total = np.where(numerator > limit * den, limit, half_up(numerator, den))
            pay = np.minimum(np.maximum(year_total - paid_before, 0), remaining)
            accumulated[t][slot] = after
            tier_paid[t][slot] = paid_before + pay
            sums[1 + t, :a] += pay
            remaining = remaining - pay

    # back to candidate order; choose per person-year (least out_of_pocket, then the pack's order)
    cand_sums = np.empty_like(sums)
    cand_sums[:, by_length] = sums
    cand_flags = np.zeros(n_cand, dtype=np.int64)
    if row_flags.any():
        w_cand = np.concatenate([by_length[:a] for a in active])
        np.bitwise_or.at(cand_flags, w_cand, row_flags)
    py_total = np.add.reduceat(total, first) if n_py else total[:0]
    py_scope = np.add.reduceat(scope, first) if n_py else scope[:0]
    oop = py_total[cand_py] - cand_sums.sum(axis=0)
    if len(holders):
        least = np.minimum.reduceat(oop, cand_first)
        best_rows = np.flatnonzero(oop == least[cand_py])
        best = best_rows[np.append(True, cand_py[best_rows][1:] != cand_py[best_rows][:-1])]
    else:
        best = np.arange(n_py)
    winner_ident = cand_ident[best]

    result = {"total": py_total, "policy_scope": py_scope, "out_of_pocket": oop[best]}
    for name in TIER_ORDER:
        result[name] = np.zeros(n_py, dtype=np.int64)
    result["basic"] = cand_sums[0, best]
    for t, name in enumerate(cp.tier_names):
        result[name] = cand_sums[1 + t, best]
    bits = cand_flags[best]
    bits |= np.where(foreign, 1 << cp.not_in_policy, 0)
    bits |= _pack_flags(cp, c, rows, counts, first, year_epoch, winner_ident, result, level, kind, total, ooc,
                        statistics)
    result["flags"] = {code: ((bits >> n) & 1).astype(bool) & ~bad_py for n, code in enumerate(cp.flag_codes)}
    names = np.array([None, *cp.identity_order], dtype=object)
    result["identity"] = np.where(bad_py, None, names[winner_ident])
    result["error"] = error
    for name in AMOUNTS:
        result[name] = np.where(bad_py, 0, result[name])
    return result


def _pack_flags(cp, c, rows, counts, first, epoch, ident, result, level, kind, total, ooc, statistics) -> np.ndarray:
    """eligibility.flags: the burden after basic and 大病 against a statistic; 目录外 shares."""
    n_py = len(counts)
    bits = np.zeros(n_py, dtype=np.int64)
    first_epoch = epoch[first]
    burden = result["total"] - result["basic"] - result["critical_illness"]
    for code, who, shares, which in cp.burden_rules:
        stat = statistics[which][first]  # the case's figure, else the pack's on the year's first visit
        threshold = half_up(stat * shares[first_epoch], cp.den)
        hit = burden > threshold
        if who is not None:
            hit &= np.asarray(who)[ident]
        bits |= np.where(hit, 1 << code, 0)
    given = c["catalog_given"][rows]
    for code, who, kinds, limits in cp.catalog_rules:
        over = kinds[kind] & (total > 0) & given & (ooc * cp.den > limits[epoch, level] * total)
        hit = np.logical_or.reduceat(over, first) if n_py else over[:0]
        if who is not None:
            hit &= np.asarray(who)[ident]
        bits |= np.where(hit, 1 << code, 0)
    return bits
