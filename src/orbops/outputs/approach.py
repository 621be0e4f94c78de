"""The chaser's illustrative approach path, for maps and animations (not a trajectory design)."""

from __future__ import annotations

import numpy as np

from ..constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from ..frames import Site
from ..geometry import Ascent, OneObject, Orbits
from ..geometry.launch import site_teme, target_plane
from ..geometry.rendezvous import argument_of_latitude_deg

__all__ = ["approach_path"]


def approach_path(orbits: Orbits, target, site: Site, launch_ns: int, docking_ns: int, *,
                  ascent: Ascent = Ascent(), step_s: float = 60.0) -> tuple[np.ndarray, np.ndarray]:
    """An illustrative chaser path from launch to docking: ``(t_ns (n,), r_teme_km (n, 3))``.

    Ascent: a straight sweep (in angle and height) from the site to the
    insertion point ``insertion_arc_deg`` downrange in the target plane.
    Phasing: in the target's plane, the argument of latitude advancing at a
    steady rate from the insertion point to the target's position at docking
    (the number of revolutions that rate implies), the radius growing from the
    insertion orbit to the target's. Good for maps and animations, not a
    trajectory design.
    """
    obj = target if isinstance(target, (int, np.integer)) else orbits.index(target)
    single = OneObject(orbits, obj)
    insert_ns = launch_ns + int(round(ascent.ascent_s * 1e9))
    docking_ns = max(int(docking_ns), insert_ns)  # at least the ascent
    step = max(1, int(step_s * 1e9))
    t = np.unique(np.r_[np.arange(launch_ns, docking_ns, step, dtype=np.int64), insert_ns, docking_ns])
    t = t[(t >= launch_ns) & (t <= docking_ns)]
    r_t, _, h = target_plane(single, np.zeros(1, dtype=np.int64), t[None, :])
    r_t, h = r_t[0], h[0]
    node = np.cross([0.0, 0.0, 1.0], h)
    node /= np.linalg.norm(node, axis=-1, keepdims=True)
    y = np.cross(h, node)
    s_launch = site_teme(site, np.array([launch_ns]))[0]
    k_ins = int(np.searchsorted(t, insert_ns))
    u0 = np.radians(argument_of_latitude_deg(s_launch, h[k_ins]) + ascent.insertion_arc_deg)
    u1 = np.radians(argument_of_latitude_deg(r_t[-1], h[-1]))
    r_ins = WGS72_RADIUS_KM + ascent.insertion_alt_km
    r_end = float(np.linalg.norm(r_t[-1]))
    dt_s = max(1e-9, (docking_ns - insert_ns) / 1e9)
    n_mean = np.sqrt(WGS72_MU_KM3_S2 / ((r_ins + r_end) / 2.0) ** 3)  # rad/s
    turns = np.round((n_mean * dt_s - (u1 - u0)) / (2 * np.pi))
    frac = np.clip((t - insert_ns) / 1e9 / dt_s, 0.0, 1.0)
    u = u0 + frac * (u1 + 2 * np.pi * turns - u0)
    radius = r_ins + frac * (r_end - r_ins)
    path = radius[:, None] * (np.cos(u)[:, None] * node + np.sin(u)[:, None] * y)
    # the ascent: from the launch site to the insertion point, sweeping angle and height together
    up = t <= insert_ns
    a = (t[up] - launch_ns) / max(1.0, float(insert_ns - launch_ns))
    p_ins = path[k_ins] / np.linalg.norm(path[k_ins])
    s_unit = s_launch / np.linalg.norm(s_launch)
    angle = np.arccos(np.clip(s_unit @ p_ins, -1.0, 1.0))
    ortho = p_ins - (s_unit @ p_ins) * s_unit
    ortho = ortho / max(np.linalg.norm(ortho), 1e-12)
    direction = np.cos(a * angle)[:, None] * s_unit + np.sin(a * angle)[:, None] * ortho
    height = np.linalg.norm(s_launch) + a * (r_ins - np.linalg.norm(s_launch))
    path[up] = height[:, None] * direction
    return t, path
