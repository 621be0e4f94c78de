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

from .kernel import STEP_MIN, resonance_rates, resonance_step

__all__ = ["Record", "resonance_states"]


class Record:
    """Attribute access to the fields of a structured array, as columns ``(n, 1)``.

    The kernel reads ``p.cc1``; with numpy the columns broadcast against
    ``(n_sat, n_time)`` times.
    """

    def __init__(self, params: np.ndarray, column: bool = True) -> None:
        for name in params.dtype.names:
            value = params[name]
            setattr(self, name, value[:, None] if column else value)


def whole_steps(t: np.ndarray) -> np.ndarray:
    """Number of whole 720-minute steps the reference takes towards ``t`` (minutes)."""
    k = np.floor(np.abs(t) / STEP_MIN)
    sign = np.where(t > 0.0, 1.0, -1.0)
    # match the reference's stopping test |t - atime| < 720 exactly, even at the edges
    k = np.where(np.abs(t - sign * STEP_MIN * k) >= STEP_MIN, k + 1, k)
    k = np.where((k > 0) & (np.abs(t - sign * STEP_MIN * (k - 1)) < STEP_MIN), k - 1, k)
    return np.maximum(k, 0.0)


def resonance_states(params: np.ndarray, tsince: np.ndarray) -> tuple[np.ndarray, ...]:
    """Resonance integrator at the last whole step towards each sample.

    ``params`` is the structured array of deep-space satellites ``(n,)`` and
    ``tsince`` their times since epoch in minutes, ``(n, n_time)``. Returns
    ``(xli, xni, atime, xldot, xndt, xnddt)``: the state and its rates, six
    arrays shaped like ``tsince``; zeros for non-resonant satellites.
    """
    n, n_time = tsince.shape
    out = np.zeros((6,) + tsince.shape)
    resonant = params["irez"] != 0.0
    if not np.any(resonant) or n_time == 0:
        return tuple(out)
    p_all = Record(params[resonant], column=False)
    t_res = tsince[resonant]
    steps = whole_steps(t_res).astype(np.int64)
    rows = np.nonzero(resonant)[0]
    for direction in (1.0, -1.0):
        in_dir = (t_res > 0.0) if direction > 0 else (t_res <= 0.0)
        if not np.any(in_dir):
            continue
        k_max = int(steps[in_dir].max())
        table = np.empty((6, len(rows), k_max + 1))
        xli, xni, atime = p_all.xlamo.copy(), p_all.no_unkozai.copy(), np.zeros(len(rows))
        for k in range(k_max + 1):
            table[:3, :, k] = xli, xni, atime
            rates = resonance_rates(p_all, xli, xni, atime)
            table[3:, :, k] = rates
            if k < k_max:
                xli, xni, atime = resonance_step(xli, xni, atime, *rates, direction * STEP_MIN)
        sat_idx, time_idx = np.nonzero(in_dir)
        out[:, rows[sat_idx], time_idx] = table[:, sat_idx, steps[sat_idx, time_idx]]
    return tuple(out)
