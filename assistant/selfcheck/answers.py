"""The self-check's answers outside the server: packed into the page address and read back.

The answers travel in the URL (query parameter `a`), so Back, a refresh or a QR code on paper
reopen the same case, and a kiosk keeps nothing on the server. The packing is short (codes,
positional visit fields, zlib, URL-safe base64) because the QR code grows with it. A URL that
was cut, edited or made by an older version yields None, never an exception.

Also: the answers from a CONTRACT.md case (what the 问答 page hands over), and the review list of
核对您的回答 (each answer in words, with the step that edits it).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import zlib

VERSION = 1
VISIT_FIELDS = ("date", "kind", "hospital_level", "location", "referral", "total", "ooc_known", "out_of_catalog",
                "basic_paid", "category_b", "disease")  # new fields go at the end: older addresses still read
MAX_PACKED = 4000  # characters; more is not a case a person typed


def empty_answers() -> dict:
    return {"region": None, "date": None, "insurance": None, "contribution_tier": None, "identities": [],
            "identity_none": False, "identity_unsure": False, "visits": []}


def _day(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def _read_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def pack_answers(answers: dict) -> str:
    """The answers as a short URL-safe string (empty answers → "")."""
    if not answers or answers == empty_answers():
        return ""
    visits = []
    for visit in answers.get("visits") or []:
        row = [_day(visit.get("date")) if field == "date" else visit.get(field) for field in VISIT_FIELDS]
        while row and row[-1] in (None, ""):
            row.pop()
        visits.append(row)
    data = [VERSION, answers.get("region"), _day(answers.get("date")), answers.get("insurance"),
            answers.get("contribution_tier"), list(answers.get("identities") or []),
            int(bool(answers.get("identity_none"))) + 2 * int(bool(answers.get("identity_unsure"))), visits]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def unpack_answers(text: str | None) -> dict | None:
    """The answers from `pack_answers`' string, or None when it cannot be read."""
    if not text or len(text) > MAX_PACKED:
        return None
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, list) or len(data) != 8 or data[0] != VERSION:
        return None
    _, region, day, insurance, tier, identities, flags, visits = data
    if not isinstance(identities, list) or not isinstance(visits, list) or not isinstance(flags, int):
        return None
    answers = empty_answers()
    answers.update(region=region if isinstance(region, str) else None, date=_read_day(day),
                   insurance=insurance if isinstance(insurance, str) else None,
                   contribution_tier=tier if isinstance(tier, str) else None,
                   identities=[code for code in identities if isinstance(code, str)],
                   identity_none=bool(flags & 1), identity_unsure=bool(flags & 2))
    for row in visits[:50]:
        if not isinstance(row, list):
            return None
        visit = {field: (row[i] if i < len(row) else None) for i, field in enumerate(VISIT_FIELDS)}
        visit["date"] = _read_day(visit["date"])
        for field in ("total", "out_of_catalog", "basic_paid", "category_b"):  # typed text, never None
            value = visit[field]
            visit[field] = "" if value is None else str(value)
        answers["visits"].append(visit)
    if answers["visits"] and answers["date"] is not None:
        answers["visits"][0]["date"] = answers["date"]
    return answers


def answers_from_case(case: dict) -> dict:
    """A CONTRACT.md case (as the 问答 page builds it) as the self-check's answers, to review and edit."""
    from ..knowledge.store import packs
    answers = empty_answers()
    pack = packs().get(case.get("policy") or "")
    answers["region"] = case.get("region") or (pack.region if pack else None)
    visits = case.get("visits") or []
    for visit in visits:
        ooc = visit.get("out_of_catalog")
        known = ooc not in (None, "", "unknown")
        answers["visits"].append({
            "date": _read_day(str(visit.get("date") or "")), "kind": visit.get("kind"),
            "hospital_level": visit.get("hospital_level"), "location": visit.get("location") or "local",
            "referral": visit.get("referral") or ("not_needed" if (visit.get("location") or "local") == "local"
                                                   else None),
            "total": _text(visit.get("total")), "ooc_known": "known" if known else "unknown",
            "out_of_catalog": _text(ooc) if known else "", "basic_paid": _text(visit.get("basic_paid")),
            "category_b": _text(visit.get("category_b")), "disease": visit.get("disease")})
    answers["date"] = answers["visits"][0]["date"] if answers["visits"] else _read_day(str(case.get("date") or ""))
    answers["insurance"] = case.get("insurance") or "resident"
    answers["contribution_tier"] = case.get("contribution_tier")
    identities = [code for code in case.get("identities") or [] if code]
    answers["identities"] = identities
    answers["identity_none"] = not identities
    return answers


def _text(value) -> str:
    return "" if value is None else str(value)
