"""Records to and from the cache's plain data, by the kinds of their fields (``srfacts.core.spec``).

A record travels as the list of its fields in order (compact and quick to read back): Decimals
as text, so every digit is kept as written; tuples, ranks, derivations and allowed numbers as
lists; mappings as they are. Plain data that cannot run code when read (no pickle). The synonym
groups and the glossary travel the same way. Decoding raises KeyError, TypeError or ValueError
(or ArithmeticError, for a number that is not one) for anything that is not such data.
"""

from collections.abc import Callable, Sequence
from typing import Any

from srfacts.core.records import Record, is_decimal, plain
from srfacts.core.spec import GLOSSARY, RECORD_SPECS, SYNONYMS, Spec
from srfacts.core.units import json_number
from srfacts.core.values import AllowedNumber, Derivation, GlossaryTerm, Rank, SynonymGroup


def _encode(value: Any) -> Any:
    if isinstance(value, str) or value is None:
        return value
    if is_decimal(value):
        return str(value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _number(value: Any) -> Any:
    from decimal import Decimal  # loaded only when a figure is read (a listing of industries needs none)

    return Decimal(value)


def _tuple(value: Any) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise ValueError(f"a list, not {type(value).__name__}")
    return tuple(value)


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("a list of texts")
    return tuple(value)


def _rank(value: Any) -> Rank | None:
    return None if value is None else Rank(*value)


def _derivation(value: Any) -> Derivation | None:
    if value is None:
        return None
    formula, inputs = value
    return Derivation(formula, dict(inputs))


def _allow(value: Any) -> tuple[AllowedNumber, ...]:
    return tuple(AllowedNumber(*a) for a in _tuple(value))


# How a field of each kind is read back (None: as it is).
DECODERS: dict[str, Callable[[Any], Any] | None] = {
    "id": None, "str": None, "period": None, "sha256": None, "choice": None, "unit": None, "qualifier": None,
    "ref": None, "bool": None, "inputs": dict, "weight": float, "number": _number, "roles": _texts,
    "strs": _texts, "refs": _texts, "terms": _texts, "rank": _rank, "derivation": _derivation, "allow": _allow,
}  # fmt: skip


def _decoders(spec: Spec, number: Callable[[Any], Any] = _number) -> tuple[Callable[[Any], Any] | None, ...]:
    return tuple(number if f.kind == "number" else DECODERS[f.kind] for f in spec.fields)


_RECORD_DECODERS = {t: (spec.record, _decoders(spec)) for t, spec in RECORD_SPECS.items()}
FIELD_NAMES = {t: tuple(f.name for f in spec.fields) for t, spec in RECORD_SPECS.items()}  # a row's, in order
_PLAIN_DECODERS = {t: _decoders(spec, json_number)[1:] for t, spec in RECORD_SPECS.items()}
_SYNONYM_DECODERS = _decoders(SYNONYMS)
_GLOSSARY_DECODERS = _decoders(GLOSSARY)


def _decode(make: Callable[..., Any], decoders: Sequence[Callable[[Any], Any] | None], row: Any) -> Any:
    if not isinstance(row, list):
        raise ValueError(f"a list of fields, not {type(row).__name__}")
    return make(*[value if read is None else read(value) for read, value in zip(decoders, row, strict=True)])


def encode_record(record: Record) -> list[Any]:
    """A record as a list of its plain fields, in order."""
    return [_encode(v) for v in record]


def decode_record(record_type: str, row: Any) -> Record:
    """A record from ``encode_record`` output; KeyError, TypeError or ValueError if it is not one."""
    make, decoders = _RECORD_DECODERS[record_type]
    record: Record = _decode(make, decoders, row)
    return record


def plain_record(record_type: str, row: Any) -> dict[str, Any]:
    """``decode_record(record_type, row).to_dict()``, its figures read by ``json_number`` (a plainly
    written one without the decimal module); KeyError, TypeError or ValueError if it is not a record."""
    if not isinstance(row, list) or not row or not isinstance(row[0], str):
        raise ValueError("a list of fields, the first an id")
    out: dict[str, Any] = {"id": row[0], "type": record_type}
    for name, read, value in zip(FIELD_NAMES[record_type][1:], _PLAIN_DECODERS[record_type], row[1:], strict=True):
        out[name] = plain(value if read is None else read(value))
    return out


def encode_extras(synonyms: tuple[SynonymGroup, ...], glossary: tuple[GlossaryTerm, ...]) -> dict[str, Any]:
    """The synonym groups and the glossary as plain data (the store's ``extras`` section)."""
    return {SYNONYMS.section: [_encode(g) for g in synonyms], GLOSSARY.section: [_encode(t) for t in glossary]}


def decode_extras(data: Any) -> tuple[tuple[SynonymGroup, ...], tuple[GlossaryTerm, ...]]:
    """``encode_extras`` output back as model values; ValueError if it is not that."""
    try:
        synonyms = tuple(_decode(SynonymGroup, _SYNONYM_DECODERS, row) for row in data[SYNONYMS.section])
        glossary = tuple(_decode(GlossaryTerm, _GLOSSARY_DECODERS, row) for row in data[GLOSSARY.section])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"extras: {error!r}") from None
    return synonyms, glossary
