"""The unit table: each unit as the article writes it, its base unit and factor."""

from decimal import Decimal
from typing import NamedTuple


class Unit(NamedTuple):
    """A unit as written in the source and how it converts to a base unit."""

    written: str
    base_unit: str
    factor: Decimal
    name_en: str


UNITS: dict[str, Unit] = {
    u.written: u
    for u in (
        Unit("亿元", "CNY", Decimal("100000000"), "hundred million yuan"),
        Unit("万元", "CNY", Decimal("10000"), "ten thousand yuan"),
        Unit("元", "CNY", Decimal("1"), "yuan"),
        Unit("万平方米", "m2", Decimal("10000"), "ten thousand square metres"),
        Unit("平方米", "m2", Decimal("1"), "square metres"),
        Unit("万辆", "vehicles", Decimal("10000"), "ten thousand vehicles"),
        Unit("辆", "vehicles", Decimal("1"), "vehicles"),
        Unit("户", "enterprises", Decimal("1"), "enterprises"),
        Unit("家", "enterprises", Decimal("1"), "enterprises"),
        Unit("个", "count", Decimal("1"), "items"),
        Unit("项", "count", Decimal("1"), "items"),
        Unit("支", "teams", Decimal("1"), "teams"),
        Unit("名", "people", Decimal("1"), "people"),
        Unit("台", "units", Decimal("1"), "units"),
        Unit("条", "measures", Decimal("1"), "measures"),
        Unit("吨", "t", Decimal("1"), "tonnes"),
        Unit("GW", "W", Decimal("1000000000"), "gigawatts"),
        Unit("%", "percent", Decimal("1"), "percent"),
        Unit("个月", "months", Decimal("1"), "months"),
        Unit("小时", "hours", Decimal("1"), "hours"),
        Unit("次", "times", Decimal("1"), "times"),
        Unit("年", "years", Decimal("1"), "years"),
    )
}


def to_base(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """Convert a value in a written unit to its base unit (5028.1 亿元 -> 502810000000 CNY)."""
    spec = UNITS[unit]
    base = value * spec.factor
    exact = base.quantize(Decimal(1)) if base == base.to_integral_value() else base.normalize()
    return exact, spec.base_unit


QUALIFIER_MARKS = {"exact": "", "more_than": ">", "at_least": "≥", "about": "≈"}


def figure_text(qualifier: str | None, value: object, unit: str) -> str:
    """A figure as stated, with its qualifier as a mark: >90 家, ≥90 %, 5028.1 亿元."""
    return f"{QUALIFIER_MARKS.get(qualifier or 'exact', '')}{value} {unit}"
