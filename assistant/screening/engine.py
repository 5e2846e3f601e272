"""The columnar engine: a table of visits in integer fen → one row per person-year, the same fen as `settle`.

The columns are read into numpy arrays (words through their dictionaries, each distinct word looked
up once), the rows are put in the core's order (person, year, date, then input order) when they are
not already, and each pack's person-years are settled by the compiled kernel (`kernel.py`), which
runs the core's recurrence visit by visit from the pack's compiled tables (`compiled.py`). Packs the
compiler does not know (an outcome guarantee, as naiman-2019's) are settled by the explained core,
person-year by person-year (`fallback.py`), so every row is the core's fen.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from ..checks import ABSURD_AMOUNT, MAX_VISITS
from ..knowledge.store import packs, tier_codes
from .compiled import DEFAULTS, INSURANCES, KINDS, LEVELS, LOCATIONS, REFERRALS, CompiledPack, compiled, supported
from . import columns
from .kernel import PackTables, layout, settle_years

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


WORDS = ("policy", "identity_applied", "error")
CODED = ("kind", "insurance", "hospital_level", "location", "referral")  # read as codes through a lookup  # the result's text columns: a few distinct words each


def output_schema(dictionary: bool = False) -> pa.Schema:
    """The result's columns; with `dictionary`, its words as Arrow dictionaries (what a Parquet
    writer stores as they are, instead of encoding every row's string again)."""
    text = pa.dictionary(pa.int32(), pa.string()) if dictionary else pa.string()
    fields = [("person", pa.int64()), ("year", pa.int32()), ("policy", text),
              ("identity_applied", text), *[(name, pa.int64()) for name in AMOUNTS],
              *[(f"flag_{code}", pa.bool_()) for code in flag_codes()], ("error", text)]
    return pa.schema(fields)


# ---- reading the input -----------------------------------------------------------------------

def _read(table: pa.Table) -> tuple[dict, np.ndarray | None]:
    """The columns as numpy arrays, rows sorted by person, year, date, input order (None: already were);
    c["starts"]: the rows that open a person-year."""
    person = _frozen(columns.integers(table.column("person"), 0)[0])
    day, given = columns.days(table.column("date"))
    day = _frozen(day)
    ordered, starts, year = layout(person, day)
    c = {"person": person, "year": year, "day": day, "lookups": {},
         "date_given": np.ones(len(day), bool) if given is None else given}
    for name, values, default in (("kind", KINDS, None), ("hospital_level", LEVELS, "hospital_level"),
                                  ("location", LOCATIONS, "location"), ("referral", REFERRALS, "referral"),
                                  ("insurance", INSURANCES, "insurance")):
        c[name], c["lookups"][name] = columns.coded(table.column(name), values, DEFAULTS.get(default))
    c["total"], _ = columns.integers(table.column("total"), -1)
    c["category_b"], _ = columns.integers(table.column("category_b"), 0)
    c["out_of_catalog"], given = columns.integers(table.column("out_of_catalog"), 0)
    c["catalog_given"] = np.ones(len(day), bool) if given is None else given
    c["basic_paid"], given = columns.integers(table.column("basic_paid"), 0)
    c["slip_given"] = np.ones(len(day), bool) if given is None else given
    c["per_capita_income"], _ = columns.integers(table.column("per_capita_income"), -1)
    c["rural_per_capita_income"], _ = columns.integers(table.column("rural_per_capita_income"), -1)
    c["policy"], c["policies"] = columns.words(table.column("policy"))
    c["tier_word"], c["tier_words"] = columns.words(table.column("contribution_tier"))
    c["identities"] = columns.lists(table.column("identities"))  # per input row: not reordered below
    order = None
    if not ordered:
        order = np.lexsort((np.arange(len(person)), np.where(c["date_given"], day, np.iinfo(np.int64).min), year, person))
        c = {k: (v[order] if isinstance(v, np.ndarray) and k != "identities" else v)
             for k, v in c.items()}
        starts = layout(_frozen(c["person"]), _frozen(c["day"]))[1]
    c["starts"] = starts
    return c, order


# ---- the public entry --------------------------------------------------------------------------

def settle_table(table: pa.Table, dictionary: bool = False) -> pa.Table:
    """Visits (INPUT_SCHEMA) → one row per person-year (output_schema(dictionary)); amounts in integer fen."""
    schema = output_schema(dictionary)
    if table.num_rows == 0:
        return schema.empty_table()
    c, order = _read(table)
    n = len(c["person"])
    starts = c["starts"]
    counts = np.diff(np.append(starts, n))
    first_rows = starts if order is None else order[starts]  # input rows that open each person-year
    n_py = len(starts)
    codes = flag_codes()
    # filled as packs settle: one pack for all rows (the usual) hands its own arrays over
    out = _Columns(n_py, np.int64)
    flags = _Columns(n_py, bool)
    identity = np.full(n_py, -1, dtype=np.int64)   # into `identities`; −1 ordinary (or refused)
    error = np.full(n_py, -1, dtype=np.int64)      # into `messages`; −1 settled
    identities: list[str] = []
    messages: list[str] = []

    def refuse(where, message: str) -> None:
        messages.append(message)
        error[where] = len(messages) - 1
    settled = np.zeros(n_py, dtype=bool)
    available = packs()
    policy_of = c["policy"][starts].astype(np.int64)
    policy_of[policy_of == len(c["policies"])] = -1   # no policy given
    one = len(policy_of) and policy_of.min() == policy_of.max()  # the usual: one policy for the whole table
    for code in (policy_of[:1] if one else np.unique(policy_of)):
        name = c["policies"][code] if code >= 0 else None
        every = np.flatnonzero(policy_of == code)
        pack = available.get(name) if name else None
        if pack is None or not getattr(pack, "settles", True):
            refuse(every, f"没有可计算的政策“{name}”，请核对政策编号。" if name else "请填写政策编号（policy）。")
            continue
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
                for flag, value in item["flags"].items():
                    flags[flag][i] = value
                settled[i] = True
            continue
        if not supported(pack):
            refuse(every, f"“{pack.name}”暂不支持批量计算，请逐人计算（--engine core）。")
            continue
        cp = compiled(pack)
        result = _settle_pack(cp, c, starts[every], counts[every], first_rows[every])
        ok = result["error"] < 0
        at = slice(None) if len(every) == n_py else every
        error[at] = np.where(ok, -1, result["error"] + len(messages)) if messages else result["error"]
        messages.extend(result["messages"])
        for target, found in ((out, {key: result[key] for key in AMOUNTS}), (flags, result["flags"])):
            for key, values in found.items():
                target.put(key, every, values)
        chosen = result["identity"]  # −1 ordinary, else the pack's identity from 0
        identity[at] = np.where(chosen >= 0, chosen + len(identities), -1) if identities else chosen
        identities.extend(cp.identity_order)
        settled[every[ok]] = True
    unsettled = None if settled.all() else ~settled
    result_columns = {"person": pa.array(c["person"][starts]), "year": pa.array(c["year"][starts].astype(np.int32)),
                      "policy": _words(policy_of, c["policies"], dictionary),
                      "identity_applied": _words(identity, identities, dictionary)}
    for key in AMOUNTS:
        result_columns[key] = pa.array(out[key], mask=unsettled)
    for code in codes:
        result_columns[f"flag_{code}"] = pa.array(flags[code] if unsettled is None else flags[code] & settled,
                                                  mask=unsettled)
    result_columns["error"] = _words(error, messages, dictionary)
    return pa.table(result_columns, schema=schema)


class _Columns(dict):
    """Result columns by name, each made (zeros) only when first written into."""

    def __init__(self, n: int, dtype):
        super().__init__()
        self.n, self.dtype = n, dtype

    def __missing__(self, key):
        column = self[key] = np.zeros(self.n, self.dtype)
        return column

    def put(self, key, rows: np.ndarray, values: np.ndarray) -> None:
        if len(rows) == self.n and key not in self:
            self[key] = values  # every row at once: the values are the column
        else:
            self[key][rows] = values


def _words(index: np.ndarray, words: list[str], dictionary: bool) -> pa.Array:
    """Strings from indices into a list (−1 = null), built in Arrow rather than as Python objects."""
    index = index.astype(np.int32)
    array = pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), pa.array(words or [""], pa.string()))
    return array if dictionary else array.cast(pa.string())


# ---- one pack --------------------------------------------------------------------------------

def refusals(cp: CompiledPack) -> list[str]:
    """What the core says for each refusal, in the order it checks (kernel._check returns the index)."""
    return [
        f"一个病例最多填写{MAX_VISITS}次就诊，请核对是否重复粘贴了费用清单。",
        "就诊类型无法识别，请填写住院、门诊或门诊慢特病。",
        "医院等级无法识别，请填写 township、level1、level2 或 level3（乡镇卫生院、一级、二级、三级）。",
        "就医地无法识别，请填写 local、in_province 或 out_of_province（本地、省内、省外）。",
        "转诊情况无法识别，请填写 not_needed、referred 或 not_referred（无需、已转诊、未转诊）。",
        "参保类型无法识别，请填写城乡居民（resident）或职工（employee）。",
        "请填写就诊日期。",
        "总费用要大于 0 元，请填写结算单上的医疗费用总额。",
        "就诊日期晚于今天，请核对就诊日期。",
        "在外地就医，“无需转诊”只适用于本地就医，请选择已转诊或未转诊。",
        "人均可支配收入不能为0，请填写统计公报的数字或不填（使用政策包中的数字）。",
        "目录外、乙类或基本医保已支付不能是负数。",
        "金额超过1000万元，请检查是否多输了位数。",
        "目录外费用加乙类费用超过了总费用，请核对结算单。",
        "基本医保已支付超过了目录内费用（总费用 − 目录外），请核对结算单。",
        f"就诊日期不在“{cp.pack.name}”的有效期（{cp.valid_from}至{cp.valid_to}）内，请核对日期或选择其他政策。",
        "基本医保已支付超过了政策范围内费用，请核对结算单上的“基本医保统筹支付”和目录外、乙类费用。",
    ]


def _word_lookup(vocabulary: list, values) -> np.ndarray:
    """Position of each word of a vocabulary among `values` (−1 when absent), plus a last cell for null."""
    values = list(values)
    return np.array([values.index(w) if w in values else -1 for w in vocabulary] + [-1], np.int64)


def _contribution(cp: CompiledPack, c: dict, rows: np.ndarray) -> np.ndarray:
    """Index into cp.contribution_values, as year._contribution_tier chooses: unset → the pack's first
    (None), a tier it does not offer → "high"."""
    if len(cp.contribution_values) == 1:
        return np.zeros(len(rows), dtype=np.int64)
    offered = list(cp.contribution_values[1:])
    lookup = _word_lookup(c["tier_words"], offered) + 1
    lookup[lookup == 0] = cp.contribution_values.index("high")
    return lookup[c["tier_word"][rows]]


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only view: the kernel sees every input column as the same type (Arrow's buffers are
    read-only, numpy's own arrays not), so it is compiled once rather than once per mixture."""
    view = np.ascontiguousarray(array).view()
    view.flags.writeable = False
    return view


def _settle_pack(cp: CompiledPack, c: dict, starts: np.ndarray, counts: np.ndarray, first_rows: np.ndarray) -> dict:
    tables = cp.__dict__.get("_kernel_tables")
    if tables is None:
        tables = cp.__dict__["_kernel_tables"] = PackTables(cp)
    # identities and 缴费档次 are read from the person-year's first visit as given (the input's row)
    contribution = _contribution(cp, c, starts)
    today = int(np.datetime64(dt.date.today(), "D").astype(np.int64))
    rows = [part for name in CODED for part in (_frozen(c[name]), c["lookups"][name])]
    rows += [_frozen(c["date_given"]), _frozen(c["day"])]
    amounts, chosen, warned, error = settle_years(
        _frozen(starts), _frozen(counts), _frozen(first_rows), *[_frozen(x) for x in c["identities"]],
        *[_frozen(x) for x in tables.identity_words], _frozen(contribution), *rows,
        today, *[_frozen(c[name]) for name in ("total", "out_of_catalog", "category_b", "basic_paid", "slip_given",
                                                 "catalog_given", "per_capita_income", "rural_per_capita_income")],
        MAX_FEN, *tables.args())
    n_py = len(starts)
    result = {"total": amounts[0], "policy_scope": amounts[1], "basic": amounts[2], "out_of_pocket": amounts[-1]}
    for t, name in enumerate(cp.tier_names):
        result[name] = amounts[3 + t]
    for name in tier_codes():
        if name not in result:
            result[name] = np.zeros(n_py, dtype=np.int64)
    result["flags"] = dict(zip(cp.flag_codes, warned))
    result["identity"] = chosen
    result["error"], result["messages"] = error, refusals(cp)
    return result


def warm() -> None:
    """Compile the kernel (numba keeps the machine code beside the source), so a first screening
    does not wait for it: set-up calls this once."""
    from .synthetic import generate
    settle_table(generate(20, seed=1, invalid_share=0.2))
