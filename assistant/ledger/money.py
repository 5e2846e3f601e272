"""Amounts between the database (integer fen, exact everywhere) and the core (Decimal yuan)."""
from decimal import Decimal

from ..money import FEN, fen

HUNDRED = Decimal(100)


def to_fen(amount: Decimal) -> int:
    return int(fen(amount) * HUNDRED)


def from_fen(value: int) -> Decimal:
    return (Decimal(value) / HUNDRED).quantize(FEN)
