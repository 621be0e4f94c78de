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

from .constants import JD_J2000, JD_UNIX_EPOCH, SECONDS_PER_DAY, TWO_PI
from .errors import OrbopsError

__all__ = [
    "TimeFormatError",
    "NS_PER_DAY",
    "to_datetime64",
    "parse_utc",
    "format_utc",
    "to_ns",
    "as_ns",
    "jd_parts",
    "gmst82_from_ut1",
    "now_utc",
    "Times",
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
    if isinstance(value, Times):
        return value.datetime64
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
    if isinstance(t, (int, np.integer)):
        t = np.datetime64(int(t), "ns")
    digits = min(max(int(digits), 0), 9)
    step = 10 ** (9 - digits)
    ns = int(np.datetime64(t, "ns").astype(np.int64))
    ns = (ns + step // 2) // step * step  # rounded to the last digit shown
    text = str(np.datetime_as_string(np.datetime64(ns, "ns"), unit="ns"))
    return text[:20 + digits].rstrip(".") + "Z"


def to_ns(t) -> int:
    """One UTC instant (``Times`` of one, ``datetime64``, ISO string, ``datetime``, int ns) as int
    nanoseconds since 1970."""
    if isinstance(t, (int, np.integer)):
        return int(t)
    ns = as_ns(t)
    if ns.ndim != 0 and ns.size != 1:
        raise TimeFormatError(f"expected one UTC instant, got {ns.size}")
    return int(ns.reshape(()))


def as_ns(times) -> np.ndarray:
    """UTC instants of any accepted kind (``Times``, ``datetime64``, ISO strings, ``datetime``, int ns,
    or arrays and sequences of them) as an int64 ns array of the same shape (0-d for one)."""
    if isinstance(times, Times):
        return times.ns
    if isinstance(times, (int, np.integer)):
        return np.asarray(times, dtype=np.int64)
    if isinstance(times, np.ndarray) and times.dtype.kind in "iu":
        return times.astype(np.int64)
    if isinstance(times, (list, tuple)) and times and all(isinstance(x, (int, np.integer)) for x in times):
        return np.asarray(times, dtype=np.int64)
    return np.asarray(to_datetime64(times)).astype("datetime64[ns]").astype(np.int64)


def gmst82_from_ut1(jd_whole, jd_frac=0.0) -> np.ndarray:
    """Greenwich mean sidereal time, IAU 1982, from a UT1 Julian date given as whole and fractional
    parts (radians in [0, 2 pi)).

    Vallado 2013, eq. 3-47; the 876600 h * T term is 86400 s per day, so only
    its fraction of a day is kept and no precision is lost. SGP4 uses it at
    each set's epoch (Vallado et al. 2006), the frames at every instant.
    """
    d_whole = np.asarray(jd_whole, dtype=float) - JD_J2000
    frac = np.asarray(jd_frac, dtype=float)
    t = (d_whole + frac) / 36525.0
    sec = (67310.54841 + SECONDS_PER_DAY * (np.mod(d_whole, 1.0) + frac)
           + 8640184.812866 * t + 0.093104 * t * t - 6.2e-6 * t * t * t)
    return np.mod(sec * (TWO_PI / SECONDS_PER_DAY), TWO_PI)


def jd_parts(t) -> tuple[np.ndarray, np.ndarray]:
    """Julian date of UTC instants as (whole, fraction) float64 arrays.

    ``whole`` ends in .5 (the Julian day starts at noon) and ``fraction`` is
    in [0, 1); their sum is the Julian date without losing nanoseconds.
    """
    ns = np.asarray(to_datetime64(t)).astype("datetime64[ns]").astype(np.int64)
    days, rem = np.divmod(ns, NS_PER_DAY)
    return days.astype(np.float64) + JD_UNIX_EPOCH, rem.astype(np.float64) / NS_PER_DAY


class Times:
    """UTC instants: orbops' time type (an array of int64 nanoseconds since 1970).

    One instant or many; ``Times.span`` builds an even grid. Any value
    :func:`to_datetime64` accepts converts, and ``datetime64`` arrays convert
    back with :attr:`datetime64`.
    """

    __slots__ = ("ns",)

    def __init__(self, values) -> None:
        if isinstance(values, Times):
            self.ns = values.ns
        else:
            self.ns = np.asarray(to_datetime64(values)).astype("datetime64[ns]").astype(np.int64)

    @classmethod
    def span(cls, start, stop, step_s: float) -> "Times":
        """Instants from ``start`` to ``stop`` (included when on the grid) every ``step_s`` seconds."""
        if not step_s > 0:
            raise TimeFormatError(f"time step must be positive, got {step_s!r} s")
        t0 = int(Times(start).ns)
        t1 = int(Times(stop).ns)
        if t1 < t0:
            raise TimeFormatError(f"stop {format_utc(t1)} is before start {format_utc(t0)}")
        step = int(round(step_s * 1e9))
        return cls._from_ns(np.arange(t0, t1 + 1, step, dtype=np.int64))

    @classmethod
    def _from_ns(cls, ns: np.ndarray) -> "Times":
        obj = cls.__new__(cls)
        obj.ns = np.asarray(ns, dtype=np.int64)
        return obj

    @property
    def datetime64(self) -> np.ndarray:
        """The instants as ``datetime64[ns]`` (UTC)."""
        return self.ns.astype("datetime64[ns]")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.ns.shape

    def __len__(self) -> int:
        return len(self.ns)

    def __getitem__(self, index) -> "Times":
        return Times._from_ns(self.ns[index])

    def jd_parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Julian date as (whole, fraction); see :func:`jd_parts`."""
        return jd_parts(self.datetime64)

    def __repr__(self) -> str:
        if self.ns.ndim == 0:
            return f"Times({format_utc(self.ns.astype('datetime64[ns]'), 3)})"
        if self.ns.size == 0:
            return "Times([])"
        flat = self.ns.reshape(-1)
        return (f"Times({self.ns.shape}, {format_utc(flat.min().astype('datetime64[ns]'))} .. "
                f"{format_utc(flat.max().astype('datetime64[ns]'))})")
