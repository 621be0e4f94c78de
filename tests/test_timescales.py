"""parse_utc and to_datetime64: what they read, what they refuse, and the nanosecond span (issue 12)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from orbops.timescales import TimeFormatError, parse_utc, to_datetime64

from .elements.helpers import time_limit


def ns(text: str) -> np.datetime64:
    return np.datetime64(text, "ns")


@pytest.mark.parametrize("text,expected", [
    ("2011-11-14", "2011-11-14T00:00"),
    ("2011-11-14T04:14", "2011-11-14T04:14"),
    ("2011-11-14T04:14:03Z", "2011-11-14T04:14:03"),
    ("2011-11-14 04:14:03.5", "2011-11-14T04:14:03.5"),
    ("  2011-11-14t04:14:03.123456789z  ", "2011-11-14T04:14:03.123456789"),
    ("2011-11-14T04:14:03 UTC", "2011-11-14T04:14:03"),
    ("2011-11-14T04:14+00:00", "2011-11-14T04:14"),
    ("2011-11-14T04:14-0000", "2011-11-14T04:14"),
    ("2011-11-14Z", "2011-11-14T00:00"),
    ("2011-11-14 utc", "2011-11-14T00:00"),
    ("2011-11-14+00:00", "2011-11-14T00:00"),
    ("1678-01-01", "1678-01-01T00:00"),
    ("2261-12-31T23:59:59.999999999", "2261-12-31T23:59:59.999999999"),
])
def test_what_parsed_before_parses_the_same(text, expected):
    got = parse_utc(text)
    assert got.dtype == np.dtype("datetime64[ns]") and got == ns(expected)


@pytest.mark.parametrize("text,expected", [
    ("2025-11-05T17:00+08:00", "2025-11-05T09:00"),
    ("2025-11-05T17:00-05:30", "2025-11-05T22:30"),
    ("2025-11-05T17:00+0800", "2025-11-05T09:00"),
    ("2025-11-05T17:00+08", "2025-11-05T09:00"),
    ("2025-11-05T17:00:01.25 +01:00", "2025-11-05T16:00:01.25"),
    ("2025-01-01T01:00+02:00", "2024-12-31T23:00"),
    ("2024-12-31T22:00-03:00", "2025-01-01T01:00"),
])
def test_explicit_utc_offsets_are_converted(text, expected):
    assert parse_utc(text) == ns(expected)


@pytest.mark.parametrize("text,expected", [
    ("2025-309", "2025-11-05T00:00"),
    ("2025-309T12:00Z", "2025-11-05T12:00"),
    ("2025-001T00:00:00.5", "2025-01-01T00:00:00.5"),
    ("2024-366 23:59", "2024-12-31T23:59"),
    ("2025-309T17:00+08:00", "2025-11-05T09:00"),
])
def test_ordinal_dates(text, expected):
    assert parse_utc(text) == ns(expected)


@pytest.mark.parametrize("text", [
    "2025-366", "2025-000", "2025-400", "2011-13-01", "2011-02-29", "2011-11-14T24:00", "2011-11-14T04",
    "2011-11-14T04:14:03.1234567890", "2025-11-05T17:00+24:00", "2025-11-05T17:00+08:60",
    "2025-11-05+08:00", "2025-110-05", "2025-11-05T17:00+8", "yesterday", "", "2025-3091",
])
def test_still_refused(text):
    with pytest.raises(TimeFormatError, match="cannot read"):
        parse_utc(text)


@pytest.mark.parametrize("text", [
    "9999-01-01", "2262-04-11", "2262-01-01T00:00", "1677-09-21T00:30", "1000-01-01", "0001-01-01",
    "2261-12-31T23:00-05:00", "1678-01-01T00:30+01:00", "2262-001",
])
def test_outside_the_nanosecond_span(text):
    with pytest.raises(TimeFormatError) as info:
        parse_utc(text)
    assert "1678" in str(info.value) and "2261" in str(info.value) and text in str(info.value)


def test_not_a_string():
    with pytest.raises(TimeFormatError, match="int"):
        parse_utc(5)


@pytest.mark.parametrize("text", ["2025-01-01" + " " * 100_000 + "x", "2025-01-01T00:00" + " " * 100_000 + "+",
                                  " " * 100_000 + "2025", "2025-01-01" + "\t" * 50_000 + " " * 50_000])
def test_long_input_is_read_in_linear_time_and_not_echoed(text):
    with time_limit(10) as elapsed:
        try:
            parse_utc(text)
        except TimeFormatError as err:
            assert len(str(err)) < 400
        assert elapsed() < 1.0


@pytest.mark.parametrize("value", [dt.datetime(9999, 1, 1), dt.date(1000, 1, 1), np.datetime64("9999-01-01"),
                                   np.array(["2025-01-01", "2300-01-01"], dtype="datetime64[s]"),
                                   np.datetime64("1500", "Y"), [dt.datetime(2025, 1, 1), dt.datetime(3000, 1, 1)]])
def test_to_datetime64_refuses_what_would_wrap(value):
    with pytest.raises(TimeFormatError, match="1678"):
        to_datetime64(value)


def test_to_datetime64_keeps_what_fits():
    arr = np.array(["1678-01-01", "2261-12-31", "NaT"], dtype="datetime64[D]")
    out = to_datetime64(arr)
    assert out.dtype == np.dtype("datetime64[ns]") and np.array_equal(out[:2], arr[:2].astype("datetime64[ns]"))
    assert np.isnat(out[2])
    assert to_datetime64(dt.datetime(2025, 11, 5, 17, tzinfo=dt.timezone(dt.timedelta(hours=8)))) == \
        ns("2025-11-05T09:00")
