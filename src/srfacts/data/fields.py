"""Field readers: a located YAML value checked and typed by its field's kind (``srfacts.core.spec``).

``READERS`` has one reader per kind; a wrong value raises ``Wrong`` with its problem code, which
the ``Checker`` collects with the file, line, column, record id and field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from srfacts.core.errors import Problem, clip
from srfacts.core.spec import Field
from srfacts.core.values import AllowedNumber, Rank
from srfacts.data.yaml_reader import YamlList, YamlMap

# Bounds of a figure: real ones are far smaller; these keep arithmetic exact and every export (SQLite's
# 64-bit integers, JSON numbers) able to hold a value and its base value.
MAX_DIGITS = 20
MAX_VALUE = Decimal(10) ** 18
MAX_POSITION = 10**9
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


class Checker:
    """Collects problems while turning located YAML into typed field values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        at: tuple[int, int] | None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        line, column = at if at else (None, None)
        self.problems.append(Problem(code, message, self.path, line, column, record_id, field))

    def value(self, field: Field, raw: Any, at: tuple[int, int], rid: str | None) -> Any:
        """Check one field's raw value and return it typed (None when it is wrong)."""
        try:
            return READERS[field.kind](raw, field)
        except Wrong as wrong:
            self.add(wrong.code, str(wrong), at, rid, field.name)
            return None


class Wrong(Exception):
    """What is wrong with a value, and its problem code."""

    def __init__(self, message: str, code: str = "SR104") -> None:
        super().__init__(message)
        self.code = code


def describe(raw: Any) -> str:
    """What a raw value is, for a message: a mapping, the number 5, the text 'x' ..."""
    if isinstance(raw, YamlMap):
        return "a mapping"
    if isinstance(raw, YamlList):
        return "a list"
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, int | Decimal):
        return f"the number {clip(str(raw))}"
    return f"the text '{clip(str(raw))}'"


def did_you_mean(word: str, choices: Any) -> str:
    """`` (did you mean x?)`` for a near miss among ``choices``, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _str(raw: Any, field: Field) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Wrong(f"must be a non-empty text, found {describe(raw)}")
    return raw


def _strs(raw: Any, field: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise Wrong(f"must be a list of texts, found {describe(raw)}")
    return tuple(raw)


def _roles(raw: Any, field: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise Wrong(f"must be a list of texts (empty where none is stated), found {describe(raw)}")
    return tuple(v.strip() for v in raw)


def _id(raw: Any, field: Field) -> str:
    text = _str(raw, field)
    if not ID_PATTERN.match(text):
        raise Wrong(f"'{clip(text)}' is not kebab-case ASCII (like above-size-enterprises-2022)", "SR105")
    return text


def _bool(raw: Any, field: Field) -> bool:
    if not isinstance(raw, bool):
        raise Wrong(f"must be true or false, found {describe(raw)}")
    return raw


def _number(raw: Any, field: Field) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise Wrong(f"must be a number, found {describe(raw)}")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise Wrong(f"must be a finite number, found {describe(raw)}") from None
    if not number.is_finite():
        raise Wrong(f"must be a finite number, found {describe(raw)}")
    too_small = bool(number) and number.adjusted() < -18
    if len(number.as_tuple().digits) > MAX_DIGITS or number.copy_abs() >= MAX_VALUE or too_small:
        raise Wrong(f"must be a number below 10^18 of at most {MAX_DIGITS} digits, found {describe(raw)}")
    return number


def _period(raw: Any, field: Field) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise Wrong(f'must be a year or period such as "2022", found {describe(raw)}')
    return _str(str(raw), field)


def _sha256(raw: Any, field: Field) -> str:
    text = _str(raw, field)
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise Wrong("must be 64 lowercase hexadecimal digits")
    return text


def _choice(raw: Any, field: Field) -> str:
    text = _str(raw, field)
    choices = field.file_choices
    if text not in choices:
        raise Wrong(f"'{clip(text)}' is not one of {', '.join(choices)}{did_you_mean(text, choices)}", "SR110")
    return text


def _unit(raw: Any, field: Field) -> str:
    text = _str(raw, field)
    units = field.choices
    if text not in units:
        message = f"unknown unit '{clip(text)}'{did_you_mean(text, units)}; the unit table has {' '.join(units)}"
        raise Wrong(message, "SR108")
    return text


def _qualifier(raw: Any, field: Field) -> str:
    text = _str(raw, field)
    if text not in field.choices:
        raise Wrong(f"unknown qualifier '{clip(text)}'; use one of {', '.join(field.choices)}", "SR109")
    return text


def _rank(raw: Any, field: Field) -> Rank:
    if not isinstance(raw, dict) or set(raw) - set(Rank._fields):
        raise Wrong("must be a mapping of scope, scope_en and position")
    position = raw.get("position")
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= MAX_POSITION:
        raise Wrong(f"rank position must be a whole number from 1 to {MAX_POSITION}, found {describe(position)}")
    scope, scope_en = raw.get("scope"), raw.get("scope_en")
    if not isinstance(scope, str) or not isinstance(scope_en, str):
        raise Wrong("rank needs scope and scope_en texts")
    return Rank(scope, scope_en, position)


def _refs(raw: Any, field: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise Wrong(f"must be a list of ids, found {describe(raw)}")
    return tuple(raw)


def _allow(raw: Any, field: Field) -> tuple[AllowedNumber, ...]:
    if not isinstance(raw, list):
        raise Wrong(f"must be a list of {{context, reason}}, found {describe(raw)}")
    out = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != set(AllowedNumber._fields)
            or not all(isinstance(v, str) and v for v in item.values())
        ):
            raise Wrong("each entry needs exactly a context and a reason text")
        out.append(AllowedNumber(item["context"], item["reason"]))
    return tuple(out)


def _terms(raw: Any, field: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(v, str) and v.strip() for v in raw):
        raise Wrong(f"must be a list of at least two texts, found {describe(raw)}")
    return tuple(raw)


def _weight(raw: Any, field: Field) -> float:
    number = raw if isinstance(raw, int | Decimal) and not isinstance(raw, bool) else None
    if number is None or not Decimal(number).is_finite() or not 0 < number <= 1:
        raise Wrong(f"must be a number above 0 and at most 1, found {describe(raw)}")
    return float(number)


def _inputs(raw: Any, field: Field) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, str) for v in raw.values()):
        raise Wrong("must map each formula name to a metric id")
    return dict(raw)


# One reader per kind the file may give (``srfacts.core.spec.KINDS``; a derivation is never read).
READERS: dict[str, Callable[[Any, Field], Any]] = {
    "id": _id,
    "str": _str,
    "strs": _strs,
    "roles": _roles,
    "bool": _bool,
    "number": _number,
    "period": _period,
    "sha256": _sha256,
    "choice": _choice,
    "unit": _unit,
    "qualifier": _qualifier,
    "rank": _rank,
    "ref": _str,
    "refs": _refs,
    "allow": _allow,
    "inputs": _inputs,
    "terms": _terms,
    "weight": _weight,
}
