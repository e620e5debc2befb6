"""The compiled cache: keyed by content, atomic, shared by parallel runs, skipped or rebuilt when it must be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from srfacts.output.formats import compact_json
from srfacts.search.engine import memory_index, search
from srfacts.store import compiled as store
from srfacts.store import folder as cache
from srfacts.store.loader import find, load, open_store
from tests.conftest import ROOT, SAMPLE

QUERIES = [str(case["q"]) for case in yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text("utf-8"))]


def _cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "srfacts").glob(f"*.{cache.SUFFIX}"))


@pytest.mark.parametrize("limit", [None, 1, 3, 20])
def test_store_search_equals_in_memory_search(limit: int | None) -> None:
    kb = load(ROOT / "data" / "facts.yaml")
    index = memory_index(kb)
    store = open_store(ROOT / "data" / "facts.yaml")
    assert store is not None
    try:
        for query in QUERIES:
            expected = search(index, query, limit=limit)
            found = search(store, query, limit=limit)  # JSON first: before a record is decoded, from the stored row
            assert [compact_json(h.to_dict()) for h in found] == [compact_json(h.to_dict()) for h in expected], query
            assert [(h.record.id, h.score, h.matches) for h in found] == [
                (h.record.id, h.score, h.matches) for h in expected
            ], query
    finally:
        store.close()


@pytest.mark.parametrize("path", [ROOT / "data" / "facts.yaml", SAMPLE], ids=["bundled", "sample"])
def test_every_stored_record_reads_as_json_as_its_decoded_record_does(path: Path) -> None:
    """``Store.plain`` (figures from their text, no Decimal) writes what ``record(pos).to_dict()`` does."""
    store = open_store(path)
    assert store is not None
    try:
        plain = [compact_json(store.plain(pos)) for pos in range(store.count)]
        assert plain == [compact_json(store.record(pos).to_dict()) for pos in range(store.count)]
        assert any('"type": "metric"' in row for row in plain)
    finally:
        store.close()


def test_second_load_reads_the_cache(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load(SAMPLE)
    assert len(_cache_files(private_cache)) == 1

    def no_parsing(*args: object) -> None:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr("srfacts.store.loader._build", no_parsing)
    again = load(SAMPLE)
    assert [r.to_dict() for r in again.all_records()] == [r.to_dict() for r in first.all_records()]
    assert again.record_lines == first.record_lines


def test_an_edit_is_seen_at_once_even_in_the_same_second(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    assert load(path).get("automobile").name_en == "Automobile"  # type: ignore[union-attr]
    path.write_text(text.replace("name_en: Automobile", "name_en: Automobilx"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert load(path).get("automobile").name_en == "Automobilx"  # type: ignore[union-attr]


def _damage(file: Path, damage: str) -> None:
    data = file.read_bytes()
    middle = len(data) // 2
    if damage == "garbage":
        file.write_bytes(b"\x00not a compiled knowledge file" * 100)
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "truncated":
        file.write_bytes(data[:middle])
    elif damage == "flipped-byte":  # anywhere: a record, an index entry, a field's texts, the header
        file.write_bytes(data[:middle] + bytes([data[middle] ^ 0x40]) + data[middle + 1 :])
    elif damage == "foreign-key":  # a valid file of another knowledge file, renamed
        other = next(p for p in file.parent.glob(f"*.{cache.SUFFIX}") if p != file)
        file.write_bytes(other.read_bytes())
    elif damage == "code":  # a header holding a code object where data belongs
        import marshal

        header = marshal.dumps({"format": cache.FORMAT, "key": file.stem, "t2s": compile("1", "x", "eval")})
        file.write_bytes(
            store.MAGIC
            + header
            + len(store.MAGIC).to_bytes(8, "little")
            + len(header).to_bytes(4, "little")
            + zlib.crc32(header).to_bytes(4, "little")
            + store.MAGIC
        )


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "flipped-byte", "foreign-key", "code"])
def test_a_damaged_cache_is_ignored_and_rebuilt(private_cache: Path, damage: str, tmp_path: Path) -> None:
    expected = [r.to_dict() for r in load(SAMPLE).all_records()]
    [file] = _cache_files(private_cache)
    if damage == "foreign-key":
        (tmp_path / "other.yaml").write_bytes(SAMPLE.read_bytes() + b"\n# another file\n")
        load(tmp_path / "other.yaml")
    hits = [(h.record.id, h.score) for h in find(SAMPLE, "光伏").hits]
    _damage(file, damage)
    assert [(h.record.id, h.score) for h in find(SAMPLE, "光伏").hits] == hits  # the search path notices too
    assert [(h.record.id, h.score) for h in find(SAMPLE, "光伏").hits] == hits
    _damage(file, damage)
    assert [r.to_dict() for r in load(SAMPLE).all_records()] == expected
    assert [r.to_dict() for r in load(SAMPLE).all_records()] == expected


@pytest.mark.parametrize("offset", range(0, 100, 7))
def test_any_damaged_byte_is_caught(private_cache: Path, offset: int) -> None:
    """Every section is checked against its CRC-32: one changed byte anywhere makes a file unusable."""
    load(SAMPLE)
    [file] = _cache_files(private_cache)
    data = bytearray(file.read_bytes())
    at = len(data) * offset // 100
    data[at] ^= 0x01
    file.write_bytes(bytes(data))
    opened = store.Store.open(file.stem)
    if opened is not None:
        with pytest.raises(store.CacheDamagedError):
            for pos in range(opened.count):
                opened.record(pos)
                opened.facets(pos)
                opened.entry(pos)
                opened.plain(pos)
            opened.record_lines()
            opened.extras()
            for number in range(store.BUCKETS):  # every token of the vocabulary
                for token in opened._data(f"vocabulary:{number}", dict):
                    opened.postings(token)
            spelled = [f"spelled:{n}" for n in range(store.BUCKETS)]
            for name in ("stems", "names", "search", "char_pinyin", "syllables", "facets", *spelled):
                opened._data(name, list if name in ("names", "char_pinyin", "syllables", "facets") else dict)
            opened.char_pinyin("光")
        opened.close()


def test_unwritable_cache_is_skipped_silently(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = run("search", "光伏", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)[0]["id"] == "photovoltaic-new-energy"
    assert run("industries", "--json").exit_code == 0


@pytest.mark.slow
def test_parallel_runs_share_one_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "SRFACTS_DATA": str(SAMPLE)}
    argv = [sys.executable, "-m", "srfacts", "search", "光伏", "--json"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [process.communicate(timeout=120) for process in runs]
    assert all(process.returncode == 0 for process in runs)
    assert len({out for out, _ in outputs}) == 1 and all(err == b"" for _, err in outputs)
    assert len(_cache_files(tmp_path)) == 1
    assert not list((tmp_path / "srfacts").glob("*.tmp"))


def test_cache_is_data_not_code(private_cache: Path) -> None:
    load(SAMPLE)
    [file] = _cache_files(private_cache)
    data = file.read_bytes()
    assert data.startswith(store.MAGIC) and data.endswith(store.MAGIC)
    source = Path(store.__file__).read_text(encoding="utf-8")
    assert "import pickle" not in source and "pickle." not in source
    opened = store.Store.open(file.stem)
    assert opened is not None
    record = opened.record(0)
    assert record.TYPE == "source" and opened.entry(0).id == record.id
    opened.close()


def test_cache_info_and_clear(run, private_cache: Path) -> None:
    run("industries")
    info = json.loads(run("cache", "info", "--json", data=None).stdout)
    assert info["path"] == str(private_cache / "srfacts") and info["files"] == 1 and info["writable"] is True
    cleared = run("cache", "clear", data=None)
    assert cleared.exit_code == 0 and "removed 1 cache file" in cleared.stderr
    assert json.loads(run("cache", "info", "--json", data=None).stdout)["files"] == 0


def test_old_entries_are_pruned(tmp_path: Path, private_cache: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(cache.KEEP + 3):
        path = tmp_path / f"facts-{number}.yaml"
        path.write_text(text + f"\n# edit {number}\n", encoding="utf-8")
        load(path)
    assert len(_cache_files(private_cache)) == cache.KEEP


HEAVY = ("pypinyin", "opencc", "rich", "yaml", "sqlite3", "json", "decimal")


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["search", "光伏", "--json"], set()),  # metrics among the hits: JSON reads their figures as text
        (["search", "jinko"], {"decimal"}),
        (["industries"], set()),
        (["industries", "--json"], set()),
        (["claims", "--format", "csv"], set()),
    ],
)
@pytest.mark.slow
def test_a_warm_run_imports_only_what_it_needs(args: list[str], allowed: set[str], tmp_path: Path) -> None:
    """Start-up: once compiled, no YAML, pinyin, Traditional-script, SQLite or (piped) Rich import."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    code = (
        f"import atexit, sys, runpy; sys.argv = ['srfacts', *{args!r}];"
        "atexit.register(lambda: None)\n"  # so srfacts exits normally, back to this code
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: runpy.run_module('srfacts', run_name='__main__')\n"
        "    except SystemExit: pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=120)  # compiles
    warm = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, timeout=60)
    assert set(json.loads(warm.stdout.replace("'", '"'))) <= allowed


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    load(path)

    def unread(*args: object) -> bytes:
        raise AssertionError("an unchanged file's content key is remembered")

    monkeypatch.setattr("srfacts.store.loader.read_bytes", unread)
    assert load(path).get("jinko-solar") is not None
    assert open_store(path) is not None
    path.write_bytes(SAMPLE.read_bytes() + b"\n")  # any write changes the signature
    with pytest.raises(AssertionError):
        load(path)


def test_the_garbage_collector_resumes_after_a_compile(private_cache: Path, tmp_path: Path) -> None:
    import gc

    from srfacts.core.errors import KnowledgeFileError

    load(SAMPLE)  # compiles (the collector is paused meanwhile)
    assert gc.isenabled()
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: [", encoding="utf-8")
    with pytest.raises(KnowledgeFileError):
        load(broken)
    assert gc.isenabled()


# --- What is never trusted: another user's file, a writable-by-others file, a pipe, another layout ----------


def _the_entry(private_cache: Path) -> Path:
    load(SAMPLE)
    [file] = _cache_files(private_cache)
    return file


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_a_cache_file_others_may_write_is_not_used(private_cache: Path, mode: int) -> None:
    file = _the_entry(private_cache)
    os.chmod(file, mode)
    assert store.Store.open(file.stem) is None
    assert [r.id for r in load(SAMPLE).all_records()]  # compiled anew, quietly


@pytest.mark.slow
def test_a_named_pipe_in_place_of_the_cache_file_never_blocks(private_cache: Path) -> None:
    file = _the_entry(private_cache)
    file.unlink()
    os.mkfifo(file)
    assert store.Store.open(file.stem) is None
    done = subprocess.run(
        [sys.executable, "-m", "srfacts", "--data", str(SAMPLE), "industries", "--json"],
        env={**os.environ, "XDG_CACHE_HOME": str(private_cache)},
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0 and json.loads(done.stdout)


def test_a_header_of_another_shape_is_refused() -> None:
    good = {"format": cache.FORMAT, "key": "k", "count": 3, "t2s": ["", ""], "sections": {"a": [0, 10, 1]}}
    assert store._valid_header({**good, "types": {"source": [0, 1], "industry": [1, 3]}}, "k", 100)
    for types in (
        {"source": [1, 3], "industry": [0, 1]},  # out of file order
        {"source": [0, 2], "industry": [1, 3]},  # overlapping
        {"source": [0, 1], "industry": [1, 2]},  # not covering the records
        {"source": [0, 1], "planet": [1, 3]},  # an unknown type
        {"source": [0, "1"], "industry": ["1", 3]},
    ):
        assert not store._valid_header({**good, "types": types}, "k", 100), types
    assert not store._valid_header({**good, "types": {"source": [0, 3]}, "sections": {"a": [90, 20, 1]}}, "k", 100)
    assert not store._valid_header({**good, "types": {"source": [0, 3]}}, "other key", 100)


def test_a_record_stored_under_another_type_is_caught(private_cache: Path) -> None:
    load(SAMPLE)
    [file] = _cache_files(private_cache)
    opened = store.Store.open(file.stem)
    assert opened is not None
    try:
        opened.types["industry"], opened.types["source"] = opened.types["source"], opened.types["industry"]
        with pytest.raises(store.CacheDamagedError):
            opened.record(0)
    finally:
        opened.close()
