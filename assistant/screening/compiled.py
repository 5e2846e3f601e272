"""A policy pack compiled into lookup arrays of integers: the same rules, read from the same pack objects.

Nothing here holds a number of its own. Every amount is the pack's yuan value in integer fen;
every ratio is the pack's exact Decimal as a numerator over one denominator `den` shared by the
whole pack (0.85 → 17/20 …), so rounding half up to the fen is done in integers (kernel._half_up), as
`money.fen` does it in Decimal. Parameters are looked up per visit date: the pack's periods
are cut into epochs in which no parameter changes, and every table has the epoch first.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

KINDS = ("inpatient", "chronic_outpatient", "outpatient")
LEVELS = ("township", "level1", "level2", "level3")
LOCATIONS = ("local", "in_province", "out_of_province")
REFERRALS = ("not_needed", "referred", "not_referred")
INSURANCES = ("resident", "employee")
DEFAULTS = {"hospital_level": "level2", "location": "local", "referral": "not_needed", "insurance": "resident"}
MODES = {None: 0, "per_visit": 1, "first_visit": 2, "annual": 3}
STATISTICS = ("statistics.per_capita_income", "statistics.rural_per_capita_income")
NO_LIMIT = -1
OPEN_END = dt.date(2200, 1, 1)  # a pack without an end date: its last values hold on (dates after today are refused)
UNBOUNDED = np.iinfo(np.int64).max // 4  # a band without an upper bound
NEVER = UNBOUNDED // 10**7                # "no limit": above any year's amount, and × den still fits in int64


def to_fen(value: Decimal) -> int:
    cents = Decimal(value) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {value} is not a whole number of fen")
    return int(cents)


@dataclass
class Schedule:
    """One later tier's schedule as integers: deductible, bands, limit."""
    deductible_fen: int           # a fixed 起付线, or 0 when it is a share of a statistic
    deductible_share: int         # numerator over den of that share, −1 for a fixed 起付线
    deductible_statistic: int     # index into STATISTICS, −1 for a fixed 起付线
    uppers: list[int]             # band upper bounds in fen (UNBOUNDED for none)
    ratios: list[int]             # band ratio numerators over den
    limit: int                    # annual limit in fen, NO_LIMIT for none


class UnsupportedPack(ValueError):
    """A pack uses something this compiler does not know: it is settled by the explained core only."""


# What the compiler reads from each part of a pack. A part that fills in any other field (a new
# kind of rule the core has learnt) makes the pack unsupported rather than silently mis-settled.
KNOWN = {
    "tier": {"tier", "name", "citations", "rules", "not_for"},
    "rule": {"kinds", "insurance", "conditions", "groups", "reading"},
    "group": {"identities", "deductible", "deductible_of", "ratio", "bands", "limit", "limit_note"},
    "basic": {"insurance", "kinds", "contribution_tier", "deductible", "deductible_mode", "deductible_group",
              "ratio", "limit", "limit_group", "citations", "reading"},
    "flag": {"code", "type", "share", "statistic", "identities", "kinds", "message", "citations"},
    "condition": {"field", "in_", "not_in", "flag", "message", "citations"},
}


def _check_supported(pack) -> None:
    def check(part, kind: str, where: str):
        extra = [k for k, v in vars(part).items() if not k.startswith("_") and v is not None and k not in KNOWN[kind]]
        if extra:
            raise UnsupportedPack(f"{pack.id}: {where} uses {', '.join(extra)}")
    for rule in pack.basic.rules:
        check(rule, "basic", "a basic rule")
    for tier in pack.tiers:
        check(tier, "tier", f"tier {tier.tier}")
        for rule in tier.rules:
            check(rule, "rule", f"a rule of {tier.tier}")
            for group in rule.groups:
                check(group, "group", f"a group of {tier.tier}")
            for condition in rule.conditions:
                check(condition, "condition", f"a condition of {tier.tier}")
                if condition.field not in ("referral", "location"):
                    raise UnsupportedPack(f"{pack.id}: a condition on {condition.field}")
    for rule in pack.flags:
        check(rule, "flag", f"flag {rule.code}")
        if rule.type not in ("burden_above", "out_of_catalog_share"):
            raise UnsupportedPack(f"{pack.id}: flag type {rule.type}")
        if rule.statistic is not None and rule.statistic not in STATISTICS:
            raise UnsupportedPack(f"{pack.id}: flag statistic {rule.statistic}")
    for tier in pack.tiers:
        for rule in tier.rules:
            for group in rule.groups:
                if group.deductible_of is not None and group.deductible_of not in STATISTICS:
                    raise UnsupportedPack(f"{pack.id}: a 起付线 as a share of {group.deductible_of}")


class CompiledPack:
    """Arrays indexed [epoch, …] for every lookup the explained core makes while settling."""

    def __init__(self, pack):
        _check_supported(pack)
        self.pack = pack
        self.id = pack.id
        self.identity_order = tuple(pack.identity_order)
        self.tier_names = tuple(t.tier for t in pack.tiers)
        self.valid_from = pack.valid_from
        self.valid_to = pack.valid_to
        self.den = _denominator(pack)
        self.bounds = _epochs(pack)                     # epoch e covers [bounds[e], bounds[e+1])
        self.epoch_days = np.array(self.bounds, dtype="datetime64[D]")
        days = self.bounds[:-1]
        self.n_epochs = len(days)
        offered = tuple(pack.contribution_tiers)
        self.contribution_values = (None, *offered) + (("high",) if offered and "high" not in offered else ())
        self._basic(days)
        self._tiers(days)
        self._flags(days)

    # ---- small helpers -------------------------------------------------------------------------
    def _value(self, name: str, day: dt.date, key: str | None = None):
        item = self.pack.param(name, day)
        if item is None:
            raise LookupError(f"{self.id}: {name} has no value on {day}")
        raw = item.value
        return raw.get(key, raw.get("level1")) if isinstance(raw, dict) else raw

    def _ratio(self, value: Decimal) -> int:
        numerator = Fraction(value) * self.den
        assert numerator.denominator == 1, (value, self.den)
        return int(numerator)

    # ---- basic ---------------------------------------------------------------------------------
    def _basic(self, days) -> None:
        pack = self.pack
        rules = list(pack.basic.rules)
        E, R = len(days), len(rules)
        self.category_b = np.array([[self._ratio(self._value("category_b_self_pay", d, ins)) for ins in INSURANCES]
                                    for d in days], dtype=np.int64)
        # which rule: [insurance, contribution value, kind], as _rule_for picks the first match
        table = np.full((len(INSURANCES), len(self.contribution_values), len(KINDS)), -1, dtype=np.int64)
        for i, ins in enumerate(INSURANCES):
            for c, tier in enumerate(self.contribution_values):
                for k, kind in enumerate(KINDS):
                    for r, rule in enumerate(rules):
                        if rule.insurance == ins and kind in rule.kinds and (
                                rule.contribution_tier is None or rule.contribution_tier == tier):
                            table[i, c, k] = r
                            break
        self.basic_rule = table
        groups = sorted({rule.limit_group for rule in rules} | set(KINDS))
        self.limit_groups = tuple(groups)
        keys = sorted({rule.deductible_group or rule.limit_group for rule in rules}) or ["none"]
        self.deductible_keys = tuple(keys)
        self.basic_mode = np.array([MODES[rule.deductible_mode if rule.deductible else None] for rule in rules] or [0],
                                   dtype=np.int64)
        self.basic_key = np.array([keys.index(rule.deductible_group or rule.limit_group) for rule in rules] or [0],
                                  dtype=np.int64)
        self.basic_group = np.array([groups.index(rule.limit_group) for rule in rules] or [0], dtype=np.int64)
        self.kind_group = np.array([groups.index(kind) for kind in KINDS], dtype=np.int64)
        deductible = np.zeros((E, max(R, 1), len(LEVELS)), dtype=np.int64)
        ratio = np.zeros((E, max(R, 1), len(LEVELS)), dtype=np.int64)
        limit = np.full((E, max(R, 1)), NO_LIMIT, dtype=np.int64)
        for e, day in enumerate(days):
            for r, rule in enumerate(rules):
                for v, level in enumerate(LEVELS):
                    if rule.deductible:
                        deductible[e, r, v] = to_fen(self._value(rule.deductible, day, level))
                    ratio[e, r, v] = self._ratio(self._value(rule.ratio, day, level))
                if rule.limit is not None:
                    limit[e, r] = to_fen(self._value(rule.limit, day))
        self.basic_deductible, self.basic_ratio, self.basic_limit = deductible, ratio, limit

    # ---- later tiers ---------------------------------------------------------------------------
    def _tiers(self, days) -> None:
        """Per tier: absent for an insurance, rule by [kind, insurance], group by [rule, identity],
        conditions by [rule, referral, location], and one schedule per (rule, group) and epoch."""
        self.flag_codes: list[str] = []
        self.tiers = []
        idents = (None, *self.identity_order)  # column 0: as an ordinary insuree
        for tier in self.pack.tiers:
            absent = np.full(len(INSURANCES), -1, dtype=np.int64)     # flag code, or −1 when the tier applies
            for i, ins in enumerate(INSURANCES):
                for item in tier.not_for:
                    if item.insurance == ins:
                        absent[i] = self._flag_code(item.flag)
                        break
            rules = list(tier.rules)
            rule_of = np.full((len(KINDS), len(INSURANCES)), -1, dtype=np.int64)
            for k, kind in enumerate(KINDS):
                for i, ins in enumerate(INSURANCES):
                    for r, rule in enumerate(rules):
                        if kind in rule.kinds and ins in rule.insurance:
                            rule_of[k, i] = r
                            break
            n_groups = max((len(rule.groups) for rule in rules), default=1)
            group_of = np.full((max(len(rules), 1), len(idents)), -1, dtype=np.int64)
            allowed = np.ones((max(len(rules), 1), len(REFERRALS), len(LOCATIONS)), dtype=bool)
            refused_flag = np.full(allowed.shape, -1, dtype=np.int64)
            for r, rule in enumerate(rules):
                for j, ident in enumerate(idents):
                    group_of[r, j] = next((g for g, group in enumerate(rule.groups) if group.covers(ident)), -1)
                for f, ref in enumerate(REFERRALS):
                    for o, loc in enumerate(LOCATIONS):
                        visit = {"referral": ref, "location": loc}
                        for condition in rule.conditions:  # the first refusing condition decides
                            if not condition.allows(visit[condition.field]):
                                allowed[r, f, o] = False
                                if condition.flag:
                                    refused_flag[r, f, o] = self._flag_code(condition.flag)
                                break
            schedules = [[[self._schedule(group, day) for group in rule.groups] for rule in rules] for day in days]
            self.tiers.append(_TierTables(tier.tier, absent, rule_of, group_of, allowed, refused_flag,
                                          _stack_schedules(schedules, len(rules), n_groups)))

    def _schedule(self, group, day) -> Schedule:
        fixed, share, statistic = 0, -1, -1
        if group.deductible:
            value = self._value(group.deductible, day)
            if group.deductible_of:
                share, statistic = self._ratio(value), STATISTICS.index(group.deductible_of)
            else:
                fixed = to_fen(value)
        if group.bands:
            bands = self.pack.param(group.bands, day).value
            uppers = [UNBOUNDED if b.upto is None else to_fen(b.upto) for b in bands]
            ratios = [self._ratio(b.ratio) for b in bands]
        else:
            uppers, ratios = [UNBOUNDED], [self._ratio(self._value(group.ratio, day))]
        assert all(a < b for a, b in zip(uppers, uppers[1:])), "bands must rise"
        assert all(0 <= r <= self.den for r in ratios), "a tier never pays more than the base"
        limit = to_fen(self._value(group.limit, day)) if group.limit else NO_LIMIT
        return Schedule(fixed, share, statistic, uppers, ratios, limit)

    def _flag_code(self, code: str) -> int:
        if code not in self.flag_codes:
            self.flag_codes.append(code)
        return self.flag_codes.index(code)

    # ---- statistics and the pack's flags -------------------------------------------------------
    def _flags(self, days) -> None:
        self.statistics = np.array([[to_fen(self._value(name, d)) if name in self.pack.parameters else 0
                                     for name in STATISTICS] for d in days], dtype=np.int64)
        self.not_in_policy = self._flag_code("identity_not_in_policy")
        self.burden_rules = []   # (flag code, identities mask or None, share numerator [E], statistic index)
        self.catalog_rules = []  # (flag code, identities mask or None, kinds mask, limit numerators [E, level])
        for rule in self.pack.flags:
            who = None if rule.identities is None else [i in rule.identities for i in (None, *self.identity_order)]
            code = self._flag_code(rule.code)
            if rule.type == "burden_above":
                shares = np.array([self._ratio(self._value(rule.share, d)) for d in days], dtype=np.int64)
                self.burden_rules.append((code, who, shares, STATISTICS.index(rule.statistic)))
            else:
                kinds = np.array([rule.kinds is None or kind in rule.kinds for kind in KINDS])
                limits = np.array([[self._ratio(self._value(rule.share, d, level)) for level in LEVELS] for d in days],
                                  dtype=np.int64)
                self.catalog_rules.append((code, who, kinds, limits))

    def visit_classes(self) -> dict:
        """Every lookup above flattened to one small table per question, indexed by a visit's class.

        A visit's class is (epoch, kind, insurance, referral, location) — 54 per epoch; with the
        identity settled under, it decides which schedule each later tier uses (or none) and
        which warnings the tier raises. Basic's class is (epoch, insurance, contribution, kind, level).
        """
        found = self.__dict__.get("_classes")
        if found is not None:
            return found
        E, K, I, F, O = self.n_epochs, len(KINDS), len(INSURANCES), len(REFERRALS), len(LOCATIONS)
        e, k, i, f, o = np.meshgrid(np.arange(E), np.arange(K), np.arange(I), np.arange(F), np.arange(O), indexing="ij")
        e, k, i, f, o = (x.reshape(-1) for x in (e, k, i, f, o))
        idents = np.arange(1 + len(self.identity_order))
        flags = np.zeros((len(e), len(idents)), dtype=np.int64)
        tiers = []
        for tt in self.tiers:
            s = tt.schedule
            n_rules, n_groups = s["fixed"].shape[1:3]
            dummy = E * n_rules * n_groups
            r = tt.rule_of[k, i]
            rr = np.maximum(r, 0)
            reach = (r >= 0) & (tt.absent[i] < 0)
            allowed = reach & tt.allowed[rr, f, o]
            group = tt.group_of[rr][:, idents]                               # [class, identity]
            sid = np.where(allowed[:, None] & (group >= 0), ((e * n_rules + rr)[:, None]) * n_groups + group, dummy)
            absent = tt.absent[i]
            flags |= np.where(absent >= 0, np.left_shift(1, np.maximum(absent, 0)), 0)[:, None]
            refused = np.where(reach, tt.refused_flag[rr, f, o], -1)
            flags |= np.where((refused[:, None] >= 0) & (group >= 0), np.left_shift(1, np.maximum(refused, 0))[:, None], 0)

            def flat(name, fill):
                values = s[name].reshape(dummy, *s[name].shape[3:])
                return np.concatenate([values, np.full((1, *values.shape[1:]), fill, np.int64)])
            limit = flat("limit", 0)
            share = flat("share", -1)
            uppers, ratios = flat("uppers", UNBOUNDED), flat("ratios", 0)
            n_bands = int(max(1, ((uppers[:-1] < UNBOUNDED).sum(axis=1) + 1).max())) if dummy else 1
            n_bands = min(n_bands, uppers.shape[1])
            tiers.append({
                "sid": sid.astype(np.int32), "fixed": flat("fixed", 0), "share": share,
                "statistic": np.maximum(flat("statistic", 0), 0), "has_share": bool((share >= 0).any()),
                "limit": np.where(limit >= 0, limit, NEVER),
                "limit_scaled": np.where(limit >= 0, limit, NEVER) * self.den,  # compared with F's numerator
                "slot": np.append(np.repeat(np.arange(E * n_rules) % n_rules, n_groups), n_rules),
                "n_slots": n_rules + 1,
                "uppers": [np.ascontiguousarray(uppers[:, b]) for b in range(n_bands)],
                "ratios": [np.ascontiguousarray(ratios[:, b]) for b in range(n_bands)],
            })
        C, L = len(self.contribution_values), len(LEVELS)
        e, i, c, k, v = np.meshgrid(np.arange(E), np.arange(I), np.arange(C), np.arange(K), np.arange(L), indexing="ij")
        e, i, c, k, v = (x.reshape(-1) for x in (e, i, c, k, v))
        rule = self.basic_rule[i, c, k]
        rr = np.maximum(rule, 0)
        has = rule >= 0
        limit = self.basic_limit[e, rr]
        basic = {"mode": np.where(has, self.basic_mode[rr], 0), "key": self.basic_key[rr],
                 "group": np.where(has, self.basic_group[rr], self.kind_group[k]), "no_rule": ~has,
                 "deductible": self.basic_deductible[e, rr, v], "ratio": np.where(has, self.basic_ratio[e, rr, v], 0),
                 "limit": np.where(has & (limit >= 0), limit, NEVER)}
        ordinary = [t for t, table in enumerate(tiers) if (table["sid"][:, 0] != len(table["fixed"]) - 1).any()]
        found = self.__dict__["_classes"] = {"tiers": tiers, "flags": flags, "basic": basic,
                                             "ordinary_tiers": ordinary}  # the tiers an ordinary insuree can reach
        return found

    def epoch_of(self, days: np.ndarray) -> np.ndarray:
        """Epoch index of each day (datetime64[D]); −1 outside the pack's validity."""
        e = np.searchsorted(self.epoch_days, days, side="right") - 1
        e[(days < self.epoch_days[0]) | (days >= self.epoch_days[-1])] = -1
        return e


@dataclass
class _TierTables:
    name: str
    absent: np.ndarray        # [insurance] flag code or −1
    rule_of: np.ndarray       # [kind, insurance] rule or −1
    group_of: np.ndarray      # [rule, 1 + identity] group or −1
    allowed: np.ndarray       # [rule, referral, location]
    refused_flag: np.ndarray  # [rule, referral, location] flag code or −1
    schedule: dict            # arrays [epoch, rule, group, …]


def _stack_schedules(schedules, n_rules: int, n_groups: int) -> dict:
    E = len(schedules)
    n_bands = max([len(s.uppers) for per_day in schedules for per_rule in per_day for s in per_rule] or [1])
    shape = (E, max(n_rules, 1), n_groups)
    out = {"fixed": np.zeros(shape, np.int64), "share": np.full(shape, -1, np.int64),
           "statistic": np.full(shape, -1, np.int64), "limit": np.full(shape, NO_LIMIT, np.int64),
           "uppers": np.full((*shape, n_bands), UNBOUNDED, np.int64), "ratios": np.zeros((*shape, n_bands), np.int64)}
    for e, per_day in enumerate(schedules):
        for r, per_rule in enumerate(per_day):
            for g, s in enumerate(per_rule):
                out["fixed"][e, r, g] = s.deductible_fen
                out["share"][e, r, g] = s.deductible_share
                out["statistic"][e, r, g] = s.deductible_statistic
                out["limit"][e, r, g] = s.limit
                out["uppers"][e, r, g, :len(s.uppers)] = s.uppers
                out["ratios"][e, r, g, :len(s.ratios)] = s.ratios
    return out


def _epochs(pack) -> list[dt.date]:
    """Days on which some parameter of the pack changes, from valid_from to the day after valid_to."""
    start = pack.valid_from
    stop = OPEN_END if pack.valid_to is None else pack.valid_to + dt.timedelta(days=1)
    cuts = {start, stop}
    for parameter in pack.parameters.values():
        for item in parameter.values:
            for day in (item.start, None if item.end is None else item.end + dt.timedelta(days=1)):
                if day is not None and start < day < stop:
                    cuts.add(day)
    return sorted(cuts)


def _ratios(pack):
    for parameter in pack.parameters.values():
        if parameter.unit == "yuan":
            continue
        for item in parameter.values:
            value = item.value
            if isinstance(value, dict):
                yield from value.values()
            elif isinstance(value, list):
                yield from (band.ratio for band in value)
            else:
                yield value


def _denominator(pack) -> int:
    den = 1
    for ratio in _ratios(pack):
        den = math.lcm(den, Fraction(ratio).denominator)
    return den


_COMPILED: dict[str, tuple] = {}


def compiled(pack) -> CompiledPack:
    """The compiled form of a pack object, rebuilt when the knowledge reloads (a new object).
    UnsupportedPack when the pack uses what this compiler does not know."""
    found = _COMPILED.get(pack.id)
    if found is None or found[0] is not pack:
        try:
            built = CompiledPack(pack)
        except UnsupportedPack as error:
            built = error
        found = _COMPILED[pack.id] = (pack, built)
    if isinstance(found[1], UnsupportedPack):
        raise found[1]
    return found[1]


def supported(pack) -> bool:
    try:
        compiled(pack)
    except UnsupportedPack:
        return False
    return True
