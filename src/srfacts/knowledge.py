"""Get the knowledge base for a knowledge file: resolve the path, read it, check it, build it."""

from __future__ import annotations

from pathlib import Path

from srfacts.load import read_document, resolve_data_path
from srfacts.model import KnowledgeBase
from srfacts.validate import build


def load(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge file (``None``: ``SRFACTS_DATA`` or the bundled file)."""
    resolved = resolve_data_path(str(path) if path is not None else None)
    return build(read_document(resolved), str(resolved))
