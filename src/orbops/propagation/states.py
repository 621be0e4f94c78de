"""States: positions and velocities of many satellites at many times, with error codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..timescales import format_utc
from .kernel import ERROR_MESSAGES, INVALID_ELEMENTS, INVALID_TIME

__all__ = ["States", "SGP4_ERRORS", "INVALID_ELEMENTS", "INVALID_TIME"]

SGP4_ERRORS = dict(ERROR_MESSAGES)
"""Message for each per-sample error code (0 means no error; 1-6 are the sgp4 library's, 7 and 8 orbops')."""


@dataclass(frozen=True)
class States:
    """Propagated states in TEME.

    ``r_km`` and ``v_km_s`` are shaped ``(n_sat, n_time, 3)``; ``codes``
    ``(n_sat, n_time)`` holds the SGP4 error code of each sample (see
    :data:`SGP4_ERRORS`), and the state rows of failed samples are NaN.
    ``times`` are UTC ``datetime64[ns]``, ``(n_time,)`` or ``(n_sat, n_time)``
    when each satellite has its own instants.
    """

    r_km: np.ndarray
    v_km_s: np.ndarray
    codes: np.ndarray
    times: np.ndarray
    norad_ids: np.ndarray
    names: np.ndarray
    backend: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_sat, n_time)``."""
        return self.codes.shape

    @property
    def ok(self) -> np.ndarray:
        """Mask ``(n_sat, n_time)`` of samples that propagated without error."""
        return self.codes == 0

    def times_2d(self) -> np.ndarray:
        """Times broadcast to ``(n_sat, n_time)``."""
        return np.broadcast_to(self.times, self.shape)

    def errors(self) -> list[dict]:
        """One entry per (satellite, error code), in order of first occurrence: count, first time
        (``"NaT"`` for invalid times), message."""
        out = []
        times = self.times_2d()
        bad_sats = np.flatnonzero((self.codes != 0).any(axis=1))
        for s in bad_sats:
            row = self.codes[s]
            firsts = sorted((int(np.argmax(row == code)), int(code)) for code in np.unique(row[row != 0]))
            for _, code in firsts:
                hits = np.flatnonzero(row == code)
                out.append({
                    "norad_id": int(self.norad_ids[s]),
                    "name": str(self.names[s]),
                    "code": int(code),
                    "count": int(len(hits)),
                    "first_utc": "NaT" if np.isnat(times[s, hits[0]]) else format_utc(times[s, hits[0]], 3),
                    "message": SGP4_ERRORS.get(int(code), "unknown error"),
                })
        return out

    def __repr__(self) -> str:
        n_bad = int((self.codes != 0).sum())
        return (f"States({self.shape[0]} satellites x {self.shape[1]} times, backend={self.backend!r}"
                + (f", {n_bad} failed samples" if n_bad else "") + ")")
