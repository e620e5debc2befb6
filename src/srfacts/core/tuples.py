"""``NamedTuple``, as ``typing`` spells it, made at start-up for less.

Every record, value and search structure is a named tuple defined by class syntax. Python's
``typing.NamedTuple`` checks each field's annotation as it makes the class (some 7 µs a field
and 40 µs a class), and ``collections.namedtuple`` compiles a ``__new__`` for each class with
``eval`` (some 80 µs): about 4 ms over the 27 classes a search imports. This one makes the same
class, fields, defaults, methods, docstring and annotations, with one ``__new__`` shared by all
that binds its arguments as a Python signature would. The type checker sees ``typing.NamedTuple``.
"""

import typing
from operator import itemgetter
from typing import TYPE_CHECKING, Any

try:  # the field accessor collections.namedtuple uses (CPython's, in C)
    from _collections import _tuplegetter  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python

    def _tuplegetter(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


__all__ = ["NamedTuple"]

# What the class body holds that is not copied onto the class (as typing.NamedTuple leaves them).
_NOT_COPIED = frozenset({"__module__", "__name__", "__annotations__"})
_MISSING = object()


def named_tuple(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...], module: str) -> type:
    """The class ``collections.namedtuple(typename, fields, defaults=defaults, module=module)``
    makes (the same attributes and methods), its ``__new__`` made without compiling code."""
    size = len(fields)
    position = {name: index for index, name in enumerate(fields)}
    first_default = size - len(defaults)
    tuple_new = tuple.__new__

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != size:
            args = _bound(typename, fields, position, defaults, first_default, args, kwargs)
        return tuple_new(cls, args)

    def _make(cls: type, iterable: Any) -> Any:
        made: tuple[Any, ...] = tuple_new(cls, iterable)
        if len(made) != size:
            raise TypeError(f"Expected {size} arguments, got {len(made)}")
        return made

    def _replace(self: Any, /, **changes: Any) -> Any:
        made = self._make(map(changes.pop, fields, self))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return made

    shape = "(" + ", ".join(f"{name}=%r" for name in fields) + ")"

    def __repr__(self: Any) -> str:
        return f"{self.__class__.__name__}{shape % self}"

    def _asdict(self: Any) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))

    def __getnewargs__(self: Any) -> tuple[Any, ...]:
        return tuple(self)

    for method in (__new__, _make, _replace, __repr__, _asdict, __getnewargs__):
        method.__qualname__ = f"{typename}.{method.__name__}"
    namespace: dict[str, Any] = {
        "__doc__": f"{typename}({', '.join(fields)})",
        "__slots__": (),
        "_fields": fields,
        "_field_defaults": dict(zip(fields[first_default:], defaults, strict=True)),
        "__new__": __new__,
        "_make": classmethod(_make),
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
        "__match_args__": fields,
        "__module__": module,
    }
    for index, name in enumerate(fields):
        namespace[name] = _tuplegetter(index, f"Alias for field number {index}")
    return type(typename, (tuple,), namespace)


def _bound(
    typename: str,
    fields: tuple[str, ...],
    position: dict[str, int],
    defaults: tuple[Any, ...],
    first_default: int,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> tuple[Any, ...]:
    """The values of the fields from positional and keyword arguments and the defaults, with the
    TypeError a Python signature gives for a wrong call."""
    if len(args) > len(fields):
        raise TypeError(
            f"{typename}.__new__() takes {len(fields) + 1} positional arguments but {len(args) + 1} were given"
        )
    values = [*args, *[_MISSING] * (len(fields) - len(args))]
    for name, value in kwargs.items():
        at = position.get(name)
        if at is None:
            raise TypeError(f"{typename}.__new__() got an unexpected keyword argument '{name}'")
        if at < len(args):
            raise TypeError(f"{typename}.__new__() got multiple values for argument '{name}'")
        values[at] = value
    for at in range(len(fields)):
        if values[at] is _MISSING:
            if at < first_default:
                raise TypeError(f"{typename}.__new__() missing required argument: '{fields[at]}'")
            values[at] = defaults[at - first_default]
    return tuple(values)


class _NamedTupleMeta(type):
    """Makes each class whose body derives from ``NamedTuple`` a named tuple class (``named_tuple``)."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        fields: dict[str, Any] = namespace.get("__annotations__", {})
        defaults = [namespace[field] for field in fields if field in namespace]
        if any(field not in namespace for field in list(fields)[len(fields) - len(defaults) :]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        made = named_tuple(name, tuple(fields), tuple(defaults), namespace["__module__"])
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
