"""Properties of the short code as people type it, and of the date as certificates print it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from campuseval.certificates import rules
from campuseval.certificates.exports import DIGITS, chinese_date

codes = st.text(alphabet=rules.ALPHABET, min_size=rules.CODE_LENGTH, max_size=rules.CODE_LENGTH)


@given(codes, st.sampled_from(["{a}-{b}", "{a} {b}", "{a}{b}", " {a} - {b} "]), st.booleans())
def test_a_code_typed_with_a_dash_spaces_or_in_small_letters_reads_as_itself(code, layout, lower):
    typed = layout.format(a=code[:4], b=code[4:])
    assert rules.normalise_code(typed.lower() if lower else typed) == code


@given(codes, st.integers(0, rules.CODE_LENGTH - 1), st.sampled_from("0O1I!中"))
def test_a_code_with_a_character_no_code_has_is_refused(code, at, wrong):
    assert rules.normalise_code(code[:at] + wrong + code[at + 1 :]) is None


@given(st.text(alphabet=rules.ALPHABET, max_size=20).filter(lambda t: len(t) != rules.CODE_LENGTH))
def test_a_code_of_the_wrong_length_is_refused(text):
    assert rules.normalise_code(text) is None


def test_new_codes_use_only_the_alphabet():
    for _ in range(200):
        code = rules.new_code()
        assert len(code) == rules.CODE_LENGTH and set(code) <= set(rules.ALPHABET)


def _read_small(text: str) -> int:
    """二十一 → 21, 十 → 10, 九 → 9: the inverse of the date's month and day."""
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_the_printed_date_reads_back_as_the_day(day):
    text = chinese_date(day)
    year, rest = text.split("年")
    month, rest = rest.split("月")
    assert rest.endswith("日")
    assert int("".join(str(DIGITS.index(ch)) for ch in year)) == day.year
    assert (_read_small(month), _read_small(rest[:-1])) == (day.month, day.day)
