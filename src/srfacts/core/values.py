"""Small values: what a record holds inside a field (a rank, a derivation, an allowed number) and
the knowledge file's entries that are not records (synonym groups, glossary terms).

Named tuples, like the records (``srfacts.core.records``), each with ``to_dict`` for JSON; the
spec (``srfacts.core.spec``) names the field kind each one is read and stored as.
"""

from typing import Any

from srfacts.core.tuples import NamedTuple


class AllowedNumber(NamedTuple):
    """A number in the source that no record captures on purpose, with the reason."""

    context: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The entry as a JSON-ready mapping."""
        return {"context": self.context, "reason": self.reason}


class Rank(NamedTuple):
    """Where the text ranks a figure: 列全省第二 -> scope 江西省, position 2."""

    scope: str
    scope_en: str
    position: int

    def to_dict(self) -> dict[str, Any]:
        """The rank as a JSON-ready mapping."""
        return {"scope": self.scope, "scope_en": self.scope_en, "position": self.position}


class Derivation(NamedTuple):
    """How a derived figure is computed from stated ones."""

    formula: str
    inputs: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The derivation as a JSON-ready mapping."""
        return {"formula": self.formula, "inputs": dict(self.inputs)}


class SynonymGroup(NamedTuple):
    """Search terms that mean the same (营收 / 营业收入 / revenue): a query for one also finds the others.

    ``weight`` (0 < weight <= 1) is how much a form the user did not type counts.
    """

    terms: tuple[str, ...]
    weight: float = 0.8

    def to_dict(self) -> dict[str, Any]:
        """The group as a JSON-ready mapping."""
        return {"terms": list(self.terms), "weight": self.weight}


class GlossaryTerm(NamedTuple):
    """A Chinese term and its established English (``en``, or one of ``forms``), which every
    English field follows where its Chinese twin holds the term."""

    zh: str
    en: str
    forms: tuple[str, ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry as a JSON-ready mapping."""
        return {"zh": self.zh, "en": self.en, "forms": list(self.forms), "note": self.note}
