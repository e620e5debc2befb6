"""What a search's start-up leaves out, and the quick stand-ins it uses, against what they stand for."""

import collections
import copy
import pickle
import random
import re
import subprocess
import sys
import typing

import pytest

from srfacts.core.tuples import NamedTuple, named_tuple
from srfacts.search import query, text


@pytest.mark.slow
def test_a_search_loads_neither_array_nor_bisect() -> None:
    code = (
        "import sys; import srfacts.store.loader, srfacts.search.engine, srfacts.cli.lookup; "
        "print(sorted(m for m in ('array', 'bisect') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


class _Plain(NamedTuple):
    """A docstring kept."""

    name: str
    count: int = 0
    tags: tuple[str, ...] = ()

    def doubled(self) -> int:
        return self.count * 2


class _Typed(typing.NamedTuple):
    """A docstring kept."""

    name: str
    count: int = 0
    tags: tuple[str, ...] = ()


def test_the_quick_named_tuple_is_typings() -> None:
    plain, typed = _Plain("a", 2), _Typed("a", 2)
    assert plain == typed == ("a", 2, ())
    assert plain._fields == typed._fields and plain._field_defaults == typed._field_defaults
    assert list(_Plain.__annotations__) == list(_Typed.__annotations__)
    assert _Plain.__doc__ == _Typed.__doc__ and _Plain.__module__ == _Typed.__module__
    assert _Plain.__qualname__ == "_Plain" and repr(plain) == "_Plain(name='a', count=2, tags=())"
    assert plain._replace(count=3).doubled() == 6 and plain._asdict() == typed._asdict()
    assert _Plain(name="b") == ("b", 0, ())
    with pytest.raises(TypeError):

        class _Bad(NamedTuple):
            first: int = 0
            second: int


_Point = collections.namedtuple("_Point", ["x", "y", "z"], defaults=[3])
_Quick = named_tuple("_Point", ("x", "y", "z"), (3,), __name__)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1, 2), {}), ((1, 2, 4), {}), ((1,), {"y": 2}), ((), {"x": 1, "y": 2, "z": 5}), ((1,), {}), ((1, 2, 3, 4), {}),
     ((1, 2), {"x": 1}), ((1, 2), {"w": 1}), ((), {})],
)  # fmt: skip
def test_a_quick_named_tuple_binds_its_arguments_as_collections_does(args: tuple[int, ...], kwargs: dict) -> None:
    def made(cls: typing.Any) -> object:
        try:
            return cls(*args, **kwargs)
        except TypeError as error:
            return type(error)

    quick, plain = made(_Quick), made(_Point)
    assert quick == plain and repr(quick) == repr(plain)


def test_a_quick_named_tuple_has_the_methods_of_collections() -> None:
    quick, plain = _Quick(1, 2), _Point(1, 2)
    assert _Quick.__doc__ == _Point.__doc__ and _Quick._fields == _Point._fields
    assert _Quick._field_defaults == _Point._field_defaults and _Quick.__match_args__ == _Point.__match_args__
    assert quick._asdict() == plain._asdict() and quick._replace(z=9) == plain._replace(z=9)
    assert _Quick._make([4, 5, 6]) == _Point._make([4, 5, 6]) and (quick.x, quick.y, quick.z) == (1, 2, 3)
    with pytest.raises(TypeError):
        _Quick._make([1])
    with pytest.raises(ValueError):
        quick._replace(w=1)
    assert copy.copy(quick) == quick and copy.deepcopy(quick) == quick
    assert pickle.loads(pickle.dumps(_Plain("a", 2))) == _Plain("a", 2)
    match quick:
        case _Quick(x, y):
            assert (x, y) == (1, 2)


def test_the_unit_after_a_number_is_what_the_pattern_found() -> None:
    pattern = re.compile(f"[{text.QUALIFIER_CHARS}]?(" + "|".join(re.escape(u) for u in text.UNIT_PREFIXES) + ")")
    pieces = [*"余多万平方米亿元辆个月小时户家项gwG%年日., 1", "平方米", "万平方", "亿元"]
    rng = random.Random(7)
    for _ in range(20_000):
        sample = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        end = rng.randint(0, len(sample))
        found = pattern.match(sample, end)
        assert text._unit_after(sample, end) == (None if found is None else (found.start(1), found.group(1)))


def test_the_phrases_of_a_query_are_what_the_pattern_split() -> None:
    pieces = [*"ab_.%,， 光伏1２Ⅻ①-—é", "\u00b2", "\u0660"]
    rng = random.Random(7)
    for _ in range(20_000):
        sample = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert query._phrases(sample) == [p for p in re.split(r"[^\w.%]+", sample) if p]


def test_the_command_runs_with_the_collector_running_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """``srfacts.__main__.console`` pauses the collector only while the command line is imported, and
    freezes what the imports made."""
    import gc

    import srfacts.__main__ as launcher
    import srfacts.cli.entry as entry

    seen: list[bool] = []
    monkeypatch.setattr(entry, "console", lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    try:
        launcher.console()
        assert seen == [True] and gc.isenabled()
        assert gc.get_freeze_count() > 0  # what the imports made is out of the collector's way
        gc.disable()  # a caller that runs without the collector keeps it off
        launcher.console()
        assert seen == [True, False] and not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()  # the rest of the test session collects as usual


def test_the_fold_table_is_made_only_for_a_text_that_needs_it() -> None:
    fold = text.Fold("鋰電經", "锂电经")
    assert text.normalise("光伏新能源", fold) == "光伏新能源" and fold._table is None  # Simplified: no table
    assert text.normalise("鋰電 經", fold) == "锂电 经" and fold._table is not None
    assert text.Fold.of({"鋰": "锂"}).pairs == ("鋰", "锂")
    with pytest.raises(ValueError):
        text.Fold("鋰電", "锂")
