"""The knowledge model: the vocabularies, the record classes and the knowledge base that holds
them (no I/O).

Records are named tuples (cheap to define at start-up and to hold by the hundred thousand)
with a mixin for the behaviour they share. What each field is (its kind, whether it is
required, its choices, search weight, headers and description) is said once, in
``srfacts.core.spec``; a test keeps the classes and the spec in step.
"""

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from srfacts.core.tuples import NamedTuple
from srfacts.core.values import AllowedNumber, Derivation, Rank
from srfacts.core.values import GlossaryTerm as GlossaryTerm  # re-exported: the knowledge base holds them
from srfacts.core.values import SynonymGroup as SynonymGroup

if TYPE_CHECKING:
    from decimal import Decimal

TIERS = ("leading", "key", "featured", "other")
QUALIFIERS = ("exact", "more_than", "at_least", "about")
STATUSES = ("actual", "target", "derived")
CLAIM_KINDS = ("award", "ranking", "record", "first", "policy", "project", "target", "event", "plan", "statement")
ENTITY_KINDS = ("company", "park", "institution", "programme", "slogan", "plan",
                "policy", "project", "platform", "place", "event")  # fmt: skip
RECORD_TYPES = ("source", "industry", "metric", "claim", "entity")  # in file order

_YEAR = r"(?<![0-9])(1[89][0-9]{2}|2[0-9]{3})(?![0-9])"


def period_years(period: str | None) -> tuple[int, ...]:
    """Every year a period covers: "2022" -> (2022,), "2019-2021" -> (2019, 2020, 2021)."""
    if not period:
        return ()
    import re

    years = [int(y) for y in re.findall(_YEAR, period)]
    if len(years) == 2 and years[0] < years[1]:
        return tuple(range(years[0], years[1] + 1))
    return tuple(years)


def is_decimal(value: Any) -> bool:
    """Whether ``value`` is a Decimal (asked without loading the decimal module: a Decimal
    exists only once it is loaded)."""
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(value, decimal.Decimal)


def plain(value: Any) -> Any:
    """A JSON-ready copy: Decimal to int or float, tuples to lists, records to mappings."""
    if value is None or isinstance(value, str):  # most fields: as they are
        return value
    if is_decimal(value):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class _Record:
    """Shared behaviour of every record type."""

    __slots__ = ()
    TYPE: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready mapping: ``id``, ``type``, then every field."""
        names: tuple[str, ...] = getattr(self, "_fields", ())
        out: dict[str, Any] = {"id": getattr(self, "id", ""), "type": self.TYPE}
        for name in names[1:]:
            out[name] = plain(getattr(self, name))
        return out

    @property
    def label(self) -> str:
        """The Chinese name or text of the record."""
        return str(getattr(self, "name", None) or getattr(self, "text", None) or getattr(self, "title", ""))

    @property
    def label_en(self) -> str:
        """The English name or text of the record."""
        return str(getattr(self, "name_en", None) or getattr(self, "text_en", None) or getattr(self, "title_en", ""))

    def links(self) -> tuple[str, ...]:
        """Ids this record links to: its industries, entities and metrics (not its source)."""
        out: list[str] = []
        for name in ("industries", "entities", "metrics"):
            out.extend(getattr(self, name, ()))
        return tuple(out)


class _SourceFields(NamedTuple):
    id: str
    title: str
    title_en: str
    authors: tuple[str, ...]
    published: str
    file: str
    sha256: str
    authors_en: tuple[str, ...] = ()
    author_roles: tuple[str, ...] = ()
    author_roles_en: tuple[str, ...] = ()
    uncaptured_numbers: tuple[AllowedNumber, ...] = ()
    note: str | None = None


class Source(_SourceFields, _Record):
    """A source text every record's quote comes from (it links to nothing)."""

    __slots__ = ()
    TYPE: ClassVar[str] = "source"


class _IndustryFields(NamedTuple):
    id: str
    name: str
    name_en: str
    tier: str
    source: str
    quote: str
    cluster: bool = False
    aliases: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    note: str | None = None


class Industry(_IndustryFields, _Record):
    """An industry of the 2+4+N system (or one the source names beside it)."""

    __slots__ = ()
    TYPE: ClassVar[str] = "industry"


class _MetricFields(NamedTuple):
    id: str
    name: str
    name_en: str
    value: "Decimal"
    unit: str
    qualifier: str
    status: str
    scope: str
    scope_en: str
    source: str | None
    quote: str | None
    base_value: "Decimal"
    base_unit: str
    period: str | None = None
    rank: Rank | None = None
    industries: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    derivation: Derivation | None = None
    group: str | None = None
    note: str | None = None


class Metric(_MetricFields, _Record):
    """A figure: value as written, unit, qualifier, period, scope and provenance."""

    __slots__ = ()
    TYPE: ClassVar[str] = "metric"

    def links(self) -> tuple[str, ...]:
        """Linked industries and entities, and a derived figure's inputs."""
        inputs = tuple(self.derivation.inputs.values()) if self.derivation else ()
        return self.industries + self.entities + inputs


class _ClaimFields(NamedTuple):
    id: str
    kind: str
    text: str
    text_en: str
    source: str
    quote: str
    period: str | None = None
    industries: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    note: str | None = None


class Claim(_ClaimFields, _Record):
    """A qualitative statement: award, ranking, record, first, policy, target ..."""

    __slots__ = ()
    TYPE: ClassVar[str] = "claim"


class _EntityFields(NamedTuple):
    id: str
    kind: str
    name: str
    name_en: str
    source: str
    quote: str
    aliases: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    note: str | None = None


class Entity(_EntityFields, _Record):
    """A company, park, institution, programme, plan, policy, slogan ..."""

    __slots__ = ()
    TYPE: ClassVar[str] = "entity"


Record = Source | Industry | Metric | Claim | Entity


def record_years(record: Record) -> tuple[int, ...]:
    """The years a record refers to (empty when it names none)."""
    return period_years(getattr(record, "period", None))


SectionLoader = Callable[[str], "tuple[Record, ...]"]  # reads the records of one type, on demand


class KnowledgeBase:
    """Every record of a knowledge file, with lookups and filters.

    Sections are given, or read on first use through ``loader`` (so a listing of industries
    reads only industries from the compiled cache).
    """

    def __init__(
        self,
        path: str,
        schema_version: int,
        source_records: tuple[Source, ...] | None = None,
        industry_records: tuple[Industry, ...] | None = None,
        metric_records: tuple[Metric, ...] | None = None,
        claim_records: tuple[Claim, ...] | None = None,
        entity_records: tuple[Entity, ...] | None = None,
        record_lines: dict[str, int] | None = None,
        loader: SectionLoader | None = None,
        synonyms: tuple[SynonymGroup, ...] = (),
        glossary: tuple[GlossaryTerm, ...] = (),
    ) -> None:
        self.path = path
        self.schema_version = schema_version
        self.synonyms = synonyms  # search terms that mean the same
        self.glossary = glossary  # Chinese term -> established English
        given = (source_records, industry_records, metric_records, claim_records, entity_records)
        self._sections: dict[str, tuple[Record, ...] | None] = dict(zip(RECORD_TYPES, given, strict=True))
        self._loader = loader
        self.record_lines = record_lines or {}
        self.cache_key: str | None = None  # set by the loader: the content key of the file
        self.searcher: Callable[..., list[Any]] | None = None  # set by the loader: the search engine
        self._by_id: dict[str, Record] | None = None
        self._linked_from: dict[str, tuple[str, ...]] | None = None

    def records(self, record_type: str) -> tuple[Any, ...]:
        """The records of one type (one of ``RECORD_TYPES``), in file order."""
        records = self._sections[record_type]
        if records is None:
            records = self._sections[record_type] = self._loader(record_type) if self._loader else ()
        return records

    _section = records  # the loader's name for it

    @property
    def source_records(self) -> tuple[Source, ...]:
        """The sources, in file order."""
        return self.records("source")

    @property
    def industry_records(self) -> tuple[Industry, ...]:
        """The industries, in file order."""
        return self.records("industry")

    @property
    def metric_records(self) -> tuple[Metric, ...]:
        """The metrics (stated, then derived), in file order."""
        return self.records("metric")

    @property
    def claim_records(self) -> tuple[Claim, ...]:
        """The claims, in file order."""
        return self.records("claim")

    @property
    def entity_records(self) -> tuple[Entity, ...]:
        """The entities, in file order."""
        return self.records("entity")

    @property
    def by_id(self) -> dict[str, Record]:
        """Every record by its id."""
        if self._by_id is None:
            self._by_id = {r.id: r for r in self.all_records()}
        return self._by_id

    @property
    def linked_from(self) -> dict[str, tuple[str, ...]]:
        """For each id, the ids of the records that link to it."""
        if self._linked_from is None:
            backlinks: dict[str, list[str]] = {}
            for record in self.by_id.values():
                for target in record.links():  # an industry's links are its entities
                    backlinks.setdefault(target, []).append(record.id)
            self._linked_from = {k: tuple(dict.fromkeys(v)) for k, v in backlinks.items()}
        return self._linked_from

    def all_records(self) -> tuple[Record, ...]:
        """Every record, in file order: sources, industries, metrics, claims, entities."""
        return (
            self.source_records + self.industry_records + self.metric_records + self.claim_records + self.entity_records
        )

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or None."""
        return self.by_id.get(record_id)

    def related(self, record: Record) -> tuple[Record, ...]:
        """Records this one links to, then records that link to it."""
        ids = list(record.links()) + list(self.linked_from.get(record.id, ()))
        seen = dict.fromkeys(i for i in ids if i != record.id and i in self.by_id)
        return tuple(self.by_id[i] for i in seen)

    def sources(self) -> tuple[Source, ...]:
        """Every source."""
        return self.source_records

    def industries(self, tier: str | None = None, cluster: bool | None = None) -> tuple[Industry, ...]:
        """Industries, optionally of one tier or only the 千亿级 clusters."""
        return tuple(
            r
            for r in self.industry_records
            if (tier is None or r.tier == tier) and (cluster is None or r.cluster == cluster)
        )

    def metrics(
        self, industry: str | None = None, year: int | None = None, status: str | None = None
    ) -> tuple[Metric, ...]:
        """Metrics, optionally of one industry, year or status (actual, target, derived)."""
        return tuple(
            r
            for r in self.metric_records
            if _linked(r, industry) and _in_year(r, year) and (status is None or r.status == status)
        )

    def claims(
        self, kind: str | None = None, industry: str | None = None, year: int | None = None
    ) -> tuple[Claim, ...]:
        """Claims, optionally of one kind, industry or year."""
        return tuple(
            r
            for r in self.claim_records
            if (kind is None or r.kind == kind) and _linked(r, industry) and _in_year(r, year)
        )

    def entities(self, kind: str | None = None, industry: str | None = None) -> tuple[Entity, ...]:
        """Entities, optionally of one kind or industry."""
        return tuple(r for r in self.entity_records if (kind is None or r.kind == kind) and _linked(r, industry))

    def search(self, query: str, **filters: Any) -> list[Any]:
        """Search every record: ranked hits (see ``srfacts.search.engine``). The search engine lives
        in a layer above this one: the loader attaches it as ``searcher``."""
        if self.searcher is None:
            raise LookupError("no search engine is attached to this knowledge base (load it with srfacts.load)")
        return self.searcher(self, query, **filters)


def _linked(record: Record, industry: str | None) -> bool:
    return industry is None or industry in getattr(record, "industries", ())


def _in_year(record: Record, year: int | None) -> bool:
    return year is None or year in record_years(record)


def resolve_industry(industries: Iterable[Industry], value: str) -> str:
    """An industry id from an id, a Chinese or English name or an alias (UnknownNameError, with the
    close names, if it names none)."""
    wanted = value.strip().casefold()
    known = tuple(industries)
    for industry in known:
        names = (industry.id, industry.name, industry.name_en, *industry.aliases, *industry.aliases_en)
        if wanted in (n.casefold() for n in names):
            return industry.id
    import difflib  # these two only for a name that matches nothing (the usual lookup needs neither)

    from srfacts.core.errors import UnknownNameError

    candidates = [n for i in known for n in (i.id, i.name, i.name_en, *i.aliases)]
    raise UnknownNameError("industry", value, difflib.get_close_matches(value, candidates, n=3, cutoff=0.5))
