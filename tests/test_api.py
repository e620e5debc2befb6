"""The Python API: ``srfacts.load()``, typed records, and the README's examples run as doctests."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from pathlib import Path

import pytest

import srfacts
from srfacts.core.records import KnowledgeBase, Metric

README = Path(__file__).resolve().parents[1] / "README.md"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.fixture(autouse=True)
def bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SRFACTS_DATA", raising=False)


def readme_examples() -> str:
    """The README's ```python blocks, one after the other (each fence ends its last example)."""
    text = README.read_text(encoding="utf-8")
    return "\n".join(re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M))


def test_the_readme_examples_run() -> None:
    source = readme_examples()
    assert ">>> import srfacts" in source, "the README has no Python API examples"
    test = doctest.DocTestParser().get_doctest(source, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 5
    assert result.failed == 0, "a README Python example fails (see the report above)"


def test_the_package_docstring_examples_run() -> None:
    result = doctest.testmod(srfacts, optionflags=FLAGS)
    assert result.attempted >= 2 and result.failed == 0


def test_load_returns_a_typed_knowledge_base() -> None:
    kb = srfacts.load()
    assert isinstance(kb, KnowledgeBase)
    metric = kb.get("above-size-enterprises-total-2022")
    assert isinstance(metric, Metric)
    assert metric.value == Decimal(2248) and metric.base_unit == "enterprises"


def test_load_takes_a_path_or_a_string() -> None:
    sample = Path(__file__).parent / "fixtures" / "sample.yaml"
    assert srfacts.load(sample).path == srfacts.load(str(sample)).path


def test_an_invalid_file_raises_with_every_problem(tmp_path: Path) -> None:
    from srfacts.core.errors import KnowledgeFileError

    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 2\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        srfacts.load(broken)
    assert {p.code for p in caught.value.problems} >= {"SR101", "SR103"}
