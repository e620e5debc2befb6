"""Did-you-mean: names close to a query that found nothing, in writing or in sound.

Read from the index's names (each with its pinyin, computed when the index was built), so a miss
never rebuilds anything.
"""

import difflib
from typing import TYPE_CHECKING

from srfacts.search.text import has_cjk, normalise

if TYPE_CHECKING:
    from srfacts.search.entries import Index

MAX_SUGGEST = 64  # longest query compared for suggestions
CLOSE = 0.7  # least difflib ratio of a suggestion


def suggestions(index: "Index", query: str, count: int = 3) -> list[str]:
    """Names and aliases close to the query, in writing or in sound (光复 -> 光伏)."""
    wanted = "".join(normalise(query, index.fold).split())
    if not wanted or len(wanted) > MAX_SUGGEST:
        return []
    forms = {wanted}
    if has_cjk(wanted):
        forms.add("".join(index.char_pinyin(c) or c for c in wanted))
    scored: dict[str, float] = {}
    for name, key, spelled in index.suggestion_keys():
        for form, target in ((f, k) for f in forms for k in (key, spelled) if k):
            if abs(len(form) - len(target)) > max(len(form), len(target)) // 2:
                continue
            matcher = difflib.SequenceMatcher(None, form, target)
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                ratio = matcher.ratio()
                if ratio >= CLOSE and ratio > scored.get(name, 0.0):
                    scored[name] = ratio
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    return [name for name, _ in best[:count]]
