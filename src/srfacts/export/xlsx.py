"""The Excel export (``.xlsx``, which WPS opens too): one sheet per record type, written with
XlsxWriter.

Each sheet has a header row of field names (frozen, with a filter), one row a record, and column
widths from their contents. Numbers are stored as numbers (``value``, ``base_value``,
``rank_position``), booleans as booleans, and everything else as text: every text goes through
``write_string``, and the workbook turns off XlsxWriter's reading of strings as formulas, numbers
or links, so no cell is ever a formula. A text a spreadsheet would run if typed (it starts with
= + - @, a tab or CR) is written spreadsheet-safe, with a ``'`` before it, as in CSV with ``--bom``.
Lists are joined with ``; `` and mappings flattened into columns (``rank_scope``, ``rank_position``)
as in the listings' CSV.
"""

import decimal
import unicodedata
from pathlib import Path
from typing import Any

from srfacts.core.records import KnowledgeBase, plain
from srfacts.core.spec import RECORD_SPECS
from srfacts.export.target import atomic
from srfacts.output.formats import NESTED_FIELDS, flatten, spreadsheet_text
from srfacts.output.safe import cell

MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in characters (a Chinese character counts two)
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": False,
}


def columns(record_type: str) -> list[str]:
    """The columns of a record type's sheet: its fields, a nested one as a column per key."""
    out: list[str] = []
    for name in RECORD_SPECS[record_type].names:
        out += [f"{name}_{key}" for key in NESTED_FIELDS[name]] if name in NESTED_FIELDS else [name]
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def write_xlsx(kb: KnowledgeBase, path: Path) -> None:
    """Write one sheet per record type (``sources``, ``industries``, ``metrics`` ...) to ``path``."""
    import xlsxwriter  # type: ignore[import-untyped]  # only the xlsx export needs it

    with atomic(path) as temporary:
        workbook = xlsxwriter.Workbook(temporary, WORKBOOK_OPTIONS)
        try:
            header = workbook.add_format({"bold": True, "bottom": 1})
            for record_type, spec in RECORD_SPECS.items():
                sheet = workbook.add_worksheet(spec.section)
                names = columns(record_type)
                widths = [_width(name) for name in names]
                for col, name in enumerate(names):
                    sheet.write_string(0, col, name, header)
                records = kb.records(record_type)
                for row, record in enumerate(records, 1):
                    data = flatten(plain(record.to_dict()))
                    for col, name in enumerate(names):
                        widths[col] = max(widths[col], _write(sheet, row, col, data.get(name)))
                for col, size in enumerate(widths):
                    sheet.set_column(col, col, min(MAX_WIDTH, max(MIN_WIDTH, size + 2)))
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, max(1, len(records)), len(names) - 1)
        finally:
            workbook.close()


def _write(sheet: Any, row: int, col: int, value: Any) -> int:
    """Write one cell as a number, a boolean or text (never a formula); its width in characters."""
    if value is None or value in ([], {}, ""):
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if _number(value):
        sheet.write_number(row, col, float(value))
        return len(str(value))
    text = spreadsheet_text(cell(value))
    sheet.write_string(row, col, text)
    return max(_width(line) for line in text.split("\n"))
