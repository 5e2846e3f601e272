"""The list of policies and documents a user can pick from (what `policies` prints)."""
from .documents import documents
from .packs import packs


def policy_rows() -> list[dict]:
    """Every document with its pack, if it has one: settling packs first, then the rest."""
    rows = []
    available = packs()
    for doc in documents().values():
        pack = available.get(doc.id)
        rows.append({
            "id": doc.id,
            "region": pack.region if pack else doc.region,
            "title": doc.title,
            "valid_from": str(pack.valid_from if pack else (doc.effective or doc.date)),
            "valid_to": str(pack.valid_to) if pack else None,
            "status": doc.status,
            "settles": bool(pack and pack.settles),
        })
    rows.sort(key=lambda row: (not row["settles"], row["status"] != "current", row["id"]))  # today's rules first
    return rows
