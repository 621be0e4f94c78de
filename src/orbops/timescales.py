"""UTC instants.

Public times are numpy ``datetime64[ns]`` values in UTC (no time zone). For
SGP4 and Earth rotation they are split into a whole Julian day and a day
fraction, two float64 numbers, because one float64 Julian date only resolves
about 20 microseconds (skyfield does the same).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re

import numpy as np

from .constants import JD_J2000, JD_UNIX_EPOCH, SECONDS_PER_DAY, TWO_PI
from .errors import OrbopsError

__all__ = [
    "TimeFormatError",
    "NS_PER_DAY",
    "FIRST_YEAR",
    "LAST_YEAR",
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


FIRST_YEAR, LAST_YEAR = 1678, 2261
"""The years orbops' UTC instants may fall in: ``datetime64[ns]`` holds 1677-09-21 to 2262-04-11,
and times outside would wrap around silently."""

_SPAN = f"outside the years {FIRST_YEAR} to {LAST_YEAR} that nanosecond UTC times hold"
_NS_LO = (_dt.datetime(FIRST_YEAR, 1, 1) - _dt.datetime(1970, 1, 1)) // _dt.timedelta(microseconds=1) * 1000
_NS_HI = (_dt.datetime(LAST_YEAR + 1, 1, 1) - _dt.datetime(1970, 1, 1)) // _dt.timedelta(microseconds=1) * 1000

# Matched against the stripped text: no leading or trailing \s*, so no quantifiers overlap.
_ISO = re.compile(
    r"(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:80] + "...")


def parse_utc(text: str) -> np.datetime64:
    """Read an ISO 8601 instant such as ``2011-11-14T04:14:03Z`` as UTC ``datetime64[ns]``.

    The date is ``YYYY-MM-DD`` or the ordinal ``YYYY-DDD`` (day of the year, 1-366); a time
    ``hh:mm``, ``hh:mm:ss`` or ``hh:mm:ss.fffffffff`` follows after ``T`` or a space, and a
    date alone means midnight. A trailing ``Z`` or ``UTC`` is optional (no zone means UTC); an
    explicit offset ``+hh:mm``, ``+hhmm`` or ``+hh`` (or ``-``) after a time is converted to
    UTC: ``2025-11-05T17:00+08:00`` is 09:00 UTC. Instants must lie in the years 1678 to 2261
    (what ``datetime64[ns]`` holds). ``now`` is the current instant.
    """
    if not isinstance(text, str):
        raise TimeFormatError(f"expected an ISO 8601 UTC string, got {type(text).__name__} {_quoted(repr(text))}")
    stripped = text.strip()
    if stripped.lower() == "now":
        return now_utc()
    m = _ISO.fullmatch(stripped)
    if m is None:
        raise TimeFormatError(
            f"cannot read {_quoted(text)} as a UTC time: expected ISO 8601 such as "
            "2011-11-14, 2011-11-14T04:14, 2011-11-14T04:14:03.5Z, 2011-318T04:14 or 2011-11-14T12:14+08:00"
        )
    y, mo, d, doy, hh, mm, ss, frac, zone = m.groups()
    try:
        if doy is not None:
            if not 1 <= int(doy) <= (366 if calendar.isleap(int(y)) else 365):
                raise ValueError(f"day of year {doy} does not exist in {y}")
            day = _dt.datetime(int(y), 1, 1) + _dt.timedelta(days=int(doy) - 1)
        else:
            day = _dt.datetime(int(y), int(mo), int(d))
        base = day.replace(hour=int(hh or 0), minute=int(mm or 0), second=int(ss or 0))
        offset = _offset(zone, has_time=hh is not None)
    except ValueError as exc:
        raise TimeFormatError(f"cannot read {_quoted(text)} as a UTC time: {exc}") from None
    us = (base - _dt.datetime(1970, 1, 1)) // _dt.timedelta(microseconds=1) - offset * 60_000_000
    ns = us * 1000 + (int(frac.ljust(9, "0")) if frac else 0)
    if not _NS_LO <= ns < _NS_HI:
        raise TimeFormatError(f"{_quoted(text)} is {_SPAN}")
    return np.datetime64(ns, "ns")


def _offset(zone: str | None, has_time: bool) -> int:
    """Minutes east of UTC of a zone suffix (Z, UTC, +hh:mm, +hhmm, +hh, or none)."""
    if zone is None or zone.upper() in ("Z", "UTC"):
        return 0
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"UTC offset {zone} does not exist")
    total = hours * 60 + minutes
    if total and not has_time:
        raise ValueError(f"a UTC offset ({zone}) needs a time of day")
    return -total if zone[0] == "-" else total


def _checked(value: np.ndarray) -> np.ndarray:
    """``value`` (datetime64 of any unit) as datetime64[ns], refusing instants outside the years
    FIRST_YEAR..LAST_YEAR instead of letting them wrap; NaT stays NaT."""
    unit = np.datetime_data(value.dtype)[0]
    if unit not in ("ns", "ps", "fs", "as", "generic"):
        valid = ~np.isnat(value)
        lo, hi = np.datetime64(f"{FIRST_YEAR}-01-01"), np.datetime64(f"{LAST_YEAR + 1}-01-01")
        inside = (value >= lo) & (value < hi)
        bad = valid & ~inside
        if np.any(bad):
            first = np.asarray(value)[bad].reshape(-1)[0]
            raise TimeFormatError(f"time {first} is {_SPAN}")
    return value.astype("datetime64[ns]")


def to_datetime64(value) -> np.ndarray:
    """Any UTC time value(s) as a ``datetime64[ns]`` array (0-d for a scalar).

    Accepts ``datetime64`` values or arrays, ISO strings, ``datetime.datetime``
    (naive means UTC; aware ones are converted) and sequences of these. Instants
    outside the years 1678 to 2261 raise :class:`TimeFormatError` (they would wrap).
    """
    if isinstance(value, Times):
        return value.datetime64
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.datetime64):
        return _checked(value)
    if isinstance(value, np.datetime64):
        return np.asarray(_checked(np.asarray(value)))
    if isinstance(value, str):
        return np.asarray(parse_utc(value))
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
            except OverflowError:
                raise TimeFormatError(f"time {value.isoformat()} is {_SPAN}") from None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise TimeFormatError(f"time {value.isoformat()} is {_SPAN}")
        return np.asarray(np.datetime64(value, "ns"))
    if isinstance(value, _dt.date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise TimeFormatError(f"date {value.isoformat()} is {_SPAN}")
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
