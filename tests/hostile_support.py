"""Helpers of the hostile-input suites: run the real command, check it ended cleanly, spot leaks.

Every case runs ``python -m srfacts`` in a subprocess with its own cache folder and a timeout,
so a hang fails the test instead of blocking the run.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).parent
HOSTILE = TESTS / "fixtures" / "hostile"
EVERY_FIELD = HOSTILE / "every-field.yaml"
SAMPLE = TESTS / "fixtures" / "sample.yaml"


def _bundled() -> Path:
    from srfacts.data.files import bundled_data_path

    return bundled_data_path()


ROOT_DATA = _bundled()  # the knowledge file srfacts reads without --data

EXIT_CODES = {0, 1, 2, 3, 130}
TIMEOUT = 60

# What must never reach a terminal from data or arguments: C0 controls but newline, DEL, C1
# controls, bidi embeddings, overrides, isolates and marks, zero-width characters, line and
# paragraph separators, the byte-order mark, (assigned) tag characters and lone surrogates.
LEAK = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\U000e0001\U000e0020-\U000e007f\ud800-\udfff]"
)
# The only escape sequences srfacts itself writes on a colour terminal: Rich's bold, reverse, reset and
# the charts' cyan. The hostile fixtures use none of these, so a leak of theirs cannot hide among them.
OWN_STYLES = re.compile(r"\x1b\[(?:[017]|22|27|36)(?:;(?:[017]|22|27|36))*m")


@dataclass
class Done:
    """What a run left: exit status, stdout and stderr (decoded, undecodable bytes escaped)."""

    returncode: int
    stdout: str
    stderr: str
    raw_stdout: bytes
    raw_stderr: bytes

    @classmethod
    def of(cls, done: subprocess.CompletedProcess[bytes]) -> Done:
        """What a finished process left (undecodable bytes escaped in the text)."""
        return cls(
            done.returncode,
            done.stdout.decode("utf-8", "backslashreplace"),
            done.stderr.decode("utf-8", "backslashreplace"),
            done.stdout,
            done.stderr,
        )


def environment(cache: Path, **changes: str | None) -> dict[str, str]:
    """The test's environment with its own cache folder; a value of None removes the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SRFACTS_", "PYTEST_"))}
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("NO_COLOR", None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def srfacts(
    *args: str | bytes,
    cache: Path,
    env: dict[str, str] | None = None,
    stdin: int | None = subprocess.DEVNULL,
    timeout: float = TIMEOUT,
) -> Done:
    """Run ``python -m srfacts ARGS`` and capture what it wrote."""
    done = subprocess.run(
        [sys.executable, "-m", "srfacts", *args],
        capture_output=True,
        stdin=stdin,
        env=env if env is not None else environment(cache),
        timeout=timeout,
        check=False,
    )
    return Done.of(done)


def shell(command: str, *, cache: Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Done:
    """Run a bash command line (``$SRFACTS`` is the command) with pipefail."""
    env = dict(env if env is not None else environment(cache))
    env["SRFACTS"] = f"{sys.executable} -m srfacts"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, env=env, timeout=timeout, check=False
    )
    return Done.of(done)


def assert_clean(done: Done, *codes: int) -> None:
    """Ended with an expected status (any documented one if none is given), no traceback, no leak on stderr."""
    wanted = set(codes) or EXIT_CODES
    assert done.returncode in wanted, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "Exception ignored" not in done.stderr, done.stderr[-3000:]
    assert_no_leak(done.raw_stderr.decode("utf-8", "surrogateescape"), "stderr")


def assert_no_leak(text: str, what: str = "output", *, tabs: bool = False) -> None:
    """No character a terminal could act on (Rich's own bold/reverse/reset styles allowed; TSV's tabs)."""
    text = OWN_STYLES.sub("", text)
    found = LEAK.search(text.replace("\t", " ") if tabs else text)
    assert found is None, (
        f"{what} leaks {found.group()!r} at {found.start()}: {text[max(0, found.start() - 80) :][:200]!r}"
    )


def snapshot(*paths: Path) -> dict[str, tuple[bytes, int, int, tuple[str, ...]]]:
    """Bytes, mtime, inode and the folder listing of each path: compared after a run."""
    out = {}
    for path in paths:
        info = path.stat()
        listing = tuple(sorted(p.name for p in path.parent.iterdir()))
        out[str(path)] = (path.read_bytes(), info.st_mtime_ns, info.st_ino, listing)
    return out


def on_terminal(*args: str, env: dict[str, str], columns: int = 80, timeout: float = TIMEOUT) -> tuple[int, str, str]:
    """Run the command with stdout and stdin on a pseudo-terminal of ``columns`` columns."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, max(columns, 1), 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "srfacts", *args],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**env, "COLUMNS": str(columns)},
        close_fds=True,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                process.kill()
                raise TimeoutError(f"srfacts {' '.join(args)} did not end on a terminal")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the other side is closed: everything is read
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    break
        assert process.stderr is not None
        error = process.stderr.read()
        process.wait(timeout=timeout)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    text = bytes(output).decode("utf-8", "surrogateescape").replace("\r\n", "\n")
    return process.returncode, text, error.decode("utf-8", "surrogateescape")
