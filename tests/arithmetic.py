"""The hand arithmetic written beside each expected amount, checked (as PolicyEngine's YAML tests do).

An expected amount may be a plain number ("17000.00") or the working that gives it:

    "(27000 − 7000) × 85% = 17000"
    "0.01 × 80% = 0.008 → 0.01"            # → is rounding to the fen, ROUND_HALF_UP
    "60000 − 30000 − 17000 − 7000"         # the value is what the last step comes to

Each step between `=` must equal the one before exactly, each `→` must be the fen rounding
of the step before, and the last step must be exact to the fen. Numbers, `+ − × ÷` (also
`- * /`), `%` after a number, parentheses, and `min(a, b)` for a limit ("min(82000 × 70%, 50000)"):
nothing else is read, and nothing is `eval`-ed.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)(%?)|([-+−×*÷/(),，]|min|max))")
_MINUS = {"-", "−"}


class ArithmeticError_(ValueError):
    """The working beside an amount does not read or does not add up (names the step)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    found, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ArithmeticError_(f"cannot read {text[pos:]!r} in {text!r}")
        number, percent, op = match.groups()
        if number is not None:
            value = Decimal(number)
            found.append(("num", value / 100 if percent else value))
        else:
            found.append(("op", "-" if op in _MINUS else {"×": "*", "÷": "/", "，": ","}.get(op, op)))
        pos = match.end()
    return found


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.items = _tokens(text)
        self.at = 0

    def peek(self):
        return self.items[self.at] if self.at < len(self.items) else (None, None)

    def take(self):
        item = self.peek()
        self.at += 1
        return item

    def expression(self) -> Decimal:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            _, op = self.take()
            value = value + self.term() if op == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        value = self.factor()
        while self.peek() in (("op", "*"), ("op", "/")):
            _, op = self.take()
            right = self.factor()
            if op == "/" and right == 0:
                raise ArithmeticError_(f"division by zero in {self.text!r}")
            value = value * right if op == "*" else value / right
        return value

    def factor(self) -> Decimal:
        kind, value = self.take()
        if (kind, value) == ("op", "-"):
            return -self.factor()
        if kind == "num":
            return value
        if (kind, value) in (("op", "min"), ("op", "max")):
            if self.take() != ("op", "("):
                raise ArithmeticError_(f"{value} needs ( in {self.text!r}")
            values = [self.expression()]
            while self.peek() == ("op", ","):
                self.take()
                values.append(self.expression())
            if self.take() != ("op", ")"):
                raise ArithmeticError_(f"missing ) in {self.text!r}")
            return min(values) if value == "min" else max(values)
        if (kind, value) == ("op", "("):
            inner = self.expression()
            if self.take() != ("op", ")"):
                raise ArithmeticError_(f"missing ) in {self.text!r}")
            return inner
        raise ArithmeticError_(f"expected a number in {self.text!r}")


def evaluate(text: str) -> Decimal:
    """One step: numbers, + − × ÷, %, parentheses."""
    reader = _Reader(text)
    value = reader.expression()
    if reader.at != len(reader.items):
        raise ArithmeticError_(f"unexpected {reader.peek()[1]!r} in {text!r}")
    return value


def has_working(text) -> bool:
    """True when the amount is written with its arithmetic, not as a bare number."""
    return not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", str(text))


def amount(text) -> Decimal:
    """The expected amount a working comes to, after checking every step of it."""
    parts = re.split(r"\s*(=|→)\s*", str(text).strip())
    value = evaluate(parts[0])
    for sign, step in zip(parts[1::2], parts[2::2]):
        nxt = evaluate(step)
        if sign == "=" and nxt != value:
            raise ArithmeticError_(f"{text!r}: {step} is not {value} (the step before it)")
        if sign == "→" and nxt != value.quantize(FEN, rounding=ROUND_HALF_UP):
            raise ArithmeticError_(f"{text!r}: {value} rounds to {value.quantize(FEN, rounding=ROUND_HALF_UP)}, "
                                   f"not {step}")
        value = nxt
    if value != value.quantize(FEN):
        raise ArithmeticError_(f"{text!r} comes to {value}, not a whole fen: write the rounding as → x.xx")
    return value.quantize(FEN)
