"""Orbits: objects with element histories, evaluated at any (object, time).

Each sample uses the object's element set nearest in time (or the latest
before it), so a search over weeks switches sets as a real analyst would.
Every geometry service evaluates positions through :meth:`Orbits.teme` and
friends, which take object indices ``(k,)`` and int64 UTC ns ``(k, m)`` or
``(1, m)`` (common to all objects), the signature of ``search.Fn``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..elements import Catalog, DEFAULT_MAX_AGE_DAYS
from ..errors import OrbopsError, StaleElementsWarning
from ..frames import ecef_to_geodetic, teme_to_itrs
from ..propagation import Propagator
from ..propagation.api import as_catalog
from ..timescales import NS_PER_DAY, format_utc

__all__ = ["Orbits", "OneObject"]


class Orbits:
    """Objects (one or many element sets each) ready for geometry.

    ``keys`` picks objects from ``elements`` by NORAD id, name or alias (all
    objects when omitted), in that order: object index ``i`` is ``keys[i]``.
    ``pick`` is ``"nearest"`` (default) or ``"before"`` (the latest set at or
    before each instant). Samples further than ``max_age_days`` from their set
    raise one :class:`StaleElementsWarning` per call.
    """

    def __init__(self, elements, keys=None, *, pick: str = "nearest", backend: str = "auto",
                 max_age_days: float | None = DEFAULT_MAX_AGE_DAYS) -> None:
        catalog = as_catalog(elements)
        if pick not in ("nearest", "before"):
            raise OrbopsError(f"pick must be 'nearest' or 'before', not {pick!r}")
        ids = [catalog.resolve(k) for k in keys] if keys is not None else list(np.unique(catalog.norad_id))
        if not ids:
            raise OrbopsError("no objects to compute")
        position = {norad: i for i, norad in enumerate(ids)}
        key = np.array([position.get(n, -1) for n in catalog.norad_id.tolist()], dtype=np.int64)
        chosen = np.flatnonzero(key >= 0)
        order = chosen[np.lexsort((catalog.epoch[chosen], key[chosen]))]
        self.catalog: Catalog = catalog[order]
        self.norad_ids = np.array(ids, dtype=np.int64)
        self._count = np.bincount(key[order], minlength=len(ids)).astype(np.int64)
        self._start = np.concatenate([[0], np.cumsum(self._count)[:-1]]).astype(np.int64)
        self.names = self.catalog.name[self._start + self._count - 1]
        self._epoch = self.catalog.epoch.astype(np.int64)
        self.pick = pick
        self.max_age_days = max_age_days
        self._warned: set[int] = set()
        self.propagator = Propagator(self.catalog, backend=backend)

    def __len__(self) -> int:
        return len(self.norad_ids)

    def index(self, key) -> int:
        """Object index of a NORAD id, name or alias."""
        norad = self.catalog.resolve(key)
        return int(np.flatnonzero(self.norad_ids == norad)[0])

    def obj(self, key) -> int:
        """The object index of ``key``: an index (an int below the number of objects), else a NORAD id,
        name or alias."""
        if isinstance(key, (int, np.integer)) and 0 <= int(key) < len(self):
            return int(key)
        return self.index(key)

    def objs(self, keys) -> np.ndarray:
        """Object indices ``(k,)`` of ``keys``: one key or index, or a sequence or array of them."""
        if isinstance(keys, np.ndarray) and keys.dtype.kind in "iu":
            return keys.astype(np.int64).reshape(-1)
        if isinstance(keys, (list, tuple)):
            return np.array([self.obj(k) for k in keys], dtype=np.int64)
        return np.array([self.obj(keys)], dtype=np.int64)

    def set_rows(self, obj: np.ndarray, t_ns: np.ndarray) -> np.ndarray:
        """Row in ``self.catalog`` of the set each (object, time) uses, ``t_ns``'s shape broadcast to (k, m)."""
        obj = np.asarray(obj, dtype=np.int64)
        t = np.broadcast_to(t_ns, (len(obj), np.shape(t_ns)[-1]))
        start, count = self._start[obj][:, None], self._count[obj][:, None]
        rows = np.broadcast_to(start, t.shape).copy()
        multi = self._count[obj] > 1
        if np.any(multi):
            for k in np.flatnonzero(multi):  # objects with histories: few, each vectorised over time
                ep = self._epoch[start[k, 0]:start[k, 0] + count[k, 0]]
                if self.pick == "before":
                    pick = np.maximum(np.searchsorted(ep, t[k], side="right") - 1, 0)
                else:  # the nearest epoch: compare with the midpoints between successive epochs
                    pick = np.searchsorted(ep[:-1] + (ep[1:] - ep[:-1]) // 2, t[k], side="left")
                rows[k] = start[k, 0] + pick
        return rows

    def _warn_stale(self, rows: np.ndarray, t: np.ndarray) -> None:
        """One StaleElementsWarning per object (the first time its set is used too far from its epoch)."""
        if self.max_age_days is None or rows.size == 0:
            return
        age = np.abs(t - self._epoch[rows]) / NS_PER_DAY
        stale = age > self.max_age_days
        if not np.any(stale):
            return
        for row in np.unique(rows[stale]):
            norad = int(self.catalog.norad_id[row])
            if norad in self._warned:
                continue
            self._warned.add(norad)
            hit = np.argwhere(stale & (rows == row))[0]
            warnings.warn(
                f"{self.catalog.name[row] or norad} ({norad}): element set of {format_utc(self._epoch[row])} "
                f"used {age[tuple(hit)]:.1f} days away (at {format_utc(int(t[tuple(hit)]))}) for lack of a "
                "nearer one; SGP4 sets are good for days, not months", StaleElementsWarning, stacklevel=3)

    def teme(self, obj, t_ns):
        """TEME ``(r_km, v_km_s, codes)`` shaped ``(k, m, 3)``, ``(k, m, 3)``, ``(k, m)``."""
        obj = np.asarray(obj, dtype=np.int64)
        t_ns = np.asarray(t_ns, dtype=np.int64)
        rows = self.set_rows(obj, t_ns)
        t = np.broadcast_to(t_ns, rows.shape)
        self._warn_stale(rows, t)
        if np.all(rows == rows[:, :1]):  # one set per object over the whole span
            times = t_ns[0] if t_ns.shape[0] == 1 else t
            st = self.propagator.states(times.astype("datetime64[ns]"), sets=rows[:, 0])
            return st.r_km, st.v_km_s, st.codes
        st = self.propagator.states(t.reshape(-1, 1).astype("datetime64[ns]"), sets=rows.reshape(-1))
        shape = rows.shape
        return st.r_km.reshape(shape + (3,)), st.v_km_s.reshape(shape + (3,)), st.codes.reshape(shape)

    def itrs(self, obj, t_ns):
        """ITRS ``(r_km, v_km_s, codes)``."""
        r, v, codes = self.teme(obj, t_ns)
        r, v = teme_to_itrs(r, np.asarray(t_ns).astype("datetime64[ns]"), v)
        return r, v, codes

    def geodetic(self, obj, t_ns):
        """WGS-84 ``(lat_deg, lon_deg, alt_km)`` of the sub-satellite points, each ``(k, m)``."""
        r, _, _ = self.itrs(obj, t_ns)
        return ecef_to_geodetic(r)


class OneObject:
    """One object of an :class:`Orbits`, seen as the only object (index 0) by a search."""

    def __init__(self, orbits: Orbits, obj: int) -> None:
        self.orbits = orbits
        self.obj = int(obj)
        self.catalog = orbits.catalog

    def __len__(self) -> int:
        return 1

    @property
    def norad_ids(self) -> np.ndarray:
        return self.orbits.norad_ids[[self.obj]]

    @property
    def names(self) -> np.ndarray:
        return self.orbits.names[[self.obj]]

    def _rows(self, obj) -> np.ndarray:
        return np.full(len(obj), self.obj, dtype=np.int64)

    def teme(self, obj, t_ns):
        return self.orbits.teme(self._rows(obj), t_ns)

    def itrs(self, obj, t_ns):
        return self.orbits.itrs(self._rows(obj), t_ns)

    def geodetic(self, obj, t_ns):
        return self.orbits.geodetic(self._rows(obj), t_ns)

    def set_row_at(self, t_ns: int) -> int:
        """Row in ``catalog`` of the set used at ``t_ns``."""
        return int(self.orbits.set_rows(np.array([self.obj]), np.array([[t_ns]], dtype=np.int64))[0, 0])
