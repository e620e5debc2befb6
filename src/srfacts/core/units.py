"""The unit table: each unit as the article writes it, its base unit and factor; figures in English,
and figures read from their text."""

from typing import TYPE_CHECKING, Any

from srfacts.core.records import is_decimal, plain
from srfacts.core.tuples import NamedTuple

if TYPE_CHECKING:
    from decimal import Decimal


class Unit(NamedTuple):
    """A unit as written in the source and how it converts to a base unit."""

    written: str
    base_unit: str
    factor: str  # a whole number, written out (decimal is loaded only when a figure is converted)
    name_en: str


UNITS: dict[str, Unit] = {
    u.written: u
    for u in (
        Unit("亿元", "CNY", "100000000", "hundred million yuan"),
        Unit("万元", "CNY", "10000", "ten thousand yuan"),
        Unit("元", "CNY", "1", "yuan"),
        Unit("万平方米", "m2", "10000", "ten thousand square metres"),
        Unit("平方米", "m2", "1", "square metres"),
        Unit("万辆", "vehicles", "10000", "ten thousand vehicles"),
        Unit("辆", "vehicles", "1", "vehicles"),
        Unit("户", "enterprises", "1", "enterprises"),
        Unit("家", "enterprises", "1", "enterprises"),
        Unit("个", "count", "1", "items"),
        Unit("项", "count", "1", "items"),
        Unit("支", "teams", "1", "teams"),
        Unit("名", "people", "1", "people"),
        Unit("台", "units", "1", "units"),
        Unit("条", "measures", "1", "measures"),
        Unit("吨", "t", "1", "tonnes"),
        Unit("GW", "W", "1000000000", "gigawatts"),
        Unit("%", "percent", "1", "percent"),
        Unit("个月", "months", "1", "months"),
        Unit("小时", "hours", "1", "hours"),
        Unit("次", "times", "1", "times"),
        Unit("年", "years", "1", "years"),
    )
}


def to_base(value: "Decimal", unit: str) -> "tuple[Decimal, str]":
    """Convert a value in a written unit to its base unit (5028.1 亿元 -> 502810000000 CNY)."""
    from decimal import Decimal

    spec = UNITS[unit]
    base = value * Decimal(spec.factor)
    exact = base.quantize(Decimal(1)) if base == base.to_integral_value() else base.normalize()
    return exact, spec.base_unit


QUALIFIER_MARKS = {"exact": "", "more_than": ">", "at_least": "≥", "about": "≈"}


def figure_text(qualifier: str | None, value: object, unit: str) -> str:
    """A figure as stated, with its qualifier as a mark: >90 家, ≥90 %, 5028.1 亿元."""
    return f"{QUALIFIER_MARKS.get(qualifier or 'exact', '')}{value} {unit}"


QUALIFIER_WORDS = {"exact": "", "more_than": "more than ", "at_least": "at least ", "about": "about "}
# English names of the base units: (singular, plural); None for a symbol written after the number.
_NOUNS: dict[str, tuple[str, str] | None] = {
    "CNY": ("yuan", "yuan"),
    "m2": None,
    "vehicles": ("vehicle", "vehicles"),
    "enterprises": ("enterprise", "enterprises"),
    "count": ("item", "items"),
    "teams": ("team", "teams"),
    "people": ("person", "people"),
    "units": ("unit", "units"),
    "measures": ("measure", "measures"),
    "t": ("tonne", "tonnes"),
    "months": ("month", "months"),
    "hours": ("hour", "hours"),
    "times": ("time", "times"),
    "years": ("year", "years"),
}
_SCALES = (("1000000000000", "trillion"), ("1000000000", "billion"), ("1000000", "million"))


def _plain(number: "Decimal") -> str:
    """A number as English writes it: thousands separated by commas, no trailing zeros."""
    text = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def english_figure(qualifier: str | None, value: "Decimal", unit: str) -> str:
    """A figure as English writes it: 5028.1 亿元 -> 502.81 billion yuan; 20 万辆 -> 200,000 vehicles;
    2000 万平方米 -> 20 million m²; >90 家 -> more than 90 enterprises; 1 家 -> 1 enterprise."""
    from decimal import Decimal

    words = QUALIFIER_WORDS.get(qualifier or "exact", "")
    spec = UNITS.get(unit)
    if spec is None:
        return f"{words}{_plain(Decimal(value))} {unit}"
    if spec.base_unit == "percent":
        return f"{words}{_plain(Decimal(value))}%"
    if spec.base_unit == "W":
        return f"{words}{_plain(Decimal(value))} {unit}"
    base = Decimal(value) * Decimal(spec.factor)
    noun = _NOUNS.get(spec.base_unit, (spec.name_en, spec.name_en))
    scaled = next(((base / Decimal(size), name) for size, name in _SCALES if abs(base) >= Decimal(size)), None)
    if scaled is not None and (spec.base_unit in ("CNY", "m2") or base % 1000 == 0):
        amount, scale = scaled
        text = f"{_plain(amount)} {scale}"
        plural = True
    else:
        text, plural = _plain(base), base != 1
    if noun is None:
        return f"{words}{text} m²"
    return f"{words}{text} {noun[1] if plural else noun[0]}"


def _plainly_written(text: str) -> bool:
    """Whether ``text`` is a number as a Decimal writes it without an exponent: an optional minus,
    digits with no leading zero, and at most one point followed by digits (5028.1, -0.5, 2248)."""
    body = text[1:] if text[:1] == "-" else text
    whole, point, part = body.partition(".")
    return body.isascii() and whole.isdigit() and (whole == "0" or whole[0] != "0") and (not point or part.isdigit())


def json_number(text: str) -> int | float:
    """``plain(Decimal(text))``: an int for a whole number written without a point, else a float.

    A plainly written number (see ``_plainly_written``) is read without the decimal module, which
    a search's JSON then never loads (about 2 ms at every start); any other text is read as a
    Decimal. ``float`` reads the same digits as ``Decimal.__float__`` does."""
    if _plainly_written(text):
        return float(text) if "." in text else int(text)
    from decimal import Decimal  # an exponent or another form: only a Decimal reads it exactly

    number: int | float = plain(Decimal(text))
    return number


def fixed_point(number: Any) -> str:
    """A Decimal, or a Decimal's text, written without an exponent: ``format(Decimal(text), "f")``."""
    if is_decimal(number):
        return format(number, "f")
    text = str(number)
    if _plainly_written(text):
        return text
    from decimal import Decimal  # as in json_number

    return format(Decimal(text), "f")
