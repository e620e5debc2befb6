"""Find the knowledge file and read it safely: the bundled file or the one asked for, a size
cap (``SRFACTS_MAX_BYTES``), a file that changes or is swapped for a pipe while it is read,
and text that must be UTF-8.
"""

import os
from pathlib import Path

from srfacts.core.errors import KnowledgeFileError, Problem

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 5x what 100,000 records need (about 40 MB)
DEFAULT_MAX_DEPTH = 32  # the knowledge file needs 4


def _limit(name: str, default: int) -> int:
    """A positive whole number from the environment; anything else (text, ², 0, 10^5000) is the default."""
    raw = os.environ.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return default
    return int(raw) or default


def max_bytes() -> int:
    """The size cap in bytes (``SRFACTS_MAX_BYTES``, default 200 MiB)."""
    return _limit("SRFACTS_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_depth() -> int:
    """The nesting cap (``SRFACTS_MAX_DEPTH``, default 32)."""
    return _limit("SRFACTS_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def bundled_data_path() -> Path:
    """The curated file: packaged in the wheel, else ``data/facts.yaml`` of the checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "facts.yaml"  # where the wheel puts it (force-include)
    return packaged if packaged.is_file() else here.parents[2] / "data" / "facts.yaml"


def resolve_data_path(option: str | None) -> Path:
    """The knowledge file to read: ``--data``, else ``SRFACTS_DATA``, else the bundled file.

    An empty ``option`` names no file (SR001), never the bundled one; an empty ``SRFACTS_DATA`` is unset."""
    if option == "":
        raise fail("''", "SR001", "no file named (an empty path)")
    chosen = option if option is not None else os.environ.get("SRFACTS_DATA") or None
    return Path(chosen) if chosen else bundled_data_path()


def read_bytes(path: Path) -> bytes:
    """Read a knowledge file's bytes, refusing what is missing, not a file or too large.

    The file is opened first and what was opened is checked (so a path swapped for a named
    pipe cannot block the read), and read again if it changed while it was read: the bytes
    returned are one state of the file, never half of an edit.
    """
    where = str(path)
    cap = max_bytes()
    for _ in range(_READS):
        data, changed = _read_once(path, where, cap)
        if not changed:
            return data
    raise fail(where, "SR001", "cannot read: the file changed while it was read, again and again; try again")


_READS = 3  # attempts to read a file that is being written


def _read_once(path: Path, where: str, cap: int) -> tuple[bytes, bool]:
    """The file's bytes and whether it changed while they were read."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise fail(where, "SR001", "no such file") from None
    except IsADirectoryError:
        raise fail(where, "SR002", "is a directory, not a knowledge file") from None
    except (OSError, ValueError) as exc:
        raise fail(where, "SR001", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        before = os.fstat(fd)
        if stat.S_ISDIR(before.st_mode):
            raise fail(where, "SR002", "is a directory, not a knowledge file")
        if not stat.S_ISREG(before.st_mode):
            raise fail(where, "SR002", "is not a regular file (a pipe, a device ...)")
        if before.st_size > cap:
            raise fail(where, "SR004", f"{before.st_size} bytes is over the cap of {cap} (SRFACTS_MAX_BYTES)")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise fail(where, "SR001", f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise fail(where, "SR004", f"over the cap of {cap} bytes (SRFACTS_MAX_BYTES)")
    changed = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or after.st_size != size
    return b"".join(chunks), changed


_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode(data: bytes, where: str) -> str:
    """Decode UTF-8 (a byte-order mark is allowed), naming where decoding failed."""
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            raise fail(where, "SR003", f"the file is {name} text (byte-order mark); save it as UTF-8", 1, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(where, "SR003", f"byte 0x{data[exc.start]:02x} is not UTF-8", line, column) from None


def fail(where: str, code: str, message: str, line: int | None = None, column: int | None = None) -> KnowledgeFileError:
    return KnowledgeFileError([Problem(code, message, where, line, column)])
