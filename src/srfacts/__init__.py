"""srfacts: source-verified facts about the industry of Shangrao (上饶), Jiangxi.

Python API::

    >>> import srfacts
    >>> kb = srfacts.load()
    >>> kb.search("光伏")[0].record.id
    'photovoltaic-new-energy'
    >>> [m.id for m in kb.metrics(industry="photovoltaic-new-energy", year=2022)]
    ['two-plus-four-revenue-2022', 'two-plus-four-revenue-share-2022']
"""

from typing import TYPE_CHECKING

from srfacts.core.version import __version__

if TYPE_CHECKING:
    from os import PathLike

    from srfacts.core.records import KnowledgeBase

__all__ = ["__version__", "load"]


def load(path: "str | PathLike[str] | None" = None) -> "KnowledgeBase":
    """Load and validate a knowledge file: ``path``, else ``SRFACTS_DATA``, else the bundled file.

    Returns a ``KnowledgeBase``: ``get(id)``, ``search(query, types=..., industry=..., year=...,
    kind=..., limit=...)``, ``industries(tier=..., cluster=...)``, ``metrics(industry=..., year=...,
    status=...)``, ``claims(kind=..., industry=..., year=...)``, ``entities(kind=..., industry=...)``
    and ``sources()``; records are immutable named tuples with ``to_dict()`` for JSON.
    Raises ``srfacts.core.errors.KnowledgeFileError`` (every problem, located) for an invalid file.
    """
    from pathlib import Path

    from srfacts.store.loader import load as _load  # `import srfacts` stays light

    return _load(Path(path) if path is not None else None)
