"""Chunked propagation: large catalogs and long spans with bounded memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..timescales import Times
from .api import Propagator, as_catalog, as_time_ns
from .states import States

__all__ = ["Chunk", "chunk_slices", "stream"]

DEFAULT_CHUNK_SAMPLES = 1_000_000
"""About 50 MB of states per chunk (position, velocity, code)."""


@dataclass(frozen=True)
class Chunk:
    """One piece of a streamed propagation: satellites ``sats`` at times ``times`` of the whole."""

    sats: slice
    times: slice
    states: States


def chunk_slices(n_sat: int, n_time: int, max_samples: int) -> Iterator[tuple[slice, slice]]:
    """(satellite, time) slices of at most ``max_samples`` samples, satellite-major.

    Whole satellite rows are kept together; a row longer than ``max_samples``
    is cut in time. In either case the chunks cover the ``(n_sat, n_time)``
    array in C order, so writers can append them.
    """
    if max_samples < 1:
        raise ValueError(f"chunk size must be at least 1 sample, got {max_samples}")
    if n_time > max_samples:
        for s in range(n_sat):
            for t0 in range(0, n_time, max_samples):
                yield slice(s, s + 1), slice(t0, min(t0 + max_samples, n_time))
        return
    rows = max(1, max_samples // max(n_time, 1))
    for s0 in range(0, n_sat, rows):
        yield slice(s0, min(s0 + rows, n_sat)), slice(0, n_time)


def stream(elements, times, *, backend: str = "auto",
           chunk_samples: int = DEFAULT_CHUNK_SAMPLES) -> Iterator[Chunk]:
    """Propagate in chunks of at most ``chunk_samples`` samples; yields :class:`Chunk`.

    ``times`` as for :func:`propagate`: ``(n_time,)`` common instants or
    ``(n_sat, n_time)``, each satellite its own row. Memory stays bounded by
    the chunk size (besides ``times`` themselves) whatever the catalog and
    span; each chunk is computed on all cores by the backend, and the chunks
    together equal one :func:`propagate` call.
    """
    prop = Propagator(as_catalog(elements), backend=backend)  # constants computed once, not per chunk
    ns = as_time_ns(times, len(prop))
    for sats, cols in chunk_slices(len(prop), ns.shape[-1], chunk_samples):
        part = ns[sats, cols] if ns.ndim == 2 else ns[cols]
        idx = np.arange(sats.start, sats.stop)
        yield Chunk(sats, cols, prop.states(Times._from_ns(part), sets=idx))
