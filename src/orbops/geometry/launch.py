"""Launch windows: when a launch site passes through a target's orbital plane.

The target's plane is its instantaneous (osculating) plane from the
propagated state; the site is carried through it by the Earth's rotation
twice a day. At each crossing the orbit runs over the site either heading
north (the ascending half: a northeast launch) or south (southeast). The
launch azimuth is the direction of the orbit's ground track at the site
(inertial; sin az = cos i / cos lat on a sphere) and, for the rocket, that
direction corrected for the site's own eastward speed. Whether the site may
launch there is its constraints: inclination limits, allowed directions,
allowed azimuths (crew vehicles may be held to some branches: Jiuquan's crew
launches all fly southeast). Each rendezvous profile launches a lead (or lag)
from the in-plane instant, data of the vehicle model, and reaches orbit a
configured time and arc later; the target's lead over that insertion point
(the phase angle) picks the fastest of the profiles the vehicle flew at that
date that accepts it.

A vehicle may also be allowed a plane tolerance (yaw steering in ascent), but
only where a scenario asks for it: while the site stays within that angle of
the plane, the launch may then slide from the nominal time to reach a faster
profile. Where the site's latitude is close to the target's inclination
(Jiuquan and Tiangong: 41.0 and 41.5 deg) the site stays within half a degree
of the plane for the ~1.6 h between the two branches.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..constants import EARTH_ROTATION_RAD_S, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from ..errors import OrbopsError
from ..frames import Site, itrs_to_teme
from ..timescales import format_utc, to_ns
from .orbits import OneObject, Orbits
from .rendezvous import RendezvousProfile, argument_of_latitude_deg
from .search import find_crossings, find_extrema

__all__ = ["LaunchSite", "Ascent", "LaunchWindow", "Passages", "launch_windows", "inplane_passages", "assess",
           "inplane_function", "phase_at_insertion", "target_plane", "site_teme", "closest_passages",
           "passages_at"]

DIRECTIONS = ("northeast", "southeast")


@dataclass(frozen=True)
class LaunchSite:
    """A launch site and what it may launch into.

    ``min_inclination_deg``/``max_inclination_deg`` bound reachable orbits;
    ``directions`` lists the allowed branches (``northeast``, ``southeast``);
    ``azimuth_ranges_deg`` optionally lists allowed inertial azimuth ranges;
    ``crewed_directions`` the branches crew vehicles fly (None: any allowed one).
    """

    name: str
    site: Site
    min_inclination_deg: float = 0.0
    max_inclination_deg: float = 180.0
    directions: tuple[str, ...] = DIRECTIONS
    azimuth_ranges_deg: tuple[tuple[float, float], ...] = ()
    source: str = ""
    crewed_directions: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        bad = [d for d in self.directions + (self.crewed_directions or ()) if d not in DIRECTIONS]
        if bad:
            raise OrbopsError(f"launch site {self.name}: unknown direction {bad[0]!r}: expected "
                              "northeast or southeast")

    def permits(self, inclination_deg: float, azimuth_deg: float, direction: str, *,
                crewed: bool = False) -> tuple[bool, str]:
        """Whether a launch (of a crew vehicle, with ``crewed``) is allowed, and why not."""
        if inclination_deg < self.min_inclination_deg - 1e-9:
            return False, f"inclination {inclination_deg:.2f} deg below the site minimum {self.min_inclination_deg:g}"
        if inclination_deg > self.max_inclination_deg + 1e-9:
            return False, f"inclination {inclination_deg:.2f} deg above the site maximum {self.max_inclination_deg:g}"
        if direction not in self.directions:
            return False, f"{direction} launches are not flown from {self.name}"
        if crewed and self.crewed_directions is not None and direction not in self.crewed_directions:
            return False, f"crew vehicles fly {' or '.join(self.crewed_directions)} from {self.name}, not {direction}"
        if self.azimuth_ranges_deg and not any(lo <= azimuth_deg <= hi for lo, hi in self.azimuth_ranges_deg):
            return False, f"azimuth {azimuth_deg:.1f} deg outside the allowed ranges"
        return True, ""


@dataclass(frozen=True)
class Ascent:
    """A vehicle's launch timing and insertion (configuration, not a result).

    ``lead_s``: launch time relative to the in-plane instant (negative = before).
    ``ascent_s``: launch to insertion. ``insertion_arc_deg``: how far downrange
    (along the target plane) insertion happens. ``insertion_alt_km``: the
    insertion orbit's altitude, for phasing. ``plane_tolerance_deg``: how far
    out of the target plane the site may be at launch (0: launch exactly at
    the lead); the launch then slides, in ``slide_step_s`` steps, to the
    time nearest the nominal one that gives the fastest profile.
    """

    lead_s: float = 0.0
    ascent_s: float = 530.0
    insertion_arc_deg: float = 15.0
    insertion_alt_km: float = 200.0
    plane_tolerance_deg: float = 0.0
    slide_step_s: float = 30.0


@dataclass(frozen=True)
class LaunchWindow:
    """One passage of the site through the target plane, and what a launch there would give."""

    site: str
    target_norad_id: int
    target_name: str
    inplane_ns: int
    launch_ns: int
    direction: str
    azimuth_deg: float
    azimuth_rotating_deg: float
    inclination_deg: float
    feasible: bool
    reason: str
    phase_deg: float
    profile: str | None = None
    rendezvous_s: float | None = None
    docking_ns: int | None = None
    plane_offset_deg: float = 0.0

    def as_dict(self) -> dict:
        return {
            "site": self.site, "target": self.target_name, "target_norad_id": self.target_norad_id,
            "inplane_utc": format_utc(self.inplane_ns, 1), "launch_utc": format_utc(self.launch_ns, 1),
            "direction": self.direction, "azimuth_deg": round(self.azimuth_deg, 3),
            "azimuth_rotating_deg": round(self.azimuth_rotating_deg, 3),
            "inclination_deg": round(self.inclination_deg, 4), "feasible": self.feasible, "reason": self.reason,
            "phase_deg": round(self.phase_deg, 2), "profile": self.profile,
            "rendezvous_s": None if self.rendezvous_s is None else round(self.rendezvous_s, 1),
            "docking_utc": None if self.docking_ns is None else format_utc(self.docking_ns, 1),
            "plane_offset_deg": round(self.plane_offset_deg, 4),
        }


def target_plane(orbits: Orbits, obj, t_ns):
    """TEME ``(r_km, v_km_s, h_unit)`` of objects ``obj`` at ``t_ns``: position, velocity, orbit-plane normal."""
    r, v, _ = orbits.teme(obj, t_ns)
    h = np.cross(r, v)
    return r, v, h / np.linalg.norm(h, axis=-1, keepdims=True)


def site_teme(site: Site, t_ns) -> np.ndarray:
    """The site's TEME position (km) at each instant ``t_ns`` (int ns), shaped ``t_ns.shape + (3,)``."""
    t = np.asarray(t_ns, dtype=np.int64)
    return itrs_to_teme(np.broadcast_to(site.ecef_km, t.shape + (3,)), t.astype("datetime64[ns]"))


def inplane_function(orbits: Orbits, site: Site):
    """``fn(obj, t_ns)``: sine of the site's angle out of each target's plane (zero in the plane)."""
    def fn(obj, t_ns):
        _, _, h = target_plane(orbits, obj, t_ns)
        s = site_teme(site, np.broadcast_to(t_ns, h.shape[:-1]))
        s = s / np.linalg.norm(s, axis=-1, keepdims=True)
        return np.einsum("...i,...i->...", h, s)
    return fn


@dataclass(frozen=True)
class Passages:
    """In-plane passages of one site under one target, as arrays over passages (the costly search, cached)."""

    site: LaunchSite
    target: int  # object index in ``orbits``
    inplane_ns: np.ndarray
    direction: np.ndarray
    azimuth_deg: np.ndarray
    inclination_deg: np.ndarray
    h_unit: np.ndarray  # (n, 3) target plane normal at each passage (TEME)
    alt_km: float
    period_s: float

    def __len__(self) -> int:
        return len(self.inplane_ns)


def inplane_passages(launch_site: LaunchSite, orbits: Orbits, target, t0_ns: int, t1_ns: int, *,
                     step_s: float = 600.0, tol_s: float = 0.1) -> Passages:
    """Every passage of the site through the target's plane, with branch, azimuth and inclination.

    The site crosses the plane twice a day, hours apart, so a 10-minute grid brackets every crossing.
    """
    obj, t0_ns, t1_ns = orbits.obj(target), to_ns(t0_ns), to_ns(t1_ns)
    single = OneObject(orbits, obj)
    events = find_crossings(inplane_function(single, launch_site.site), 1, t0_ns, t1_ns, step_s, tol_s=tol_s)
    return passages_at(launch_site, orbits, obj, events.t_ns)


def closest_passages(launch_site: LaunchSite, orbits: Orbits, target, t0_ns: int, t1_ns: int, *,
                     step_s: float = 600.0, tol_s: float = 0.1) -> Passages:
    """Where a site never enters the target's plane (its latitude above the inclination): the instants it
    comes closest to the plane, once a day (past the plane's northern or southern apex), as passages (a
    launch there needs a dogleg of the remaining angle). The branch is the first the site allows crew vehicles
    (the track runs due east there)."""
    obj, t0_ns, t1_ns = orbits.obj(target), to_ns(t0_ns), to_ns(t1_ns)
    single = OneObject(orbits, obj)
    inplane = inplane_function(single, launch_site.site)

    def off_plane(o, t):
        return np.abs(inplane(o, t))

    closest = find_extrema(off_plane, 1, t0_ns, t1_ns, step_s, tol_s=tol_s, maxima=False)
    out = passages_at(launch_site, orbits, obj, np.asarray(closest.t_ns, dtype=np.int64))
    branch = (launch_site.crewed_directions or launch_site.directions)[0]
    return replace(out, direction=np.full(len(out), branch))


def passages_at(launch_site: LaunchSite, orbits: Orbits, obj: int, t_ip: np.ndarray) -> Passages:
    """Passages at given instants (int64 ns, sorted): the target's plane, branch, azimuth and inclination."""
    site = launch_site.site
    single = OneObject(orbits, obj)
    if len(t_ip) == 0:
        empty = np.zeros(0)
        return Passages(launch_site, int(obj), t_ip, empty.astype(str), empty, empty, np.zeros((0, 3)), 0.0, 0.0)
    one = np.zeros(len(t_ip), dtype=np.int64)
    r_t, _, h = target_plane(single, one, t_ip[:, None])
    r_t, h = r_t[:, 0], h[:, 0]
    s_teme = site_teme(site, t_ip)
    s_unit = s_teme / np.linalg.norm(s_teme, axis=-1, keepdims=True)
    inc = np.degrees(np.arccos(np.clip(h[:, 2], -1.0, 1.0)))
    u_site = argument_of_latitude_deg(s_unit, h)
    direction = np.where(np.cos(np.radians(u_site)) >= 0.0, "northeast", "southeast")
    # azimuth of the ground track at the site: the in-plane direction of motion, in the local frame
    along_itrs = _to_itrs(np.cross(h, s_unit), t_ip)
    enu = np.einsum("ij,kj->ki", site.enu_basis(), along_itrs)
    az = np.mod(np.degrees(np.arctan2(enu[:, 0], enu[:, 1])), 360.0)
    period_s = 86400.0 / float(single.catalog.mean_motion_rev_day[single.set_row_at(int(t_ip[0]))])
    alt_km = float(np.linalg.norm(r_t, axis=-1).mean() - WGS72_RADIUS_KM)
    return Passages(launch_site, int(obj), t_ip, direction, az, inc, h, alt_km, period_s)


def assess(passages: Passages, orbits: Orbits, *, ascent: Ascent = Ascent(),
           profiles: tuple[RendezvousProfile, ...] = (), vehicle: str | None = None,
           crewed: bool = False) -> list[LaunchWindow]:
    """Launch windows from passages for one vehicle: launch time, rocket azimuth, site rules, phase, profile.

    Each profile launches at its own lead from the in-plane instant (``profile.lead_s``, else the
    ascent's); of the profiles ``vehicle`` flew at that date (:meth:`RendezvousProfile.available`)
    the window takes the fastest that accepts the phase angle at insertion. ``crewed``: the
    vehicle is a crew vehicle (some sites restrict its branches).
    """
    launch_site, obj = passages.site, passages.target
    site = launch_site.site
    t_ip = passages.inplane_ns
    if len(t_ip) == 0:
        return []
    single = OneObject(orbits, obj)
    az, inc = passages.azimuth_deg, passages.inclination_deg
    v_orbit = np.sqrt(WGS72_MU_KM3_S2 / (WGS72_RADIUS_KM + ascent.insertion_alt_km))
    v_site = EARTH_ROTATION_RAD_S * np.hypot(*site.ecef_km[:2])
    az_rot = np.mod(np.degrees(np.arctan2(v_orbit * np.sin(np.radians(az)) - v_site,
                                          v_orbit * np.cos(np.radians(az)))), 360.0)
    slide_ns, usable, offset_deg = _slides(passages, single, ascent)
    n = len(t_ip)
    rows = np.arange(n)
    period_s = 86400.0 / single.catalog.mean_motion_rev_day[single.orbits.set_rows(np.array([obj]), t_ip[None, :])[0]]
    leads = [ascent.lead_s if p.lead_s is None else p.lead_s for p in profiles]
    phases = {lead: phase_at_insertion(passages, single, ascent, slide_ns, lead) for lead in {ascent.lead_s, *leads}}
    nominal = np.argmin(np.abs(slide_ns), axis=1)  # the launch time without a slide
    choice, lead_of = nominal.copy(), np.full(n, ascent.lead_s)
    chosen = np.full(n, -1)
    best_s = np.full(n, np.inf)
    far = np.iinfo(np.int64).max
    for j, prof in enumerate(profiles):
        phase = phases[leads[j]]
        launch = t_ip[:, None] + slide_ns + int(round(leads[j] * 1e9))
        ok = usable & prof.accepts(phase, ascent.insertion_alt_km, passages.alt_km)
        ok &= prof.available(vehicle, launch)
        found = ok.any(axis=1)
        slide = np.argmin(np.where(ok, np.abs(slide_ns), far), axis=1)
        d = np.where(found, prof.duration_s(phase[rows, slide], period_s), np.inf)
        better = d < best_s
        best_s[better], chosen[better], choice[better], lead_of[better] = d[better], j, slide[better], leads[j]
    out = []
    for k in range(n):
        lead = float(lead_of[k])
        launch = int(t_ip[k] + slide_ns[k, choice[k]] + round(lead * 1e9))
        phase = float(phases[lead][k, choice[k]])
        ok, why = launch_site.permits(float(inc[k]), float(az[k]), str(passages.direction[k]), crewed=crewed)
        j = int(chosen[k])
        if ok and profiles and j < 0:
            why = (f"no rendezvous profile {'of ' + vehicle + ' ' if vehicle else ''}accepts a phase angle of "
                   f"{phase:.1f} deg" + (f" within {ascent.plane_tolerance_deg:g} deg of the plane"
                                         if slide_ns.shape[1] > 1 else ""))
        profile = profiles[j] if ok and j >= 0 else None
        duration = None if profile is None else ascent.ascent_s + float(best_s[k])
        out.append(LaunchWindow(
            launch_site.name, int(orbits.norad_ids[obj]), str(orbits.names[obj]), int(t_ip[k]), launch,
            str(passages.direction[k]), float(az[k]), float(az_rot[k]), float(inc[k]),
            ok and (profile is not None or not profiles), why, phase,
            None if profile is None else profile.name, duration,
            None if profile is None else int(launch + round(duration * 1e9)), float(offset_deg[k, choice[k]])))
    return out


def phase_at_insertion(passages: Passages, single: OneObject, ascent: Ascent, slide_ns: np.ndarray,
                        lead_s: float) -> np.ndarray:
    """The target's lead over the insertion point (degrees, (n, m)), both in the target plane, for a
    launch ``lead_s`` plus each slide from each in-plane instant."""
    n = len(passages.inplane_ns)
    launch = passages.inplane_ns[:, None] + slide_ns + int(round(lead_s * 1e9))
    insert = launch + int(round(ascent.ascent_s * 1e9))
    r_ins, _, h_ins = target_plane(single, np.zeros(n, dtype=np.int64), insert)
    u_launch = argument_of_latitude_deg(site_teme(passages.site.site, launch), passages.h_unit[:, None, :])
    return np.mod(argument_of_latitude_deg(r_ins, h_ins) - (u_launch + ascent.insertion_arc_deg), 360.0)


def _slides(passages: Passages, single: OneObject, ascent: Ascent, *, max_slide_s: float = 7200.0):
    """Launch-time offsets from each in-plane instant that keep the site within the plane tolerance.

    Returns ``slide_ns`` (n, m), ``usable`` (n, m) and ``offset_deg`` (n, m): a grid of offsets;
    which of them stay, without a break, within ``ascent.plane_tolerance_deg`` of the plane and
    nearer this passage than its neighbours; and the site's angle out of the plane at each.
    """
    t_ip = passages.inplane_ns
    n = len(t_ip)
    if ascent.plane_tolerance_deg <= 0.0:
        return np.zeros((n, 1), dtype=np.int64), np.ones((n, 1), dtype=bool), np.zeros((n, 1))
    step_ns = int(round(max(1.0, ascent.slide_step_s) * 1e9))
    k = int(max_slide_s * 1e9 // step_ns)
    slide = np.broadcast_to(np.arange(-k, k + 1, dtype=np.int64) * step_ns, (n, 2 * k + 1))
    t = t_ip[:, None] + slide
    sine = inplane_function(single, passages.site.site)(np.zeros(n, dtype=np.int64), t)
    offset = np.degrees(np.arcsin(np.clip(sine, -1.0, 1.0)))
    inside = np.abs(offset) <= ascent.plane_tolerance_deg
    inside[:, k] = True  # the in-plane instant itself
    # without a break from the in-plane instant: no excursion beyond the tolerance in between
    right = np.cumsum(~inside[:, k:], axis=1) == 0
    left = (np.cumsum(~inside[:, k::-1], axis=1) == 0)[:, ::-1]
    usable = np.concatenate([left[:, :-1], right], axis=1)
    # nearer this passage than its neighbours (the two branches merge where latitude ~ inclination)
    mids = (t_ip[1:] + t_ip[:-1]) // 2
    lo = np.concatenate([[np.iinfo(np.int64).min], mids])
    hi = np.concatenate([mids, [np.iinfo(np.int64).max]])
    usable &= (t >= lo[:, None]) & (t < hi[:, None])
    return slide, usable, offset


def launch_windows(launch_site: LaunchSite, orbits: Orbits, target, t0_ns: int, t1_ns: int, *,
                   ascent: Ascent = Ascent(), profiles: tuple[RendezvousProfile, ...] = (),
                   vehicle: str | None = None, crewed: bool = False,
                   step_s: float = 600.0, tol_s: float = 0.1) -> list[LaunchWindow]:
    """Every in-plane passage of ``launch_site`` under ``target`` (index or key of ``orbits``).

    Both branches are returned, each marked feasible or not (with the reason).
    With ``profiles``, feasible windows also get the phase angle at insertion,
    the fastest profile accepting it (of those ``vehicle`` flew at the time),
    its duration and the docking time; see :func:`assess`.
    """
    passages = inplane_passages(launch_site, orbits, target, t0_ns, t1_ns, step_s=step_s, tol_s=tol_s)
    return assess(passages, orbits, ascent=ascent, profiles=profiles, vehicle=vehicle, crewed=crewed)


def _to_itrs(vec, t_ns):
    from ..frames import teme_to_itrs
    return teme_to_itrs(vec, np.asarray(t_ns, dtype=np.int64).astype("datetime64[ns]"))
