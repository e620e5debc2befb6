"""Broken and hostile knowledge files: one clear, located message and exit 3, quickly, never a crash.

Each case runs the real command in a subprocess (own cache folder, a timeout so a hang fails)
and checks: exit 3, no traceback, one message naming the file (and line and column where the
YAML has them, or the record id and field), nothing escaping to the terminal, the file unchanged.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from srfacts.core.errors import CODES, KnowledgeFileError
from tests.hostile_support import HOSTILE, SAMPLE, assert_clean, environment, snapshot, srfacts

pytestmark = pytest.mark.slow  # hostile knowledge files: the command in a subprocess per case

SAMPLE_BYTES = SAMPLE.read_bytes()
LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>[0-9]+):(?P<column>[0-9]+): (?P<code>SR[0-9]{3}) ")
UNLOCATED = re.compile(r"^(?P<path>.+?): (?P<code>SR00[1-4]|SR010) ")


def _with(old: bytes, new: bytes) -> bytes:
    assert old in SAMPLE_BYTES, old
    return SAMPLE_BYTES.replace(old, new, 1)


def _formula(new: bytes) -> bytes:
    return _with(b"formula: revenue / share * 100", new)


# name -> (file content, the code it must give)
BROKEN: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "SR010"),
    "one-byte-letter": (b"a", "SR011"),
    "one-byte-newline": (b"\n", "SR010"),
    "one-byte-nul": (b"\x00", "SR005"),
    "binary-garbage": (bytes(range(256)) * 64, "SR003"),
    "random-bytes": (bytes((i * 7919 + 13) % 256 for i in range(4096)), "SR003"),
    "utf16-bom": ("\ufeffschema_version: 1\nsources: []\n".encode("utf-16"), "SR003"),
    "utf16-no-bom": ("schema_version: 1\n".encode("utf-16-le"), "SR005"),
    "utf32-bom": ("\ufeffschema_version: 1\n".encode("utf-32"), "SR003"),
    "latin1": ("schema_version: 1\nnote: café\n".encode("latin-1"), "SR003"),
    "nul-byte": (_with(b"tier: key", b"tier: k\x00ey"), "SR005"),
    "escape-byte": (_with(b"tier: key", b"tier: \x1b[31mkey"), "SR005"),
    "c1-byte-utf8": (_with(b"tier: key", "tier: \x9bkey".encode()), "SR005"),
    "tab-indentation": (b"schema_version: 1\nsources:\n\t- id: x\n", "SR005"),
    "unclosed-quote": (b'schema_version: 1\nsources: "unclosed\n', "SR005"),
    "unclosed-flow": (b"schema_version: 1\nsources: [a, b\n", "SR005"),
    "bad-escape": (b'schema_version: 1\nnote: "\\ud800"\n', "SR005"),
    "duplicate-top-key": (SAMPLE_BYTES + b"schema_version: 1\n", "SR006"),
    "duplicate-record-key": (_with(b"    tier: key\n", b"    tier: key\n    tier: key\n"), "SR006"),
    "anchor": (_with(b"tier: key", b"tier: &t key"), "SR007"),
    "alias": (b"schema_version: 1\na: &x 1\nb: *x\n", "SR007"),
    "merge-key-alias": ((HOSTILE / "merge-key-alias.yaml").read_bytes(), "SR007"),
    "billion-laughs": ((HOSTILE / "billion-laughs.yaml").read_bytes(), "SR007"),
    "python-object": ((HOSTILE / "python-object.yaml").read_bytes(), "SR008"),
    "python-name": ((HOSTILE / "python-name.yaml").read_bytes(), "SR008"),
    "local-tag": (_with(b"tier: key", b"tier: !evil key"), "SR008"),
    "str-tag": (_with(b"tier: key", b"tier: !!str key"), "SR008"),
    "tag-directive": (b"%TAG !e! tag:evil.example,2000:\n---\nschema_version: !e!x 1\n", "SR008"),
    "deep-flow": ((HOSTILE / "deep-flow.yaml").read_bytes(), "SR009"),
    "deep-flow-mapping": ((HOSTILE / "deep-flow-mapping.yaml").read_bytes(), "SR009"),
    "deep-block": ((HOSTILE / "deep-block.yaml").read_bytes(), "SR009"),
    "deep-block-mapping": (b"".join(b"  " * i + b"k:\n" for i in range(2000)), "SR009"),
    "only-comments": (b"# nothing\n# here\n", "SR010"),
    "two-documents": (SAMPLE_BYTES + b"---\n" + SAMPLE_BYTES, "SR010"),
    "top-level-list": (b"- schema_version: 1\n", "SR011"),
    "top-level-number": (b"12\n", "SR011"),
    "complex-key": (b"? [a, b]\n: 1\n", "SR104"),
    "number-key": (b"schema_version: 1\n1: one\n", "SR104"),
    "null-key": (b"schema_version: 1\n~: one\n", "SR104"),
    "unknown-top-key": (SAMPLE_BYTES + b"evil: 1\n", "SR102"),
    "unknown-field": (_with(b"    tier: key\n", b"    tier: key\n    colour: red\n"), "SR102"),
    "merge-key-inline": ((HOSTILE / "merge-key-inline.yaml").read_bytes(), "SR102"),
    "schema-version-text": (_with(b"schema_version: 1", b"schema_version: one"), "SR101"),
    "huge-integer": ((HOSTILE / "huge-integer.yaml").read_bytes(), "SR101"),
    "huge-value": (_with(b"value: 2248", b"value: " + b"9" * 5000), "SR104"),
    "value-overflows": (_with(b"value: 2248", b"value: 1e999999999"), "SR104"),
    "value-beyond-decimal": (_with(b"value: 2248", b"value: 1e9999999999999999999"), "SR104"),
    "value-30-digits": (_with(b"value: 2248", b"value: 123456789012345678901234567890"), "SR104"),
    "value-tiny": (_with(b"value: 2248", b"value: 1e-999999999"), "SR104"),
    "value-nan": (_with(b"value: 2248", b"value: .nan"), "SR104"),
    "value-yaml11-bool": (_with(b"value: 2248", b"value: yes"), "SR104"),
    "rank-position-huge": (_with(b"position: 2", b"position: " + b"9" * 5000), "SR104"),
    "formula-deep-brackets": (
        _formula(b"formula: " + b"(" * 5000 + b"1" + b")" * 5000),
        "SR111",
    ),
    "formula-many-minus": (_formula(b"formula: " + b"-" * 5000 + b"1"), "SR111"),
    "formula-overflow": (
        _formula(b"formula: " + b"*".join([b"revenue"] * 400)),
        "SR111",
    ),
    "formula-code": (_formula(b"formula: __import__('os').system('id')"), "SR111"),
    "formula-divide-by-zero": (
        _formula(b"formula: revenue / (share - share)"),
        "SR111",
    ),
    "period-list": (_with(b'period: "2022"', b"period: [2022]"), "SR104"),
    "id-with-escape": (_with(b"id: automobile", b'id: "auto\\e[31m"'), "SR105"),
    "id-chinese": (_with(b"id: automobile", "id: 汽车".encode()), "SR105"),
    "dangling-reference": (_with(b"entities: [jinko-solar]", b"entities: [nobody]"), "SR107"),
    "tier-escape": (_with(b"tier: key", b'tier: "\\e]8;;http://evil\\akey"'), "SR110"),
}

# Unusual but valid files: they load, and list the same industries as the sample.
VALID: dict[str, bytes] = {
    "crlf": SAMPLE_BYTES.replace(b"\n", b"\r\n"),
    "cr-only": SAMPLE_BYTES.replace(b"\n", b"\r"),
    "utf8-bom": b"\xef\xbb\xbf" + SAMPLE_BYTES,
    "document-markers": b"%YAML 1.1\n---\n" + SAMPLE_BYTES + b"...\n",
    "trailing-garbage-comment": SAMPLE_BYTES + b"# \xe2\x80\xae hidden \x1b? no: a comment\n".replace(b"\x1b", b"E"),
    "no-final-newline": SAMPLE_BYTES.rstrip(b"\n"),
    "huge-single-line": _with(b"note: The article gives no year.", b"note: " + b"x" * 2_000_000),
    "long-values": _with(b"name_en: Automobile", b"name_en: " + b"A" * 100_000).replace(
        "text: 晶科能源成为".encode(), ("text: " + "晶" * 100_000 + "晶科能源成为").encode()
    ),
}


def _write(folder: Path, name: str, content: bytes) -> Path:
    """The file in a folder of its own (the cache is elsewhere), so anything written beside it shows."""
    (folder / "data").mkdir(exist_ok=True)
    path = folder / "data" / f"{name}.yaml"
    path.write_bytes(content)
    return path


def _problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("srfacts: ")]


def _check_message(line: str, path: Path, code: str) -> None:
    """``path:line:column: CODE ...`` (or ``path: CODE`` for what has no place in the text)."""
    found = LOCATED.match(line) or UNLOCATED.match(line)
    assert found, f"not a located problem: {line!r}"
    assert found["path"] == str(path), line
    assert found["code"] == code, line


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gives_one_clear_message_and_exit_3(name: str, tmp_path: Path) -> None:
    content, code = BROKEN[name]
    path = _write(tmp_path, name, content)
    before = snapshot(path)
    done = srfacts("--data", str(path), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert done.stdout == ""
    lines = _problem_lines(done.stderr)
    assert lines, done.stderr
    _check_message(lines[0], path, code)
    if code < "SR100":  # reading and YAML problems stop at the first: exactly one message
        assert len(lines) == 1, done.stderr
    for line in lines:  # model problems name the file, line and column, and the record and field
        assert LOCATED.match(line) or UNLOCATED.match(line), line
    assert snapshot(path) == before


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_reported_by_validate(name: str, tmp_path: Path, run: Any) -> None:
    content, code = BROKEN[name]
    path = _write(tmp_path, name, content)
    done = run("validate", str(path), "--format", "json", data=None)
    assert done.exit_code == 3, done.output[-2000:]
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert report["problems"][0]["code"] == code
    assert all(p["code"] in CODES for p in report["problems"])


@pytest.mark.parametrize("command", [["search", "光伏"], ["show", "automobile"], ["metrics", "--json"], ["timeline"]])
@pytest.mark.parametrize("name", ["billion-laughs", "deep-flow", "nul-byte", "utf16-bom", "huge-value"])
def test_every_command_refuses_a_broken_file(name: str, command: list[str], tmp_path: Path) -> None:
    content, code = BROKEN[name]
    path = _write(tmp_path, name, content)
    done = srfacts("--data", str(path), *command, cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert done.stdout == "" and code in done.stderr


def _industry_ids(text: str) -> list[str]:
    return [row["id"] for row in json.loads(text)]


@pytest.mark.parametrize("name", sorted(VALID))
def test_unusual_but_valid_file_loads(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name, VALID[name])
    before = snapshot(path)
    done = srfacts("--data", str(path), "industries", "--json", cache=tmp_path / "cache")
    assert_clean(done, 0)
    expected = srfacts("--data", str(SAMPLE), "industries", "--json", cache=tmp_path / "cache")
    assert _industry_ids(done.stdout) == _industry_ids(expected.stdout)
    assert snapshot(path) == before


def test_long_values_are_kept_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, "long", VALID["long-values"])
    done = srfacts("--data", str(path), "industries", "--json", cache=tmp_path / "cache")
    assert_clean(done, 0)
    assert any(row["name_en"] == "A" * 100_000 for row in json.loads(done.stdout))
    table = srfacts("--data", str(path), "claims", cache=tmp_path / "cache")
    assert_clean(table, 0)
    assert "晶" * 100_000 in table.stdout  # piped: nothing cut
    found = srfacts("--data", str(path), "search", "晶晶晶", "--json", cache=tmp_path / "cache")
    assert_clean(found, 0)


# ---------------------------------------------------------------------------------------------
# Caps: size (SRFACTS_MAX_BYTES) and depth (SRFACTS_MAX_DEPTH)


def test_a_file_just_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = _write(tmp_path, "sample", SAMPLE_BYTES)
    size = len(SAMPLE_BYTES)
    over = srfacts(
        "--data", str(path), "industries", env=environment(cache, SRFACTS_MAX_BYTES=str(size - 1)), cache=cache
    )
    assert_clean(over, 3)
    assert "SR004" in over.stderr and "SRFACTS_MAX_BYTES" in over.stderr
    at = srfacts("--data", str(path), "industries", env=environment(cache, SRFACTS_MAX_BYTES=str(size)), cache=cache)
    assert_clean(at, 0)


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: 300 MB that take no disk
        handle.write(b"schema_version: 1\n")
        handle.truncate(300 * 1024 * 1024)
    done = srfacts("--data", str(path), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert "SR004" in done.stderr


def test_depth_cap_is_configurable_from_the_environment(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = _write(tmp_path, "sample", SAMPLE_BYTES)
    done = srfacts("--data", str(path), "industries", env=environment(cache, SRFACTS_MAX_DEPTH="3"), cache=cache)
    assert_clean(done, 3)
    assert "SR009" in done.stderr and "SRFACTS_MAX_DEPTH" in done.stderr


@pytest.mark.parametrize("value", ["abc", "-1", "0", "", " 100", "1e3", "²", "٣", "9" * 5000, "1_000"])
@pytest.mark.parametrize("name", ["SRFACTS_MAX_BYTES", "SRFACTS_MAX_DEPTH"])
def test_a_malformed_cap_falls_back_to_the_default(name: str, value: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = srfacts("--data", str(SAMPLE), "industries", env=environment(cache, **{name: value}), cache=cache)
    assert_clean(done, 0)


# ---------------------------------------------------------------------------------------------
# What is not a regular file


def test_a_directory_is_refused(tmp_path: Path) -> None:
    done = srfacts("--data", str(tmp_path), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert "SR002" in done.stderr


def test_a_named_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    done = srfacts("--data", str(fifo), "industries", cache=tmp_path / "cache", timeout=30)
    assert_clean(done, 3)
    assert "SR002" in done.stderr
    done = srfacts("validate", str(fifo), cache=tmp_path / "cache", timeout=30)
    assert_clean(done, 3)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/stdin"])
def test_a_device_is_refused_without_hanging(device: str, tmp_path: Path) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    done = srfacts("--data", device, "industries", cache=tmp_path / "cache", timeout=30)
    assert_clean(done, 3)
    assert "SR002" in done.stderr or "SR001" in done.stderr


@pytest.mark.parametrize("target", ["facts.yaml", "nowhere.yaml"])  # a loop, a dangling link
def test_a_link_to_nothing_readable_is_missing(target: str, tmp_path: Path) -> None:
    link = tmp_path / "facts.yaml"
    link.symlink_to(tmp_path / target)
    done = srfacts("--data", str(link), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert "SR001" in done.stderr


def test_a_symlink_to_a_good_file_is_followed(tmp_path: Path) -> None:
    link = tmp_path / "facts.yaml"
    link.symlink_to(SAMPLE)
    done = srfacts("--data", str(link), "industries", cache=tmp_path / "cache")
    assert_clean(done, 0)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "locked", SAMPLE_BYTES)
    path.chmod(0)
    try:
        done = srfacts("--data", str(path), "industries", cache=tmp_path / "cache")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert_clean(done, 3)
    assert "SR001" in done.stderr


def test_a_path_with_control_characters_is_named_safely(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[31m\u202e.yaml"
    path.write_bytes(b"a")
    done = srfacts("--data", str(path), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert "\\x1b[31m\\u202e" in done.stderr


def test_a_path_that_is_not_utf8_is_named_safely(tmp_path: Path) -> None:
    path = os.fsencode(tmp_path) + b"/evil\x9b\xff.yaml"
    Path(os.fsdecode(path)).write_bytes(SAMPLE_BYTES)
    done = srfacts(b"--data", path, b"validate", b"--format", b"json", cache=tmp_path / "cache")
    assert_clean(done, 0)
    assert json.loads(done.raw_stdout.decode("utf-8"))["valid"] is True  # strict UTF-8: no raw bytes
    assert b"\x9b" not in done.raw_stdout and b"\xff" not in done.raw_stdout


# ---------------------------------------------------------------------------------------------
# Every field kind with a wrong value: a located problem naming the record and field, never a crash


def _sample() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SAMPLE_BYTES.decode("utf-8"))
    return loaded


# One field of each kind the validator knows: (section, record index, field)
FIELD_KINDS = {
    "id": ("industries", 0, "id"),
    "str": ("industries", 0, "name"),
    "strs": ("industries", 1, "aliases"),
    "bool": ("industries", 0, "cluster"),
    "number": ("metrics", 0, "value"),
    "period": ("metrics", 0, "period"),
    "sha256": ("sources", 0, "sha256"),
    "choice": ("industries", 0, "tier"),
    "unit": ("metrics", 0, "unit"),
    "qualifier": ("metrics", 0, "qualifier"),
    "rank": ("metrics", 2, "rank"),
    "refs": ("industries", 1, "entities"),
    "ref": ("industries", 0, "source"),
    "inputs": ("derived", 0, "inputs"),
    "formula": ("derived", 0, "formula"),
    "authors": ("sources", 0, "authors"),
}
WRONG_VALUES: dict[str, Any] = {
    "list": ["x", ["y"]],
    "mapping": {"a": {"b": 1}},
    "true": True,
    "number": 12,
    "decimal": 1.5,
    "null": None,
    "empty": "",
    "blank": "   ",
    "escape": "\x1b[31m\u202e",
    "long": "x" * 10_000,
    "mapping-of-lists": {"scope": [], "scope_en": {}, "position": "1"},
}


@pytest.mark.parametrize("value", sorted(WRONG_VALUES))
@pytest.mark.parametrize("kind", sorted(FIELD_KINDS))
def test_a_wrong_value_in_any_field_kind_is_located(kind: str, value: str, tmp_path: Path) -> None:
    from srfacts.store.loader import load

    data = _sample()
    section, index, field = FIELD_KINDS[kind]
    data[section][index][field] = WRONG_VALUES[value]
    path = _write(tmp_path, "facts", yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode())
    try:
        load(path, use_cache=False)
    except KnowledgeFileError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.code in CODES
            assert problem.path == str(path)
            assert problem.line is not None and problem.column is not None, problem
            assert problem.record_id or problem.field, problem
            assert len(str(problem)) < 1000, "a quoted value is cut short"


def test_wrong_values_through_the_command(tmp_path: Path) -> None:
    data = _sample()
    data["industries"][0]["tier"] = "\x1b]8;;http://evil\x07leading"
    data["metrics"][0]["value"] = "5028.1"
    data["metrics"][1]["unit"] = "\u202e元"
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = srfacts("--data", str(path), "metrics", cache=tmp_path / "cache")
    assert_clean(done, 3)
    lines = _problem_lines(done.stderr)
    assert len(lines) == 3
    assert any("nonferrous-metals.tier" in line for line in lines)
    assert any("two-plus-four-revenue-2022.value" in line for line in lines)
    assert "\\x1b]8;;" in done.stderr and "\\u202e" in done.stderr


# ---------------------------------------------------------------------------------------------
# A file that changes while it is read is never half-loaded into the cache


@pytest.mark.usefixtures("private_cache")
def test_a_file_changed_during_a_load_is_cached_under_the_bytes_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import srfacts.data.yaml_reader as yaml_reader
    import srfacts.store.loader as knowledge
    from srfacts.store import folder as cache

    path = tmp_path / "facts.yaml"
    first = SAMPLE_BYTES
    second = SAMPLE_BYTES.replace("name: 汽车".encode(), "name: 汽车工业".encode())
    path.write_bytes(first)
    parse = yaml_reader.parse_yaml
    changed: list[bool] = []

    def parse_after_an_edit(text: str, where: str) -> Any:
        if not changed:  # the editor saves the file after srfacts read it, before it is parsed
            path.write_bytes(second)
            changed.append(True)
        return parse(text, where)

    monkeypatch.setattr(yaml_reader, "parse_yaml", parse_after_an_edit)
    kb = knowledge.load(path)
    assert changed
    assert kb.get("automobile").name == "汽车"  # type: ignore[union-attr]
    assert kb.cache_key == cache.content_key(first)  # the cache entry is keyed by what was parsed

    again = knowledge.load(path)  # the edit is seen at once, not the cached first version
    assert again.get("automobile").name == "汽车工业"  # type: ignore[union-attr]
    assert again.cache_key == cache.content_key(second)

    path.write_bytes(first)  # and the first version, cached, still gives its own data
    back = knowledge.load(path)
    assert back.get("automobile").name == "汽车"  # type: ignore[union-attr]


def test_a_file_growing_while_it_is_read_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import srfacts.data.files as load

    path = tmp_path / "facts.yaml"
    path.write_bytes(SAMPLE_BYTES[:200])  # an editor that truncated the file and is writing it
    reads: list[int] = []
    real = os.read

    def read_while_written(fd: int, size: int) -> bytes:
        chunk = real(fd, size)
        if not reads:
            path.write_bytes(SAMPLE_BYTES)  # the rest arrives while srfacts reads
        reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(load.os, "read", read_while_written)
    assert load.read_bytes(path) == SAMPLE_BYTES


def test_a_file_that_never_stops_changing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import srfacts.data.files as load

    path = tmp_path / "facts.yaml"
    path.write_bytes(SAMPLE_BYTES)
    real = os.read
    grow: list[int] = []

    def read_while_written(fd: int, size: int) -> bytes:
        chunk = real(fd, size)
        if chunk and os.lseek(fd, 0, os.SEEK_CUR) == len(chunk):  # each read of the file grows it
            grow.append(1)
            path.write_bytes(SAMPLE_BYTES + b"#" * len(grow))
        return chunk

    monkeypatch.setattr(load.os, "read", read_while_written)
    with pytest.raises(KnowledgeFileError) as caught:
        load.read_bytes(path)
    assert caught.value.problems[0].code == "SR001"
    assert "changed while" in caught.value.problems[0].message


def test_loading_never_writes_beside_the_data_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "facts", SAMPLE_BYTES)
    before = snapshot(path)
    for command in (["industries"], ["search", "光伏"], ["validate"], ["show", "automobile", "--json"]):
        assert_clean(srfacts("--data", str(path), *command, cache=tmp_path / "cache"), 0)
    assert snapshot(path) == before


def test_broken_cases_use_known_codes() -> None:
    assert {code for _, code in BROKEN.values()} <= set(CODES)


@pytest.mark.parametrize("kind", ["fifo", "huge", "directory", "device"])
def test_a_source_text_that_is_not_a_readable_file_is_skipped(kind: str, tmp_path: Path) -> None:
    """`show` quotes the source around a record's quote; `validate --source` reads it: never a hang."""
    source = tmp_path / "source.txt"
    if kind == "fifo":
        os.mkfifo(source)
    elif kind == "huge":
        with source.open("wb") as handle:
            handle.truncate(300 * 1024 * 1024)
    elif kind == "directory":
        source.mkdir()
    else:
        source = Path("/dev/zero")
    path = _write(tmp_path, "facts", _with(b"file: shangrao-industry-article.txt", f"file: {source}".encode()))
    cache = tmp_path / "cache"
    shown = srfacts("--data", str(path), "show", "jinko-solar", cache=cache, timeout=30)
    assert_clean(shown, 0)
    checked = srfacts("--data", str(path), "validate", "--source", str(source), cache=cache, timeout=30)
    assert_clean(checked, 3)
    assert "SR201" in checked.stdout
