"""Did-you-mean: names and words close to a query that found nothing, in writing or in sound."""

from collections.abc import Iterable

from srfacts.index import SearchIndex, index_for
from srfacts.model import KnowledgeBase
from srfacts.search import has_cjk, normalise, original, search

MAX_SUGGEST = 64  # longest query compared for suggestions
CLOSE = 0.6  # least difflib ratio of a suggestion


def suggestions(kb: KnowledgeBase, query: str, count: int = 3, *, index: SearchIndex | None = None) -> list[str]:
    """Names and aliases close to the query, in writing or in sound (光复 -> 光伏), and the words that match."""
    index = index or index_for(kb)
    wanted = normalise(query, index.fold)
    if not wanted.strip() or len(wanted) > MAX_SUGGEST:
        return []
    forms = {wanted, "".join(wanted.split())}
    if has_cjk(wanted):
        forms.add("".join(index.sounds.get(char, char) for char in wanted if not char.isspace()))
    close = _closest(forms, _suggestion_keys(kb, index))
    partial = _matching_words(kb, query, index)
    return _unique(([partial] if partial else []) + close)[:count]


def _unique(names: list[str]) -> list[str]:
    """Names in order, each once whatever its case (Geely, geely)."""
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.casefold(), name)
    return list(unique.values())


def _closest(forms: set[str], keys: Iterable[tuple[str, str]]) -> list[str]:
    """Names whose key is closest to any form of the query (difflib ratio of at least CLOSE), best first."""
    import difflib

    scored: dict[str, float] = {}
    for name, key in keys:
        for form in forms:
            matcher = difflib.SequenceMatcher(None, form, key)
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                scored[name] = max(scored.get(name, 0.0), matcher.ratio())
    return [name for name, ratio in sorted(scored.items(), key=lambda item: -item[1]) if ratio >= CLOSE]


def _suggestion_keys(kb: KnowledgeBase, index: SearchIndex) -> Iterable[tuple[str, str]]:
    """Each name and alias a user might mean, keyed by its normalised text and its pinyin."""
    for entry in index.entries:
        record = kb.by_id.get(entry.id)
        if record is None or record.TYPE in ("claim", "source"):
            continue
        spelled = {p.field: p.joined for p in entry.pinyin}
        for number, field in enumerate(entry.fields):
            if field.name in ("name", "aliases", "name_en", "aliases_en"):
                name = original(record, field)
                yield name, field.norm
                if number in spelled:
                    yield name, spelled[number]


def _matching_words(kb: KnowledgeBase, query: str, index: SearchIndex) -> str:
    """Of several words, the ones that find something on their own ("光伏 火星" -> "光伏")."""
    words = query.split()
    if len(words) < 2 or len(words) > 16:
        return ""
    found = [w for w in words if search(kb, w, index=index, limit=1)]
    return " ".join(found) if found and len(found) < len(words) else ""
