"""The unit table and figures as Chinese and English write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srfacts.core.records import plain
from srfacts.core.units import UNITS, english_figure, figure_text, fixed_point, json_number, to_base


@pytest.mark.parametrize(
    ("qualifier", "value", "unit", "english"),
    [
        ("exact", "5028.1", "亿元", "502.81 billion yuan"),
        ("exact", "20", "万辆", "200,000 vehicles"),
        ("exact", "2000", "万平方米", "20 million m²"),
        ("more_than", "90", "家", "more than 90 enterprises"),
        ("exact", "1", "家", "1 enterprise"),
        ("exact", "2248", "户", "2,248 enterprises"),
        ("exact", "3600", "万元", "36 million yuan"),
        ("more_than", "100", "GW", "more than 100 GW"),
        ("at_least", "90", "%", "at least 90%"),
        ("exact", "1", "年", "1 year"),
        ("exact", "3", "个月", "3 months"),
        ("exact", "10000", "亿元", "1 trillion yuan"),
        ("about", "1300", "户", "about 1,300 enterprises"),
        ("exact", "1", "名", "1 person"),
    ],
)
def test_english_figures_as_english_writes_them(qualifier: str, value: str, unit: str, english: str) -> None:
    assert english_figure(qualifier, Decimal(value), unit) == english


def test_chinese_figures_as_stated() -> None:
    assert figure_text("more_than", Decimal("90"), "家") == ">90 家"
    assert figure_text("exact", Decimal("5028.1"), "亿元") == "5028.1 亿元"


@given(st.sampled_from(sorted(UNITS)), st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_every_unit_has_an_english_figure(unit: str, value: Decimal) -> None:
    text = english_figure("exact", value, unit)
    assert text and "hundred million" not in text and "ten thousand" not in text
    assert to_base(value, unit)[1] == UNITS[unit].base_unit


@given(
    st.decimals(allow_nan=False, allow_infinity=False) | st.from_regex(r"-?[0-9]{1,25}(\.[0-9]{0,25})?", fullmatch=True)
)
def test_a_figure_read_from_its_text_is_the_decimal_read(number: Decimal | str) -> None:
    """``json_number`` and ``fixed_point`` (no decimal module for a plainly written number) give what the
    Decimal of the same text gives: the same JSON number, of the same type, and the same digits."""
    text = str(number)
    decimal = Decimal(text)
    assert repr(json_number(text)) == repr(plain(decimal))
    assert fixed_point(text) == format(decimal, "f") == fixed_point(decimal)
