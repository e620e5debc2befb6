"""Find the knowledge file and read its YAML safely and strictly.

Only plain data is read: explicit tags, anchors and aliases are refused, duplicate keys are
an error naming both lines, dates and words like ``no`` or ``on`` stay strings, and the size
and nesting depth are capped (``SRFACTS_MAX_BYTES``, ``SRFACTS_MAX_DEPTH``).
"""

import os
import re
from pathlib import Path
from typing import Any

from srfacts.errors import KnowledgeFileError, Problem

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 5x what 100,000 records need (about 40 MB)
DEFAULT_MAX_DEPTH = 32  # the knowledge file needs 4

_INT = re.compile(r"[-+]?[0-9]+\Z")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class YamlMap(dict[str, Any]):
    """A mapping that remembers the line and column of itself and of each key."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.marks: dict[str, tuple[int, int]] = {}


class YamlList(list[Any]):
    """A list that remembers the line and column of itself and of each item."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.marks: dict[int, tuple[int, int]] = {}


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
    packaged = here / "data" / "facts.yaml"  # where the wheel puts it (force-include)
    return packaged if packaged.is_file() else here.parents[1] / "data" / "facts.yaml"


def resolve_data_path(option: str | None) -> Path:
    """The knowledge file to read: ``--data``, else ``SRFACTS_DATA``, else the bundled file."""
    chosen = option or os.environ.get("SRFACTS_DATA") or None
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
    raise _fail(where, "SR001", "cannot read: the file changed while it was read, again and again; try again")


_READS = 3  # attempts to read a file that is being written


def _read_once(path: Path, where: str, cap: int) -> tuple[bytes, bool]:
    """The file's bytes and whether it changed while they were read."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _fail(where, "SR001", "no such file") from None
    except IsADirectoryError:
        raise _fail(where, "SR002", "is a directory, not a knowledge file") from None
    except (OSError, ValueError) as exc:
        raise _fail(where, "SR001", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        before = os.fstat(fd)
        if stat.S_ISDIR(before.st_mode):
            raise _fail(where, "SR002", "is a directory, not a knowledge file")
        if not stat.S_ISREG(before.st_mode):
            raise _fail(where, "SR002", "is not a regular file (a pipe, a device ...)")
        if before.st_size > cap:
            raise _fail(where, "SR004", f"{before.st_size} bytes is over the cap of {cap} (SRFACTS_MAX_BYTES)")
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
        raise _fail(where, "SR001", f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise _fail(where, "SR004", f"over the cap of {cap} bytes (SRFACTS_MAX_BYTES)")
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
            raise _fail(where, "SR003", f"the file is {name} text (byte-order mark); save it as UTF-8", 1, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(where, "SR003", f"byte 0x{data[exc.start]:02x} is not UTF-8", line, column) from None


def parse_yaml(text: str, where: str) -> YamlMap:
    """Parse one YAML document of plain data into located mappings, lists and scalars."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth_cap = max_depth()
    stack: list[YamlMap | YamlList] = []
    pending_key: list[str | None] = []
    root: Any = None
    documents = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
                continue
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(where, "SR010", "several YAML documents in one file", line, column)
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _fail(where, "SR007", f"alias *{event.anchor} refused", line, column)
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                pending_key.pop()
                root = _attach(stack, pending_key, done, done.line, done.column, where, root)
                continue
            assert isinstance(event, yaml.NodeEvent)
            if event.anchor:
                raise _fail(where, "SR007", f"anchor &{event.anchor} refused", line, column)
            if getattr(event, "tag", None) is not None:
                raise _fail(where, "SR008", f"tag {getattr(event, 'tag', '')} refused", line, column)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= depth_cap:
                    raise _fail(where, "SR009", f"nesting deeper than {depth_cap} (SRFACTS_MAX_DEPTH)", line, column)
                is_map = isinstance(event, yaml.MappingStartEvent)
                stack.append(YamlMap(line, column) if is_map else YamlList(line, column))
                pending_key.append(None)
                continue
            assert isinstance(event, yaml.ScalarEvent)
            value = _scalar(event.value, plain=bool(event.implicit[0]))
            root = _attach(stack, pending_key, value, line, column, where, root)
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids (NUL, ESC ...): locate its first occurrence (the C reader counts bytes).
        first = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        message = f"{code} is not allowed in YAML (control characters are not; is this a binary or UTF-16 file?)"
        if first < 0:
            raise _fail(where, "SR005", message) from None
        line, column = text.count("\n", 0, first) + 1, first - text.rfind("\n", 0, first)
        raise _fail(where, "SR005", message, line, column) from None
    except yaml.MarkedYAMLError as exc:
        at = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "maximum nesting depth" in message:  # libyaml's own limit, met while it looks ahead
            message = f"nesting deeper than the YAML parser allows (the cap, SRFACTS_MAX_DEPTH, is {depth_cap})"
            raise _fail(where, "SR009", message, at.line + 1 if at else None, at.column + 1 if at else None) from None
        if at is None:
            raise _fail(where, "SR005", message) from None
        raise _fail(where, "SR005", message, at.line + 1, at.column + 1) from None
    except yaml.YAMLError as exc:
        raise _fail(where, "SR005", str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    if root is None:
        raise _fail(where, "SR010", "the file holds no data")
    if not isinstance(root, YamlMap):
        found = "a list" if isinstance(root, YamlList) else "a single value"
        raise _fail(where, "SR011", f"the top level is {found}, not a mapping", 1, 1)
    return root


def _attach(
    stack: list[YamlMap | YamlList],
    pending_key: list[str | None],
    value: Any,
    line: int,
    column: int,
    where: str,
    root: Any,
) -> Any:
    """Put a finished value into its parent; return the document root once known."""
    if not stack:
        return value
    parent = stack[-1]
    if isinstance(parent, YamlList):
        parent.marks[len(parent)] = (line, column)
        parent.append(value)
        return root
    key = pending_key[-1]
    if key is None:
        if not isinstance(value, str):
            raise _fail(where, "SR104", "mapping keys must be plain strings", line, column)
        if value in parent:
            first = parent.marks[value][0]
            raise _fail(where, "SR006", f"key '{value}' repeats the key on line {first}", line, column)
        parent.marks[value] = (line, column)
        pending_key[-1] = value
        return root
    parent[key] = value
    pending_key[-1] = None
    return root


def _scalar(raw: str, plain: bool) -> Any:
    """Type a scalar: quoted ones stay strings; plain ones may be null, bool or number only."""
    if not plain:
        return raw
    if raw in _NULLS:
        return None
    if raw in _BOOLS:
        return _BOOLS[raw]
    if _INT.match(raw) and len(raw) <= _MAX_INT_DIGITS:
        return int(raw)
    if _DECIMAL.match(raw):
        from decimal import Decimal

        try:
            return Decimal(raw)  # any length; the validator bounds what a value may be
        except ArithmeticError:  # an exponent beyond what Decimal holds (1e99999999999999999999)
            return raw
    return raw


_MAX_INT_DIGITS = 4000  # Python refuses to convert longer digit strings to int (sys.int_info)


def _fail(
    where: str, code: str, message: str, line: int | None = None, column: int | None = None
) -> KnowledgeFileError:
    return KnowledgeFileError([Problem(code, message, where, line, column)])


def read_document(path: Path) -> YamlMap:
    """Read, decode and parse a knowledge file into located plain data."""
    where = str(path)
    return parse_yaml(decode(read_bytes(path), where), where)
