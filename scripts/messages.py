"""The message catalogues, with Babel: extract the msgids, update the Chinese catalogue, compile, check.

    python scripts/messages.py update    # src/srfacts/locale/srfacts.pot, and new msgids into zh's .po
    python scripts/messages.py compile   # the .mo files beside the .po (the build does this too)
    python scripts/messages.py check     # every msgid translated, none stale or fuzzy (a test runs this)

The msgids come from the code: ``_()``, ``N_()`` and ``tr()`` calls (sentences), ``heading()``
calls (column headers, context "column"), the fields of the record spec (headers), the choices of
the spec (labels, one context a field) and the help of every command and option, read off the
Click commands Typer builds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "srfacts"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "srfacts.pot"
CATALOGUES = {"zh": LOCALE / "zh" / "LC_MESSAGES" / "srfacts.po"}
SENTENCES: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "tr": (1,)}
HEADINGS: dict[str, tuple[int, ...] | None] = {"heading": (1,), "H_": None}


Found = Iterator[tuple[str, str | None, str]]  # msgid, context, where


def _from_code(keywords: dict[str, tuple[int, ...] | None], context: str | None) -> Found:
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords, comment_tags=(), strip_comment_tags=True
    ):
        if isinstance(message, str) and message:
            yield message, context, f"src/srfacts/{filename}"


def _from_spec() -> Iterator[tuple[str, str | None, str]]:
    from srfacts.core import records
    from srfacts.core.i18n import COLUMN, choice_context
    from srfacts.core.spec import COMPUTED_COLUMNS, FIELDS

    where = "src/srfacts/core/spec.py"
    from srfacts.output.formats import NESTED_FIELDS

    for name in [*FIELDS, *COMPUTED_COLUMNS]:
        yield name, COLUMN, where
    for name, keys in NESTED_FIELDS.items():  # flattened in show and CSV: rank_scope ...
        for key in keys:
            yield f"{name}_{key}", COLUMN, "src/srfacts/output/formats.py"
    for field, values in (
        ("tier", records.TIERS),
        ("status", records.STATUSES),
        ("qualifier", records.QUALIFIERS),
        ("kind", (*records.CLAIM_KINDS, *records.ENTITY_KINDS)),
        ("type", records.RECORD_TYPES),
    ):
        for value in values:
            yield value, choice_context(field), "src/srfacts/core/records.py"


def _from_help() -> Iterator[tuple[str, str | None, str]]:
    import typer

    from srfacts.cli.root import app

    app.register()
    where = "src/srfacts/cli"

    def walk(command: object) -> Iterator[tuple[str, str | None, str]]:
        for text in (
            getattr(command, "help", None),
            getattr(command, "short_help", None),
            getattr(command, "epilog", None),
        ):
            if text:
                yield text, None, where
        for param in getattr(command, "params", []):
            if getattr(param, "help", None):
                yield param.help, None, where
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    yield from walk(typer.main.get_command(app))


def extracted() -> Catalog:
    """Every msgid of the code, the spec and the help, as a template catalogue."""
    template = Catalog(project="srfacts", msgid_bugs_address="", fuzzy=False)
    for found in (_from_code(SENTENCES, None), _from_code(HEADINGS, "column"), _from_spec(), _from_help()):
        for message, context, where in found:
            known = template.get(message, context)
            if known is None:
                template.add(message, context=context, locations=[(where, 0)])
    return template


def update() -> None:
    """Write the template, and merge it into each catalogue (new msgids empty, stale ones dropped)."""
    template = extracted()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as out:
        write_po(out, template, omit_header=False, sort_output=True, no_location=True, width=120)
    for lang, path in CATALOGUES.items():
        if path.exists():
            with path.open("rb") as source:
                catalogue = read_po(source, locale=lang)
        else:
            catalogue = Catalog(locale=lang, project="srfacts", fuzzy=False)
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalogue, sort_output=True, no_location=True, width=120)


def problems() -> list[str]:
    """What is wrong with the catalogues: a msgid missing, stale, untranslated or fuzzy."""
    wanted = {(m.id, m.context) for m in extracted() if m.id}
    found: list[str] = []
    for lang, path in CATALOGUES.items():
        with path.open("rb") as source:
            catalogue = read_po(source, locale=lang)
        held = {(m.id, m.context) for m in catalogue if m.id}
        found += [f"{lang}: missing {key!r}" for key in sorted(wanted - held, key=str)]
        found += [f"{lang}: stale {key!r}" for key in sorted(held - wanted, key=str)]
        for message in catalogue:
            if message.id and (not message.string or message.fuzzy):
                found.append(f"{lang}: {'fuzzy' if message.fuzzy else 'untranslated'} {message.id!r}")
            elif message.id and message.python_format and not message.check():
                found.append(f"{lang}: placeholders differ in {message.id!r}")
    return found


def compile_all() -> None:
    """Compile each catalogue beside its .po (as the build hook does into the wheel)."""
    sys.path.insert(0, str(ROOT))
    from hatch_build import compile_catalogues

    compile_catalogues(ROOT, LOCALE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("update", "compile", "check"))
    action = parser.parse_args().action
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    else:
        found = problems()
        print("\n".join(found) or "catalogues complete")
        raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
