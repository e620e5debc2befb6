"""srfacts: source-verified facts about the industry of Shangrao (上饶), Jiangxi."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from srfacts.model import KnowledgeBase

__all__ = ["__version__", "load"]


def load(path: Any = None) -> KnowledgeBase:
    """Load a knowledge file (default: ``SRFACTS_DATA`` or the bundled file) and validate it."""
    from srfacts.knowledge import load as _load

    return _load(path)
