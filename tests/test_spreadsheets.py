"""Excel and WPS: ``--bom`` for CSV and TSV (listings and export), the spreadsheet-safe mode
(OWASP: a ``'`` before a cell starting with = + - @, a tab or CR), and the xlsx export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from srfacts.export.xlsx import MAX_WIDTH, MIN_WIDTH
from srfacts.output.formats import BOM, FORMULA_STARTS, spreadsheet_rows, spreadsheet_safe, spreadsheet_text
from tests.conftest import SAMPLE

BOM_BYTES = "\ufeff".encode()
HOSTILE = {  # the names and texts of the sample, replaced with what a spreadsheet would run
    "name: 有色金属": 'name: "=HYPERLINK(\\"http://x\\",\\"y\\")"',
    "name: 光伏新能源": 'name: "@SUM(1+1)"',
    "text: 上饶市以第一名的成绩获评全省工业高质量发展先进设区市": 'text: "+1-1"',
    "text: 晶科能源成为全球首家光伏组件出货量突破100GW的制造商": 'text: "-2+3\\tx"',
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in HOSTILE.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_spreadsheet_text_prefixes_what_a_spreadsheet_would_run() -> None:
    for start in FORMULA_STARTS:
        assert spreadsheet_text(f"{start}1") == f"'{start}1"
    assert spreadsheet_text("光伏 = solar") == "光伏 = solar"
    assert spreadsheet_safe(["=a", "b", 3, None, True]) == ["'=a", "b", 3, None, True]
    assert spreadsheet_safe({"scope": "-x", "position": -2}) == {"scope": "'-x", "position": -2}
    assert spreadsheet_rows([{"value": -1.5, "name": "@x"}]) == [{"value": -1.5, "name": "'@x"}]


@pytest.mark.parametrize("command", ["industries", "metrics", "claims", "entities", "sources", "glossary", "timeline"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_bom_starts_every_csv_and_tsv_listing(run, command: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    data = None if command == "glossary" else SAMPLE  # the sample has no glossary: the bundled file
    plain = run(command, "--format", fmt, data=data)
    marked = run(command, "--format", fmt, "--bom", data=data)
    assert marked.exit_code == 0, marked.stderr
    assert marked.stdout_bytes.startswith(BOM_BYTES)
    assert not plain.stdout_bytes.startswith(BOM_BYTES)
    assert marked.stdout == BOM + plain.stdout  # the sample holds nothing to prefix


@pytest.mark.parametrize("option", ["--bom", "--spreadsheet-safe"])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "table", "markdown"])
def test_bom_and_safe_cells_are_for_csv_and_tsv_only(run, option: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run("metrics", "--format", fmt, option)
    assert result.exit_code == 2
    assert "csv or tsv" in result.stderr


def test_csv_is_verbatim_by_default(run, hostile: Path) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(run("industries", "--format", "csv", data=hostile).stdout)))
    names = {row["id"]: row["name"] for row in rows}
    assert names["nonferrous-metals"] == '=HYPERLINK("http://x","y")'
    assert names["photovoltaic-new-energy"] == "@SUM(1+1)"


@pytest.mark.parametrize("option", ["--bom", "--spreadsheet-safe"])
def test_spreadsheet_safe_listings_prefix_formulas(run, hostile: Path, option: str) -> None:  # type: ignore[no-untyped-def]
    out = run("industries", "--format", "csv", option, data=hostile).stdout.removeprefix(BOM)
    names = {row["id"]: row["name"] for row in csv.DictReader(io.StringIO(out))}
    assert names["nonferrous-metals"] == '\'=HYPERLINK("http://x","y")'
    assert names["photovoltaic-new-energy"] == "'@SUM(1+1)"
    texts = {
        r["id"]: r["text"]
        for r in csv.DictReader(io.StringIO(run("claims", "-f", "csv", option, data=hostile).stdout.removeprefix(BOM)))
    }
    assert texts["advanced-city-2022"] == "'+1-1"
    assert texts["jinko-100gw-first"] == "'-2+3\tx"
    tsv = run("claims", "--format", "tsv", option, data=hostile).stdout
    assert "\t'+1-1\t" in tsv and "\t'-2+3\\tx\t" in tsv
    for line in out.splitlines()[1:]:  # no cell of the safe output starts a formula
        for value in next(csv.reader([line])):
            assert not value.startswith(FORMULA_STARTS)


def test_numbers_are_never_prefixed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = run("metrics", "--format", "csv", "--bom").stdout.removeprefix(BOM)
    for row in csv.DictReader(io.StringIO(out)):
        assert not row["value"].startswith("'")
        float(row["value"])


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_export_bom_and_safe_cells(run, hostile: Path, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    verbatim, marked = tmp_path / "verbatim", tmp_path / "marked"
    assert run("export", "--format", fmt, str(verbatim), data=hostile).exit_code == 0
    result = run("export", "--format", fmt, "--bom", str(marked), data=hostile)
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in marked.iterdir())
    assert files == sorted(p.name for p in verbatim.iterdir()) and f"metrics.{fmt}" in files
    for name in files:
        assert (marked / name).read_bytes().startswith(BOM_BYTES)
        assert not (verbatim / name).read_bytes().startswith(BOM_BYTES)
    delimiter = "," if fmt == "csv" else "\t"
    raw = (verbatim / f"industries.{fmt}").read_text(encoding="utf-8")
    safe = (marked / f"industries.{fmt}").read_text(encoding="utf-8-sig")
    assert "@SUM(1+1)" in raw and "'@SUM(1+1)" not in raw
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(safe), delimiter=delimiter)}
    assert rows["photovoltaic-new-energy"]["name"] == "'@SUM(1+1)"
    metrics = list(
        csv.DictReader(io.StringIO((marked / f"metrics.{fmt}").read_text(encoding="utf-8-sig")), delimiter=delimiter)
    )
    assert metrics and all(not m["value"].startswith("'") for m in metrics)


def test_export_spreadsheet_safe_without_bom(run, hostile: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "safe"
    assert run("export", "--format", "csv", "--spreadsheet-safe", str(target), data=hostile).exit_code == 0
    text = (target / "industries.csv").read_bytes()
    assert not text.startswith(BOM_BYTES) and b"'@SUM(1+1)" in text


@pytest.mark.parametrize("fmt", ["sqlite", "json", "xlsx"])
def test_export_bom_is_for_csv_and_tsv(run, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"facts.{fmt}"
    result = run("export", "--format", fmt, "--bom", str(target))
    assert result.exit_code == 2 and "csv or tsv" in result.stderr
    assert not target.exists()


def _workbook(run, tmp_path: Path, data: Path = SAMPLE):  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "facts.xlsx"
    result = run("export", "--format", "xlsx", str(target), data=data)
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(target)


def test_xlsx_has_a_sheet_per_record_type_with_a_frozen_header(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from srfacts.store.loader import load

    kb = load(SAMPLE)
    book = _workbook(run, tmp_path)
    assert book.sheetnames == ["sources", "industries", "metrics", "claims", "entities"]
    for sheet, record_type in zip(book.worksheets, ("source", "industry", "metric", "claim", "entity"), strict=True):
        assert sheet.freeze_panes == "A2"
        assert sheet.cell(1, 1).value == "id"
        ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert ids == [r.id for r in kb.records(record_type)]
        for letter, dimension in sheet.column_dimensions.items():
            if dimension.width:
                assert MIN_WIDTH <= dimension.width <= MAX_WIDTH + 1, letter
    assert "rank_position" in [c.value for c in book["metrics"][1]]


def test_xlsx_numbers_are_numbers_and_text_is_text(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = _workbook(run, tmp_path)["metrics"]
    header = [c.value for c in sheet[1]]
    value, period, unit = header.index("value"), header.index("period"), header.index("unit")
    rows = list(sheet.iter_rows(min_row=2))
    assert rows
    for row in rows:
        assert row[value].data_type == "n" and isinstance(row[value].value, int | float)
        assert row[unit].data_type == "s"
        if row[period].value is not None:
            assert row[period].data_type == "s" and isinstance(row[period].value, str)  # "2022" stays text


def test_xlsx_never_holds_a_formula(run, hostile: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = _workbook(run, tmp_path, hostile)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")) or cell.row == 1
                    texts.append(cell.value)
    assert "'@SUM(1+1)" in texts and '\'=HYPERLINK("http://x","y")' in texts and "'+1-1" in texts
    # and in the file itself: no <f> element anywhere
    import zipfile

    with zipfile.ZipFile(tmp_path / "facts.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
