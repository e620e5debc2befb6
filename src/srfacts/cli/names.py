"""Records as people name them for ``show``: an id, a unique name or alias (Chinese, English or
pinyin), or ``-`` for ids read from stdin. Imported only by ``show``."""

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from srfacts.cli.boundary import NotFoundError, UsageError
from srfacts.core.errors import clip
from srfacts.core.i18n import _
from srfacts.core.records import KnowledgeBase, Record
from srfacts.store.loader import find

NAMING = ("name", "name_en", "aliases", "aliases_en", "title", "title_en")
CANDIDATES_SHOWN = 8  # candidates an ambiguous name lists
CLEAR = 1.15  # a name found by search is ambiguous when another scores within this factor (as ask)


def _key(text: str) -> str:
    """A name compared as people type it: case, spaces and hyphens aside."""
    return "".join(text.casefold().split()).replace("-", "")


def _names(record: Record) -> list[str]:
    row = record.to_dict()
    names: list[str] = []
    for field in NAMING:
        value = row.get(field)
        names += [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []
    return names


def wanted_words(words: Sequence[str]) -> list[str]:
    """The words asked for, ``-`` replaced by the ids read from stdin (one a line or space apart)."""
    out: list[str] = []
    for word in words:
        if word == "-":
            out += sys.stdin.read().split()
        else:
            out.append(word)
    if not out:
        raise UsageError(_("no id given (stdin was empty)"))
    return out


def _ambiguous(word: str, found: Iterable[Record], lang: str) -> UsageError:
    found = list(found)
    lines = [f"  {r.id}  {r.label_en if lang == 'en' else r.label}" for r in found[:CANDIDATES_SHOWN]]
    more = (
        "\n  " + _("... and {count} more").format(count=len(found) - CANDIDATES_SHOWN)
        if len(found) > CANDIDATES_SHOWN
        else ""
    )
    listed = "\n".join(lines) + more
    names = _("'{word}' names {count} records; give one of their ids:").format(word=clip(word), count=len(found))
    return UsageError(f"{names}\n{listed}")


def resolve(kb: KnowledgeBase, word: str, data: Any, lang: str = "zh") -> Record:
    """The record ``word`` names: its id, else the one record with that name or alias, else the one
    a search finds by that whole name (pinyin); several is a usage error listing them, none a miss
    that suggests ``srfacts search``."""
    record = kb.get(word)
    if record is not None:
        return record
    key = _key(word)
    named = [r for r in kb.all_records() if any(_key(n) == key for n in _names(r))]
    if not named:
        hits = find(data, word, limit=10).hits
        best = 0.0
        for hit in hits:  # a whole name or alias matched, scoring near the best such hit
            whole = {_key(m.text) for m in hit.matches if m.field in NAMING}
            if any(_key(n) in whole for n in _names(hit.record)) and hit.score * CLEAR >= best:
                best = max(best, hit.score)
                named.append(hit.record)
    if len(named) == 1:
        return named[0]
    if named:
        raise _ambiguous(word, named, lang)
    import difflib

    close = difflib.get_close_matches(word, list(kb.by_id), n=3, cutoff=0.5)
    raise NotFoundError(
        _("no record has the id or name '{word}'; try: srfacts search {word}").format(word=clip(word)), close
    )
