"""A hostile or unusual environment: locale, colour and width settings, home and cache folders,
closed or full standard streams. Each case still works (same output as usual) or ends cleanly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_support import SAMPLE, assert_clean, assert_no_leak, environment, on_terminal, shell, srfacts

pytestmark = pytest.mark.slow  # hostile environments: the command in a subprocess per case

CHECKS = [
    ["industries", "--json"],
    ["search", "光伏", "--json"],
    ["show", "jinko-solar", "--json"],
    ["industries"],
    ["claims", "--format", "csv"],
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder shared by the tests that are not about the cache."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture(scope="module")
def baseline(shared: Path) -> dict[str, bytes]:
    cache = shared
    out = {}
    for args in CHECKS:
        done = srfacts("--data", str(SAMPLE), *args, cache=cache)
        assert_clean(done, 0)
        out[" ".join(args)] = done.raw_stdout
    return out


def _same_as_usual(
    env: dict[str, str], baseline: dict[str, bytes], cache: Path, checks: list[list[str]] = CHECKS
) -> None:
    for args in checks:
        if env.get("SRFACTS_NO_CHINESE_ARGUMENTS") and not all(a.isascii() for a in args):
            continue
        done = srfacts("--data", str(SAMPLE), *args, env=env, cache=cache)
        assert_clean(done, 0)
        assert done.raw_stdout == baseline[" ".join(args)], (args, done.stdout[:300])
        assert done.stderr == "", done.stderr


LOCALES = {
    "LC_ALL=C": {"LC_ALL": "C", "LANG": None, "LC_CTYPE": None},
    "LC_ALL=POSIX": {"LC_ALL": "POSIX", "LANG": None, "LC_CTYPE": None},
    "no locale at all": {"LC_ALL": None, "LANG": None, "LC_CTYPE": None},
    "C without UTF-8 mode": {"LC_ALL": "C", "LANG": None, "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1"},
    "PYTHONIOENCODING=utf-16": {"PYTHONIOENCODING": "utf-16"},
    "unknown locale": {"LC_ALL": "xx_YY.NOPE", "LANG": "xx_YY.NOPE"},
}


@pytest.mark.parametrize("name", sorted(LOCALES))
def test_chinese_output_survives_any_locale(name: str, baseline: dict[str, bytes], shared: Path) -> None:
    """Data leaves as UTF-8 whatever the locale says."""
    env = environment(shared, **LOCALES[name])
    if name == "C without UTF-8 mode":  # Python decodes the arguments as ASCII: 光伏 cannot be searched for
        env["SRFACTS_NO_CHINESE_ARGUMENTS"] = "1"
    _same_as_usual(env, baseline, shared)


@pytest.mark.parametrize("name", sorted(LOCALES))
def test_chinese_arguments_in_any_locale(name: str, shared: Path) -> None:
    env = environment(shared, **LOCALES[name])
    done = srfacts("--data", str(SAMPLE), "search", "光伏", "--json", env=env, cache=shared)
    if name == "C without UTF-8 mode":  # undecodable arguments: nothing found, said cleanly
        assert_clean(done, 1)
        return
    assert_clean(done, 0)
    assert any(hit["id"] == "photovoltaic-new-energy" for hit in json.loads(done.raw_stdout.decode("utf-8")))
    found = srfacts("--data", str(SAMPLE), "show", "光伏", env=env, cache=shared)  # an alias (issue 13)
    assert_clean(found, 0)
    missing = srfacts("--data", str(SAMPLE), "show", "没有这个", env=env, cache=shared)
    assert_clean(missing, 1)


DISPLAY = {
    "NO_COLOR": {"NO_COLOR": "1"},
    "TERM=dumb": {"TERM": "dumb"},
    "TERM unset": {"TERM": None},
    "FORCE_COLOR=0": {"FORCE_COLOR": "0"},
    "FORCE_COLOR=1": {"FORCE_COLOR": "1"},
    "CLICOLOR_FORCE=1": {"CLICOLOR_FORCE": "1"},
    "COLUMNS=20": {"COLUMNS": "20"},
    "COLUMNS=1": {"COLUMNS": "1"},
    "COLUMNS=abc": {"COLUMNS": "abc"},
    "COLUMNS=-5": {"COLUMNS": "-5"},
    "COLUMNS huge": {"COLUMNS": "99999999999999999999", "LINES": "-1"},
}


@pytest.mark.parametrize("name", sorted(DISPLAY))
def test_piped_output_ignores_display_settings(name: str, baseline: dict[str, bytes], shared: Path) -> None:
    """Piped, nothing is coloured, cut or wrapped whatever the environment says of the terminal."""
    checks = [["industries"], ["claims", "--format", "csv"]]
    _same_as_usual(environment(shared, **DISPLAY[name]), baseline, shared, checks)


@pytest.mark.parametrize("columns", [1, 20, 40])
@pytest.mark.parametrize(
    "args", [["industries"], ["search", "光伏"], ["show", "jinko-solar"], ["claims"], ["timeline"]]
)
def test_a_narrow_terminal_wraps_and_loses_nothing(args: list[str], columns: int, shared: Path) -> None:
    env = environment(shared, TERM="xterm-256color", SRFACTS_PAGER="")  # what srfacts draws, without less
    code, out, err = on_terminal("--data", str(SAMPLE), *args, env=env, columns=columns)
    assert code == 0, err
    assert_no_leak(out, "terminal")
    if args[0] == "industries":  # too narrow for columns: the values are written whole, the terminal wraps them
        for name in ("photovoltaic-new-energy", "光伏新能源", "Photovoltaic new energy"):
            assert name in out


@pytest.mark.parametrize("columns", [80, 120, 300])
def test_a_wide_terminal_draws_a_table_with_every_value(columns: int, shared: Path) -> None:
    env = environment(shared, TERM="xterm-256color", NO_COLOR="1")
    code, out, _ = on_terminal("--data", str(SAMPLE), "industries", env=env, columns=columns)
    assert code == 0
    names = ("photovoltaic-new-energy", "光伏新能源", "生物医药") if columns > 100 else ("汽车", "生物医药")
    for name in names:  # (on 80 columns the long ones are folded over several lines)
        assert name in out
    assert max(len(line) for line in out.splitlines()) <= columns


# ---------------------------------------------------------------------------------------------
# Home and cache folders


def _homes(tmp_path: Path) -> dict[str, dict[str, str | None]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "HOME unset": {"HOME": None, "XDG_CACHE_HOME": None},
        "HOME missing": {"HOME": str(tmp_path / "gone" / "home"), "XDG_CACHE_HOME": None},
        "HOME a file": {"HOME": str(a_file), "XDG_CACHE_HOME": None},
        "HOME empty": {"HOME": "", "XDG_CACHE_HOME": None},
        "cache a file": {"XDG_CACHE_HOME": str(a_file)},
        "cache under a file": {"XDG_CACHE_HOME": str(a_file / "below")},
        "cache /dev/null": {"XDG_CACHE_HOME": os.devnull},
        "cache in /proc": {"XDG_CACHE_HOME": "/proc/self/srfacts-cannot-be-here"},
        "cache relative": {"XDG_CACHE_HOME": "relative/cache"},
        "cache empty": {"XDG_CACHE_HOME": "", "HOME": str(tmp_path / "home")},
    }


@pytest.mark.parametrize(
    "name",
    ["HOME unset", "HOME missing", "HOME a file", "HOME empty", "cache a file", "cache under a file",
     "cache /dev/null", "cache in /proc", "cache relative", "cache empty"],
)  # fmt: skip
def test_an_unusable_home_or_cache_changes_nothing(name: str, baseline: dict[str, bytes], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = environment(tmp_path, **_homes(tmp_path)[name])
    for _ in range(2):  # a cold and a warm run give the same
        for args in (CHECKS[0], CHECKS[1], CHECKS[3]):
            done = subprocess.run(
                [*_python(), "--data", str(SAMPLE), *args], capture_output=True, env=env, cwd=work, timeout=60
            )
            assert done.returncode == 0, done.stderr.decode()[-2000:]
            assert done.stdout == baseline[" ".join(args)]
            assert done.stderr == b""
    assert not (tmp_path / "gone").exists(), "a missing home was created"
    assert list(work.iterdir()) == [], "a cache was written in the working folder"
    info = srfacts("cache", "info", "--json", env=env, cache=tmp_path)
    assert_clean(info, 0)
    cleared = srfacts("cache", "clear", env=env, cache=tmp_path)
    assert_clean(cleared, 0)


def _python() -> list[str]:
    import sys

    return [sys.executable, "-m", "srfacts"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes whatever the folder's mode")
def test_an_unwritable_cache_folder_is_skipped(baseline: dict[str, bytes], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        _same_as_usual(environment(locked), baseline, locked)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, baseline: dict[str, bytes]
) -> None:
    """In process, every write into the cache fails (as in a read-only or full folder)."""
    import tempfile

    from typer.testing import CliRunner

    from srfacts.cli.app import app

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for args in CHECKS[:3]:
        result = CliRunner().invoke(app, ["--data", str(SAMPLE), *args])
        assert result.exit_code == 0, result.output
        assert result.stdout.encode() == baseline[" ".join(args)]


def test_a_damaged_cache_is_ignored(tmp_path: Path, baseline: dict[str, bytes]) -> None:
    cache = tmp_path / "cache"
    assert_clean(srfacts("--data", str(SAMPLE), "industries", cache=cache), 0)
    entries = [p for p in (cache / "srfacts").rglob("*") if p.is_file()]
    assert entries
    for entry in entries:  # truncated, garbage, or hostile JSON
        entry.write_bytes(b'{"key": "\x1b[31m", "payload": [[[[' + b"\xff" * 100)
    _same_as_usual(environment(cache), baseline, cache)


def test_cache_clear_removes_only_its_own_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = cache / "srfacts"
    folder.mkdir(parents=True)
    mine = folder / "facts.json"  # a file of the user's that happens to sit there
    mine.write_text("{}")
    (folder / "keys").mkdir()
    (folder / "keys" / "notes.yaml").write_text("x")
    assert_clean(srfacts("--data", str(SAMPLE), "industries", cache=cache), 0)
    assert_clean(srfacts("cache", "clear", cache=cache), 0)
    assert mine.read_text() == "{}" and (folder / "keys" / "notes.yaml").exists()
    assert [p.name for p in folder.iterdir() if p.name.endswith(".sqlite")] == []


def test_cache_info_survives_a_dangling_link(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "srfacts").mkdir(parents=True)
    (cache / "srfacts" / ("0" * 40 + ".sqlite")).symlink_to(tmp_path / "nowhere")
    assert_clean(srfacts("cache", "info", cache=cache), 0)
    assert_clean(srfacts("cache", "clear", cache=cache), 0)


# ---------------------------------------------------------------------------------------------
# Standard streams


@pytest.mark.parametrize(
    "args",
    [["industries"], ["metrics", "--format", "jsonl"], ["search", "光伏"], ["show", "jinko-solar"], ["export", "-"]],
)
@pytest.mark.parametrize("reader", ["head -c 10", "true"])
def test_stdout_closed_early_ends_quietly(args: list[str], reader: str, shared: Path) -> None:
    command = " ".join(f"'{a}'" for a in args)
    for data in ([], ["--data", str(SAMPLE)]):  # the bundled file has enough records to fill a pipe
        prefix = " ".join(f"'{a}'" for a in data)
        done = shell(f"$SRFACTS {prefix} {command} | {reader}", cache=shared)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", done.stderr


@pytest.mark.parametrize("args", [["industries"], ["claims", "--json"], ["--version"], ["search", "光伏"]])
def test_stdout_closed_gives_a_clear_error(args: list[str], shared: Path) -> None:
    command = " ".join(f"'{a}'" for a in args)
    done = shell(f"$SRFACTS --data '{SAMPLE}' {command} >&-", cache=shared)
    assert_clean(done, 2)
    assert "cannot write the output" in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["industries"], ["metrics", "--json"], ["export", "-"]])
def test_a_full_disk_gives_a_clear_error(args: list[str], shared: Path) -> None:
    command = " ".join(f"'{a}'" for a in args)
    done = shell(f"$SRFACTS {command} > /dev/full", cache=shared)
    assert_clean(done, 2)
    assert "cannot write the output" in done.stderr and "No space" in done.stderr


def test_stdout_closed_keeps_the_status_of_what_is_not_output(tmp_path: Path) -> None:
    done = shell(f"$SRFACTS --data '{SAMPLE}' show nope >&-", cache=tmp_path)
    assert_clean(done, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [")
    done = shell(f"$SRFACTS --data '{bad}' industries >&-", cache=tmp_path)
    assert_clean(done, 3)


@pytest.mark.parametrize(("args", "code"), [(["show", "nope"], 1), (["industries", "--nope"], 2), (["industries"], 0)])
def test_stderr_closed_keeps_the_exit_status(args: list[str], code: int, tmp_path: Path) -> None:
    command = " ".join(f"'{a}'" for a in args)
    done = shell(f"$SRFACTS --data '{SAMPLE}' {command} 2>&-", cache=tmp_path)
    assert done.returncode == code
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [")
    assert shell(f"$SRFACTS --data '{bad}' industries 2>&-", cache=tmp_path).returncode == 3


def test_stderr_closed_early_ends_quietly(shared: Path) -> None:
    done = shell(f"$SRFACTS --data '{SAMPLE}' show nope 2>&1 >/dev/null | head -c 3", cache=shared)
    assert done.returncode in (0, 1)


@pytest.mark.parametrize("stdin", ["<&-", "< /dev/null", "<<< 'text on stdin'", "| cat"])
def test_stdin_absent_or_closed_is_never_read(stdin: str, shared: Path) -> None:
    line = f"$SRFACTS --data '{SAMPLE}' industries --json {stdin}"
    if stdin.startswith("|"):
        line = f"true | $SRFACTS --data '{SAMPLE}' industries --json {stdin}"
    done = shell(line, cache=shared)
    assert_clean(done, 0)
    assert json.loads(done.stdout)


def test_stdin_an_open_terminal_is_never_read(shared: Path) -> None:
    env = environment(shared)
    code, out, _ = on_terminal("--data", str(SAMPLE), "search", "光伏", env=env)
    assert code == 0 and "光伏新能源" in re.sub(r"\x1b\[[0-9;]*m", "", out)  # matches are highlighted


@pytest.mark.usefixtures("private_cache")
@pytest.mark.usefixtures("english")
def test_interrupt_ends_with_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import srfacts.store.loader
    from srfacts.cli.app import app

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(srfacts.store.loader, "read_bytes", interrupted)
    result = CliRunner().invoke(app, ["--data", str(SAMPLE), "industries"])
    assert result.exit_code == 130 and "interrupted" in result.stderr


@pytest.mark.parametrize(
    "args", [["show", "jinko-solar"], ["industries"], ["search", "光伏"], ["validate", "--source", "."]]
)
def test_a_deleted_working_folder(args: list[str], tmp_path: Path, shared: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    command = " ".join(f"'{a}'" for a in args)
    done = shell(f"cd '{gone}' && rmdir '{gone}' && $SRFACTS --data '{SAMPLE}' {command}", cache=shared)
    assert_clean(done, 0, 3)


@pytest.mark.parametrize(("args", "code"), [(["show", "nope"], 1), (["industries", "--nope"], 2), (["industries"], 0)])
def test_exit_handlers_run_and_the_status_is_kept(args: list[str], code: int, shared: Path) -> None:
    """srfacts skips the interpreter's teardown only when nothing is registered to run at exit."""
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
        f"sys.argv = ['srfacts', '--data', {str(SAMPLE)!r}, *{args!r}]\n"
        "from srfacts.cli.app import console\n"
        "console()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=environment(shared), timeout=120
    )
    assert done.returncode == code
    assert done.stderr.endswith("handler ran\n")


def test_large_output_is_flushed_before_the_fast_exit(shared: Path) -> None:
    whole = srfacts("--data", str(SAMPLE), "export", "--format", "json", "-", cache=shared)
    assert_clean(whole, 0)
    assert json.loads(whole.stdout)
    piped = shell(f"$SRFACTS --data '{SAMPLE}' export --format json - | cat", cache=shared)
    assert piped.raw_stdout == whole.raw_stdout


def test_main_can_be_called_from_other_python_code(shared: Path) -> None:
    """``srfacts.cli.app.main`` raises SystemExit like any command line; only the command ends at once."""
    program = (
        "import sys\n"
        f"sys.argv = ['srfacts', '--data', {str(SAMPLE)!r}, 'show', 'nope']\n"
        "from srfacts.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n    print('went on after exit status', done.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=environment(shared), timeout=120
    )
    assert done.returncode == 0 and done.stdout == "went on after exit status 1\n"


# ---------------------------------------------------------------------------------------------
# The quick exit steps aside for whatever still wants the interpreter at exit


def test_a_profiler_writes_its_report(tmp_path: Path) -> None:
    """``python -m cProfile -o OUT -m srfacts ...`` gets OUT: the profiler writes it after the command ends."""
    out = tmp_path / "out.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "srfacts", "industries"],
        capture_output=True,
        env=environment(tmp_path),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert out.is_file() and out.stat().st_size > 0
    import pstats

    assert pstats.Stats(str(out)).total_calls > 0  # type: ignore[attr-defined]


def test_python_i_reaches_its_prompt(shared: Path) -> None:
    """``python -i -m srfacts ...`` ends at the interactive prompt (here reading the end of stdin), not before it."""
    done = subprocess.run(
        [sys.executable, "-i", "-m", "srfacts", "--data", str(SAMPLE), "industries", "--json"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=environment(shared),
        timeout=120,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)
    assert done.stderr.rstrip().endswith(b">>>")


@pytest.mark.parametrize("guard", ["profiler", "tracer", "inspect", "dev mode", "warnings"])
def test_the_quick_exit_steps_aside(guard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import atexit
    import threading
    from types import SimpleNamespace

    from srfacts.cli import entry

    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)  # as in a plain run: no handler, no other thread
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    flags = SimpleNamespace(inspect=0, dev_mode=False)
    monkeypatch.setattr(sys, "flags", flags)
    monkeypatch.setattr(sys, "warnoptions", [])
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(entry, "_monitored", lambda: False)
    assert entry._teardown_wanted() is False
    if guard == "profiler":
        monkeypatch.setattr(sys, "getprofile", lambda: print)
    elif guard == "tracer":
        monkeypatch.setattr(sys, "gettrace", lambda: print)
    elif guard == "inspect":
        flags.inspect = 1
    elif guard == "dev mode":
        flags.dev_mode = True
    else:
        monkeypatch.setattr(sys, "warnoptions", ["error::ResourceWarning"])
    assert entry._teardown_wanted() is True


@pytest.mark.parametrize("args", [["search", "光伏"], ["industries"]])
def test_the_compiled_store_is_closed(args: list[str], tmp_path: Path) -> None:
    """No ResourceWarning under ``python -X dev`` (which also takes the normal exit, so the teardown shows
    every file left open), from a cold cache and from a warm one."""
    for run in ("cold", "warm"):
        done = subprocess.run(
            [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-m", "srfacts", *args],
            capture_output=True,
            env=environment(tmp_path),
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 0, (run, done.stderr.decode()[-2000:])
        assert b"ResourceWarning" not in done.stderr and b"Exception ignored" not in done.stderr, run
        assert done.stderr == b"", (run, done.stderr.decode()[-2000:])


def test_only_the_command_asked_for_is_imported(shared: Path) -> None:
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted(m for m in sys.modules if m.startswith('srfacts.cli')))))\n"
        f"sys.argv = ['srfacts', '--data', {str(SAMPLE)!r}, 'search', '光伏', '--json']\n"
        "from srfacts.cli import console\n"
        "console()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=environment(shared), timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1].split()
    assert "srfacts.cli.lookup" in loaded
    assert "srfacts.cli.listings" not in loaded and "srfacts.cli.tools" not in loaded
