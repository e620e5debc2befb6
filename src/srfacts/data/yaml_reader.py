"""Read the knowledge file's YAML safely and strictly.

Only plain data is read: explicit tags, anchors and aliases are refused, duplicate keys are
an error naming both lines, dates and words like ``no`` or ``on`` stay strings, and the
nesting depth is capped (``SRFACTS_MAX_DEPTH``).
"""

import re
from typing import Any

from srfacts.data.files import fail, max_depth

_INT = re.compile(r"[-+]?[0-9]+\Z")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER_STARTS = frozenset("+-.0123456789")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class Marks(dict[Any, int]):
    """The line and column of each key or item, packed in one number (a tuple apiece costs three
    objects, which a file of 100,000 records holds millions of)."""

    __slots__ = ()

    def __setitem__(self, key: Any, mark: tuple[int, int]) -> None:  # type: ignore[override]
        super().__setitem__(key, mark[0] << 32 | mark[1])

    def __getitem__(self, key: Any) -> tuple[int, int]:  # type: ignore[override]
        packed = super().__getitem__(key)
        return packed >> 32, packed & 0xFFFFFFFF

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - dict.get would skip the unpacking


class YamlMap(dict[str, Any]):
    """A mapping that remembers the line and column of itself and of each key."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.marks = Marks()


class YamlList(list[Any]):
    """A list that remembers the line and column of itself and of each item."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.marks = Marks()


class YamlRoot(YamlMap):
    """The top-level mapping, which also tells the deepest nesting met in the document (1: a mapping
    of scalars), so that a compiled form is held to the same cap (``SRFACTS_MAX_DEPTH``) as the file."""

    __slots__ = ("depth",)

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.depth = 1


def parse_yaml(text: str, where: str) -> YamlMap:
    """Parse one YAML document of plain data into located mappings, lists and scalars (the top
    level a ``YamlRoot``, with the depth reached)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth_cap = max_depth()
    stack: list[YamlMap | YamlList] = []
    pending_key: list[str | None] = []
    root: Any = None
    documents = 0
    deepest = 0
    scalar_event = yaml.ScalarEvent
    try:
        for event in yaml.parse(text, Loader=loader):
            if type(event) is scalar_event and not event.anchor and event.tag is None:  # the most common: quick
                if stack and pending_key[-1] is not None and type(stack[-1]) is YamlMap:  # a value: no mark kept
                    stack[-1][pending_key[-1]] = _scalar(event.value, plain=bool(event.implicit[0]))
                    pending_key[-1] = None
                    continue
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                value = _scalar(event.value, plain=bool(event.implicit[0]))
                root = _attach(stack, pending_key, value, line, column, where, root)
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
                continue
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fail(where, "SR010", "several YAML documents in one file", line, column)
                continue
            if isinstance(event, yaml.AliasEvent):
                raise fail(where, "SR007", f"alias *{event.anchor} refused", line, column)
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                pending_key.pop()
                root = _attach(stack, pending_key, done, done.line, done.column, where, root)
                continue
            assert isinstance(event, yaml.NodeEvent)
            if event.anchor:
                raise fail(where, "SR007", f"anchor &{event.anchor} refused", line, column)
            if getattr(event, "tag", None) is not None:
                raise fail(where, "SR008", f"tag {getattr(event, 'tag', '')} refused", line, column)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= depth_cap:
                    raise fail(where, "SR009", f"nesting deeper than {depth_cap} (SRFACTS_MAX_DEPTH)", line, column)
                is_map = isinstance(event, yaml.MappingStartEvent)
                made = (YamlRoot if not stack else YamlMap) if is_map else YamlList
                stack.append(made(line, column))
                pending_key.append(None)
                deepest = max(deepest, len(stack))
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
            raise fail(where, "SR005", message) from None
        line, column = text.count("\n", 0, first) + 1, first - text.rfind("\n", 0, first)
        raise fail(where, "SR005", message, line, column) from None
    except yaml.MarkedYAMLError as exc:
        at = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "maximum nesting depth" in message:  # libyaml's own limit, met while it looks ahead
            message = f"nesting deeper than the YAML parser allows (the cap, SRFACTS_MAX_DEPTH, is {depth_cap})"
            raise fail(where, "SR009", message, at.line + 1 if at else None, at.column + 1 if at else None) from None
        if at is None:
            raise fail(where, "SR005", message) from None
        raise fail(where, "SR005", message, at.line + 1, at.column + 1) from None
    except yaml.YAMLError as exc:
        raise fail(where, "SR005", str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    if root is None:
        raise fail(where, "SR010", "the file holds no data")
    if not isinstance(root, YamlMap):
        found = "a list" if isinstance(root, YamlList) else "a single value"
        raise fail(where, "SR011", f"the top level is {found}, not a mapping", 1, 1)
    if isinstance(root, YamlRoot):
        root.depth = deepest
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
            raise fail(where, "SR104", "mapping keys must be plain strings", line, column)
        if value in parent:
            first = parent.marks[value][0]
            raise fail(where, "SR006", f"key '{value}' repeats the key on line {first}", line, column)
        parent.marks[value] = (line, column)
        pending_key[-1] = value
        return root
    parent[key] = value
    pending_key[-1] = None
    return root


def _scalar(raw: str, plain: bool) -> Any:
    """Type a scalar: quoted ones stay strings; plain ones may be null, bool or number only."""
    if not plain or (raw and raw[0] not in _NUMBER_STARTS and raw not in _NULLS and raw not in _BOOLS):
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
