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
from srfacts.output.wrap import break_offsets

if TYPE_CHECKING:
    from rich.console import Console


# How wide the terminal draws East Asian "ambiguous" characters (“ ” ‘ ’ … · ① ...): one column in
# most terminals, two in those set up for CJK (``--ambiguous-width 2``, SRFACTS_AMBIGUOUS_WIDTH=2).
AMBIGUOUS = {"width": 1}


def set_ambiguous_width(width: int) -> None:
    """Measure ambiguous characters as ``width`` (1 or 2) columns, here and in Rich's tables."""
    AMBIGUOUS["width"] = 2 if width == 2 else 1


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters count two, ambiguous ones
    as the terminal draws them (``AMBIGUOUS``)."""
    if text.isascii():
        return len(text)
    ambiguous = AMBIGUOUS["width"]
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        kind = unicodedata.east_asian_width(char)
        width += 2 if kind in ("W", "F") else ambiguous if kind == "A" else 1
    return width


def _rich_measures_ambiguous_as_wide() -> None:
    """Have Rich measure ambiguous characters two columns wide, as the terminal draws them.

    Rich has no setting for it: its cell measure looks each character up through
    ``rich.cells.get_character_cell_size``, which is wrapped here once (tests draw tables with
    it and check every line against this module's ``display_width``)."""
    import rich.cells as cells

    if getattr(cells.get_character_cell_size, "ambiguous_wide", False):
        return
    measured = cells.get_character_cell_size

    def wide_when_ambiguous(character: str, *args: Any) -> int:
        size = int(measured(character, *args))
        return 2 if size == 1 and unicodedata.east_asian_width(character) == "A" else size

    wide_when_ambiguous.ambiguous_wide = True  # type: ignore[attr-defined]
    cells.get_character_cell_size = wide_when_ambiguous  # type: ignore[assignment]
    for cached in ("cached_cell_len", "get_character_cell_size"):
        clear = getattr(getattr(cells, cached, None), "cache_clear", None)
        if clear is not None:
            clear()


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, group_by: str | None = None
) -> str:
    """An undecorated table for pipes: a header, then one line a record, columns padded by display
    width and joined with ' | '; no rule lines, no group separators (``group_by`` is ignored)."""
    cells = [[neutralise(cell(row.get(c.key))).replace("\n", " ") for c in columns] for row in rows]
    widths = [display_width(c.header) for c in columns]
    for line in cells:
        widths = [max(w, display_width(v)) for w, v in zip(widths, line, strict=True)]

    def join(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)]
        return " | ".join(padded).rstrip()

    out = [neutralise(title)] if title else []
    out.append(join([c.header for c in columns]))
    out += [join(line) for line in cells]
    return "\n".join(out) + "\n"


# Columns of prose: cut with … to the width (wrapped under --wide). Every other column (ids,
# numbers, figures, periods, labels of a choice) is shown whole, never cut or wrapped.
PROSE = frozenset(
    {
        "name", "name_en", "text", "text_en", "title", "title_en", "aliases", "aliases_en", "scope", "scope_en",
        "label", "label_en", "matched", "authors", "authors_en", "file", "note", "forms", "zh", "en", "value",
        "description", "sentence",
    }
)  # fmt: skip
MIN_PROSE = 12  # columns a cut prose column needs to say something (six Chinese characters)
LEAST_PROSE = 5  # the least a prose column is cut to before the table gives up (two characters and …)
GAP = 3  # columns between two columns: padding, rule, padding


def _filled(value: Any) -> bool:
    return value not in (None, "", [], ())


def _natural(rows: Sequence[dict[str, Any]], column: Column, measure: Any) -> int:
    """The width of a column's widest cell or header."""
    widest = measure(column.header)
    for row in rows:
        widest = max(widest, measure(neutralise(cell(row.get(column.key)))))
    return int(widest)


def _share(naturals: Sequence[int], room: int) -> list[int]:
    """Widths for the prose columns within ``room``: a column narrower than its fair share keeps its
    width, the others split what is left evenly (water filling)."""
    order = sorted(range(len(naturals)), key=lambda i: naturals[i])
    widths = [0] * len(naturals)
    left, count = room, len(naturals)
    for i in order:
        fair = left // count
        widths[i] = min(naturals[i], fair)
        left -= widths[i]
        count -= 1
    return widths


def layout(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    width: int,
    *,
    measure: Any = display_width,
    prose: frozenset[str] = PROSE,
    optional: Sequence[str] = (),
) -> list[tuple[Column, int]] | None:
    """The columns a terminal ``width`` shows, each with its width; None when not even the first
    column and the ids fit.

    Whole columns keep their width and prose columns share the rest. While prose would get less
    than ``MIN_PROSE``, columns go, least needed first: prose columns after the first, the
    ``optional`` ones, then whole columns from the right (never the first one or the id). With
    nothing left to drop prose is cut down to ``LEAST_PROSE``, or left out (it is in ``show``).
    """
    shown = list(columns)
    naturals = {c.key: _natural(rows, c, measure) for c in shown}
    keep = {columns[0].key, "id"}
    droppable = [c.key for c in reversed(shown) if c.key in prose][:-1] + list(optional)
    droppable += [c.key for c in reversed(shown) if c.key not in prose and c.key not in keep]

    def fitted(least: int) -> list[tuple[Column, int]] | None:
        texts = [c for c in shown if c.key in prose]
        room = width - GAP * (len(shown) - 1) - sum(naturals[c.key] for c in shown if c.key not in prose)
        wanted = [naturals[c.key] for c in texts]
        if room >= sum(wanted):
            return [(c, naturals[c.key]) for c in shown]
        if texts and room >= least * len(texts):
            widths = dict(zip((c.key for c in texts), _share(wanted, room), strict=True))
            return [(c, widths.get(c.key, naturals[c.key])) for c in shown]
        return None

    every = list(shown)
    while (placed := fitted(MIN_PROSE)) is None:
        left = [key for key in droppable if key in {c.key for c in shown}]
        if not left:
            break
        shown = [c for c in shown if c.key != left[0]]
    if placed is None:
        shown = every  # nothing left to drop: cut the prose harder, or leave it out
        placed = fitted(LEAST_PROSE)
    if placed is None:
        shown = [c for c in every if c.key not in prose or c.key == every[0].key]
        placed = fitted(LEAST_PROSE) if any(c.key not in prose for c in shown) else None
    return placed


def to_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
    group_by: str | None = None,
    highlight: dict[tuple[int, str], list[tuple[int, int]]] | None = None,
    wide: bool = False,
    optional: Sequence[str] = (),
) -> str:
    """A table as text. Every cell has its controls neutralised and is never read as markup.

    ``width`` None means piped: plain aligned text, one line a record, no value cut or wrapped,
    and no Rich import. On a terminal Rich draws the table as gh does: empty columns dropped, ids,
    numbers and figures whole, prose cut with … to ``width`` (wrapped with ``wide``), see
    ``layout``. ``highlight`` maps (row, column key) to spans to emphasise (search matches).
    """
    if width is None and not color:
        return plain_table(rows, columns, title=title, group_by=group_by)
    from rich import box
    from rich.cells import cell_len as cell_width
    from rich.table import Table
    from rich.text import Text

    if AMBIGUOUS["width"] == 2:
        _rich_measures_ambiguous_as_wide()
    filled = [c for c in columns if any(_filled(row.get(c.key)) for row in rows)] or list(columns[:1])
    if width is None:
        placed: list[tuple[Column, int]] | None = [(c, _natural(rows, c, cell_width)) for c in filled]
    else:
        placed = layout(rows, filled, width, measure=cell_width, optional=optional)
    if placed is None:  # too narrow for the whole columns: every value whole, the terminal wraps
        return plain_table(rows, filled, title=title)
    table = Table(
        title=Text(neutralise(title)) if title else None,
        box=box.SIMPLE_HEAD if color else box.ASCII2,
        header_style="bold" if color else "",
        title_style="bold" if color else "",
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    for column, size in placed:
        whole = column.key not in PROSE
        table.add_column(
            Text(column.header),
            width=size,
            no_wrap=whole or not wide,
            overflow="fold" if wide and not whole else "ellipsis",
        )
    previous: Any = object()
    for index, row in enumerate(rows):
        if group_by and index and row.get(group_by) != previous:
            table.add_section()
        previous = row.get(group_by) if group_by else None
        cells = []
        for column, size in placed:
            raw = cell(row.get(column.key))
            text = Text(neutralise(raw))
            spans = (highlight or {}).get((index, column.key), [])
            for start, end in spans:  # spans of the raw text, moved past the escapes written before them
                if len(text) != len(raw):
                    start, end = len(neutralise(raw[:start])), len(neutralise(raw[:end]))
                text.stylize("bold reverse" if color else "", start, end)
            if wide and column.key in PROSE and size:  # wrapped by the rules of Chinese typography
                text = Text("\n").join(text.divide(break_offsets(text.plain, size, cell_width)))
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

    if AMBIGUOUS["width"] == 2:
        _rich_measures_ambiguous_as_wide()
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
