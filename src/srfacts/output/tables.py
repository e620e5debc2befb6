"""Tables for people: Rich tables on a terminal (cut or wrapped to its width, optionally in colour),
plain aligned text when piped. Every cell is neutralised and never read as markup; Rich is
imported only when a table is drawn on a terminal.
"""

import io
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from srfacts.output.formats import Column
from srfacts.output.safe import cell, neutralise

if TYPE_CHECKING:
    from rich.console import Console


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters count two."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, group_by: str | None = None
) -> str:
    """An undecorated table for pipes: columns padded by display width, joined with ' | '."""
    cells = [[neutralise(cell(row.get(c.key))) for c in columns] for row in rows]
    widths = [display_width(c.header) for c in columns]
    for line in cells:
        widths = [max(w, display_width(v)) for w, v in zip(widths, line, strict=True)]

    def join(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)]
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    out = [neutralise(title)] if title else []
    out += [join([c.header for c in columns]), rule]
    for index, line in enumerate(cells):
        if group_by and index and rows[index].get(group_by) != rows[index - 1].get(group_by):
            out.append(rule)
        out.append(join(line))
    return "\n".join(out) + "\n"


MIN_COLUMN = 8  # cells a wrapped column needs so that nothing in it is lost (a wide character takes two)


def _narrowest(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> int:
    """The narrowest terminal on which Rich can wrap every cell without dropping a character.

    Narrower than that, Rich would squeeze columns to nothing and Chinese text would vanish, so
    the plain table is written instead: every value whole, the terminal wrapping long lines.
    """
    need = 3 * (len(columns) - 1)
    for column in columns:
        widest = display_width(column.header)
        for row in rows:
            if widest >= MIN_COLUMN:
                break
            widest = max(widest, display_width(neutralise(cell(row.get(column.key)))))
        need += min(widest, MIN_COLUMN)
    return need


def to_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
    group_by: str | None = None,
    highlight: dict[tuple[int, str], list[tuple[int, int]]] | None = None,
) -> str:
    """A table as text. Every cell has its controls neutralised and is never read as markup.

    ``width`` None means piped: plain aligned text, no value cut or wrapped, and no Rich import.
    On a terminal Rich draws the table and wraps cells to ``width``. ``highlight`` maps a
    column key to spans to emphasise in every row's cell of that column (search matches).
    """
    if (width is None and not color) or (width is not None and width < _narrowest(rows, columns)):
        return plain_table(rows, columns, title=title, group_by=group_by)
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(neutralise(title)) if title else None,
        box=box.SIMPLE_HEAD if color else box.ASCII2,
        header_style="bold" if color else "",
        title_style="bold" if color else "",
        show_edge=False,
        pad_edge=False,
    )
    for column in columns:
        table.add_column(Text(column.header), overflow="fold", no_wrap=width is None)
    previous: Any = object()
    for index, row in enumerate(rows):
        if group_by and index and row.get(group_by) != previous:
            table.add_section()
        previous = row.get(group_by) if group_by else None
        cells = []
        for column in columns:
            raw = cell(row.get(column.key))
            text = Text(neutralise(raw))
            spans = (highlight or {}).get((index, column.key), [])
            for start, end in spans:  # spans of the raw text, moved past the escapes written before them
                if len(text) != len(raw):
                    start, end = len(neutralise(raw[:start])), len(neutralise(raw[:end]))
                text.stylize("bold reverse" if color else "", start, end)
            cells.append(text)
        table.add_row(*cells)
    buffer = io.StringIO()
    text_console(buffer, color=color, width=width).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def text_console(buffer: io.StringIO, *, color: bool, width: int | None) -> "Console":
    """A Rich console writing into ``buffer``: never markup, emoji or highlighting; colour only if asked.

    ``width`` None means unlimited (piped output is never cut or wrapped).
    """
    from rich.console import Console

    return Console(
        file=buffer,
        width=width or 100_000,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
