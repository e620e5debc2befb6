"""``NamedTuple``, as ``typing`` spells it, made at start-up for less.

Every record, value and search structure is a named tuple defined by class syntax. Python's
``typing.NamedTuple`` checks each field's annotation as it makes the class (some 7 µs a field
and 40 µs a class: about 2 ms over the classes a search imports). This one makes the same
``collections.namedtuple`` class, fields, defaults, methods and docstring included, and keeps
the annotations as written, unchecked. The type checker sees ``typing.NamedTuple`` itself.
"""

import collections
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__all__ = ["NamedTuple"]

# What the class body holds that is not copied onto the class (as typing.NamedTuple leaves them).
_NOT_COPIED = frozenset({"__module__", "__name__", "__annotations__"})
_namedtuple: Callable[..., type] = collections.namedtuple  # called with computed arguments


class _NamedTupleMeta(type):
    """Makes each class whose body derives from ``NamedTuple`` a ``collections.namedtuple``."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        fields: dict[str, Any] = namespace.get("__annotations__", {})
        defaults = [namespace[field] for field in fields if field in namespace]
        if any(field not in namespace for field in list(fields)[len(fields) - len(defaults) :]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        made = _namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
        made.__annotations__ = dict(fields)
        for key, value in namespace.items():
            if key not in _NOT_COPIED and key not in fields:
                setattr(made, key, value)
        return made


_NamedTupleBase = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})


if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:

    def NamedTuple(typename: str, fields: Any = None, /, **kwargs: Any) -> type:
        """The functional form, ``NamedTuple("Name", [("field", type), ...])``: typing's own."""
        return typing.NamedTuple(typename, fields, **kwargs)

    NamedTuple.__mro_entries__ = lambda bases: (_NamedTupleBase,)
