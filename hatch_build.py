"""Build hook: compile the gettext catalogues (``src/srfacts/locale/*/LC_MESSAGES/*.po``) into the
``.mo`` files the package reads, with Babel, whenever a wheel is built (editable ones included).

A wheel gets the compiled files as package data; an editable install writes them beside their
``.po`` (ignored by git), where the package finds them when it runs from the checkout.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = Path("src") / "srfacts"


def compile_catalogues(root: Path, into: Path) -> list[Path]:
    """Compile every ``.po`` under ``root/src/srfacts/locale`` into ``into`` (same relative paths)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    locale = root / PACKAGE / "locale"
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalogue = read_po(source)
        target = into / po.relative_to(locale).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            write_mo(out, catalogue, use_fuzzy=False)
        written.append(target)
    return written


class CatalogueHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the message catalogues into the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        if version == "editable":
            compile_catalogues(root, root / PACKAGE / "locale")
            return
        self._built = tempfile.TemporaryDirectory(prefix="srfacts-mo-")
        built = Path(self._built.name)
        for mo in compile_catalogues(root, built):
            build_data["force_include"][str(mo)] = f"srfacts/locale/{mo.relative_to(built).as_posix()}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        built = getattr(self, "_built", None)
        if built is not None:
            built.cleanup()
