"""srfacts: source-verified facts about the industry of Shangrao (上饶), Jiangxi.

Python API::

    >>> import srfacts
    >>> kb = srfacts.load()
    >>> kb.search("光伏")[0].record.id
    'photovoltaic-new-energy'
    >>> [m.id for m in kb.metrics(industry="photovoltaic-new-energy", year=2022)]
    ['two-plus-four-revenue-2022', 'two-plus-four-revenue-share-2022']
"""

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from os import PathLike

    from srfacts.model import KnowledgeBase

__all__ = ["__version__", "load"]


def load(path: "str | PathLike[str] | None" = None) -> "KnowledgeBase":
    """Load and validate a knowledge file: ``path``, else ``SRFACTS_DATA``, else the bundled file.

    Returns a ``KnowledgeBase``: ``get(id)``, ``search(query, types=..., industry=..., year=...,
    kind=..., limit=...)``, ``industries(tier=..., cluster=...)``, ``metrics(industry=..., year=...,
    status=...)``, ``claims(kind=..., industry=..., year=...)``, ``entities(kind=..., industry=...)``
    and ``sources()``; records are immutable named tuples with ``to_dict()`` for JSON.
    Raises ``srfacts.errors.KnowledgeFileError`` (every problem, located) for an invalid file.
    """
    from pathlib import Path

    from srfacts.knowledge import load as _load

    return _load(Path(path) if path is not None else None)


_load_function = load


class _CallableModule(ModuleType):
    """The submodule ``srfacts.load`` that, once imported, also answers ``srfacts.load(...)``."""

    def __call__(self, path: "str | PathLike[str] | None" = None) -> "KnowledgeBase":
        return _load_function(path)


class _Package(ModuleType):
    """Keeps ``srfacts.load()`` callable after the submodule ``srfacts.load`` is imported.

    Importing a submodule sets it as an attribute of its package, which would hide the
    function of the same name; the submodule is made callable as that function instead, so
    both ``srfacts.load()`` and ``import srfacts.load`` keep working.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "load" and isinstance(value, ModuleType) and not isinstance(value, _CallableModule):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
