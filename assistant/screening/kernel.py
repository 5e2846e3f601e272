"""The year of every person, visit after visit, compiled to machine code (numba): the core's recurrence.

The explained core settles a case visit by visit, carrying a small state through the year (起付线
used, what basic has paid against each limit, each later tier's accumulated base and what it has
paid). This loop does exactly that for one person-year after another, once per identity the person
may claim (就高不就低) and once as an ordinary insuree (unless an identity held is known from the
pack's schedules to pay at least as much on every visit), and keeps the least out-of-pocket. Every
number it uses comes from the pack's compiled tables (`PackTables`, built from `CompiledPack`): the
loop holds no rule of its own. Amounts are integer fen; a ratio is a numerator over the pack's
common denominator `den`, and rounding half up to the fen is done in integers, as `money.fen` does.

Why compiled: the vector form of this recurrence needs about a hundred array passes per visit rank
and per identity; one pass over the rows in machine code is some twenty times faster, and the
person-years are shared among the processor's cores by processes (parquet.py) or Spark's executors,
not by threads here: a threaded loop does not survive the fork of a worker process.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..checks import MAX_VISITS
from .columns import encoded
from .compiled import INSURANCES, KINDS, LEVELS, LOCATIONS, REFERRALS, UNBOUNDED

N_KINDS, N_LEVELS, N_LOCATIONS, N_REFERRALS, N_INSURANCES = (len(KINDS), len(LEVELS), len(LOCATIONS),
                                                             len(REFERRALS), len(INSURANCES))
LOCAL, NOT_NEEDED = LOCATIONS.index("local"), REFERRALS.index("not_needed")


class PackTables:
    """A CompiledPack's lookups as plain arrays, stacked so that one loop reads every tier."""

    def __init__(self, cp):
        classes = cp.visit_classes()
        tiers = classes["tiers"]
        n_id = len(cp.identity_order)
        T = len(tiers)
        S = max([len(t["fixed"]) for t in tiers] or [1])
        B = max([len(t["uppers"]) for t in tiers] or [1])
        n_class = classes["flags"].shape[0] * (n_id + 1)

        def stack(name, fill, dtype=np.int64):
            out = np.full((max(T, 1), S), fill, dtype)
            for t, table in enumerate(tiers):
                out[t, :len(table[name])] = table[name]
            return out
        self.sid = np.zeros((max(T, 1), n_class), np.int64)
        self.dummy = np.array([len(t["fixed"]) - 1 for t in tiers] or [0], np.int64)  # the schedule that pays nothing
        for t, table in enumerate(tiers):
            self.sid[t] = table["sid"].reshape(-1)
        self.fixed, self.share, self.statistic = stack("fixed", 0), stack("share", -1), stack("statistic", 0)
        self.limit, self.limit_scaled, self.slot = stack("limit", 0), stack("limit_scaled", 0), stack("slot", 0)
        self.uppers = np.full((max(T, 1), S, B), UNBOUNDED, np.int64)
        self.ratios = np.zeros((max(T, 1), S, B), np.int64)
        for t, table in enumerate(tiers):
            for b, (upper, ratio) in enumerate(zip(table["uppers"], table["ratios"])):
                self.uppers[t, :len(upper), b] = upper
                self.ratios[t, :len(ratio), b] = ratio
        self.n_tiers = T
        self.n_slots = max([t["n_slots"] for t in tiers] or [1])
        self.row_flags = classes["flags"].reshape(-1).astype(np.int64)
        b = classes["basic"]
        self.basic = np.stack([b["mode"], b["key"], b["group"], b["deductible"], b["ratio"], b["limit"]]).astype(np.int64)
        self.n_keys, self.n_groups = len(cp.deductible_keys), len(cp.limit_groups)
        self.category_b = cp.category_b.astype(np.int64)
        self.statistics = cp.statistics.astype(np.int64)
        self.epoch_days = np.asarray(cp.epoch_days, "datetime64[D]").astype(np.int64)
        self.n_contribution = len(cp.contribution_values)
        self.critical = cp.tier_names.index("critical_illness") if "critical_illness" in cp.tier_names else -1
        who = lambda w: np.ones(n_id + 1, bool) if w is None else np.asarray(w, bool)  # noqa: E731
        E = cp.n_epochs
        self.burden_code = np.array([r[0] for r in cp.burden_rules], np.int64)
        self.burden_who = np.array([who(r[1]) for r in cp.burden_rules], bool).reshape(-1, n_id + 1)
        self.burden_share = np.array([r[2] for r in cp.burden_rules], np.int64).reshape(-1, E)
        self.burden_stat = np.array([r[3] for r in cp.burden_rules], np.int64)
        self.catalog_code = np.array([r[0] for r in cp.catalog_rules], np.int64)
        self.catalog_who = np.array([who(r[1]) for r in cp.catalog_rules], bool).reshape(-1, n_id + 1)
        self.catalog_kinds = np.array([r[2] for r in cp.catalog_rules], bool).reshape(-1, N_KINDS)
        self.catalog_limits = np.array([r[3] for r in cp.catalog_rules], np.int64).reshape(-1, E, N_LEVELS)
        self.not_in_policy = cp.not_in_policy
        self.n_flags = len(cp.flag_codes)
        self.n_id = n_id
        self.den = cp.den
        self.dominated = self._dominated()
        self.identity_words = encoded(cp.identity_order)

    def _dominated(self) -> np.ndarray:
        """Per visit class and identity (the index `sid` is read with): whether this identity pays at
        least what an ordinary insuree would, whatever the amounts, so that the ordinary candidate
        cannot do better for a person-year whose every visit says so and need not be settled.

        It does when the ordinary insuree is covered by no tier but the first, and for that tier
        either not at all or under a schedule that this identity's dominates: the same slot, a
        payment function F (banded numerator, rounded, capped by the limit) at least as large at every
        base. Then, visit by visit, the identity's running payment of the first tier, min(max(F(acc),
        paid), paid + base), stays at least the ordinary's (both sides only grow with F and with what
        was paid), its later tiers pay ≥ 0, and a tie goes to the identity, which comes first."""
        n_class = self.sid.shape[1]
        out = np.zeros(n_class, bool)
        if self.n_tiers == 0:
            out[:] = True  # nothing to pay beyond basic: every candidate ties and the identity comes first
            return out
        ordinary = np.arange(0, n_class, self.n_id + 1)
        only_first = np.ones(len(ordinary), bool)
        for t in range(1, self.n_tiers):
            only_first &= self.sid[t, ordinary] == self.dummy[t]
        pairs = {}
        for k in range(1, self.n_id + 1):
            for c, base in enumerate(ordinary):
                if not only_first[c]:
                    continue
                mine, theirs = int(self.sid[0, base + k]), int(self.sid[0, base])
                if (mine, theirs) not in pairs:
                    pairs[mine, theirs] = theirs == self.dummy[0] or (
                        mine != self.dummy[0] and self.slot[0, mine] == self.slot[0, theirs]
                        and self._at_least(mine, theirs))
                out[base + k] = pairs[mine, theirs]
        return out

    def _at_least(self, a: int, b: int) -> bool:
        """Whether the first tier's schedule a pays at least what b does at every base (exact).

        F(x) = min(limit, round(N(x))), N(x) the integral of the bands' ratio from the 起付线 L to x.
        With fixed 起付线 both N are piecewise linear: compare them at every corner of either and
        beyond the last. With 起付线 as shares of the same statistic (whatever the case gives), a's
        share must be no higher and its ratio no lower at every base."""
        if self.limit[0, a] < self.limit[0, b]:
            return False
        share_a, share_b = int(self.share[0, a]), int(self.share[0, b])
        if share_a >= 0 or share_b >= 0:
            return (share_a >= 0 and share_b >= 0 and share_a <= share_b
                    and self.statistic[0, a] == self.statistic[0, b]
                    and all(self._ratio(a, x) >= self._ratio(b, x) for x in self._corners(a, b)))
        corners = self._corners(a, b) | {int(self.fixed[0, a]), int(self.fixed[0, b])}
        return (all(self._numerator(a, x) >= self._numerator(b, x) for x in corners)
                and self._ratio(a, UNBOUNDED - 1) >= self._ratio(b, UNBOUNDED - 1))

    def _corners(self, a: int, b: int) -> set:
        return {0} | {int(u) for s in (a, b) for u in self.uppers[0, s].tolist() if u < UNBOUNDED}

    def _ratio(self, s: int, x: int) -> int:
        """The ratio the first tier's schedule s pays on the fen just above base x (0 past its last band)."""
        for upper, ratio in zip(self.uppers[0, s].tolist(), self.ratios[0, s].tolist()):
            if x < upper:
                return ratio
        return 0

    def _numerator(self, s: int, x: int) -> int:
        """The kernel's banded numerator of schedule s at base x, with its fixed 起付线."""
        lower, total = int(self.fixed[0, s]), 0
        for upper, ratio in zip(self.uppers[0, s].tolist(), self.ratios[0, s].tolist()):
            total += max(min(x, upper) - lower, 0) * ratio
            lower = max(lower, upper)
        return total

    def args(self) -> tuple:
        """The tables in the order `settle_years` takes them."""
        return (self.den, self.n_id, self.epoch_days, self.category_b, self.statistics, self.n_contribution,
                self.basic, self.n_keys, self.n_groups, self.n_tiers, self.n_slots, self.sid, self.dummy, self.fixed,
                self.share, self.statistic, self.limit, self.limit_scaled, self.slot, self.uppers, self.ratios,
                self.row_flags, self.critical, self.burden_code, self.burden_who, self.burden_share,
                self.burden_stat, self.catalog_code, self.catalog_who, self.catalog_kinds, self.catalog_limits,
                self.not_in_policy, self.n_flags, self.dominated)


@njit(inline="always")
def _half_up(numerator, den):
    if den % 2 == 0:
        return (numerator + den // 2) // den
    return (2 * numerator + den) // (2 * den)


@njit(inline="always")
def _refused(r, v, kind, ins, level, loc, ref, date_given, day, today, total, ooc, cat_b, paid, paid_given, income,
             rural, max_fen, epoch, scope):
    """Whether the core refuses this visit (input row r, the person-year's visit v), branch-free (the
    usual answer, no, costs almost nothing); `_reason` says why."""
    return ((kind[v] < 0) | (level[v] < 0) | (loc[v] < 0) | (ref[v] < 0) | (ins[v] < 0) | (not date_given[r])
            | (total[r] <= 0) | (day[r] > today) | ((loc[v] != LOCAL) & (ref[v] == NOT_NEEDED))
            | (income[r] == 0) | (rural[r] == 0) | (ooc[r] < 0) | (cat_b[r] < 0) | (paid_given[r] & (paid[r] < 0))
            | (total[r] > max_fen) | (ooc[r] > max_fen) | (cat_b[r] > max_fen) | (paid[r] > max_fen)
            | (ooc[r] + cat_b[r] > total[r]) | (paid[r] > total[r] - ooc[r]) | (epoch[v] < 0) | (paid[r] > scope[v]))


@njit(cache=True, nogil=True)  # kept out of line: inlined, it slowed the usual path threefold
def _reason(first, count, kind, ins, level, loc, ref, date_given, day, today, total, ooc, cat_b, paid,
            paid_given, income, rural, max_fen, epoch, scope):
    """The first thing the core refuses in this person-year, as the index of its message in
    `engine.refusals`, in the order the core checks."""
    if count > MAX_VISITS:
        return 0
    worst = 99
    for v in range(count):
        r = first + v
        if kind[v] < 0:
            c = 1
        elif level[v] < 0:
            c = 2
        elif loc[v] < 0:
            c = 3
        elif ref[v] < 0:
            c = 4
        elif ins[v] < 0:
            c = 5
        elif not date_given[r]:
            c = 6
        elif total[r] <= 0:
            c = 7
        elif day[r] > today:
            c = 8
        elif loc[v] != LOCAL and ref[v] == NOT_NEEDED:
            c = 9
        elif income[r] == 0 or rural[r] == 0:
            c = 10
        elif ooc[r] < 0 or cat_b[r] < 0 or (paid_given[r] and paid[r] < 0):
            c = 11
        elif total[r] > max_fen or ooc[r] > max_fen or cat_b[r] > max_fen or paid[r] > max_fen:
            c = 12
        elif ooc[r] + cat_b[r] > total[r]:
            c = 13
        elif paid[r] > total[r] - ooc[r]:
            c = 14
        elif epoch[v] < 0:
            c = 15
        elif paid[r] > scope[v]:
            c = 16
        else:
            continue
        worst = min(worst, c)
    return worst


@njit(cache=True, nogil=True, error_model="numpy")  # no zero test before each division: den > 0
def settle_years(starts, counts, first_rows, list_offsets, value_offsets, text, valid, words, word_offsets,
                 contribution, kind_at, kind_of, ins_at, ins_of, level_at, level_of, loc_at, loc_of, ref_at, ref_of,
                 date_given, day, today, total, ooc, cat_b, paid, paid_given, catalog_given, income, rural, max_fen,
                 den, n_id, epoch_days, category_b, statistics, n_contribution,
                 basic, n_keys, n_groups, n_tiers, n_slots, sid, dummy, fixed, share, statistic, limit, limit_scaled,
                 slot, uppers, ratios, row_flags, critical, burden_code, burden_who, burden_share, burden_stat,
                 catalog_code, catalog_who, catalog_kinds, catalog_limits, not_in_policy, n_flags, dominated):
    """Settle every person-year [starts[i], starts[i] + counts[i]) of one pack.

    Returns (amounts [2 + 1 + tiers + 1, person-year]: total, policy scope, basic, each later tier,
    out-of-pocket; identity chosen (−1 ordinary or refused, k the pack's k-th identity from 0); each
    warning [flag, person-year]; error (index of the refusal's message, −1 settled))."""
    n_py = len(starts)
    n_amounts = 4 + n_tiers
    amounts = np.zeros((n_amounts, n_py), np.int64)
    chosen = np.full(n_py, -1, np.int64)
    warned = np.zeros((n_flags, n_py), np.bool_)
    error = np.full(n_py, -1, np.int64)
    # per visit of the person-year being settled (index: row − first; one person-year at a time, so these
    # few values stay in the processor's cache): the codes, each read through its lookup (the input's
    # dictionary → KINDS, LEVELS, …)
    n_rows = min(len(kind_at), MAX_VISITS)
    kind = np.empty(n_rows, np.int64)
    ins = np.empty(n_rows, np.int64)
    level = np.empty(n_rows, np.int64)
    loc = np.empty(n_rows, np.int64)
    ref = np.empty(n_rows, np.int64)
    # epoch (−1 outside the pack), policy scope, the statistics the case gave or the pack's
    epoch = np.empty(n_rows, np.int64)
    scope = np.empty(n_rows, np.int64)
    stat = np.empty((n_rows, 2), np.int64)
    vclass = np.empty(n_rows, np.int64)       # the visit's class × (1 + identities): row of the lookups
    after_basic = np.empty(n_rows, np.int64)  # the visit's policy scope less what basic paid
    n_epochs = len(epoch_days) - 1
    used = np.zeros(n_keys, np.int64)
    spent = np.zeros(n_groups, np.int64)
    acc = np.zeros((max(n_tiers, 1), n_slots), np.int64)
    tier_paid = np.zeros((max(n_tiers, 1), n_slots), np.int64)
    sums = np.zeros(n_amounts, np.int64)
    best = np.zeros(n_amounts, np.int64)
    for i in range(n_py):
        first = starts[i]
        # identities are read from the person-year's first visit as given (its input row)
        id_mask, foreign = _held(first_rows[i], list_offsets, value_offsets, text, valid, words, word_offsets)
        count = counts[i]
        if count > MAX_VISITS:
            error[i] = 0  # (the first of `engine.refusals`)
            continue
        py_total = 0
        py_scope = 0
        anything = False
        for v in range(count):
            r = first + v
            kind[v], ins[v], level[v] = kind_of[kind_at[r]], ins_of[ins_at[r]], level_of[level_at[r]]
            loc[v], ref[v] = loc_of[loc_at[r]], ref_of[ref_at[r]]
            e = -1
            if date_given[r] and epoch_days[0] <= day[r] < epoch_days[n_epochs]:
                e = 0
                while day[r] >= epoch_days[e + 1]:
                    e += 1
            epoch[v] = e
            ye = max(e, 0)
            scope[v] = total[r] - ooc[r]
            if cat_b[r] != 0:  # (most visits give no 乙类: no division)
                scope[v] -= _half_up(cat_b[r] * category_b[ye, max(ins[v], 0)], den)
            stat[v, 0] = income[r] if income[r] >= 0 else statistics[ye, 0]
            stat[v, 1] = rural[r] if rural[r] >= 0 else statistics[ye, 1]
            py_total += total[r]
            py_scope += scope[v]
            anything |= _refused(r, v, kind, ins, level, loc, ref, date_given, day, today, total, ooc, cat_b, paid,
                                 paid_given, income, rural, max_fen, epoch, scope)
        if anything:
            error[i] = _reason(first, count, kind, ins, level, loc, ref, date_given, day, today, total, ooc,
                               cat_b, paid, paid_given, income, rural, max_fen, epoch, scope)
            continue
        # 基本医保 (basic.basic_payment) does not depend on the identity: once per visit, in order.
        # A visit with no rule pays 0 unless the slip says.
        for x in range(n_keys):
            used[x] = 0
        for x in range(n_groups):
            spent[x] = 0
        py_basic = 0
        for v in range(count):
            r = first + v
            e = epoch[v]
            sc = scope[v]
            k, ii = kind[v], ins[v]
            vclass[v] = ((((e * N_KINDS + k) * N_INSURANCES + ii) * N_REFERRALS + ref[v]) * N_LOCATIONS
                         + loc[v]) * (n_id + 1)
            bc = (((e * N_INSURANCES + ii) * n_contribution + contribution[i]) * N_KINDS + k) * N_LEVELS + level[v]
            mode = basic[0, bc]
            full = basic[3, bc]
            amount = min(full, sc)
            is_slip = paid_given[r]
            deducted = amount if mode == 1 else 0
            if mode >= 2:
                key = basic[1, bc]
                was = used[key]
                if mode == 2 and was == 0:
                    deducted = amount
                if mode == 3:
                    deducted = min(max(full - was, 0), sc)
                if is_slip:
                    deducted = 0
                    # a slip visit counts toward the year's 起付线 too (basic._slip_deductible)
                    met = full if paid[r] > 0 else min(was + sc, full)
                else:
                    met = was + deducted
                if mode == 2:
                    used[key] = 1
                elif mode == 3:
                    used[key] = met
            group = basic[2, bc]
            if is_slip:
                pay_basic = paid[r]
            else:
                raw = _half_up((sc - deducted) * basic[4, bc], den)
                pay_basic = min(raw, max(basic[5, bc] - spent[group], 0))
            spent[group] += pay_basic
            py_basic += pay_basic
            after_basic[v] = sc - pay_basic
        # candidates: each identity held, in the pack's order, then ordinary; the least out-of-pocket wins
        best_oop = -1
        best_ident = 0
        best_flags = 0
        beaten = False  # an identity held pays at least the ordinary insuree's on every visit (PackTables._dominated)
        for c in range(n_id + 1):
            ident = c + 1 if c < n_id else 0
            if ident > 0 and not (id_mask >> c) & 1:
                continue
            if ident == 0 and beaten:
                break
            covers = ident > 0
            for t in range(n_tiers):
                for x in range(n_slots):
                    acc[t, x] = 0
                    tier_paid[t, x] = 0
            for x in range(n_amounts):
                sums[x] = 0
            sums[2] = py_basic
            flags = 0
            for v in range(count):
                r = first + v
                w_class = vclass[v] + ident
                remaining = after_basic[v]
                # later tiers (banded.payment): round(F(accumulated base)) − paid so far, capped by the base
                for t in range(n_tiers):
                    if remaining == 0:  # nothing left to pay: no tier's base or payment can change
                        break
                    s = sid[t, w_class]
                    if s == dummy[t]:   # the tier does not cover this visit for this identity
                        continue
                    sl = slot[t, s]
                    after = acc[t, sl] + remaining
                    if share[t, s] >= 0:
                        lower = _half_up(stat[v, statistic[t, s]] * share[t, s], den)
                    else:
                        lower = fixed[t, s]
                    numerator = 0
                    for b in range(uppers.shape[2]):
                        upper = uppers[t, s, b]
                        part = min(after, upper) - lower
                        if part > 0:
                            numerator += part * ratios[t, s, b]
                        if upper >= UNBOUNDED:
                            break
                        lower = max(lower, upper)
                    year_total = limit[t, s] if numerator > limit_scaled[t, s] else _half_up(numerator, den)
                    pay = min(max(year_total - tier_paid[t, sl], 0), remaining)
                    acc[t, sl] = after
                    tier_paid[t, sl] += pay
                    sums[3 + t] += pay
                    remaining -= pay
                flags |= row_flags[w_class]
                covers &= dominated[w_class] & (after_basic[v] >= 0)
            beaten |= covers
            paid_all = 0
            for a in range(2, 3 + n_tiers):
                paid_all += sums[a]
            oop = py_total - paid_all
            if best_oop < 0 or oop < best_oop:
                best_oop = oop
                best_ident = ident
                best_flags = flags
                for x in range(n_amounts):
                    best[x] = sums[x]
        best[0] = py_total
        best[1] = py_scope
        best[n_amounts - 1] = best_oop
        for x in range(n_amounts):
            amounts[x, i] = best[x]
        chosen[i] = best_ident - 1
        # the pack's own warnings (eligibility.flags): the burden after basic and 大病; 目录外 shares
        if foreign:
            best_flags |= 1 << not_in_policy
        burden = py_total - best[2] - (best[3 + critical] if critical >= 0 else 0)
        fe = max(epoch[0], 0)
        for n in range(len(burden_code)):
            threshold = _half_up(stat[0, burden_stat[n]] * burden_share[n, fe], den)
            if burden > threshold and burden_who[n, best_ident]:
                best_flags |= 1 << burden_code[n]
        for n in range(len(catalog_code)):
            if not catalog_who[n, best_ident]:
                continue
            for v in range(count):
                r = first + v
                if (catalog_kinds[n, kind[v]] and total[r] > 0 and catalog_given[r]
                        and ooc[r] * den > catalog_limits[n, max(epoch[v], 0), level[v]] * total[r]):
                    best_flags |= 1 << catalog_code[n]
                    break
        for n in range(n_flags):
            warned[n, i] = (best_flags >> n) & 1
    return amounts, chosen, warned, error


@njit(inline="always")
def _civil_year(day):
    """Calendar year of a day counted from 1970-01-01 (the proleptic Gregorian calendar)."""
    z = day + 719468                 # days from 0000-03-01
    era = z // 146097                # floor division: the 400-year era, also before 0000
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    month_from_march = (5 * doy + 2) // 153
    return yoe + era * 400 + (1 if month_from_march >= 10 else 0)


@njit(inline="always")
def _january_first(year):
    """Days from 1970-01-01 to the first of January of `year`."""
    y = year - 1                     # January counts in the year before, from 1 March
    era = y // 400
    yoe = y - era * 400
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + 306 - 719468


@njit(cache=True, nogil=True)
def layout(person, day):
    """(whether the rows are sorted by person, calendar year and date; the rows that open a
    person-year, meaningful when they are sorted; each row's calendar year), in one pass."""
    n = len(person)
    opens = np.empty(n, np.int64)
    year = np.empty(n, np.int64)
    m = 0
    ordered = True
    low, high, y = 1, 0, 0           # the last year found and its days [low, high): most rows share it
    for r in range(n):
        d = day[r]
        if not (low <= d < high):
            y = _civil_year(d)
            low, high = _january_first(y), _january_first(y + 1)
        year[r] = y
        if r == 0 or person[r] != person[r - 1] or y != year[r - 1]:
            opens[m] = r
            m += 1
            if r and (person[r] < person[r - 1] or (person[r] == person[r - 1] and y < year[r - 1])):
                ordered = False
        elif d < day[r - 1]:
            ordered = False
    return ordered, opens[:m], year


@njit(inline="always")
def _held(row, list_offsets, value_offsets, text, valid, words, word_offsets):
    """From the identities listed on one input row: (bits of the pack's identities held, whether some
    listed identity is not the pack's). Each listed value is compared byte by byte with the pack's
    identity codes (`words`, in the pack's order); a null value is not the pack's either."""
    mask = 0
    foreign = False
    n_words = len(word_offsets) - 1
    for j in range(list_offsets[row], list_offsets[row + 1]):
        found = -1
        if valid[j]:
            a, b = value_offsets[j], value_offsets[j + 1]
            for w in range(n_words):
                wa, wb = word_offsets[w], word_offsets[w + 1]
                if wb - wa != b - a:
                    continue
                same = True
                for k in range(b - a):
                    if text[a + k] != words[wa + k]:
                        same = False
                        break
                if same:
                    found = w
                    break
        if found >= 0:
            mask |= 1 << found
        else:
            foreign = True
    return mask, foreign
