"""Passes over a ground site: rise, culmination and set above an elevation mask.

Like skyfield's ``find_events``: culminations are the maxima of elevation,
found for all objects at once; those above the mask get a rise and a set,
the crossings of the mask on either side. A pass is reported when its
culmination lies inside the span; if it rose before the span it has no rise,
if it sets after the span, no set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..frames import Site, topocentric
from ..timescales import as_ns, format_utc, to_ns
from .orbits import Orbits
from .search import evaluate, refine_extrema, refine_roots, time_grid

__all__ = ["Pass", "passes", "elevation_function"]


@dataclass(frozen=True)
class Pass:
    """One pass of an object over a site. Times are UTC int64 ns; azimuths from north, degrees."""

    norad_id: int
    name: str
    rise_ns: int | None
    culminate_ns: int
    set_ns: int | None
    max_el_deg: float
    rise_az_deg: float | None
    culminate_az_deg: float
    set_az_deg: float | None

    @property
    def duration_s(self) -> float | None:
        if self.rise_ns is None or self.set_ns is None:
            return None
        return (self.set_ns - self.rise_ns) / 1e9

    def as_dict(self) -> dict:
        def iso(t):
            return None if t is None else format_utc(t, 1)

        def rounded(x):
            return None if x is None else round(float(x), 3)
        return {"norad_id": self.norad_id, "name": self.name, "rise_utc": iso(self.rise_ns),
                "culminate_utc": iso(self.culminate_ns), "set_utc": iso(self.set_ns),
                "max_el_deg": rounded(self.max_el_deg), "rise_az_deg": rounded(self.rise_az_deg),
                "culminate_az_deg": rounded(self.culminate_az_deg), "set_az_deg": rounded(self.set_az_deg),
                "duration_s": rounded(self.duration_s)}


def look_angles(orbits: Orbits, site: Site, obj, t_ns):
    """Azimuth and elevation (degrees) of objects ``obj`` at ``t_ns`` from ``site``, each ``(k, m)``."""
    obj, t_ns = orbits.objs(obj), as_ns(t_ns)
    r, _, _ = orbits.itrs(obj, t_ns.reshape(1, -1) if t_ns.ndim < 2 else t_ns)
    az, el, _ = topocentric(r, site)
    return az, el


def elevation_function(orbits: Orbits, site: Site, min_el_deg: float = 0.0):
    """``fn(obj, t_ns)`` = elevation minus the mask (degrees), for the event search."""
    def fn(obj, t_ns):
        return look_angles(orbits, site, obj, t_ns)[1] - min_el_deg
    return fn


def _walk_to_mask(fn, obj, t_from, t_limit, step_ns):
    """From ``t_from`` step towards ``t_limit`` until ``fn`` < 0; returns (bracket end, its value, found)."""
    direction = np.sign(t_limit - t_from)
    t = t_from.copy()
    f = np.full(len(t), np.inf)
    open_ = np.ones(len(t), dtype=bool)
    while np.any(open_):
        k = np.flatnonzero(open_)
        t_next = t[k] + direction[k] * step_ns
        t_next = np.where(direction[k] > 0, np.minimum(t_next, t_limit[k]), np.maximum(t_next, t_limit[k]))
        f_next = evaluate(fn, obj[k], t_next)
        t[k], f[k] = t_next, f_next
        open_[k] = (f_next >= 0.0) & (t_next != t_limit[k])
    return t, f, f < 0.0


def _closest_approaches(times, angle, reach, rate, step_s):
    """Closest approaches on the coarse grid that may rise above the mask, with predictions.

    Near its minimum the geocentric angle between object and site grows like
    ``sqrt(amin^2 + w^2 (t - tc)^2)``, so its square is a parabola in time: a
    fit through three samples predicts ``tc``, ``amin`` and ``w``. Returns
    ``(obj, i, tc_ns, half_span_s)`` where ``half_span_s`` predicts the time
    from culmination to the mask (NaN when the fit says the mask is not reached).
    """
    a = np.where(np.isfinite(angle), angle, np.inf)
    padded = np.pad(a, ((0, 0), (1, 1)), constant_values=np.inf)
    is_min = (padded[:, 1:-1] <= padded[:, :-2]) & (padded[:, 1:-1] <= padded[:, 2:])
    # the true minimum lies within one step of the sampled one: keep what could reach the mask
    margin2 = ((rate * step_s) ** 2)[:, None]
    obj, i = np.nonzero(is_min & (a * a - margin2 <= reach * reach))
    n_t = len(times)
    i0, i2 = np.clip(i - 1, 0, n_t - 1), np.clip(i + 1, 0, n_t - 1)
    y0, y1, y2 = a[obj, i0] ** 2, a[obj, i] ** 2, a[obj, i2] ** 2
    h = (times[1] - times[0]) / 1e9 if n_t > 1 else 1.0
    curv = (y0 - 2.0 * y1 + y2) / (h * h)          # = 2 w^2
    slope = (y2 - y0) / (2.0 * h)
    ok = np.isfinite(curv) & (curv > 0) & (i0 < i) & (i < i2)
    shift = np.where(ok, -slope / np.where(ok, curv, 1.0), 0.0)
    shift = np.clip(shift, -h, h)
    tc = times[i] + np.round(shift * 1e9).astype(np.int64)
    amin2 = np.maximum(y1 + slope * shift + 0.5 * curv * shift * shift, 0.0)
    w2 = 0.5 * np.where(ok, curv, np.nan)
    r2 = reach[obj, i] ** 2
    half = np.sqrt(np.where(r2 > amin2, (r2 - amin2) / w2, np.nan))
    return obj, i, tc, half


def passes(orbits: Orbits, site: Site, t0_ns: int, t1_ns: int, *, min_el_deg: float = 10.0,
           step_s: float | None = None, tol_s: float = 0.1) -> list[Pass]:
    """Every pass of every object over ``site`` reaching ``min_el_deg`` between ``t0`` and ``t1``.

    Each closest approach is found on a coarse grid (``step_s``, default a
    fifteenth of the shortest period, at most 5 minutes) from the geocentric angle between object
    and site, and its culmination, rise and set predicted from the shape of
    that angle; only approaches that could reach the mask are refined (to
    ``tol_s``) with elevation itself. Returns passes ordered by object, then time.
    """
    t0_ns, t1_ns = to_ns(t0_ns), to_ns(t1_ns)
    periods_s = 86400.0 / orbits.catalog.mean_motion_rev_day
    if step_s is None:
        step_s = float(min(300.0, periods_s.min() / 15.0))
    step_ns = int(step_s * 1e9)
    window_ns = int(30e9)
    times = time_grid(t0_ns, t1_ns, step_s)
    n_obj = len(orbits)
    r, _, _ = orbits.itrs(np.arange(n_obj), times[None, :])
    site_r = site.ecef_km
    dist = np.linalg.norm(r, axis=-1)
    cos_angle = np.einsum("ktj,j->kt", r, site_r) / (dist * np.linalg.norm(site_r))
    angle = np.arccos(np.clip(cos_angle, -1.0, 1.0))
    el = np.radians(min_el_deg)
    reach = np.arccos(np.clip(np.linalg.norm(site_r) * np.cos(el) / dist, -1.0, 1.0)) - el
    rate = 2.0 * np.pi / periods_s[orbits._start + orbits._count - 1] + 7.2921159e-5
    obj, i, tc, half = _closest_approaches(times, angle, reach, rate, step_s)
    if len(obj) == 0:
        return []
    fn = elevation_function(orbits, site, min_el_deg)
    # culmination: first in a small window around the prediction, else between the grid neighbours
    lo = np.maximum(tc - window_ns, int(t0_ns))
    hi = np.minimum(tc + window_ns, int(t1_ns))
    t_cul = refine_extrema(fn, obj, lo, hi, maxima=True, tol_s=tol_s)
    missed = (t_cul <= lo) | (t_cul >= hi)
    if np.any(missed):
        n_t = len(times)
        t_cul[missed] = refine_extrema(fn, obj[missed], times[np.clip(i[missed] - 1, 0, n_t - 1)],
                                       times[np.clip(i[missed] + 1, 0, n_t - 1)], maxima=True, tol_s=tol_s)
    el_cul = evaluate(fn, obj, t_cul)
    keep = (el_cul >= 0.0) & (t_cul > t0_ns) & (t_cul < t1_ns)  # culminations inside the span
    obj, t_cul, el_cul, half = obj[keep], t_cul[keep], el_cul[keep], half[keep]
    n = len(obj)
    if n == 0:  # e.g. a span that ends before a pass culminates
        return []
    # rise and set together: a bracket around the prediction, checked; otherwise walk out in steps
    both = np.concatenate([obj, obj])
    centre = np.concatenate([t_cul, t_cul])
    sign = np.concatenate([-np.ones(n), np.ones(n)]).astype(np.int64)
    guess = centre + sign * np.round(np.nan_to_num(np.concatenate([half, half]), nan=0.0) * 1e9).astype(np.int64)
    limit = np.where(sign < 0, int(t0_ns), int(t1_ns))
    outer = np.where(sign < 0, np.maximum(guess - window_ns, limit), np.minimum(guess + window_ns, limit))
    inner = np.where(sign < 0, np.minimum(guess + window_ns, centre), np.maximum(guess - window_ns, centre))
    f_pair = np.asarray(fn(both, np.stack([outer, inner], axis=1)))
    good = np.isfinite(np.concatenate([half, half])) & (f_pair[:, 0] < 0.0) & (f_pair[:, 1] >= 0.0)
    f_outer, f_inner = f_pair[:, 0], f_pair[:, 1]
    found = good.copy()
    redo = np.flatnonzero(~good)
    if len(redo):
        ends, f_ends, ok = _walk_to_mask(fn, both[redo], centre[redo], limit[redo], step_ns)
        inner_r = np.where(sign[redo] < 0, np.minimum(ends + step_ns, centre[redo]),
                           np.maximum(ends - step_ns, centre[redo]))
        outer[redo], inner[redo], f_outer[redo] = ends, inner_r, f_ends
        f_inner[redo] = evaluate(fn, both[redo], inner_r)
        found[redo] = ok
    crossing = np.full(2 * n, -1, dtype=np.int64)
    if np.any(found):
        k = found
        rising = sign[k] < 0  # rises: [outer (below), inner]; sets: [inner, outer (below)]
        crossing[k] = refine_roots(fn, both[k], np.where(rising, outer[k], inner[k]),
                                   np.where(rising, inner[k], outer[k]), np.where(rising, f_outer[k], f_inner[k]),
                                   np.where(rising, f_inner[k], f_outer[k]), tol_s)
    rise, sets = crossing[:n], crossing[n:]
    # one pass per (object, rise): two culminations above the mask in one stretch keep the higher
    order = np.lexsort((-el_cul, rise // max(1, int(tol_s * 2e9)), obj))
    o, rr = obj[order], rise[order]
    first = np.r_[True, (o[1:] != o[:-1]) | (np.abs(rr[1:] - rr[:-1]) > tol_s * 2e9) | (rr[1:] < 0)]
    chosen = order[first]
    obj, t_cul, el_cul, rise, sets = obj[chosen], t_cul[chosen], el_cul[chosen], rise[chosen], sets[chosen]
    stamps = np.concatenate([rise, t_cul, sets])
    known = stamps >= 0
    az = np.full(len(stamps), np.nan)
    if np.any(known):
        az[known] = look_angles(orbits, site, np.tile(obj, 3)[known], stamps[known][:, None])[0][:, 0]
    az_rise, az_cul, az_set = np.split(az, 3)
    result = []
    for i in np.lexsort((t_cul, obj)):
        result.append(Pass(int(orbits.norad_ids[obj[i]]), str(orbits.names[obj[i]]),
                           int(rise[i]) if rise[i] >= 0 else None, int(t_cul[i]),
                           int(sets[i]) if sets[i] >= 0 else None, float(el_cul[i] + min_el_deg),
                           float(az_rise[i]) if rise[i] >= 0 else None, float(az_cul[i]),
                           float(az_set[i]) if sets[i] >= 0 else None))
    return result
