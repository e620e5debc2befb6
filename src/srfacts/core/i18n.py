"""The interface's language: which one a run uses, and its gettext catalogue.

Messages, help, table headers and the labels of choices are written in English in the code
(the msgids); ``srfacts/locale/zh/LC_MESSAGES/srfacts.mo`` holds their Chinese. It is compiled
from ``src/srfacts/locale/zh/LC_MESSAGES/srfacts.po`` with Babel when the package is built
(``hatch_build.py``); ``scripts/messages.py`` extracts the msgids. The data itself is never
translated here: records carry their own Chinese and English fields, and JSON field names and
choice values stay the stable English contract.

The language of a run: ``--lang``, else SRFACTS_LANG, else the locale of messages as POSIX
reads it (the first set of LC_ALL, LC_MESSAGES, LANG: ``zh*`` is zh, ``en*`` is en, whether or
not that locale is installed), else zh.
"""

import functools
import gettext
import os
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
DOMAIN = "srfacts"

# Contexts (msgctxt) of the catalogue's entries that are no sentence: a table's column, a choice's label.
COLUMN = "column"
CHOICE_CONTEXTS = {"tier": "tier", "status": "status", "qualifier": "qualifier", "type": "record type"}

_CURRENT = [DEFAULT]


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: SRFACTS_LANG, then the POSIX locale of messages, else zh."""
    env = os.environ if environ is None else environ
    asked = env.get("SRFACTS_LANG", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:  # the first one set decides, as POSIX says (C.UTF-8 is neither: the default)
            return next((lang for lang in LANGUAGES if value.lower().startswith(lang)), DEFAULT)
    return DEFAULT


def set_language(lang: str) -> None:
    """Use ``lang`` (zh or en) for this run's messages and help."""
    _CURRENT[0] = lang if lang in LANGUAGES else DEFAULT


def current() -> str:
    """This run's language."""
    return _CURRENT[0]


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The translations into ``lang``; English (the msgids) when there is no compiled catalogue."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[lang], fallback=True)


def locale_dir() -> Path:
    """Where the compiled catalogues are: ``srfacts/locale`` in the package."""
    return Path(__file__).resolve().parent.parent / "locale"


def _(message: str) -> str:
    """``message`` in this run's language."""
    return catalogue(_CURRENT[0]).gettext(message) if _CURRENT[0] != "en" else message


def tr(message: str, lang: str) -> str:
    """``message`` in ``lang``."""
    return catalogue(lang).gettext(message) if lang != "en" else message


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def H_(name: str) -> str:
    """Mark a column header for the catalogue; ``heading`` translates it where it is shown."""
    return name


def heading(name: str, lang: str) -> str:
    """A column's header in ``lang``: in Chinese from the catalogue (context "column"), in English ``name``."""
    return catalogue(lang).pgettext(COLUMN, name) if lang != "en" else name


def label(field: str, value: str, lang: str) -> str:
    """How a table shows a choice's value (tier ``leading`` is 主导 in Chinese); the value itself in English."""
    if lang == "en" or not value:
        return value
    return catalogue(lang).pgettext(choice_context(field), value)


def choice_context(field: str) -> str:
    """The catalogue context of a choice field's labels (claims and entities share ``kind``)."""
    return CHOICE_CONTEXTS.get(field, field)


def value_of(field: str, word: str, choices: tuple[str, ...]) -> str | None:
    """The choice a label names, in either language (``主导`` or ``leading`` is ``leading``), or a
    column's header (``层级`` is ``tier``); None if none."""
    if word in choices:
        return word
    folded = word.strip().casefold()
    zh = catalogue("zh")
    for value in choices:  # by its label, or by its column header (--sort 层级 is --sort tier)
        if folded in (value.casefold(), zh.pgettext(choice_context(field), value), zh.pgettext(COLUMN, value)):
            return value
    return None
