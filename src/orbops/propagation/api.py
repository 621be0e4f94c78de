"""``propagate``: element sets and UTC times in, TEME states out."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ..elements import Catalog, ElementSet
from ..errors import OrbopsError
from ..timescales import Times
from .backends import NAT_NS, Batch, Request, get_backend, settle
from .states import States

__all__ = ["Propagator", "propagate", "as_catalog", "as_time_ns"]


def as_catalog(elements) -> Catalog:
    """A Catalog from a Catalog, one ElementSet or an iterable of them."""
    if isinstance(elements, Catalog):
        return elements
    if isinstance(elements, ElementSet):
        return Catalog([elements])
    if isinstance(elements, Iterable) and not isinstance(elements, (str, bytes)):
        items = list(elements)
        if all(isinstance(e, ElementSet) for e in items):
            return Catalog(items)
    raise OrbopsError(f"cannot propagate {type(elements).__name__}: expected a Catalog, an ElementSet "
                      "or a list of ElementSets")


def as_time_ns(times, n_sat: int) -> np.ndarray:
    """UTC times as int64 ns, ``(n_time,)`` or ``(n_sat, n_time)``; a scalar becomes ``(1,)``."""
    ns = Times(times).ns
    if ns.ndim == 0:
        ns = ns.reshape(1)
    if ns.ndim == 2 and ns.shape[0] != n_sat:
        raise OrbopsError(f"per-satellite times have {ns.shape[0]} rows for {n_sat} satellites: "
                          "expected times shaped (n_time,) or (n_sat, n_time)")
    if ns.ndim > 2:
        raise OrbopsError(f"times have shape {ns.shape}: expected (n_time,) or (n_sat, n_time)")
    return ns


def without_nat(t_ns: np.ndarray, nat: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """``t_ns`` ``(n_rows, n_time)`` with every NaT replaced by a real time of its row, or by the row's
    ``fallback`` (int64 ns) when it has none, so that no backend computes with NaT."""
    has = ~nat.all(axis=1)
    first = t_ns[np.arange(len(t_ns)), np.argmax(~nat, axis=1)]
    return np.where(nat, np.where(has, first, fallback)[:, None], t_ns)


class Propagator:
    """Element sets made ready once (SGP4 constants), then propagated as often as needed.

    ``states(times)`` gives every set at common or per-set times;
    ``states(times, sets=idx)`` only the sets ``idx`` (repeats allowed), each
    at its own row of ``times`` when ``times`` is ``(len(idx), n_time)``.
    The geometry services search with it without recomputing constants.
    """

    def __init__(self, elements, *, backend: str = "auto") -> None:
        self.catalog = as_catalog(elements)
        self.batch = Batch(self.catalog)
        self.engine = get_backend(backend)

    def __len__(self) -> int:
        return len(self.catalog)

    def states(self, times, sets=None, out=None) -> States:
        """TEME states ``(n, n_time, 3)`` of the sets ``sets`` (default: all) at ``times``.

        ``out``: optional ``(r, v, codes)`` buffers to fill (float64 ``(n, n_time, 3)`` twice and uint8
        ``(n, n_time)``, C-contiguous), e.g. reused from call to call; the returned States holds them.
        """
        sets = np.arange(len(self.catalog)) if sets is None else np.asarray(sets, dtype=np.int64)
        t_ns = as_time_ns(times, len(sets))
        rows = t_ns[None, :] if t_ns.ndim == 1 else t_ns  # (1 or n, n_time)
        nat = rows == NAT_NS
        if np.any(nat):  # a row of NaT only falls back on an epoch (its set's, for per-set rows)
            epochs = self.batch.epoch_ns[sets]
            if t_ns.ndim == 1:
                epochs = epochs[epochs != NAT_NS][:1]
                epochs = epochs if len(epochs) else np.zeros(1, dtype=np.int64)
            rows = without_nat(rows, nat, epochs)
        t_rows = np.arange(len(sets)) if t_ns.ndim == 2 else np.zeros(len(sets), dtype=np.int64)
        req = Request(sets, rows, t_rows)
        n_out, n_time = req.shape
        if out is None:
            r = np.empty((n_out, n_time, 3))
            v = np.empty((n_out, n_time, 3))
            codes = np.zeros((n_out, n_time), dtype=np.uint8)
        else:
            r, v, codes = out
            for a, shape, dtype in ((r, (n_out, n_time, 3), np.float64), (v, (n_out, n_time, 3), np.float64),
                                    (codes, (n_out, n_time), np.uint8)):
                if not (isinstance(a, np.ndarray) and a.shape == shape and a.dtype == dtype
                        and a.flags.c_contiguous and a.flags.writeable):
                    raise OrbopsError(f"out buffers must be writeable C-contiguous arrays shaped {shape} "
                                      f"({np.dtype(dtype).name}): got {getattr(a, 'shape', type(a).__name__)}")
            codes[...] = 0
        set_codes = self.batch.codes[sets]
        live = np.flatnonzero(set_codes == 0)  # sets that fail at every time are not computed
        if len(live) == n_out and n_time:
            self.engine.run(self.batch, req, r, v, codes)
        elif len(live) and n_time:
            part = Request(sets[live], rows, t_rows[live])
            rp, vp, cp = np.empty((len(live), n_time, 3)), np.empty((len(live), n_time, 3)), codes[live]
            self.engine.run(self.batch, part, rp, vp, cp)
            r[live], v[live], codes[live] = rp, vp, cp
        settle(r, v, codes, set_codes, nat, checked=getattr(self.engine, "checks_finite", False))
        return States(r_km=r, v_km_s=v, codes=codes, times=t_ns.astype("datetime64[ns]"),
                      norad_ids=self.catalog.norad_id[sets], names=self.catalog.name[sets],
                      backend=self.engine.name)


def propagate(elements, times, *, backend: str = "auto") -> States:
    """SGP4/SDP4 states of satellites at UTC times, in TEME.

    ``elements``: a :class:`Catalog`, an :class:`ElementSet` or a list of them
    (every set is propagated: pick one per object with ``Catalog.at`` first).
    ``times``: ``datetime64`` values (UTC), :class:`Times`, ISO strings or
    datetimes; shaped ``(n_time,)`` for common instants or ``(n_sat, n_time)``
    for each satellite's own. Returns :class:`States` with ``r_km`` and
    ``v_km_s`` ``(n_sat, n_time, 3)`` and ``codes`` ``(n_sat, n_time)``; a
    sample that fails (decay, eccentricity out of range, invalid elements,
    NaT, ...; see :data:`SGP4_ERRORS`) has a non-zero code and NaN state,
    never an exception, and code 0 always comes with a finite state. ``backend``: ``auto`` (the
    compiled one when numba is installed), ``numba``, ``numpy`` or ``sgp4``.
    """
    return Propagator(elements, backend=backend).states(times)
