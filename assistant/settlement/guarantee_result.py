"""The hospital's share of 目录外 in a result (packs with an outcome guarantee only).

CONTRACT.md says out_of_pocket = total − every tier paid. Under naiman-2019 the hospital bears
目录外 above 5%/10% of the bill (二（十一）1.), so the identity becomes
out_of_pocket = total − every tier − hospital_borne; `hospital_borne` is shown in totals and
on each visit so the sum can be checked. Other packs' results keep their shape.
"""
from __future__ import annotations

from ..money import ZERO


def add_hospital_borne(result: dict, years) -> None:
    """Adds `hospital_borne` to the totals (and each year's), and to every visit, in the result's order."""
    def share(totals: dict, amount) -> None:
        totals["hospital_borne"] = amount
        totals["out_of_pocket"] = totals.pop("out_of_pocket")  # keep out_of_pocket last, as in the contract

    share(result["totals"], sum((y.totals.get("hospital_borne", ZERO) for y in years), ZERO))
    for shown, year in zip(result.get("years", ()), years):
        share(shown["totals"], year.totals.get("hospital_borne", ZERO))
    visits = [v for y in years for v in y.visits]
    for shown, visit in zip(result["visits"], visits):
        shown["hospital_borne"] = visit.hospital_borne if visit.hospital_borne is not None else ZERO
