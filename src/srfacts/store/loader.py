"""Get a knowledge file's records: from its compiled cache, else read, check and compile them."""

import contextlib
import gc
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srfacts.core.records import KnowledgeBase, Record
from srfacts.core.tuples import NamedTuple
from srfacts.data.files import max_bytes, max_depth, read_bytes, resolve_data_path
from srfacts.store import folder as cache
from srfacts.store.compiled import CacheDamagedError, Store

if TYPE_CHECKING:
    from srfacts.search.entries import Index
    from srfacts.search.hits import Hit
# Given a task's description and size, returns the function that reports progress on it.
Progress = Callable[[str, int], Callable[[int], None]]


def load(path: str | Path | None = None, *, use_cache: bool = True, progress: Progress | None = None) -> KnowledgeBase:
    """Load and validate a knowledge file (``None``: ``SRFACTS_DATA`` or the bundled file); its
    ``search`` is the search engine's."""
    resolved = _resolved(path)
    kb = _from_store(_content_key(resolved)[0], str(resolved), resolved) if use_cache else None
    if kb is None:
        kb = _compiled(resolved, progress if use_cache else None, use_cache=use_cache)
    kb.searcher = _search
    return kb


def _search(kb: KnowledgeBase, query: str, **filters: Any) -> "list[Hit]":
    from srfacts.search.engine import search_kb  # imported when a search is made, not at every load

    return search_kb(kb, query, **filters)


def _resolved(path: str | Path | None) -> Path:
    """The knowledge file meant: ``path``, else ``SRFACTS_DATA``, else the bundled file."""
    return resolve_data_path(str(path) if path is not None else None)


def _compiled(path: Path, progress: Progress | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Read, check and build a knowledge file, and compile it into the cache (replacing any entry).

    The cyclic garbage collector is paused meanwhile: its passes over the millions of objects a
    large file makes cost a fifth of the time or more (see ``_collector_paused``).
    """
    with _collector_paused():
        held = [read_bytes(path)]  # a list, so that _build can drop the bytes once decoded
        key = cache.content_key(held[0])
        kb, depth = _build(held, str(path))
        kb.cache_key = key
        if use_cache:
            compile_store(kb, progress, depth=depth)
        return kb


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) while building or searching.

    Both make many objects that reference counting frees; a collector pass finds nothing to free
    and walks every object young enough meanwhile, start-up's included (a search would pay for
    some 2 ms of them). Any cycle made is collected once the collector resumes.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def open_store(path: str | Path | None = None, progress: Progress | None = None) -> "Store | None":
    """The compiled store of a knowledge file, compiling it first if need be (None: no cache here)."""
    resolved = _resolved(path)
    store = Store.open(_content_key(resolved)[0])
    if store is None:
        key = _compiled(resolved, progress).cache_key
        store = Store.open(key) if key else None
    return store


class Found(NamedTuple):
    """The hits of a search, how many records match in all, and close names when none does."""

    hits: "list[Hit]"
    suggestions: list[str]
    total: int = 0


def find(
    path: str | Path | None,
    query: str,
    *,
    types: tuple[str, ...] | None = None,
    industry: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Found:
    """Search a knowledge file: through its compiled store, or in memory where no cache can be written
    (or where the cache entry turns out damaged: it is compiled anew).

    ``industry`` may be an id, a name or an alias (UnknownNameError if it is none of these). The
    cyclic garbage collector is paused meanwhile (see ``_collector_paused``).
    """
    with _collector_paused():
        return _find(path, query, industry, {"types": types, "year": year, "kind": kind, "limit": limit}, progress)


def _find(
    path: str | Path | None, query: str, industry: str | None, filters: dict[str, Any], progress: Progress | None
) -> Found:
    """``find``, the filters but ``industry`` given as they are passed on."""
    from srfacts.core.records import resolve_industry
    from srfacts.search.engine import ranked_hits

    store = open_store(path, progress)
    if store is not None:
        try:
            wanted = resolve_industry(store.industries(), industry) if industry else None
            return _found(store, query, *ranked_hits(store, query, industry=wanted, **filters))
        except CacheDamagedError:
            kb = _compiled(_resolved(path), progress)
        finally:
            store.close()
    else:
        kb = load(path, progress=progress)
    from srfacts.search.engine import memory_index

    index = memory_index(kb)
    wanted = resolve_industry(kb.industries(), industry) if industry else None
    return _found(index, query, *ranked_hits(index, query, industry=wanted, **filters))


def _found(index: "Index", query: str, hits: "list[Hit]", total: int) -> Found:
    """The hits, with did-you-mean read from the same index when there are none."""
    if hits:
        return Found(hits, [], total)
    from srfacts.search.suggest import suggestions

    return Found(hits, suggestions(index, query), 0)


def _signature(path: Path) -> list[int] | None:
    """What changes whenever the file does (None for anything but a regular file within the cap)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes():
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _content_key(path: Path) -> tuple[str, bytes | None]:
    """The cache key of a file's content, and its bytes if they had to be read to find it."""
    signature = _signature(path)
    if signature is not None:
        key = cache.known_key(path.resolve(), signature)
        if key is not None:
            return key, None
    data = read_bytes(path)
    key = cache.content_key(data)
    if signature is not None and signature == _signature(path):
        cache.note_key(path.resolve(), signature, key)
    return key, data


def _from_store(key: str, where: str, path: Path) -> KnowledgeBase | None:
    """The knowledge base read from the compiled cache, each type of record when first needed.

    Should a stored record not decode (a damaged cache), the file itself is read and checked
    instead, and the cache compiled anew.
    """
    store = Store.open(key)
    if store is None:
        return None
    rebuilt: list[KnowledgeBase] = []

    def section(record_type: str) -> tuple[Record, ...]:
        if not rebuilt:
            reopened = Store.open(key)  # the file is open only while a section is read
            try:
                if reopened is None:
                    raise CacheDamagedError("gone")
                return reopened.section(record_type)
            except CacheDamagedError:
                held = [read_bytes(path)]  # keyed by the bytes parsed now, even if the file changed since
                fresh = cache.content_key(held[0])
                kb, depth = _build(held, where)
                rebuilt.append(kb)
                kb.cache_key = fresh
                compile_store(kb, depth=depth)
            finally:
                if reopened is not None:
                    reopened.close()
        return rebuilt[0]._section(record_type)

    try:
        synonyms, glossary = store.extras()
        kb = KnowledgeBase(
            where,
            int(store.meta["schema_version"]),
            record_lines=store.record_lines(),
            loader=section,
            synonyms=synonyms,
            glossary=glossary,
        )
    except (KeyError, ValueError, CacheDamagedError):
        return None
    finally:
        store.close()
    kb.cache_key = key
    return kb


def _build(data: list[bytes], where: str) -> tuple[KnowledgeBase, int | None]:
    """Decode, parse and check a knowledge file's bytes (taken out of ``data``: a large file's bytes
    are not kept while its records are built); its deepest nesting too (None: not known)."""
    from srfacts.data import yaml_reader
    from srfacts.data.build import build
    from srfacts.data.files import decode

    tree = yaml_reader.parse_yaml(decode(data.pop(), where), where)
    depth = tree.depth if isinstance(tree, yaml_reader.YamlRoot) else None
    return build(tree, where), depth


def compile_store(kb: KnowledgeBase, progress: Progress | None = None, *, depth: int | None = None) -> bool:
    """Build the search index of ``kb`` and write both to its cache entry, if the cache can be written.

    ``depth``, the deepest nesting of the knowledge file, is kept in the entry: a warm run with a
    lower cap (``SRFACTS_MAX_DEPTH``) compiles anew, and so refuses the file as a cold one does.
    Unknown, it is taken as the cap in force (the file was read under it)."""
    if not kb.cache_key or not cache.writable():
        return False
    from srfacts.search.build import build_index  # imports the pinyin and Traditional-script libraries
    from srfacts.store import writer

    count = len(kb.all_records())
    report = progress("compiling the knowledge file", count * 2) if progress else None
    depth = max_depth() if depth is None else depth
    return writer.write(kb.cache_key, kb, build_index(kb, report), report, depth=depth)
