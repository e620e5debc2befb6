"""The interface in Chinese and English: which language a run uses, the catalogue, headers, labels,
filters, messages and help in each, and Chinese typography (line breaks, ambiguous widths)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from srfacts.cli.app import app
from srfacts.core import i18n
from srfacts.core.records import CLAIM_KINDS, ENTITY_KINDS, QUALIFIERS, RECORD_TYPES, STATUSES, TIERS
from srfacts.output.wrap import NO_LINE_END, NO_LINE_START, break_offsets
from tests.test_terminal import on_terminal

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def run(*args: str, **env: str) -> Any:
    return runner.invoke(app, list(args), env=env or None)


# ---------------------------------------------------------------------------------------------
# Which language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "fr_FR.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),  # LC_MESSAGES before LANG
        ({"LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),  # LC_ALL before both
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8"}, "en"),  # empty is unset
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "zh"),  # the first one set decides, as POSIX says
        ({"SRFACTS_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),  # SRFACTS_LANG first
        ({"SRFACTS_LANG": "ZH", "LANG": "en_US.UTF-8"}, "zh"),
        ({"SRFACTS_LANG": "fr", "LANG": "en_US.UTF-8"}, "en"),  # not one of ours: the locale decides
    ],
)
def test_the_language_follows_srfacts_lang_then_the_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.from_environment(environ) == expected


def test_lang_on_the_command_line_comes_first() -> None:
    assert "Photovoltaic new energy" in run("--lang", "en", "industries", SRFACTS_LANG="zh").stdout
    assert "层级" in run("--lang", "zh", "industries", SRFACTS_LANG="en").stdout
    assert "tier" in run("industries", LANG="en_US.UTF-8").stdout.splitlines()[0]
    assert "层级" in run("industries", LANG="zh_CN.UTF-8").stdout.splitlines()[0]


# ---------------------------------------------------------------------------------------------
# The catalogue


def _messages_tool() -> Any:
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_of_the_code_is_translated_and_none_is_stale() -> None:
    assert _messages_tool().problems() == []


def test_the_compiled_catalogue_is_the_po_file() -> None:
    from babel.messages.pofile import read_po

    with (ROOT / "src/srfacts/locale/zh/LC_MESSAGES/srfacts.po").open("rb") as source:
        catalogue = read_po(source)
    compiled = i18n.catalogue("zh")
    for message in catalogue:
        if message.id:
            found = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            assert found == message.string, message.id


@pytest.mark.parametrize(
    ("field", "values"),
    [("tier", TIERS), ("status", STATUSES), ("qualifier", QUALIFIERS), ("kind", (*CLAIM_KINDS, *ENTITY_KINDS)),
     ("type", RECORD_TYPES)],
)  # fmt: skip
def test_every_choice_has_a_distinct_chinese_label_that_names_it(field: str, values: tuple[str, ...]) -> None:
    labels = {value: i18n.label(field, value, "zh") for value in dict.fromkeys(values)}
    assert all(re.search(r"[\u4e00-\u9fff]", shown) for shown in labels.values()), labels
    assert len(set(labels.values())) == len(labels), labels
    for value, shown in labels.items():
        assert i18n.value_of(field, shown, tuple(labels)) == value
        assert i18n.value_of(field, value.upper(), tuple(labels)) == value
        assert i18n.label(field, value, "en") == value


# ---------------------------------------------------------------------------------------------
# Headers, labels, filters, messages and help


def test_chinese_tables_have_chinese_headers_and_labels_and_json_does_not_change() -> None:
    zh, en = run("--lang", "zh", "industries"), run("--lang", "en", "industries")
    assert [cell.strip() for cell in zh.stdout.splitlines()[0].split(" | ")][:3] == ["层级", "编号", "名称"]
    assert "主导" in zh.stdout and "leading" not in zh.stdout
    assert en.stdout.splitlines()[0].split()[0] == "tier" and "leading" in en.stdout
    assert run("--lang", "zh", "metrics", "--json").stdout == run("--lang", "en", "metrics", "--json").stdout
    assert '"tier": "leading"' in run("--lang", "zh", "industries", "--json").stdout


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (("industries",), "--tier=主导", "--tier=leading"),
        (("industries",), "--tier=特色", "--tier=featured"),
        (("metrics",), "--status=目标", "--status=target"),
        (("entities",), "--kind=公司", "--kind=company"),
        (("claims",), "--kind=奖项", "--kind=award"),
        (("industries",), "--sort=名称", "--sort=name"),  # an order by the header of its column
    ],
)
def test_filters_take_the_chinese_labels(args: tuple[str, ...], chinese: str, english: str) -> None:
    by_label = run(*args, chinese, "--json")
    by_value = run(*args, english, "--json")
    assert by_label.exit_code == 0, by_label.stderr
    assert by_label.stdout == by_value.stdout and json.loads(by_label.stdout)


def test_an_unknown_filter_value_names_the_choices_in_both_languages() -> None:
    done = run("industries", "--tier", "最强")
    assert done.exit_code == 2
    assert "leading (主导)" in done.stderr and "未知的层级" in done.stderr


def test_messages_and_help_are_in_the_language_asked_for() -> None:
    assert "没有与“zzqx”匹配的结果" in run("search", "zzqx").stderr
    assert "nothing matches 'zzqx'" in run("--lang", "en", "search", "zzqx").stderr
    helped = run("search", "--help")
    assert helped.stdout.startswith("用法：") and "选项：" in helped.stdout and "搜索" in helped.stdout
    english = run("--lang", "en", "search", "--help")
    assert english.stdout.startswith("Usage: ") and "Options:" in english.stdout
    wrong = run("search", "--nope")
    assert "错误：没有此选项：--nope" in wrong.stderr and "用法：" in wrong.stderr, wrong.stderr
    assert "No such option: --nope" in run("--lang", "en", "search", "--nope").stderr


def test_a_group_named_alone_shows_its_help_in_the_language() -> None:
    shown = run("cache")  # (Click: help on stderr, as a usage error)
    assert "用法：" in shown.stderr and "查看或清除编译缓存" in shown.stderr and "命令：" in shown.stderr


def test_ask_and_show_speak_the_language() -> None:
    asked = run("ask", "上饶规上工业企业一共有多少家？")
    assert asked.exit_code == 0 and "来源：" in asked.stdout and "详情：srfacts show" in asked.stdout
    shown = run("show", "above-size-enterprises-total-2022")
    assert shown.stdout.startswith("指标 above-size-enterprises-total-2022") and "原文语境：" in shown.stdout
    assert "状态" in shown.stdout and "实际" in shown.stdout
    english = run("--lang", "en", "show", "above-size-enterprises-total-2022")
    assert english.stdout.startswith("metric above-size") and "in the source:" in english.stdout


# ---------------------------------------------------------------------------------------------
# Chinese typography: line breaks


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
# Chinese marks (an ASCII mark next to a Latin word is part of that word, which breaks whole).
_PUNCTUATION = st.sampled_from(sorted(c for c in NO_LINE_START | NO_LINE_END if not c.isascii()))
_WORD = st.text(alphabet="abcdefgh", min_size=1, max_size=4).map(lambda w: w + " ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_CJK, _CJK, _CJK, _PUNCTUATION, _WORD), min_size=1, max_size=80), st.integers(12, 60))
def test_a_wrapped_line_never_starts_with_closing_or_ends_with_opening_punctuation(
    pieces: list[str], width: int
) -> None:
    from rich.cells import cell_len

    text = "".join(pieces)
    if re.search(f"[{re.escape(''.join(NO_LINE_START | NO_LINE_END))}]{{3}}", text):
        return  # three marks in a row cannot always be kept off a line's edge
    offsets = break_offsets(text, width, cell_len)
    lines = [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]
    assert "".join(lines) == text and offsets == sorted(set(offsets))
    for line in lines:
        assert cell_len(line.rstrip()) <= width, (line, width)
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line.rstrip()[-1:] not in NO_LINE_END, lines


def test_english_words_stay_whole() -> None:
    text = "Shangrao has 2248 industrial enterprises above designated size, second in Jiangxi."
    offsets = break_offsets(text, 20, len)
    assert all(text[at - 1] == " " for at in offsets)


# ---------------------------------------------------------------------------------------------
# On a terminal (a pseudo-terminal, script(1))


def _terminal(args: str, columns: int, **env: str) -> str:
    """``srfacts ARGS`` on a pseudo-terminal (``tests.test_terminal.on_terminal``), without colour, succeeding."""
    return on_terminal(args, columns, ok=True, **{"LINES": "200", "NO_COLOR": "1", **env})


on_a_terminal = pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal")


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize(
    ("locale", "header"), [("zh_CN.UTF-8", ["层级", "编号", "名称"]), ("en_US.UTF-8", ["tier", "id", "name"])]
)
@pytest.mark.slow
@on_a_terminal
def test_headers_follow_the_locale_on_a_terminal(columns: int, locale: str, header: list[str]) -> None:
    shown = _terminal("industries", columns, LANG=locale)
    assert [cell.strip() for cell in shown.splitlines()[0].split("|")][:3] == header


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


@pytest.mark.slow
@on_a_terminal
@pytest.mark.parametrize("columns", [80, 100])
def test_wrapped_cells_on_a_terminal_keep_closing_punctuation_off_the_line_start(columns: int) -> None:
    shown = _terminal("claims --wide", columns)
    cells = [cell for line in shown.splitlines()[2:] for cell in _cells(line) if cell]
    assert cells and not [cell for cell in cells if cell[0] in NO_LINE_START]
    quoted = _terminal("show above-size-enterprises-total-2022", columns)
    tail = quoted[quoted.index("原文语境：") :].splitlines()
    assert len(tail) > 1 and not [line for line in tail[1:] if line[:1] in NO_LINE_START]


def _bars(line: str, ambiguous: int) -> list[int]:
    """The terminal columns where a line's column rules stand, ambiguous characters ``ambiguous`` wide."""
    import unicodedata

    at, found = 0, []
    for char in line:
        if char == "|":
            found.append(at)
        kind = unicodedata.east_asian_width(char)
        at += 2 if kind in ("W", "F") else ambiguous if kind == "A" else 1
    return found


@pytest.mark.slow
@on_a_terminal
@pytest.mark.parametrize("ambiguous", [1, 2])
def test_tables_are_measured_with_the_ambiguous_width_asked_for(ambiguous: int) -> None:
    shown = _terminal(f"--ambiguous-width {ambiguous} metrics --wide", 100)
    lines = [line for line in shown.splitlines() if "|" in line]
    assert any("“" in line for line in lines)  # there are ambiguous characters to measure
    rules = {tuple(_bars(line, ambiguous)) for line in lines}
    assert len(rules) == 1, rules  # every rule of every line in one place, as the terminal draws them
    assert _terminal("metrics --wide", 100, SRFACTS_AMBIGUOUS_WIDTH=str(ambiguous)) == shown


# ---------------------------------------------------------------------------------------------
# The build


@pytest.mark.slow
def test_the_wheel_carries_the_compiled_catalogue(tmp_path: Path) -> None:
    build = ["wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)]
    done = subprocess.run(
        [sys.executable, "-m", "pip", *build],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    wheel = next(tmp_path.glob("srfacts-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        compiled = archive.read("srfacts/locale/zh/LC_MESSAGES/srfacts.mo")
    assert compiled.startswith((b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"))  # a GNU .mo file
    assert "用法：".encode() in compiled and "层级".encode() in compiled
