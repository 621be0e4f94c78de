"""SDP4's resonance integrator, run once per satellite instead of once per sample.

The reference integrates the 1-day and 12-hour resonance equations from the
epoch in fixed 720-minute Euler-Maclaurin steps, restarting or continuing
from its last state. The states at whole steps do not depend on the times
asked for, so here they are tabulated once per satellite (vectorised over
satellites, a loop over steps only) and every sample picks the last whole
step towards its own time: the same arithmetic, without repeating it for
each sample.
"""

from __future__ import annotations

import numpy as np

from .kernel import resonance_step_index, resonance_table

__all__ = ["Record", "fill_tables", "resonance_states", "resonance_tables"]


class Record:
    """Attribute access to the fields of a structured array, as columns ``(n, 1)``.

    The kernel reads ``p.cc1``; with numpy the columns broadcast against
    ``(n_sat, n_time)`` times.
    """

    def __init__(self, params: np.ndarray, column: bool = True) -> None:
        for name in params.dtype.names:
            value = params[name]
            setattr(self, name, value[:, None] if column else value)


def fill_tables(p, tables: np.ndarray, sides) -> None:
    """Integrate every satellite's resonance ``tables`` (n, 2, k_max + 1, 6), vectorised over satellites."""
    for side_index in sides:
        resonance_table(p, tables[:, side_index], 1.0 if side_index == 0 else -1.0)


def resonance_tables(params: np.ndarray, tsince: np.ndarray, fill=None) -> tuple[np.ndarray, np.ndarray]:
    """The resonance integrator's state and rates at every whole step each satellite needs.

    ``params`` ``(n,)`` deep-space constants, ``tsince`` ``(n, n_time)``
    minutes. Returns ``(rows, tables)``: ``rows[i]`` is satellite i's row in
    ``tables`` (-1 when it has no resonance) and ``tables[row, side, k]`` the
    six values ``(xli, xni, atime, xldot, xndt, xnddt)`` after ``k`` steps
    forward (side 0) or backward (side 1); see ``kernel.resonance_step_index``.
    ``fill(params, tables, sides)`` integrates (default: :func:`fill_tables`
    in numpy; the compiled backend passes its own copy).
    """
    resonant = params["irez"] != 0.0
    rows = np.full(len(params), -1, dtype=np.int64)
    rows[resonant] = np.arange(int(resonant.sum()))
    if not np.any(resonant) or tsince.size == 0:
        return rows, np.zeros((1, 2, 1, 6))
    side, k = resonance_step_index(tsince[resonant])
    tables = np.zeros((int(resonant.sum()), 2, int(k.max()) + 1, 6))
    sides = np.unique(side).astype(np.int64)
    if fill is None:
        fill_tables(Record(params[resonant], column=False), tables, sides)
    else:
        fill(params[resonant], tables, sides)
    return rows, tables


def resonance_states(params: np.ndarray, tsince: np.ndarray) -> tuple[np.ndarray, ...]:
    """The six resonance values of each sample ``(n, n_time)``, gathered from :func:`resonance_tables`.

    Zeros for satellites without resonance.
    """
    rows, tables = resonance_tables(params, tsince)
    side, k = resonance_step_index(tsince)
    out = np.zeros((6,) + tsince.shape)
    has = rows >= 0
    if np.any(has):
        picked = tables[rows[has][:, None], side[has].astype(np.int64), k[has].astype(np.int64)]
        out[:, has] = np.moveaxis(picked, -1, 0)
    return tuple(out)
