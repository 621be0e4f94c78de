"""Catalog: many element sets held as arrays, with selection and element history."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import warnings
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from ..errors import ElementsError, ElementsWarning, StaleElementsWarning, UnknownObjectError
from ..timescales import NS_PER_DAY, format_utc, to_datetime64
from ._text import clip
from .io import read_elements
from .records import ElementSet

__all__ = ["Catalog", "load_catalog", "element_files_in", "elements_digest", "ALIASES", "DEFAULT_MAX_AGE_DAYS",
           "ELEMENT_FILE_SUFFIXES"]

ALIASES: dict[str, int] = {
    "ISS": 25544,
    "ZARYA": 25544,
    "CSS": 48274,
    "TIANHE": 48274,
    "TIANGONG": 48274,
    "TIANGONG-1": 37820,
    "TIANGONG-2": 41765,
}
"""Well-known names and the NORAD id they stand for (matched case-insensitively)."""

DEFAULT_MAX_AGE_DAYS = 14.0
"""Element sets further than this from the requested instant raise a StaleElementsWarning."""

ELEMENT_FILE_SUFFIXES = (".tle", ".3le", ".txt", ".json", ".xml", ".csv", ".kvn", ".omm")
"""Files picked up when a directory is given to :func:`load_catalog`."""

_NUMERIC = {
    "norad_id": np.int64,
    "epoch": "datetime64[ns]",
    "mean_motion_rev_day": np.float64,
    "ecc": np.float64,
    "inc_deg": np.float64,
    "raan_deg": np.float64,
    "argp_deg": np.float64,
    "mean_anomaly_deg": np.float64,
    "bstar": np.float64,
    "ndot": np.float64,
    "nddot": np.float64,
    "element_set_no": np.int64,
    "rev_at_epoch": np.int64,
    "ephemeris_type": np.int64,
}
_TEXT = ("name", "intl_designator", "classification", "source", "tle_lines")
_FIELDS = tuple(_NUMERIC) + _TEXT


def _norm(text: str) -> str:
    return re.sub(r"[^0-9A-Z]+", " ", text.upper()).strip()


def _shown(key) -> str:
    """``key`` as quoted in a message, cut to 80 characters."""
    return repr(clip(key)) if isinstance(key, str) else repr(key)


def _name_keys(name: str) -> set[str]:
    """Ways a name may be asked for: whole, before the parenthesis, inside it."""
    keys = {_norm(name)}
    stripped = name.rstrip()
    opening = stripped.find("(")  # found without a regex: linear in the length of the name
    if stripped.endswith(")") and 0 <= opening < len(stripped) - 1:
        keys.update({_norm(stripped[:opening]), _norm(stripped[opening + 1:-1])})
    keys.discard("")
    return keys


class Catalog:
    """Element sets as a struct of arrays: ``catalog.inc_deg`` is an ``(n,)`` array.

    Holds any number of sets per object (element history). Select objects by
    NORAD id, name (case-insensitive) or alias (``ISS``, ``CSS``, ...); pick
    the set valid at an instant with :meth:`at`. ``problems`` lists the bad
    records met while loading (lenient mode).
    """

    def __init__(self, records: Iterable[ElementSet] = (), problems: Sequence[ElementsError] = ()) -> None:
        recs = list(records)
        self._data: dict[str, np.ndarray] = {}
        for name, dtype in _NUMERIC.items():
            self._data[name] = np.array([getattr(r, name) for r in recs], dtype=dtype)
        for name in _TEXT:
            arr = np.empty(len(recs), dtype=object)
            arr[:] = [getattr(r, name) for r in recs]
            self._data[name] = arr
        for arr in self._data.values():
            arr.flags.writeable = False
        self.problems: list[ElementsError] = list(problems)

    @classmethod
    def _from_arrays(cls, data: dict[str, np.ndarray], problems=()) -> "Catalog":
        cat = cls.__new__(cls)
        cat._data = data
        for arr in data.values():
            arr.flags.writeable = False
        cat.problems = list(problems)
        return cat

    # --- array access -------------------------------------------------------------
    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __len__(self) -> int:
        return len(self._data["norad_id"])

    def __iter__(self) -> Iterator[ElementSet]:
        for i in range(len(self)):
            yield self._record(i)

    def _record(self, i: int) -> ElementSet:
        kwargs = {}
        for name in _FIELDS:
            if name == "tle_lines":
                continue
            value = self._data[name][i]
            if isinstance(value, np.integer):
                value = int(value)
            elif isinstance(value, np.floating):
                value = float(value)
            kwargs[name] = value
        es = ElementSet(**kwargs)
        object.__setattr__(es, "tle_lines", self._data["tle_lines"][i])
        return es

    def __getitem__(self, index):
        """``catalog[i]`` is an ElementSet; a slice, mask or index array gives a Catalog."""
        if isinstance(index, (int, np.integer)):
            n = len(self)
            if not -n <= index < n:
                raise IndexError(f"catalog index {index} out of range for {n} element sets")
            return self._record(int(index) % n)
        return Catalog._from_arrays({k: v[index] for k, v in self._data.items()}, self.problems)

    def __add__(self, other: "Catalog") -> "Catalog":
        data = {k: np.concatenate([self._data[k], other._data[k]]) for k in self._data}
        return Catalog._from_arrays(data, self.problems + other.problems)

    def __repr__(self) -> str:
        n_obj = len(np.unique(self.norad_id))
        if len(self) == 0:
            return "Catalog(0 element sets)"
        lo, hi = self.epoch.min(), self.epoch.max()
        return (f"Catalog({len(self)} element sets of {n_obj} objects, epochs "
                f"{format_utc(lo)} .. {format_utc(hi)}"
                + (f", {len(self.problems)} bad records" if self.problems else "") + ")")

    def records(self) -> list[ElementSet]:
        """Every set as an :class:`ElementSet`."""
        return list(self)

    @property
    def objects(self) -> np.ndarray:
        """Distinct NORAD ids, sorted."""
        return np.unique(self.norad_id)

    # --- selection ---------------------------------------------------------------
    def resolve(self, key: int | str) -> int:
        """The NORAD id that ``key`` (id, name or alias) stands for in this catalog."""
        ids = self._match(key)
        if len(ids) == 0:
            raise UnknownObjectError(self._unknown_message(key))
        if len(ids) > 1:
            names = ", ".join(f"{self._name_of(i)} ({i})" for i in ids[:8])
            raise UnknownObjectError(
                f"{key!r} matches {len(ids)} objects: {names}; give a NORAD id or the full name")
        return int(ids[0])

    def _name_of(self, norad: int) -> str:
        idx = np.flatnonzero(self.norad_id == norad)
        return str(self.name[idx[-1]]) if len(idx) else str(norad)

    def _match(self, key: int | str) -> list[int]:
        if isinstance(key, (int, np.integer)):
            return [int(key)] if np.any(self.norad_id == key) else []
        text = str(key).strip()
        if text.isascii() and text.isdigit():  # longer than any 64-bit id: no match
            return self._match(int(text)) if len(text.lstrip("0")) <= 19 else []
        wanted = _norm(text)
        alias = ALIASES.get(text.upper()) or ALIASES.get(wanted.replace(" ", "-"))
        if alias is not None and np.any(self.norad_id == alias):
            return [alias]
        return sorted(self._name_index().get(wanted, ()))

    def _name_index(self) -> dict[str, set[int]]:
        index = self.__dict__.get("_index")
        if index is None:
            index = {}
            for nid, name in zip(self.norad_id.tolist(), self.name):
                for k in _name_keys(str(name)):
                    index.setdefault(k, set()).add(nid)
            self.__dict__["_index"] = index
        return index

    def _unknown_message(self, key) -> str:
        if len(self) == 0:
            return f"no object {_shown(key)}: the catalog is empty"
        names = sorted({str(n) for n in self.name if n})
        close = difflib.get_close_matches(str(key)[:200].upper(), [n.upper() for n in names], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return (f"no object {_shown(key)} in the catalog ({len(self.objects)} objects): expected a NORAD id, "
                f"a name or one of the aliases {', '.join(ALIASES)}{hint}")

    def select(self, *keys: int | str) -> "Catalog":
        """Every set of the objects named by ``keys`` (NORAD ids, names, aliases)."""
        ids = [self.resolve(k) for k in keys]
        return self[np.isin(self.norad_id, ids)]

    def history(self, key: int | str) -> "Catalog":
        """All sets of one object, sorted by epoch."""
        sub = self.select(key)
        return sub[np.argsort(sub.epoch, kind="stable")]

    def latest(self) -> "Catalog":
        """The newest set of each object, sorted by NORAD id."""
        order = np.lexsort((self.epoch, self.norad_id))
        ids = self.norad_id[order]
        last = np.r_[ids[1:] != ids[:-1], True] if len(ids) else np.zeros(0, bool)
        return self[order[last]]

    def at(self, when, *, pick: str = "nearest", max_age_days: float | None = DEFAULT_MAX_AGE_DAYS,
           warn: bool = True) -> "Catalog":
        """One set per object for the instant ``when`` (UTC), sorted by NORAD id.

        ``pick="nearest"`` takes the epoch closest to ``when``; ``pick="before"``
        the latest epoch at or before it (objects with none are left out).
        Sets further than ``max_age_days`` from ``when`` raise one
        :class:`StaleElementsWarning` naming them.
        """
        if pick not in ("nearest", "before"):
            raise ValueError(f"pick must be 'nearest' or 'before', not {pick!r}")
        t = int(to_datetime64(when).astype(np.int64))
        epochs = self.epoch.astype(np.int64)
        dist = np.abs(epochs - t).astype(np.float64)
        if pick == "before":
            dist = np.where(epochs <= t, dist, np.inf)
        order = np.lexsort((dist, self.norad_id))
        ids = self.norad_id[order]
        first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, bool)
        chosen = order[first]
        chosen = chosen[np.isfinite(dist[chosen])]
        result = self[chosen]
        if warn and max_age_days is not None:
            age = np.abs(result.epoch.astype(np.int64) - t) / NS_PER_DAY
            stale = np.flatnonzero(age > max_age_days)
            if len(stale):
                items = ", ".join(
                    f"{result.name[i] or result.norad_id[i]} ({result.norad_id[i]}): epoch "
                    f"{format_utc(result.epoch[i])}, {age[i]:.1f} days away" for i in stale[:5])
                more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
                warnings.warn(
                    f"{len(stale)} element set(s) are more than {max_age_days:g} days from "
                    f"{format_utc(t)}: {items}{more}; SGP4 sets are good for days, not months",
                    StaleElementsWarning, stacklevel=2)
        return result

    def get(self, key: int | str, when=None, **kwargs) -> ElementSet:
        """The set of one object nearest to ``when`` (the newest when ``when`` is None)."""
        hist = self.history(key)
        if when is None:
            return hist[len(hist) - 1]
        sub = hist.at(when, **kwargs)
        if len(sub) == 0:
            raise UnknownObjectError(f"no element set of {key!r} at or before {format_utc(when)}")
        return sub[0]


def element_files_in(path: str | os.PathLike) -> list[Path]:
    """The element files under a directory (by suffix, :data:`ELEMENT_FILE_SUFFIXES`, sorted), or the file itself."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in ELEMENT_FILE_SUFFIXES)
    if not found:
        raise ElementsError(f"directory holds no element files ({', '.join(ELEMENT_FILE_SUFFIXES)})", path=str(path))
    return found


def elements_digest(path: str | os.PathLike) -> str:
    """SHA-256 (hex) of an element file; of a directory, over each element file's relative name and digest."""
    path = Path(path)
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for f in element_files_in(path):
        h.update(f"{f.relative_to(path).as_posix()} {elements_digest(f)}\n".encode())
    return h.hexdigest()


def _expand(paths: Iterable[str | os.PathLike]) -> list[str]:
    return [os.fspath(f) if Path(p).is_dir() else os.fspath(p) for p in paths for f in element_files_in(p)]


def load_catalog(*paths: str | os.PathLike, strict: bool = False) -> Catalog:
    """Load element files of any mix of formats (TLE, 3LE, OMM JSON/XML/CSV/KVN).

    Directories are searched for files ending in :data:`ELEMENT_FILE_SUFFIXES`.
    ``strict=True`` raises the first :class:`ElementsError`. The default
    lenient mode keeps every good record, lists each bad one (and each file
    that could not be read) in ``Catalog.problems`` and issues one
    :class:`ElementsWarning` with their count: nothing is dropped silently.
    """
    if not paths:
        raise ElementsError("no element files given")
    records: list[ElementSet] = []
    problems: list[ElementsError] = []
    for name in _expand(paths):
        try:
            recs, errs = read_elements(name, strict=strict)
        except ElementsError as err:
            if strict:
                raise
            problems.append(err)
            continue
        records.extend(recs)
        problems.extend(errs)
    if problems:
        first = str(problems[0]).splitlines()[0]
        warnings.warn(f"{len(problems)} bad element record(s) skipped (see Catalog.problems); first: {first}",
                      ElementsWarning, stacklevel=2)
    return Catalog(records, problems)
