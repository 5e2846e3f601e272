"""What-ifs for the self-check: the same bill with and without referral, and under each identity.

What a person does not know (目录外, 缴费档次) is settled by the core itself (settlement/ranges.py:
the documents' control ratio, and the range over the possible values): the app sends "unknown"
and shows what `settle` returns, so the app, the command and the chat never disagree on a bill.
Every amount here comes from `settle`; nothing is computed twice.
"""
from __future__ import annotations

import copy

from ..knowledge.store import documents, packs
from ..lexicon import name_of
from ..settlement import settle
from ..settlement.ranges import SHARE_PARAMETER, estimate_out_of_catalog, out_of_catalog_share  # noqa: F401  (the app's names)


def _out_of_pocket(case: dict) -> Decimal:
    return settle(case)["totals"]["out_of_pocket"]


def compare_referral(case: dict) -> dict:
    """The same visits all 已转诊 and all 未转诊: what the person would pay in each case."""
    figures = {}
    for referral in ("referred", "not_referred"):
        variant = copy.deepcopy(case)
        for visit in variant["visits"]:
            visit["referral"] = referral
        result = settle(variant)
        figures[referral] = {"referral": referral, "name": name_of("referral", referral),
                             "out_of_pocket": result["totals"]["out_of_pocket"],
                             "medical_aid": result["totals"]["medical_aid"],
                             "tilted_aid": result["totals"]["tilted_aid"]}
    difference = figures["not_referred"]["out_of_pocket"] - figures["referred"]["out_of_pocket"]
    return {"referred": figures["referred"], "not_referred": figures["not_referred"],
            "difference": difference}


def compare_identities(case: dict, held=None) -> list[dict]:
    """The same year under each identity the policy names, and as an ordinary insuree.

    `held` is what the person said they hold (codes); those rows are marked. Each row settles
    the case with that single identity, which is what 就高不就低 compares.
    """
    result = settle(case)
    pack = packs()[result["policy"]]
    held = tuple(held if held is not None else case.get("identities") or ())
    rows = []
    for code in (*pack.identity_order, None):
        variant = copy.deepcopy(case)
        variant["identities"] = [code] if code else []
        rows.append({"identity": code or "ordinary", "name": name_of("identities", code),
                     "out_of_pocket": _out_of_pocket(variant),
                     "held": code in held if code else not any(c in pack.identities for c in held),
                     "applied": code == result["identity_applied"]})
    return rows


def document_status(doc_id: str) -> tuple[str, str]:
    """(status code, Chinese status name) of a document, for showing beside a quote."""
    doc = documents().get(doc_id)
    if doc is None:
        return "unknown", "未知文件"
    return doc.status, doc.status_name
