"""The members a zip declares are counted from its end record, without opening it (zipcheck)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.zipcheck import declared_members, too_many_members


def archive(count: int, comment: bytes = b"") -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(count):
            z.writestr(f"part{i}.xml", b"<x/>")
        z.comment = comment
    out.seek(0)
    return out


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 300), comment=st.binary(max_size=200))
def test_the_count_is_the_number_of_members_written(count, comment):
    stream = archive(count, b"PK\x05\x06" + comment)  # even with the end record's mark in its comment
    assert declared_members(stream) == count
    assert stream.tell() == 0


def test_a_file_that_is_no_zip_declares_nothing():
    assert declared_members(io.BytesIO(b"%PDF-1.7 not a zip")) is None
    assert declared_members(io.BytesIO(b"")) is None


def test_past_the_limit_it_is_too_many():
    assert too_many_members(archive(11), limit=10)
    assert not too_many_members(archive(10), limit=10)
