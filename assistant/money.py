"""Money as Decimal yuan, rounded to the fen with ROUND_HALF_UP."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def to_decimal(value) -> Decimal:
    """Exact conversion; floats go through their shortest repr so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation("bool is not an amount")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def yuan(value: Decimal) -> str:
    """12345.6 -> '12345.60' for formulas shown to people; a zero never shows a sign ("-0.00")."""
    amount = fen(value)
    return f"{amount.copy_abs() if amount.is_zero() else amount:f}"


def percent(ratio: Decimal) -> str:
    """0.85 -> '85%', 0.065 -> '6.5%'."""
    text = f"{(ratio * HUNDRED).normalize():f}"
    return f"{text}%"
