"""policylens.numerals: Chinese numerals, five-year-plan names, fractions, tenths, Arabic numbers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policylens.numerals import (
    arabic_value,
    cn_number,
    cn_to_int,
    five_year_plan,
    fraction_value,
    number_value,
    tenths_value,
)


@pytest.mark.parametrize("token, value", [
    ("两", 2), ("二十五", 25), ("九十五点三", 95.3), ("一百一十五", 115), ("一千一百", 1100),
    ("零点八", 0.8), ("〇点五", 0.5), ("一百零五", 105), ("一千零一", 1001), ("两百", 200),
    ("两万", 20000), ("一万二", 12000), ("三千五", 3500), ("十万八千", 108000),
    ("一亿二千万", 120_000_000), ("一十五", 15), ("十", 10), ("零", 0),
])
def test_cn_number_reads_numerals(token, value):
    assert cn_number(token) == pytest.approx(value)


@pytest.mark.parametrize("token", ["十百千万", "十四五", "一二三", "三五", "百", "万", "三万万", "点五", "三点", "", "一" * 40])
def test_cn_number_refuses_slogans_and_digit_strings(token):
    assert cn_number(token) is None


def test_cn_to_int_for_outline_numbers():
    assert cn_to_int("十二") == 12 and cn_to_int("三") == 3 and cn_to_int("二十") == 20
    assert cn_to_int("零") is None and cn_to_int("一点五") is None and cn_to_int("十十") is None


def test_five_year_plan_names():
    assert five_year_plan("十四五") == (14, 2021, 2025)
    assert five_year_plan("“十三五”") == (13, 2016, 2020)
    assert five_year_plan("十一五") == (11, 2006, 2010)
    assert five_year_plan("十五") is None and five_year_plan("二十五") is None


def test_fractions_tenths_and_arabic():
    assert fraction_value("三", "一") == (33.33, "%")
    assert fraction_value("百", "九十") == (90, "%") and fraction_value("千", "五") == (5, "‰")
    assert fraction_value("百", "95.5") == (95.5, "%")
    assert fraction_value("三", "四") is None                 # not a share
    assert tenths_value("八") == 80 and tenths_value("十一") is None
    assert arabic_value("2,350.5", "万") == 23_505_000 and arabic_value("1,000") == 1000
    assert arabic_value("1" * 20) is None and arabic_value("1,00") is None
    assert number_value("95.3") == 95.3 and number_value("九十五点三") == 95.3


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点成分之", max_size=30))
def test_numeral_soup_never_raises(token):
    value = cn_number(token)
    assert value is None or value >= 0
    five_year_plan(token)
    cn_to_int(token)
