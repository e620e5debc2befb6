"""A compiled cache of validated knowledge and its search index, keyed by the file's content.

One JSON document per part (knowledge, search index) under ``$XDG_CACHE_HOME/srfacts``,
named by a BLAKE2 digest of the knowledge file's bytes and the srfacts version, so an edit is
seen at once. Files are written to a temporary name and renamed (atomic, safe when several
processes build at once); a cache that cannot be written or read is skipped silently, and
one that is corrupt or foreign is ignored and rebuilt. JSON cannot run code when read.
"""

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from srfacts import __version__
from srfacts.model import AllowedNumber, Claim, Derivation, Entity, Industry, KnowledgeBase, Metric, Rank, Source

FORMAT = "srfacts-cache-2"
KEEP = 16  # cache files kept; older ones (edited-away knowledge files) are pruned on write


def _blake2b(data: bytes) -> str:
    try:  # the built-in module starts faster than hashlib, which loads OpenSSL
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - every CPython has it
        from hashlib import blake2b
    return blake2b(data, digest_size=20).hexdigest()


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/srfacts``, else ``~/.cache/srfacts``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "srfacts"


def content_key(data: bytes) -> str:
    """The cache key of a knowledge file: its bytes and the version of the code that compiles them."""
    return _blake2b(FORMAT.encode() + b"\0" + __version__.encode() + b"\0" + data)


def _path(key: str, part: str) -> Path:
    return cache_dir() / f"{key}.{part}.json"


def read_part(key: str, part: str) -> Any:
    """The payload stored for ``key`` and ``part``, or None when absent, unreadable, corrupt or not ours.

    A cache file is a header line (format, key and a digest of the payload) and the payload as
    JSON; the digest is checked before the payload is parsed, so a truncated, edited or foreign
    file is never used.
    """
    try:
        with open(_path(key, part), "rb") as handle:
            header, _, body = handle.read().partition(b"\n")
        meta = json.loads(header)
        if meta != {"format": FORMAT, "key": key, "digest": _blake2b(body)}:
            return None
        return json.loads(body)
    except (OSError, ValueError, RecursionError):
        return None


def write_part(key: str, part: str, payload: Any) -> bool:
    """Store a payload atomically; False (and nothing left behind) when it cannot be written."""
    import tempfile

    folder = cache_dir()
    temporary = None
    try:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"format": FORMAT, "key": key, "digest": _blake2b(body)}).encode("ascii")
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{key}.{part}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + body)
        os.replace(temporary, _path(key, part))
        _prune(folder)
        return True
    except (OSError, ValueError, TypeError):
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False


def _prune(folder: Path) -> None:
    """Keep the newest ``KEEP`` cache files."""
    try:
        files = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def writable() -> bool:
    """Whether the cache folder exists or can be made, and can be written."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def info() -> dict[str, Any]:
    """Where the cache is and what it holds."""
    folder = cache_dir()
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return {
        "path": str(folder),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "writable": writable(),
        "entries": sorted({f.name.split(".")[0] for f in files}),
    }


def clear() -> int:
    """Remove every cache file; the number removed."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    removed = 0
    for item in folder.iterdir():
        if item.suffix in (".json", ".tmp") and item.is_file():
            item.unlink(missing_ok=True)
            removed += 1
    if not any(folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)
    return removed


# Knowledge <-> cache payload: each record as a list of its fields in order (compact and quick
# to read back); Decimals travel as text so every digit is kept as written.


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return [_encode(v) for v in value]
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _tuples(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _source(row: list[Any]) -> Source:
    fields = dict(zip(Source._fields, row, strict=True))
    fields["authors"] = _tuples(fields["authors"])
    fields["authors_en"] = _tuples(fields["authors_en"])
    fields["uncaptured_numbers"] = tuple(AllowedNumber(*a) for a in fields["uncaptured_numbers"])
    return Source(**fields)


def _industry(row: list[Any]) -> Industry:
    fields = dict(zip(Industry._fields, row, strict=True))
    for name in ("aliases", "aliases_en", "entities"):
        fields[name] = _tuples(fields[name])
    return Industry(**fields)


def _metric(row: list[Any]) -> Metric:
    fields = dict(zip(Metric._fields, row, strict=True))
    fields["value"] = Decimal(fields["value"])
    fields["base_value"] = Decimal(fields["base_value"])
    fields["industries"] = _tuples(fields["industries"])
    fields["entities"] = _tuples(fields["entities"])
    if fields["rank"] is not None:
        fields["rank"] = Rank(*fields["rank"])
    if fields["derivation"] is not None:
        formula, inputs = fields["derivation"]
        fields["derivation"] = Derivation(formula, dict(inputs))
    return Metric(**fields)


def _claim(row: list[Any]) -> Claim:
    fields = dict(zip(Claim._fields, row, strict=True))
    for name in ("industries", "entities", "metrics"):
        fields[name] = _tuples(fields[name])
    return Claim(**fields)


def _entity(row: list[Any]) -> Entity:
    fields = dict(zip(Entity._fields, row, strict=True))
    for name in ("aliases", "aliases_en", "industries"):
        fields[name] = _tuples(fields[name])
    return Entity(**fields)


_SECTIONS = ("source_records", "industry_records", "metric_records", "claim_records", "entity_records")


def encode_knowledge(kb: KnowledgeBase) -> dict[str, Any]:
    """A knowledge base as a JSON-ready payload."""
    payload: dict[str, Any] = {"schema_version": kb.schema_version, "lines": kb.record_lines}
    for name in _SECTIONS:
        payload[name] = [_encode(r) for r in getattr(kb, name)]
    return payload


def decode_knowledge(payload: Any, path: str) -> KnowledgeBase | None:
    """A knowledge base from ``encode_knowledge`` output, or None if the payload is not one."""
    try:
        return KnowledgeBase(
            path,
            int(payload["schema_version"]),
            tuple(_source(r) for r in payload["source_records"]),
            tuple(_industry(r) for r in payload["industry_records"]),
            tuple(_metric(r) for r in payload["metric_records"]),
            tuple(_claim(r) for r in payload["claim_records"]),
            tuple(_entity(r) for r in payload["entity_records"]),
            record_lines={str(k): int(v) for k, v in payload["lines"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return None


def remember(key: str, kb: KnowledgeBase, build_index: Callable[[KnowledgeBase], Any] | None) -> None:
    """Write a freshly built knowledge base (and its search index) to the cache, if it can be."""
    if not writable():
        return
    write_part(key, "knowledge", encode_knowledge(kb))
    if build_index is not None:
        write_part(key, "index", build_index(kb))
