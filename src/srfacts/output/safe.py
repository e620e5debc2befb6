"""Terminal-safe text: values as flat cells, controls shown as visible escapes, and the escape
tables JSON and TSV use, so no escape sequence or invisible character in the data reaches a
terminal.
"""

import re
import unicodedata
from typing import Any

# Characters that a terminal may act on or that hide or reorder text: C0 and C1 controls,
# DEL, bidi embeddings, overrides and isolates, zero-width characters, line separators.
_FORMAT_CONTROLS = [0x061C, *range(0x200B, 0x2010), *range(0x2028, 0x202F), *range(0x2060, 0x206A), 0xFEFF]
_FORMAT_CONTROLS += range(0xFFF9, 0xFFFC)
# Translation tables (quicker to build and apply than a regular expression of these ranges).
_VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({c: f"\\u{c:04x}" for c in _FORMAT_CONTROLS})
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), *_FORMAT_CONTROLS]}
# Tag characters (U+E0000-E007F) are invisible and can smuggle text: written as surrogate-pair escapes.
_JSON_ESCAPES.update({c: f"\\udb40\\u{0xDC00 + (c & 0x3FF):04x}" for c in range(0xE0000, 0xE0080)})
_SURROGATES: dict[int, str] = {}  # lone surrogates (undecodable arguments), filled when first met
# Characters JSON strings escape, as json.dumps(ensure_ascii=False) writes them.
JSON_STRING = {c: f"\\u{c:04x}" for c in range(0x20)}
JSON_STRING.update({0x22: '\\"', 0x5C: "\\\\", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def neutralise(text: str) -> str:
    """Show control, bidi and zero-width characters as visible escapes (ESC -> \\x1b)."""

    text = text.translate(_VISIBLE)
    return "".join(_safe_char(c) for c in text) if _has_other_format_chars(text) else text


def _has_other_format_chars(text: str) -> bool:
    return not text.isascii() and any(unicodedata.category(c) in ("Cf", "Co", "Cs") for c in text)


def _safe_char(char: str) -> str:
    if unicodedata.category(char) not in ("Cf", "Co", "Cs"):
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def cell(value: Any) -> str:
    """A field value as flat text: lists joined with '; ', nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(value)


def json_escape(text: str) -> str:
    """JSON text with what a terminal could act on (C1 controls, bidi and zero-width characters,
    tags, lone surrogates) written as \\u escapes."""
    text = text.translate(_JSON_ESCAPES)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, written as escapes
            if not _SURROGATES:
                _SURROGATES.update({c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)})
            text = text.translate(_SURROGATES)
    return text


def tsv_escape(value: str) -> str:
    """Backslash-escape a TSV field so it stays on one line and in one column (reversible)."""
    text = "".join(_TSV_ESCAPES.get(c, c) for c in value).translate(_VISIBLE)
    return "".join(_safe_char(c) for c in text) if _has_other_format_chars(text) else text


def tsv_unescape(value: str) -> str:
    """Undo ``tsv_escape``."""
    names = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}

    def back(match: re.Match[str]) -> str:
        token = match.group(1)
        if token in names:
            return names[token]
        return chr(int(token[1:], 16))

    return re.sub(r"\\(\\|t|n|r|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", back, value)
