"""Generated person-years as a visit table (for the property test and the benchmark; never for people).

Everything the explained core distinguishes varies: policy and year, insurance and contribution
tier (given or left to the default), identities (none, one, several, one the pack does not name),
statistics overridden or not, 1–max_visits visits in any order with ties on the date, kinds,
levels, places, referrals, amounts from 0 to 600,000 yuan, 目录外 and 乙类 given or not, and the
slip's basic_paid present or absent.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from ..knowledge.store import packs
from .compiled import INSURANCES, KINDS, LEVELS, LOCATIONS, REFERRALS
from .engine import INPUT_SCHEMA

FOREIGN_IDENTITIES = ("orphan", "registered_poor", "severe_disability")


def settling_packs() -> list:
    """Packs that settle and that the columnar compiler supports (the others are the core's alone)."""
    from .compiled import supported
    return [p for p in packs().values() if getattr(p, "settles", True) and supported(p)]


def _pick(rng, values, n, null_share=0.0):
    index = rng.integers(0, len(values), n)
    out = np.array(values, dtype=object)[index]
    if null_share:
        out[rng.random(n) < null_share] = None
    return out


def generate(n_persons: int, seed: int = 0, max_visits: int = 6, policies=None, first_person: int = 0,
             visit_weights=None, invalid_share: float = 0.0) -> pa.Table:
    """n_persons person-years, each with 1..max_visits visits; `invalid_share` of the visits carry
    a slip amount above the policy scope or 目录外 + 乙类 above the total (which the core refuses)."""
    rng = np.random.default_rng(seed)
    chosen = [p for p in settling_packs() if policies is None or p.id in policies]
    which = rng.integers(0, len(chosen), n_persons)
    weights = np.asarray(visit_weights or [1.0 / max_visits] * max_visits, dtype=float)
    visits = rng.choice(np.arange(1, len(weights) + 1), n_persons, p=weights / weights.sum())
    person = np.arange(first_person, first_person + n_persons)
    # per person
    policy = np.array([p.id for p in chosen], dtype=object)[which]
    insurance = _pick(rng, INSURANCES + ("resident",) * 2, n_persons, 0.1)
    tiers = _pick(rng, ("high", "low"), n_persons, 0.3)
    offers_tiers = np.array([bool(p.contribution_tiers) for p in chosen])[which]
    tiers[~offers_tiers & (rng.random(n_persons) < 0.9)] = None
    identities = _identities(rng, chosen, which)
    pci = np.where(rng.random(n_persons) < 0.2, rng.integers(1_500_000, 6_000_000, n_persons), -1)
    rural = np.where(rng.random(n_persons) < 0.2, rng.integers(1_000_000, 3_000_000, n_persons), -1)
    # the year: each pack's own days
    starts = np.array([(p.valid_from - dt.date(1970, 1, 1)).days for p in chosen])[which]
    today = dt.date.today()
    ends = np.array([(min(p.valid_to or today, today) - dt.date(1970, 1, 1)).days for p in chosen])[which]
    year_start = _year_start(rng, starts, ends)
    # per visit
    n = int(visits.sum())
    owner = np.repeat(np.arange(n_persons), visits)
    day0, day1 = np.maximum(year_start, starts), np.minimum(_next_year(year_start), ends + 1)
    span = (day1 - day0)[owner]
    date = day0[owner] + (rng.random(n) * span).astype(np.int64)
    same = rng.random(n) < 0.1  # ties on the date keep the input order
    date[1:][same[1:] & (owner[1:] == owner[:-1])] = date[:-1][same[1:] & (owner[1:] == owner[:-1])]
    kind = _pick(rng, KINDS, n)
    level = _pick(rng, LEVELS, n, 0.1)
    location = _pick(rng, LOCATIONS, n, 0.1)
    referral = _pick(rng, REFERRALS, n, 0.1)
    away = (location != None) & (location != "local")  # noqa: E711
    referral[away & ((referral == "not_needed") | (referral == None))] = "referred"  # noqa: E711 (local only)
    scale = np.exp(rng.uniform(np.log(100), np.log(60_000_000), n))
    total = np.where(rng.random(n) < 0.002, 0, scale.astype(np.int64))  # a zero total is refused
    ooc = (total * rng.random(n) * rng.choice([0.0, 0.05, 0.15, 0.5], n)).astype(np.int64)
    cat_b = ((total - ooc) * rng.random(n) * rng.choice([0.0, 0.1, 0.3], n)).astype(np.int64)
    room = total - ooc - cat_b
    slip = rng.random(n) < 0.35
    basic_paid = (room * rng.random(n) * 0.9).astype(np.int64)
    if invalid_share:
        wrong = rng.random(n) < invalid_share
        over_scope = wrong & (rng.random(n) < 0.5)
        slip |= over_scope
        basic_paid[over_scope] = (total - ooc)[over_scope]  # above the scope when 乙类 self-pay > 0
        over_total = wrong & ~over_scope
        cat_b[over_total] = (total - ooc + 1)[over_total]
    return pa.table({
        "person": person[owner], "policy": pa.array(policy[owner], pa.string()),
        "insurance": pa.array(insurance[owner], pa.string()),
        "contribution_tier": pa.array(tiers[owner], pa.string()),
        "identities": pa.array([identities[o] for o in owner], pa.list_(pa.string())),
        "per_capita_income": pa.array(pci[owner], mask=pci[owner] < 0),
        "rural_per_capita_income": pa.array(rural[owner], mask=rural[owner] < 0),
        "date": pa.array(date.astype("datetime64[D]"), pa.date32()),
        "kind": pa.array(kind, pa.string()), "hospital_level": pa.array(level, pa.string()),
        "location": pa.array(location, pa.string()), "referral": pa.array(referral, pa.string()),
        "total": total, "out_of_catalog": pa.array(ooc, mask=rng.random(n) < 0.2),
        "category_b": pa.array(cat_b, mask=rng.random(n) < 0.3),
        "basic_paid": pa.array(basic_paid, mask=~slip),
    }, schema=INPUT_SCHEMA)


def _identities(rng, chosen, which) -> list:
    orders = [tuple(p.identity_order) for p in chosen]
    out = []
    draw = rng.random(len(which))
    count = rng.integers(1, 4, len(which))
    for n, w in enumerate(which):
        if draw[n] < 0.45:
            out.append([])
            continue
        pool = orders[w] + (FOREIGN_IDENTITIES if draw[n] > 0.9 else ())
        picks = rng.choice(len(pool), min(count[n], len(pool)), replace=False)
        out.append([pool[i] for i in picks])
    return out


def _year_start(rng, starts, ends):
    """1 January of a year inside each pack's validity (as days since 1970)."""
    first = starts.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    last = ends.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    year = first + (rng.random(len(starts)) * (last - first + 1)).astype(np.int64)
    return year.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _next_year(day):
    return (day.astype("datetime64[D]").astype("datetime64[Y]") + 1).astype("datetime64[D]").astype(np.int64)
