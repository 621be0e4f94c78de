"""UTC instants.

Public times are numpy ``datetime64[ns]`` values in UTC (no time zone). For
SGP4 and Earth rotation they are split into a whole Julian day and a day
fraction, two float64 numbers, because one float64 Julian date only resolves
about 20 microseconds (skyfield does the same).
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

from .constants import JD_UNIX_EPOCH
from .errors import OrbopsError

__all__ = [
    "TimeFormatError",
    "NS_PER_DAY",
    "to_datetime64",
    "parse_utc",
    "format_utc",
    "jd_parts",
    "now_utc",
]

NS_PER_DAY = 86_400 * 10**9


class TimeFormatError(OrbopsError, ValueError):
    """A time could not be read as a UTC instant."""


_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|UTC|[+-]00:?00)?\s*$",
    re.IGNORECASE,
)


def parse_utc(text: str) -> np.datetime64:
    """Read an ISO 8601 UTC instant such as ``2011-11-14T04:14:03Z``.

    Dates alone mean midnight. A trailing ``Z`` or ``UTC`` is optional; other
    offsets are refused (give times in UTC). ``now`` is the current instant.
    """
    if not isinstance(text, str):
        raise TimeFormatError(f"expected an ISO 8601 UTC string, got {type(text).__name__} {text!r}")
    if text.strip().lower() == "now":
        return now_utc()
    m = _ISO.match(text)
    if m is None:
        raise TimeFormatError(
            f"cannot read {text!r} as a UTC time: expected ISO 8601 such as "
            "2011-11-14, 2011-11-14T04:14 or 2011-11-14T04:14:03.5Z"
        )
    y, mo, d, hh, mm, ss, frac, _ = m.groups()
    try:
        base = _dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError as exc:
        raise TimeFormatError(f"cannot read {text!r} as a UTC time: {exc}") from None
    ns = int((frac or "").ljust(9, "0")) if frac else 0
    return np.datetime64(base, "ns") + np.timedelta64(ns, "ns")


def to_datetime64(value) -> np.ndarray:
    """Any UTC time value(s) as a ``datetime64[ns]`` array (0-d for a scalar).

    Accepts ``datetime64`` values or arrays, ISO strings, ``datetime.datetime``
    (naive means UTC; aware ones are converted) and sequences of these.
    """
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.datetime64):
        return value.astype("datetime64[ns]")
    if isinstance(value, np.datetime64):
        return np.asarray(value.astype("datetime64[ns]"))
    if isinstance(value, str):
        return np.asarray(parse_utc(value))
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return np.asarray(np.datetime64(value, "ns"))
    if isinstance(value, _dt.date):
        return np.asarray(np.datetime64(value, "ns"))
    if isinstance(value, (list, tuple)):
        items = [to_datetime64(v) for v in value]
        return np.array(items, dtype="datetime64[ns]").reshape(np.shape(items))
    raise TimeFormatError(
        f"cannot use {type(value).__name__} {value!r} as a UTC time: expected "
        "numpy datetime64, datetime.datetime or an ISO 8601 string"
    )


def now_utc() -> np.datetime64:
    """The current UTC instant."""
    return np.datetime64(_dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None), "ns")


def format_utc(t, digits: int = 0) -> str:
    """One instant as ISO 8601 UTC with a ``Z``, seconds to ``digits`` decimals."""
    t = np.datetime64(t, "ns")
    unit = {0: "s", 3: "ms", 6: "us"}.get(digits, "ns")
    if digits == 0:
        t = (t + np.timedelta64(500_000_000, "ns")).astype("datetime64[s]")
    return str(np.datetime_as_string(t, unit=unit)) + "Z"


def jd_parts(t) -> tuple[np.ndarray, np.ndarray]:
    """Julian date of UTC instants as (whole, fraction) float64 arrays.

    ``whole`` ends in .5 (the Julian day starts at noon) and ``fraction`` is
    in [0, 1); their sum is the Julian date without losing nanoseconds.
    """
    ns = np.asarray(to_datetime64(t)).astype("datetime64[ns]").astype(np.int64)
    days, rem = np.divmod(ns, NS_PER_DAY)
    return days.astype(np.float64) + JD_UNIX_EPOCH, rem.astype(np.float64) / NS_PER_DAY
