"""The SGP4/SDP4 time kernel, written once for every backend.

Each function is elementwise: with numpy arrays it runs over any
``(n_sat, n_time)`` broadcast; the compiled backend builds its own copies of
the same functions with scalar ``sin``, ``cos``, ``atan2`` and ``where`` (see
``compiled.py``), so both backends execute the same algorithm. Branches of the
published algorithm are ``where`` selections; ``p`` is a record of the
per-satellite constants from :mod:`.initialize` (attribute access).

Algorithm: Hoots & Roehrich 1980, Spacetrack Report #3, with the revisions of
Vallado, Crawford, Hujsak & Kelso 2006, AIAA 2006-6753. Kernel units: Earth
radii, minutes, radians; outputs are km and km/s in TEME.
"""

from __future__ import annotations

import numpy as np

from ..constants import TWO_PI, WGS72_J2 as J2, WGS72_J3, WGS72_RADIUS_KM as RE_KM, WGS72_XKE as XKE

# Math the compiled backend replaces with scalar versions (numpy ufuncs work elementwise here).
sin = np.sin
cos = np.cos


def sincos(x):
    """``(sin(x), cos(x))``; the compiled backend shares one range reduction."""
    return np.sin(x), np.cos(x)


sincos_small = sincos
"""``sincos`` of an angle known to be moderate (Kepler's E: the reduced ``u`` and at most 10 steps of
0.95 rad); the compiled backend leaves out its guard for huge arguments there."""


atan2 = np.arctan2
sqrt = np.sqrt
fabs = np.abs
trunc = np.trunc
where = np.where

J3OJ2 = WGS72_J3 / J2
VKMPERSEC = RE_KM * XKE / 60.0
RPTIM = 4.37526908801129966e-3
STEP_MIN = 720.0
"""Step of SDP4's resonance integrator (minutes)."""
KEPLER_TOL = 1.0e-12
KEPLER_MAX_ITER = 10

# Error codes: 1-6 with the meaning the reference gives them (it no longer uses 5), then orbops' own.
INVALID_ELEMENTS = 7
INVALID_TIME = 8
ANGLE_LIMIT_DEG = 1e6
"""Largest magnitude of an element angle (degrees). Beyond, the angle in radians is not known to a
useful precision (at 1e20 degrees only to 256 rad): such sets are invalid elements, not orbits."""
ERROR_MESSAGES = {
    0: "no error",
    1: "mean eccentricity is outside the range 0 <= e < 1",
    2: "mean motion has fallen below zero",
    3: "perturbed eccentricity is outside the range 0 <= e <= 1",
    4: "semi-latus rectum has fallen below zero",
    6: "the satellite has decayed (radius below one Earth radius)",
    INVALID_ELEMENTS: f"invalid elements: a value is not finite, an angle exceeds {ANGLE_LIMIT_DEG:,.0f} degrees "
                      "or the epoch is NaT, or SGP4 gives no finite state from them",
    INVALID_TIME: "invalid time: NaT (not a time)",
}


def fmod2pi(x):
    """C-style fmod(x, 2 pi): the result has the sign of ``x``."""
    return x - TWO_PI * trunc(x / TWO_PI)


def two_thirds_power(x, x0, y0):
    """``x ** (2/3)`` near a known pair ``y0 = x0 ** (2/3)`` (within a few percent).

    A first-order start, then Newton steps on ``y**3 = x**2``: exact to
    rounding when ``x`` is within a few percent of ``x0``.
    """
    y = y0 * (1.0 + (2.0 / 3.0) * (x / x0 - 1.0))
    x2 = x * x
    for _ in range(3):
        y = (2.0 * y + x2 / (y * y)) / 3.0
    return y


def secular(p, t):
    """Secular gravity and drag at ``t`` minutes from epoch.

    Returns ``(mm, argpm, nodem, tempa, tempe, templ)``. The terms the
    simplified drag model leaves out are zero in ``p`` when it applies, and
    selected away, so that a non-finite angle does not leak in as 0 * NaN.
    """
    xmdf = p.mo + p.mdot * t
    argpdf = p.argpo + p.argpdot * t
    nodedf = p.nodeo + p.nodedot * t
    t2 = t * t
    t3 = t2 * t
    t4 = t3 * t
    nodem = nodedf + p.nodecf * t2
    simple = p.isimp != 0.0
    delmtemp = 1.0 + p.eta * cos(xmdf)
    delm = p.xmcof * (delmtemp * delmtemp * delmtemp - p.delmo)
    temp = where(simple, 0.0, p.omgcof * t + delm)
    mm = xmdf + temp
    argpm = argpdf - temp
    tempa = 1.0 - p.cc1 * t - p.d2 * t2 - p.d3 * t3 - p.d4 * t4
    tempe = p.bstar * p.cc4 * t + where(simple, 0.0, p.bcc5 * (sin(mm) - p.sinmao))
    templ = p.t2cof * t2 + p.t3cof * t3 + t4 * (p.t4cof + t * p.t5cof)
    return mm, argpm, nodem, tempa, tempe, templ


def mean_elements(p, t, am_base, nm, em, mm, argpm, nodem, tempa, tempe, templ):
    """Mean a, n, e, M, argp, node with drag applied (all orbits).

    ``am_base`` is (XKE / nm)^(2/3). Returns ``(am, nm, em, mm, argpm, nodem, code)``
    where ``code`` is 2 (mean motion below zero), 1 (eccentricity out of
    range) or 0.
    """
    am = am_base * tempa * tempa
    nm_new = XKE / (am * sqrt(am))
    em = em - tempe
    code = where(nm <= 0.0, 2.0, where((em >= 1.0) | (em < -0.001), 1.0, 0.0))
    em = where(em < 1.0e-6, 1.0e-6, em)
    mm = mm + p.no_unkozai * templ
    xlm = mm + argpm + nodem
    nodem = fmod2pi(nodem)
    argpm = fmod2pi(argpm)
    xlm = fmod2pi(xlm)
    mm = fmod2pi(xlm - argpm - nodem)
    return am, nm_new, em, mm, argpm, nodem, code


def resonance_rates(p, xli, xni, atime):
    """Time derivatives of SDP4's resonance integrator at one state.

    Returns ``(xldot, xndt, xnddt)`` for the 1-day (irez=1) or 12-hour
    (irez=2) geopotential resonance.
    """
    fasx2, fasx4, fasx6 = 0.13130908, 2.8843198, 0.37448087
    g22, g32, g44, g52, g54 = 5.7686396, 0.95240898, 1.8014998, 1.0508330, 4.4108898
    xldot = xni + p.xfact
    # 1-day resonance
    xndt_s = (p.del1 * sin(xli - fasx2) + p.del2 * sin(2.0 * (xli - fasx4))
              + p.del3 * sin(3.0 * (xli - fasx6)))
    xnddt_s = (p.del1 * cos(xli - fasx2) + 2.0 * p.del2 * cos(2.0 * (xli - fasx4))
               + 3.0 * p.del3 * cos(3.0 * (xli - fasx6)))
    # 12-hour resonance
    xomi = p.argpo + p.argpdot * atime
    x2omi = xomi + xomi
    x2li = xli + xli
    xndt_h = (p.d2201 * sin(x2omi + xli - g22) + p.d2211 * sin(xli - g22)
              + p.d3210 * sin(xomi + xli - g32) + p.d3222 * sin(-xomi + xli - g32)
              + p.d4410 * sin(x2omi + x2li - g44) + p.d4422 * sin(x2li - g44)
              + p.d5220 * sin(xomi + xli - g52) + p.d5232 * sin(-xomi + xli - g52)
              + p.d5421 * sin(xomi + x2li - g54) + p.d5433 * sin(-xomi + x2li - g54))
    xnddt_h = (p.d2201 * cos(x2omi + xli - g22) + p.d2211 * cos(xli - g22)
               + p.d3210 * cos(xomi + xli - g32) + p.d3222 * cos(-xomi + xli - g32)
               + p.d5220 * cos(xomi + xli - g52) + p.d5232 * cos(-xomi + xli - g52)
               + 2.0 * (p.d4410 * cos(x2omi + x2li - g44) + p.d4422 * cos(x2li - g44)
                        + p.d5421 * cos(xomi + x2li - g54) + p.d5433 * cos(-xomi + x2li - g54)))
    half = p.irez == 2.0
    xndt = where(half, xndt_h, xndt_s)
    xnddt = where(half, xnddt_h, xnddt_s) * xldot
    return xldot, xndt, xnddt


def resonance_step(xli, xni, atime, xldot, xndt, xnddt, delt):
    """One Euler-Maclaurin step of the resonance integrator (``delt`` = +-720 min)."""
    step2 = 0.5 * STEP_MIN * STEP_MIN
    return xli + xldot * delt + xndt * step2, xni + xndt * delt + xnddt * step2, atime + delt


def resonance_table(p, out, direction):
    """The resonance integrator from the epoch, one way: ``out[..., k, :]`` holds ``(xli, xni, atime,
    xldot, xndt, xnddt)`` after ``k`` whole steps of ``direction`` (+1 or -1) x 720 minutes.

    ``p`` and ``out`` (``(..., steps, 6)``) are one satellite's (compiled) or every satellite's (numpy).
    """
    xli, xni, atime = p.xlamo + 0.0, p.no_unkozai + 0.0, p.xlamo * 0.0
    for step in range(out.shape[-2]):
        xldot, xndt, xnddt = resonance_rates(p, xli, xni, atime)
        out[..., step, 0] = xli
        out[..., step, 1] = xni
        out[..., step, 2] = atime
        out[..., step, 3] = xldot
        out[..., step, 4] = xndt
        out[..., step, 5] = xnddt
        xli, xni, atime = resonance_step(xli, xni, atime, xldot, xndt, xnddt, direction * STEP_MIN)


def resonance_step_index(t):
    """Which table row the resonance integrator ends on for ``t`` minutes.

    Returns ``(side, k)``: side 0 for t > 0 (steps of +720 min), 1 otherwise,
    and ``k`` the number of whole steps the reference takes (it stops when
    ``|t - atime| < 720``), as floats.
    """
    k = np.floor(fabs(t) / STEP_MIN)
    sign = where(t > 0.0, 1.0, -1.0)
    k = where(fabs(t - sign * STEP_MIN * k) >= STEP_MIN, k + 1.0, k)
    k = where((k > 0.0) & (fabs(t - sign * STEP_MIN * (k - 1.0)) < STEP_MIN), k - 1.0, k)
    return where(t > 0.0, 0.0, 1.0), k


def deep_secular(p, t, mm, argpm, nodem, xli, xni, atime, xldot, xndt, xnddt):
    """Lunar-solar secular terms and resonance at ``t`` (SDP4 'dspace').

    ``(xli, xni, atime)`` is the resonance integrator's state at its last
    whole 720-minute step towards ``t`` and ``(xldot, xndt, xnddt)`` its rates
    there (see :mod:`.deepspace`). Returns ``(em, inclm, argpm, mm, nodem, nm)``.
    """
    theta = fmod2pi(p.gsto + t * RPTIM)
    em = p.ecco + p.dedt * t
    inclm = p.inclo + p.didt * t
    argpm = argpm + p.domdt * t
    nodem = nodem + p.dnodt * t
    mm = mm + p.dmdt * t
    ft = t - atime
    nm_r = xni + xndt * ft + xnddt * ft * ft * 0.5
    xl = xli + xldot * ft + xndt * ft * ft * 0.5
    mm_r = where(p.irez == 1.0, xl - nodem - argpm + theta, xl - 2.0 * nodem + 2.0 * theta)
    resonant = p.irez != 0.0
    mm = where(resonant, mm_r, mm)
    nm = where(resonant, p.no_unkozai + (nm_r - p.no_unkozai), p.no_unkozai)
    return em, inclm, argpm, mm, nodem, nm


def third_body_periodics(zm, ze, e2, e3, i2, i3, l2, l3, l4, gh2, gh3, gh4, h2, h3):
    """One body's (Sun's or Moon's) periodic terms at mean anomaly ``zm`` of its orbit, eccentricity ``ze``.

    Returns the periodics of ``(e, i, l, gh, h)``.
    """
    zf = zm + 2.0 * ze * sin(zm)
    sinzf, coszf = sincos(zf)
    f2 = 0.5 * sinzf * sinzf - 0.25
    f3 = -0.5 * sinzf * coszf
    return (e2 * f2 + e3 * f3, i2 * f2 + i3 * f3, l2 * f2 + l3 * f3 + l4 * sinzf,
            gh2 * f2 + gh3 * f3 + gh4 * sinzf, h2 * f2 + h3 * f3)


def deep_periodics(p, t, ep, inclp, nodep, argpp, mp):
    """Lunar-solar periodics (SDP4 'dpper'), with Lyddane's form below 0.2 rad.

    Returns ``(ep, inclp, nodep, argpp, mp)``.
    """
    zns, zes, znl, zel = 1.19459e-5, 0.01675, 1.5835218e-4, 0.05490
    ses, sis, sls, sghs, shs = third_body_periodics(p.zmos + zns * t, zes, p.se2, p.se3, p.si2, p.si3, p.sl2,
                                                    p.sl3, p.sl4, p.sgh2, p.sgh3, p.sgh4, p.sh2, p.sh3)
    sel, sil, sll, sghl, shll = third_body_periodics(p.zmol + znl * t, zel, p.ee2, p.e3, p.xi2, p.xi3, p.xl2,
                                                     p.xl3, p.xl4, p.xgh2, p.xgh3, p.xgh4, p.xh2, p.xh3)
    pe = ses + sel
    pinc = sis + sil
    pl = sls + sll
    pgh = sghs + sghl
    ph = shs + shll

    inclp = inclp + pinc
    ep = ep + pe
    sinip, cosip = sincos(inclp)
    # direct application
    ph_d = ph / sinip
    argp_d = argpp + (pgh - cosip * ph_d)
    node_d = nodep + ph_d
    # Lyddane's modification for small inclinations
    sinop, cosop = sincos(nodep)
    alfdp = sinip * sinop + (ph * cosop + pinc * cosip * sinop)
    betdp = sinip * cosop + (-ph * sinop + pinc * cosip * cosop)
    xnoh = fmod2pi(nodep)
    xls = fmod2pi(mp + argpp + cosip * xnoh + (pl + pgh - pinc * xnoh * sinip))
    node_l = atan2(alfdp, betdp)
    node_l = where(fabs(xnoh - node_l) > np.pi,
                   where(node_l < xnoh, node_l + TWO_PI, node_l - TWO_PI), node_l)
    mp = mp + pl
    argp_l = xls - mp - cosip * node_l
    direct = inclp >= 0.2
    return ep, inclp, where(direct, node_d, node_l), where(direct, argp_d, argp_l), mp


def deep_orientation(xincp):
    """Inclination-dependent coefficients, recomputed for deep-space orbits.

    Returns ``(sinip, cosip, aycof, xlcof, con41, x1mth2, x7thm1)``.
    """
    sinip, cosip = sincos(xincp)
    one_plus_cos = where(fabs(cosip + 1.0) > 1.5e-12, 1.0 + cosip, 1.5e-12)
    cosisq = cosip * cosip
    return (sinip, cosip, -0.5 * J3OJ2 * sinip, -0.25 * J3OJ2 * sinip * (3.0 + 5.0 * cosip) / one_plus_cos,
            3.0 * cosisq - 1.0, 1.0 - cosisq, 7.0 * cosisq - 1.0)


def long_period(am, ep, argpp, nodep, mp, aycof, xlcof):
    """Long-period periodics. Returns ``(axnl, aynl, u)`` with ``u`` the Kepler argument."""
    sinargp, cosargp = sincos(argpp)
    axnl = ep * cosargp
    temp = 1.0 / (am * (1.0 - ep * ep))
    aynl = ep * sinargp + temp * aycof
    xl = mp + argpp + nodep + temp * xlcof * axnl
    return axnl, aynl, fmod2pi(xl - nodep)


def kepler_step(u, eo1, axnl, aynl):
    """One Newton step of Kepler's equation in (axn, ayn) form, limited to 0.95 rad.

    Returns ``(eo1_next, correction, sin(eo1), cos(eo1))``.
    """
    sineo1, coseo1 = sincos_small(eo1)
    tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / (1.0 - coseo1 * axnl - sineo1 * aynl)
    tem5 = where(tem5 >= 0.95, 0.95, where(tem5 <= -0.95, -0.95, tem5))
    return eo1 + tem5, tem5, sineo1, coseo1


def short_period(am, nm, axnl, aynl, sineo1, coseo1, nodep, xincp, sinip, cosip, con41, x1mth2, x7thm1):
    """Short-period periodics and the TEME state.

    Returns ``(rx, ry, rz, vx, vy, vz, code)`` in km and km/s; ``code`` is 4
    (semi-latus rectum below zero), 6 (decayed) or 0.
    """
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    rl = am * (1.0 - ecose)
    rdotl = sqrt(am) * esine / rl
    rvdotl = sqrt(pl) / rl
    betal = sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * J2 * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    # u = atan2(sinu, cosu) corrected by -du; sin and cos of it by angle addition
    du = 0.25 * temp2 * x7thm1 * sin2u
    inv = 1.0 / sqrt(sinu * sinu + cosu * cosu)
    sin_du, cos_du = sincos(du)
    sinsu = (sinu * cos_du - cosu * sin_du) * inv
    cossu = (cosu * cos_du + sinu * sin_du) * inv
    xnode = nodep + 1.5 * temp2 * cosip * sin2u
    xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u
    mvt = rdotl - nm * temp1 * x1mth2 * sin2u / XKE
    rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / XKE

    snod, cnod = sincos(xnode)
    sini, cosi = sincos(xinc)
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    vx = xmx * cossu - cnod * sinsu
    vy = xmy * cossu - snod * sinsu
    vz = sini * cossu
    r = mrt * RE_KM
    code = where(pl < 0.0, 4.0, where(mrt < 1.0, 6.0, 0.0))
    return (r * ux, r * uy, r * uz,
            (mvt * ux + rvdot * vx) * VKMPERSEC,
            (mvt * uy + rvdot * vy) * VKMPERSEC,
            (mvt * uz + rvdot * vz) * VKMPERSEC,
            code)


def near_earth_state(p, t):
    """Everything before Kepler's equation for a near-earth orbit.

    Returns ``(am, nm, axnl, aynl, u, code)``.
    """
    mm, argpm, nodem, tempa, tempe, templ = secular(p, t)
    am, nm, em, mm, argpm, nodem, code = mean_elements(
        p, t, p.ao, p.no_unkozai, p.ecco, mm, argpm, nodem, tempa, tempe, templ)
    axnl, aynl, u = long_period(am, em, argpm, nodem, mm, p.aycof, p.xlcof)
    return am, nm, axnl, aynl, u, nodem, code


def deep_space_state(p, t, xli, xni, atime, xldot, xndt, xnddt):
    """Everything before Kepler's equation for a deep-space orbit.

    The last six arguments are the resonance integrator's state and rates (see
    :func:`deep_secular`). Returns ``(am, nm, axnl, aynl, u, nodep, xincp, sinip, cosip, con41, x1mth2, x7thm1, code)``.
    """
    mm, argpm, nodem, tempa, tempe, templ = secular(p, t)
    em, inclm, argpm, mm, nodem, nm = deep_secular(p, t, mm, argpm, nodem, xli, xni, atime,
                                                   xldot, xndt, xnddt)
    am_base = two_thirds_power(XKE / nm, XKE / p.no_unkozai, p.ao)
    am, nm_new, em, mm, argpm, nodem, code = mean_elements(
        p, t, am_base, nm, em, mm, argpm, nodem, tempa, tempe, templ)
    ep, xincp, nodep, argpp, mp = deep_periodics(p, t, em, inclm, nodem, argpm, mm)
    flip = xincp < 0.0
    xincp = where(flip, -xincp, xincp)
    nodep = where(flip, nodep + np.pi, nodep)
    argpp = where(flip, argpp - np.pi, argpp)
    code = where((code == 0.0) & ((ep < 0.0) | (ep > 1.0)), 3.0, code)
    sinip, cosip, aycof, xlcof, con41, x1mth2, x7thm1 = deep_orientation(xincp)
    axnl, aynl, u = long_period(am, ep, argpp, nodep, mp, aycof, xlcof)
    return am, nm_new, axnl, aynl, u, nodep, xincp, sinip, cosip, con41, x1mth2, x7thm1, code


NEAR_EARTH_FUNCTIONS = ("fmod2pi", "secular", "mean_elements", "long_period", "kepler_step",
                        "short_period", "near_earth_state")
"""The kernel of near-earth orbits (the compiled backend vectorises these)."""
DEEP_SPACE_FUNCTIONS = NEAR_EARTH_FUNCTIONS + ("two_thirds_power", "resonance_step_index", "resonance_rates",
                                                "resonance_table",
                                               "resonance_step", "deep_secular", "third_body_periodics",
                                               "deep_periodics",
                                               "deep_orientation", "deep_space_state")
"""The kernel of deep-space orbits, given the resonance integrator's states."""
