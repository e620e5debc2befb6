"""Get the knowledge base for a knowledge file: from the compiled cache, else read, check and build it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from srfacts import cache
from srfacts.load import decode, parse_yaml, read_bytes, resolve_data_path
from srfacts.model import KnowledgeBase

if TYPE_CHECKING:
    from srfacts.search import SearchIndex


def load(path: str | Path | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load and validate a knowledge file (``None``: ``SRFACTS_DATA`` or the bundled file)."""
    resolved = resolve_data_path(str(path) if path is not None else None)
    where = str(resolved)
    data = read_bytes(resolved)
    key = cache.content_key(data)
    kb = cache.decode_knowledge(cache.read_part(key, "knowledge"), where) if use_cache else None
    if kb is None:
        from srfacts.validate import build

        kb = build(parse_yaml(decode(data, where), where), where)
        if use_cache:
            cache.remember(key, kb, lambda built: _build_index(built).to_data())
    kb.cache_key = key
    return kb


def _build_index(kb: KnowledgeBase) -> SearchIndex:
    from srfacts.search import build_index

    return build_index(kb)


def search_index(kb: KnowledgeBase) -> SearchIndex:
    """The search index of ``kb``: from the cache when it holds one for this content, else built."""
    from srfacts.search import SearchIndex

    if kb.cache_key:
        stored = cache.read_part(kb.cache_key, "index")
        if stored is not None:
            try:
                index = SearchIndex.from_data(stored)
            except ValueError:
                index = None
            if index is not None and index.matches(kb):
                return index
    index = _build_index(kb)
    if kb.cache_key and cache.writable():
        cache.write_part(kb.cache_key, "index", index.to_data())
    return index
