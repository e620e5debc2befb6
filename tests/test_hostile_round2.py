"""Hostile input and faults, round two: a cache others can touch, device targets, resource limits,
signals, odd names (issue 14). Each case runs in its own temporary folders; root-only cases skip
when not root."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from srfacts.core.errors import KnowledgeFileError
from srfacts.export import sqlite as sqlite_export
from srfacts.export.target import NotRegularFileError, atomic, check_replaceable
from srfacts.store import compiled
from srfacts.store import folder as cache
from srfacts.store.loader import load, open_store
from tests.hostile_support import assert_clean, environment, shell, srfacts

pytestmark = pytest.mark.slow  # hostile input and faults: the command in a subprocess or a shell per case

ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown)")
OTHER_UID = 65534  # nobody
SAMPLE = Path(__file__).parent / "fixtures" / "sample.yaml"


def _entries(base: Path) -> list[Path]:
    return sorted((base / "srfacts").glob(f"*.{cache.SUFFIX}"))


# 1, 14. Export targets: only a regular file is replaced; a directory is named as one.


def test_a_device_or_pipe_target_is_refused_not_replaced(tmp_path: Path) -> None:
    check_replaceable(tmp_path / "missing.db")  # nothing there: fine
    with pytest.raises(NotRegularFileError, match="not a regular file"):
        check_replaceable(Path(os.devnull))  # checked only: nothing is written
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = srfacts("export", "--force", str(pipe), cache=tmp_path / "cache")
    assert_clean(done, 2)
    assert "not a regular file" in done.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "pipe"]  # no temporary file left


def test_a_directory_target_is_said_to_be_one(tmp_path: Path) -> None:
    target = tmp_path / "a folder"
    target.mkdir()
    done = srfacts("export", "--force", str(target), cache=tmp_path / "cache")
    assert_clean(done, 2)
    assert f"cannot write {target}: it is a directory" in done.stderr
    assert list(target.iterdir()) == []


def test_the_target_is_checked_again_before_the_move(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    with pytest.raises(NotRegularFileError), atomic(target) as temporary:
        Path(temporary).write_text("x")
        target.mkdir()  # something else took the name meanwhile
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


# 3. Resources run out: clear messages, documented codes, nothing left behind.


def test_a_failed_sqlite_export_leaves_no_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load(SAMPLE, use_cache=False)

    def full(connection: sqlite3.Connection, tables: object) -> None:
        connection.execute("CREATE TABLE t (x)")
        connection.execute("BEGIN")
        connection.execute("INSERT INTO t VALUES (1)")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_export, "_fill", full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(sqlite3.OperationalError):
        sqlite_export.write_sqlite(kb, out / "facts.db")
    assert list(out.iterdir()) == []


def test_a_sqlite_export_over_the_file_size_limit_is_exit_2(tmp_path: Path) -> None:
    done = shell(f"cd {tmp_path} && ulimit -f 40 && $SRFACTS export --format sqlite out.db", cache=tmp_path / "c")
    assert_clean(done, 2)
    assert "cannot write" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "c") == []


@pytest.mark.parametrize("args", [["--help"], ["industries", "--help"], ["--show-completion", "bash"]])
@pytest.mark.usefixtures("english")
def test_help_to_a_full_disk_is_exit_2(tmp_path: Path, args: list[str]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "srfacts", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            env=environment(tmp_path),
            timeout=60,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert b"cannot write the output" in done.stderr
    assert b"Traceback" not in done.stderr


# 9. A closed stdout is exit 2 for help as for data.


@pytest.mark.parametrize("args", ["--help", "industries --help", "--version", "--show-completion bash", "industries"])
def test_a_closed_stdout_is_exit_2_for_help_too(tmp_path: Path, args: str) -> None:
    done = shell(f"$SRFACTS {args} >&-", cache=tmp_path)
    assert_clean(done, 2)
    assert "cannot write the output" in done.stderr


# 8. Ctrl-C while the modules are imported.


def test_sigint_during_start_up_imports_is_130(tmp_path: Path) -> None:
    code = (
        "import importlib.abc, os, signal, sys\n"
        "class Interrupt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['srfacts', '--version']\n"
        "from srfacts.cli import console\n"
        "console()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=environment(tmp_path), timeout=60, check=False
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.decode() == "srfacts: interrupted\n"


# 12. --data ''.


def test_an_empty_data_path_is_a_usage_error(tmp_path: Path) -> None:
    done = srfacts("--data", "", "industries", cache=tmp_path)
    assert_clean(done, 2)
    assert "--data" in done.stderr
    assert done.stdout == ""


# 13. A newline in an echoed name cannot fake a second line.


def test_a_newline_in_a_name_is_escaped(tmp_path: Path) -> None:
    target = tmp_path / "x\nsrfacts: all is well"
    target.mkdir()
    done = srfacts("export", "--force", str(target), cache=tmp_path / "cache")
    assert_clean(done, 2)
    assert done.stderr.count("\n") == 1, done.stderr
    assert "x\\nsrfacts: all is well" in done.stderr


def test_a_newline_in_a_knowledge_file_name_is_escaped(tmp_path: Path) -> None:
    done = srfacts("--data", str(tmp_path / "no\nSR000 fine"), "industries", cache=tmp_path / "cache")
    assert_clean(done, 3)
    assert done.stderr.count("\n") == 1, done.stderr


# 2. Odd files in the cache.


def test_a_fifo_as_the_cache_file_does_not_hang(tmp_path: Path) -> None:
    assert srfacts("--data", str(SAMPLE), "industries", cache=tmp_path).returncode == 0
    (entry,) = _entries(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    done = srfacts("--data", str(SAMPLE), "industries", cache=tmp_path, timeout=30)
    assert_clean(done, 0)
    assert done.stdout


def test_a_fifo_or_device_as_a_key_note_is_not_read(private_cache: Path) -> None:
    assert load(SAMPLE).cache_key
    notes = list((private_cache / "srfacts" / "keys").glob("*.key"))
    assert len(notes) == 1
    for odd in ("fifo", "zero"):
        notes[0].unlink()
        if odd == "fifo":
            os.mkfifo(notes[0])
        else:
            notes[0].symlink_to("/dev/zero")
        info = os.stat(SAMPLE)
        signature = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        assert cache.known_key(SAMPLE.resolve(), signature) is None
        assert load(SAMPLE).cache_key


def test_reads_are_capped(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 100)
    big.chmod(0o600)
    assert cache.read_small(big, 100) == b"x" * 100
    assert cache.read_small(big, 99) is None


# 4. Cache trust.


def test_a_folder_others_may_write_is_not_used(private_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = private_cache / "srfacts"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    load(SAMPLE)
    load(SAMPLE)
    assert list(folder.iterdir()) == []
    assert open_store(SAMPLE) is None
    said = capsys.readouterr().err
    assert said.count("not using the cache") == 1, said
    assert not cache.info()["writable"]


def test_a_planted_file_others_may_write_is_not_trusted(private_cache: Path) -> None:
    kb = load(SAMPLE)
    (entry,) = _entries(private_cache)
    entry.chmod(0o666)
    assert compiled.Store.open(kb.cache_key or "") is None
    entry.chmod(0o600)
    store = compiled.Store.open(kb.cache_key or "")
    assert store is not None
    store.close()


@ROOT_ONLY
def test_a_file_of_another_user_is_not_trusted(private_cache: Path) -> None:
    kb = load(SAMPLE)
    (entry,) = _entries(private_cache)
    os.chown(entry, OTHER_UID, OTHER_UID)
    assert compiled.Store.open(kb.cache_key or "") is None
    assert load(SAMPLE).cache_key == kb.cache_key  # compiled anew, in place of the planted file
    assert entry.stat().st_uid == os.geteuid()


@ROOT_ONLY
def test_a_folder_of_another_user_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, OTHER_UID, OTHER_UID)
    base = tmp_path / "base"
    base.mkdir()
    (base / "srfacts").symlink_to(theirs)
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    load(SAMPLE)
    assert list(theirs.iterdir()) == []
    assert cache.clear() == 0


@ROOT_ONLY
def test_a_shared_sticky_cache_folder_with_a_planted_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "srfacts"
    planted.mkdir(mode=0o755)
    os.chown(planted, OTHER_UID, OTHER_UID)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    assert load(SAMPLE).records
    assert list(planted.iterdir()) == []


def test_a_sticky_shared_folder_is_fine_when_the_cache_folder_is_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    load(SAMPLE)
    assert len(_entries(shared)) == 1


# 6. An unset or empty HOME is no home (unset: not the password file's home either).


@pytest.mark.parametrize("home", [None, "", "relative"])
def test_an_unset_empty_or_relative_home_means_no_cache(monkeypatch: pytest.MonkeyPatch, home: str | None) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    if home is None:
        monkeypatch.delenv("HOME")
    else:
        monkeypatch.setenv("HOME", home)
    assert str(cache.cache_dir()).startswith(os.devnull)
    assert not cache.writable()
    assert load(SAMPLE).records


# 7. Interrupted writes leave nothing; stale temporary files are pruned.


def test_an_interrupted_cache_write_leaves_nothing(private_cache: Path) -> None:
    def fill(path: Path) -> None:
        path.write_bytes(b"x" * 100_000)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.atomic_write("a" * 40, cache.SUFFIX, fill)
    assert list((private_cache / "srfacts").iterdir()) == []


def test_sigterm_during_a_cache_write_leaves_nothing(private_cache: Path) -> None:
    import signal

    def fill(path: Path) -> None:
        path.write_bytes(b"x" * 100_000)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    with pytest.raises(SystemExit) as ended:
        cache.atomic_write("a" * 40, cache.SUFFIX, fill)
    assert ended.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert list((private_cache / "srfacts").iterdir()) == []


def test_stale_temporary_files_are_pruned(private_cache: Path) -> None:
    folder = private_cache / "srfacts"
    (folder / "keys").mkdir(parents=True)
    stale = [folder / f".{'b' * 40}.abc_123.tmp", folder / "keys" / f".{'c' * 16}.key.xyz.tmp"]
    fresh = folder / f".{'d' * 40}.k9.tmp"
    other = folder / f".{'e' * 40}.notes.txt"
    for file in [*stale, fresh, other]:
        file.write_bytes(b"x")
    old = time.time() - 2 * cache.STALE
    for file in [*stale, other]:
        os.utime(file, (old, old))
    load(SAMPLE)
    assert [f.exists() for f in stale] == [False, False]
    assert fresh.exists() and other.exists()


# 11. cache clear removes only what srfacts writes.


def test_cache_clear_removes_only_its_own_names(private_cache: Path) -> None:
    load(SAMPLE)
    folder = private_cache / "srfacts"
    theirs = [folder / f"{'f' * 40}.txt", folder / f"{'f' * 40}.json", folder / "keys" / f"{'f' * 40}.txt"]
    theirs += [folder / f"{'f' * 40}.pack.bak", folder / "keys" / f"{'f' * 40}.pack"]
    for file in theirs:
        file.write_text("keep me")
    assert cache.clear() == 1
    assert all(f.exists() for f in theirs)
    assert _entries(private_cache) == []
    assert list((folder / "keys").glob("*.key")) == []


# 10. The depth cap applies to a warm cache as to a cold compile.


def test_the_depth_cap_applies_to_a_warm_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load(SAMPLE)
    store = compiled.Store.open(kb.cache_key or "")
    assert store is not None
    depth = store.meta["depth"]
    store.close()
    assert 1 < depth <= 8
    monkeypatch.setenv("SRFACTS_MAX_DEPTH", str(depth - 1))
    with pytest.raises(KnowledgeFileError) as warm:
        load(SAMPLE)
    assert warm.value.problems[0].code == "SR009"
    with pytest.raises(KnowledgeFileError):
        open_store(SAMPLE)
    monkeypatch.setenv("SRFACTS_MAX_DEPTH", str(depth))
    assert load(SAMPLE).records


def test_the_depth_cap_applies_to_a_warm_cache_on_the_command_line(tmp_path: Path) -> None:
    assert srfacts("--data", str(SAMPLE), "search", "x", cache=tmp_path).returncode in (0, 1)
    env = environment(tmp_path, SRFACTS_MAX_DEPTH="2")
    for args in (["industries"], ["search", "x"]):
        done = srfacts("--data", str(SAMPLE), *args, cache=tmp_path, env=env)
        assert_clean(done, 3)
        assert "SR009" in done.stderr
