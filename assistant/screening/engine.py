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

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..checks import ABSURD_AMOUNT, MAX_VISITS
from ..knowledge.store import packs, tier_codes
from .compiled import (DEFAULTS, INSURANCES, KINDS, LEVELS, LOCATIONS, REFERRALS, CompiledPack,
                       compiled, half_up, supported)

MAX_FEN = int(ABSURD_AMOUNT * 100)  # the core's absurd amount, in fen
AMOUNTS = ("total", "policy_scope", *tier_codes(), "out_of_pocket")

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


from .fallback import core_flag_codes, needs_core, settle_with_core  # noqa: E402  (it reads nothing above)


def flag_codes() -> tuple[str, ...]:
    """Every flag any settling pack can raise: one boolean column each, the same for every batch."""
    codes = set()
    for pack in packs().values():
        if getattr(pack, "settles", True) and needs_core(pack):
            codes.update(core_flag_codes(pack) | {rule.code for rule in pack.flags})
        elif getattr(pack, "settles", True) and supported(pack):
            codes.update(compiled(pack).flag_codes)
    return tuple(sorted(codes))


def output_schema() -> pa.Schema:
    fields = [("person", pa.int64()), ("year", pa.int32()), ("policy", pa.string()),
              ("identity_applied", pa.string()), *[(name, pa.int64()) for name in AMOUNTS],
              *[(f"flag_{code}", pa.bool_()) for code in flag_codes()], ("error", pa.string())]
    return pa.schema(fields)


# ---- reading the input -----------------------------------------------------------------------

def _codes(table: pa.Table, name: str, values) -> tuple[np.ndarray, np.ndarray]:
    """(index into values, or −1; whether the cell was given). Dictionary columns (as Parquet
    gives them) are looked up once per distinct word."""
    value_set = pa.array(values, pa.string())
    parts, given = [], []
    for chunk in table.column(name).chunks:
        given.append(chunk.is_valid().to_numpy(zero_copy_only=False))
        if pa.types.is_dictionary(chunk.type):
            words = pc.index_in(chunk.dictionary.cast(pa.string()), value_set=value_set).fill_null(-1).to_numpy()
            parts.append(np.append(words, -1)[chunk.indices.fill_null(len(words)).to_numpy()])
        else:
            parts.append(pc.index_in(chunk, value_set=value_set).fill_null(-1).to_numpy())
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    return np.concatenate(parts).astype(np.int64), np.concatenate(given)


def _ints(table: pa.Table, name: str, missing: int = -1) -> np.ndarray:
    return table.column(name).cast(pa.int64()).fill_null(missing).to_numpy()


_JANUARY_FIRSTS = np.arange("1900", "2200", dtype="datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _read(table: pa.Table) -> tuple[dict, np.ndarray | None]:
    """The columns as numpy arrays, rows sorted by person, year, date, input order (None: already were)."""
    person = _ints(table, "person", 0)
    dates = table.column("date").cast(pa.date32())
    given = dates.is_valid().to_numpy(zero_copy_only=False)
    days = dates.cast(pa.int32()).fill_null(0).to_numpy().astype(np.int64)
    year = np.searchsorted(_JANUARY_FIRSTS, days, side="right") + 1899
    date = np.where(given, days, np.iinfo(np.int64).min).view("datetime64[D]")  # NaT where missing
    same_person = person[1:] == person[:-1]
    ordered = np.all((person[1:] > person[:-1]) | (same_person & (days[1:] >= days[:-1])))
    order = None if ordered else np.lexsort((np.arange(len(person)), date, year, person))
    c = {"person": person, "year": year, "date": date}
    for name, values, default in (("kind", KINDS, None), ("hospital_level", LEVELS, "hospital_level"),
                                  ("location", LOCATIONS, "location"), ("referral", REFERRALS, "referral"),
                                  ("insurance", INSURANCES, "insurance")):
        index, given = _codes(table, name, values)
        if default:
            index[~given] = values.index(DEFAULTS[default])
        c[name] = index
    c["total"] = _ints(table, "total", -1)
    c["category_b"] = _ints(table, "category_b", 0)
    c["out_of_catalog"] = _ints(table, "out_of_catalog", 0)
    c["catalog_given"] = table.column("out_of_catalog").is_valid().to_numpy(zero_copy_only=False)
    c["basic_paid"] = _ints(table, "basic_paid", 0)
    c["slip_given"] = table.column("basic_paid").is_valid().to_numpy(zero_copy_only=False)
    c["per_capita_income"] = _ints(table, "per_capita_income", -1)
    c["rural_per_capita_income"] = _ints(table, "rural_per_capita_income", -1)
    if order is not None:
        c = {k: v[order] for k, v in c.items()}
    return c, order


# ---- the public entry --------------------------------------------------------------------------

CHUNK = 65_536  # person-years settled together: the working arrays stay in the processor's cache


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
    first_rows = starts if order is None else order[starts]  # input rows that open each person-year
    firsts = table.select(["policy", "contribution_tier", "identities"]).take(pa.array(first_rows))
    policy = firsts.column("policy").cast(pa.string())
    n_py = len(starts)
    out = {name: np.zeros(n_py, dtype=np.int64) for name in AMOUNTS}
    codes = flag_codes()
    flags = {code: np.zeros(n_py, dtype=bool) for code in codes}
    identity = np.full(n_py, -1, dtype=np.int32)   # into `identities`; −1 ordinary (or refused)
    error = np.full(n_py, -1, dtype=np.int32)      # into `messages`; −1 settled
    identities: list[str] = []
    messages: list[str] = []

    def refuse(where, message: str) -> None:
        messages.append(message)
        error[where] = len(messages) - 1
    settled = np.zeros(n_py, dtype=bool)
    available = packs()
    for name in pc.unique(policy).to_pylist():
        mask = pc.equal(policy, name).fill_null(False).to_numpy(zero_copy_only=False) if name is not None \
            else policy.is_null().to_numpy(zero_copy_only=False)
        pack = available.get(name) if name else None
        if pack is None or not getattr(pack, "settles", True):
            refuse(mask, f"没有可计算的政策“{name}”，请核对政策编号。" if name else "请填写政策编号（policy）。")
            continue
        every = np.flatnonzero(mask)
        if needs_core(pack):  # an outcome guarantee (naiman-2019): the core's own fen, person-year by person-year
            rows = [np.arange(starts[i], starts[i] + counts[i]) for i in every]
            done = settle_with_core(table, [r if order is None else order[r] for r in rows], AMOUNTS, codes)
            for i, item in zip(every, done):
                if item["error"] is not None:
                    refuse(i, item["error"])
                    continue
                if item["identity"] is not None:
                    identities.append(item["identity"])
                    identity[i] = len(identities) - 1
                for key in AMOUNTS:
                    out[key][i] = item["amounts"][key]
                for code, value in item["flags"].items():
                    flags[code][i] = value
                settled[i] = True
            continue
        if not supported(pack):
            refuse(mask, f"“{pack.name}”暂不支持批量计算，请逐人计算（--engine core）。")
            continue
        cp = compiled(pack)
        for at in range(0, len(every), CHUNK):
            py = every[at:at + CHUNK]
            result = _settle_pack(cp, c, starts[py], counts[py], firsts.take(pa.array(py)))
            ok = result["error"] < 0
            error[py] = np.where(ok, -1, result["error"] + len(messages))
            messages.extend(result["messages"])
            for key in AMOUNTS:
                out[key][py] = result[key]
            for code, values in result["flags"].items():
                flags[code][py] = values
            identity[py] = np.where(result["identity"] > 0, result["identity"] - 1 + len(identities), -1)
            identities.extend(cp.identity_order)
            settled[py[ok]] = True
    columns = {"person": pa.array(c["person"][starts]), "year": pa.array(c["year"][starts].astype(np.int32)),
               "policy": policy, "identity_applied": _words(identity, identities)}
    for key in AMOUNTS:
        columns[key] = pa.array(out[key], mask=~settled)
    for code in codes:
        columns[f"flag_{code}"] = pa.array(flags[code], mask=~settled)
    columns["error"] = _words(error, messages)
    return pa.table(columns, schema=schema)


def _words(index: np.ndarray, words: list[str]) -> pa.Array:
    """Strings from indices into a list (−1 = null), built in Arrow rather than as Python objects."""
    dictionary = pa.array(words or [""], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), dictionary).cast(pa.string())


# ---- one pack --------------------------------------------------------------------------------

def _checks(cp: CompiledPack, c: dict, rows: np.ndarray, epoch: np.ndarray, scope: np.ndarray):
    """(row mask, message) for each thing the core refuses, in the order the core checks them."""
    total, ooc, cat_b, paid = (c[k][rows] for k in ("total", "out_of_catalog", "category_b", "basic_paid"))
    return [
        (c["kind"][rows] < 0, "就诊类型无法识别，请填写住院、门诊或门诊慢特病。"),
        (c["insurance"][rows] < 0, "参保类型无法识别，请填写城乡居民（resident）或职工（employee）。"),
        (np.isnat(c["date"][rows]), "请填写就诊日期。"),
        (total <= 0, "总费用要大于 0 元，请填写结算单上的医疗费用总额。"),
        (c["date"][rows] > np.datetime64(dt.date.today(), "D"), "就诊日期晚于今天，请核对就诊日期。"),
        ((c["location"][rows] != LOCATIONS.index("local")) & (c["referral"][rows] == REFERRALS.index("not_needed")),
         "在外地就医，“无需转诊”只适用于本地就医，请选择已转诊或未转诊。"),
        ((c["per_capita_income"][rows] == 0) | (c["rural_per_capita_income"][rows] == 0),
         "人均可支配收入不能为0，请填写统计公报的数字或不填（使用政策包中的数字）。"),
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
    if n_py and np.array_equal(starts - starts[0], first):
        rows = slice(int(starts[0]), int(starts[0] + counts.sum()))   # one run of rows: views, no copies
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

    error = np.full(n_py, -1, dtype=np.int32)
    messages = []
    checks = _checks(cp, c, rows, epoch, scope)
    checks.insert(0, (None, f"一个病例最多填写{MAX_VISITS}次就诊，请核对是否重复粘贴了费用清单。"))  # read first
    for n, (bad, message) in reversed(list(enumerate(checks))):  # the first check wins
        where = counts > MAX_VISITS if bad is None else (np.unique(py_of_row[bad]) if bad.any() else None)
        if where is not None:
            error[where] = n
        messages.append(message)
    messages.reverse()
    bad_py = error >= 0
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

    # settle every candidate's year; ordinary candidates only on the tiers that cover an ordinary insuree
    classes = cp.visit_classes()
    row_data = _row_data(cp, c, rows, year_epoch, kind, ins, ref, loc, level, contribution[py_of_row], scope)
    cand_count = np.where(bad_py, 0, counts)[cand_py]
    n_tiers = len(classes["tiers"])
    cand_sums = np.zeros((1 + n_tiers, n_cand), dtype=np.int64)
    cand_flags = np.zeros(n_cand, dtype=np.int64)
    ordinary = cand_ident == 0
    for population, tier_ids in ((~ordinary, range(n_tiers)), (ordinary, classes["ordinary_tiers"])):
        chosen = np.flatnonzero(population)
        if len(chosen):
            sums, flags = _wavefront(cp, classes, row_data, first[cand_py[chosen]], cand_count[chosen],
                                     cand_ident[chosen], list(tier_ids))
            cand_sums[:, chosen] = sums
            cand_flags[chosen] = flags

    # choose per person-year (least out_of_pocket, then the pack's order)
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
    for name in tier_codes():
        result[name] = np.zeros(n_py, dtype=np.int64)
    result["basic"] = cand_sums[0, best]
    for t, name in enumerate(cp.tier_names):
        result[name] = cand_sums[1 + t, best]
    bits = cand_flags[best]
    bits |= np.where(foreign, 1 << cp.not_in_policy, 0)
    bits |= _pack_flags(cp, c, rows, counts, first, year_epoch, winner_ident, result, level, kind, total, ooc,
                        row_data["statistics"])
    result["flags"] = {code: ((bits >> n) & 1).astype(bool) & ~bad_py for n, code in enumerate(cp.flag_codes)}
    result["identity"] = np.where(bad_py, 0, winner_ident)     # 0 ordinary, k+1 identity_order[k]
    result["error"], result["messages"] = error, messages
    for name in AMOUNTS:
        result[name] = np.where(bad_py, 0, result[name])
    return result


def _row_data(cp, c, rows, year_epoch, kind, ins, ref, loc, level, contribution, scope) -> dict:
    """Per visit row, what the wavefront reads: its classes, scope, slip and statistics."""
    visit_class = (((year_epoch * len(KINDS) + kind) * len(INSURANCES) + ins) * len(REFERRALS) + ref) * len(LOCATIONS) + loc
    basic_class = (((year_epoch * len(INSURANCES) + ins) * len(cp.contribution_values) + contribution)
                   * len(KINDS) + kind) * len(LEVELS) + level
    return {"visit_class": visit_class, "basic_class": basic_class.astype(np.int32), "scope": scope,
            "slip": np.where(c["slip_given"][rows], c["basic_paid"][rows], -1),
            "statistics": [np.where(c[name][rows] >= 0, c[name][rows], cp.statistics[year_epoch, n])
                           for n, name in enumerate(("per_capita_income", "rural_per_capita_income"))]}


def _wavefront(cp, classes, row_data, row_start, count, ident, tier_ids) -> tuple[np.ndarray, np.ndarray]:
    """(sums [basic + each tier, candidate], warning bits per candidate) for candidates given by their
    first row, number of visits and identity column; tiers not in tier_ids pay nothing here."""
    den = cp.den
    n_cand = len(count)
    n_id = len(cp.identity_order)
    # wavefront layout: candidates by number of visits (most first); rows by visit rank, then candidate
    by_length = np.argsort(-count, kind="stable")
    sorted_count = count[by_length]
    max_rank = int(sorted_count[0]) if n_cand else 0
    active = np.searchsorted(-sorted_count, -np.arange(max_rank), side="left")  # candidates with a k-th visit
    offsets = np.append(0, np.cumsum(active))
    starts = row_start[by_length]
    w_row = np.concatenate([starts[:a] + k for k, a in enumerate(active)]) if max_rank else np.zeros(0, np.int64)
    w_ident = np.concatenate([ident[by_length[:a]] for a in active]) if max_rank else np.zeros(0, np.int64)

    # every lookup: one small table per question, indexed by the visit's class (and the identity)
    w_class = (row_data["visit_class"][w_row] * (n_id + 1) + w_ident).astype(np.int32)
    w_basic = row_data["basic_class"][w_row]
    w_scope = row_data["scope"][w_row]
    slip_paid = row_data["slip"][w_row]
    b = classes["basic"]
    row_flags = classes["flags"].reshape(-1)[w_class]
    statistics = row_data["statistics"]
    tiers = []
    for t in tier_ids:
        table = classes["tiers"][t]
        sid = table["sid"].reshape(-1)[w_class]
        deductible = None
        if table["has_share"]:  # a share of the year's statistic, the case's own figure when it gave one
            share = table["share"][sid]
            stat = np.where(table["statistic"][sid] == 0, statistics[0][w_row], statistics[1][w_row])
            deductible = np.where(share >= 0, half_up(stat * np.maximum(share, 0), den), table["fixed"][sid])
        tiers.append((t, table, sid, deductible))

    # the year, visit rank by visit rank: the core's state, for every candidate at once
    n_keys, n_groups = len(cp.deductible_keys), len(cp.limit_groups)
    deductible_used = np.zeros(n_keys * n_cand, dtype=np.int64)
    limit_paid = np.zeros(n_groups * n_cand, dtype=np.int64)
    accumulated = [np.zeros(table["n_slots"] * n_cand, dtype=np.int64) for _, table, _, _ in tiers]
    tier_paid = [np.zeros(table["n_slots"] * n_cand, dtype=np.int64) for _, table, _, _ in tiers]
    sums = np.zeros((1 + len(classes["tiers"]), n_cand), dtype=np.int64)   # per sorted candidate
    for k, a in enumerate(active):
        w = slice(offsets[k], offsets[k + 1])
        j = np.arange(a)
        sc = w_scope[w]
        # 基本医保 (basic.basic_payment); a visit with no rule has ratio 0 and pays 0 unless the slip says
        bc = w_basic[w]
        mode = b["mode"][bc]
        full = b["deductible"][bc]
        amount = np.minimum(full, sc)
        slip = slip_paid[w]
        is_slip = slip >= 0
        deducted = np.where(mode == 1, amount, 0)
        if (mode >= 2).any():
            key = b["key"][bc] * n_cand + j
            used = deductible_used[key]
            annual = mode == 3
            deducted = np.where((mode == 2) & (used == 0), amount, deducted)
            deducted = np.where(annual, np.minimum(np.maximum(full - used, 0), sc), deducted)
            deducted = np.where(is_slip, 0, deducted)
            # a slip visit counts toward the year's 起付线 too (basic._slip_deductible): a payment
            # means it was met; nothing paid puts the visit's whole scope toward it
            met = np.where(is_slip, np.where(slip > 0, full, np.minimum(used + sc, full)), used + deducted)
            deductible_used[key] = np.where(mode == 2, 1, np.where(annual, met, used))
        raw = half_up((sc - deducted) * b["ratio"][bc], den)
        group = b["group"][bc] * n_cand + j
        spent = limit_paid[group]
        basic = np.minimum(raw, np.maximum(b["limit"][bc] - spent, 0))
        basic = np.where(is_slip, slip, basic)
        limit_paid[group] = spent + basic
        sums[0, :a] += basic
        remaining = sc - basic
        # later tiers (banded.payment): round(F(accumulated base)) − paid so far, capped by the base
        for n, (t, table, sids, deductibles) in enumerate(tiers):
            sid = sids[w]
            slot = table["slot"][sid] * n_cand + j
            before, paid_before = accumulated[n][slot], tier_paid[n][slot]
            after = before + remaining
            lower = table["fixed"][sid] if deductibles is None else deductibles[w]
            uppers, ratios = table["uppers"], table["ratios"]
            if len(uppers) == 1:
                numerator = np.maximum(np.minimum(after, uppers[0][sid]) - lower, 0) * ratios[0][sid]
            else:
                numerator = np.zeros(a, dtype=np.int64)
                for upper, ratio in zip(uppers, ratios):
                    upper = upper[sid]
                    numerator += np.maximum(np.minimum(after, upper) - lower, 0) * ratio[sid]
                    lower = np.maximum(lower, upper)
            limit = table["limit"][sid]
            year_total = np.where(numerator > table["limit_scaled"][sid], limit, half_up(numerator, den))
            pay = np.minimum(np.maximum(year_total - paid_before, 0), remaining)
            accumulated[n][slot] = after
            tier_paid[n][slot] = paid_before + pay
            sums[1 + t, :a] += pay
            remaining = remaining - pay

    # back to the order the candidates were given in
    out = np.empty_like(sums)
    out[:, by_length] = sums
    flags = np.zeros(n_cand, dtype=np.int64)
    if row_flags.any():
        w_cand = np.concatenate([by_length[:a] for a in active])
        np.bitwise_or.at(flags, w_cand, row_flags)
    return out, flags


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
