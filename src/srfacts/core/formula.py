"""A tiny, safe arithmetic evaluator for derived figures (names, numbers, + - * / and brackets)."""

from __future__ import annotations

import re
from decimal import Decimal, DivisionByZero, InvalidOperation

from srfacts.core.errors import clip

_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]+)?)|([a-z_][a-z0-9_]*)|(.))")


class FormulaError(ValueError):
    """The formula cannot be read or computed."""


def evaluate(formula: str, names: dict[str, Decimal]) -> Decimal:
    """Compute ``formula`` with Decimal arithmetic; only the given names may appear."""
    tokens: list[tuple[str, str]] = []
    for number, name, other in _TOKEN.findall(formula.strip()):
        if number:
            tokens.append(("num", number))
        elif name:
            if name not in names:
                raise FormulaError(f"formula names '{clip(name)}', which is not among its inputs")
            tokens.append(("num", str(names[name])))
        elif other.strip():
            if other not in "+-*/()":
                raise FormulaError(f"formula has '{other}': only + - * / and brackets are allowed")
            tokens.append(("op", other))
    position = 0

    def peek() -> str:
        return tokens[position][1] if position < len(tokens) else ""

    def take() -> tuple[str, str]:
        nonlocal position
        if position >= len(tokens):
            raise FormulaError("formula ends too early")
        position += 1
        return tokens[position - 1]

    def atom() -> Decimal:
        kind, text = take()
        if kind == "num":
            return Decimal(text)
        if text == "(":
            value = expression()
            if take()[1] != ")":
                raise FormulaError("formula has an unclosed bracket")
            return value
        if text == "-":
            return -atom()
        raise FormulaError(f"formula has '{clip(text)}' where a number belongs")

    def term() -> Decimal:
        value = atom()
        while peek() in ("*", "/"):
            operator = take()[1]
            right = atom()
            try:
                value = value * right if operator == "*" else value / right
            except (DivisionByZero, InvalidOperation):
                raise FormulaError("formula divides by zero") from None
        return value

    def expression() -> Decimal:
        value = term()
        while peek() in ("+", "-"):
            operator = take()[1]
            right = term()
            value = value + right if operator == "+" else value - right
        return value

    if not tokens:
        raise FormulaError("formula is empty")
    try:
        result = expression()
    except RecursionError:
        raise FormulaError("formula nests too deeply") from None
    except ArithmeticError:
        raise FormulaError("formula result is out of range") from None
    if position != len(tokens):
        raise FormulaError(f"formula has '{clip(peek())}' left over")
    return result
