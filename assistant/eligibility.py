"""What a person is entitled to and what to do next, from the pack's data (参保资助, how to apply, …).

Reads only the pack: settlement calls it, never the other way round.
"""
from __future__ import annotations


def eligibility(pack, insurance: str, held: tuple[str, ...]) -> list[dict]:
    """For each item, the first rule whose conditions hold (the pack lists the most generous first)."""
    chosen: dict[str, dict] = {}
    for rule in pack.eligibility:
        if rule.item in chosen:
            continue
        when = rule.when
        if when.identities is not None and not set(when.identities) & set(held):
            continue
        if when.insurance is not None and when.insurance != insurance:
            continue
        chosen[rule.item] = {"item": rule.item, "result": rule.result,
                             "citations": [{"doc": c.doc, "clause": c.clause, "quote": c.quote} for c in rule.citations]}
    return list(chosen.values())
