"""SGP4/SDP4 initialisation, vectorised over satellites (numpy).

Turns element sets into the per-satellite constants the time kernel needs:
the Brouwer mean motion, drag coefficients, secular rates and, for periods
of 225 minutes or more, the lunar-solar and resonance terms of SDP4.
Algorithm: Hoots & Roehrich 1980 (Spacetrack Report #3) as revised by
Vallado, Crawford, Hujsak & Kelso 2006 (AIAA 2006-6753), "improved" mode.
Branches of the published algorithm are masks here; every quantity is an
array shaped ``(n_sat,)``.
"""

from __future__ import annotations

import numpy as np

from ..constants import (
    MINUTES_PER_DAY,
    TWO_PI,
    WGS72_J2 as J2,
    WGS72_J3 as J3,
    WGS72_J4 as J4,
    WGS72_RADIUS_KM as RE_KM,
    WGS72_XKE as XKE,
)
from ..timescales import gmst82_from_ut1
from .kernel import ANGLE_LIMIT_DEG, INVALID_ELEMENTS

__all__ = ["PARAM_FIELDS", "initialize", "initialize_elements", "element_codes", "RPTIM", "DEEP_SPACE_PERIOD_MIN",
           "ANGLE_LIMIT_DEG"]

J3OJ2 = J3 / J2
X2O3 = 2.0 / 3.0
RPTIM = 4.37526908801129966e-3
"""Earth rotation rate used by SDP4's resonance terms (rad/min)."""
DEEP_SPACE_PERIOD_MIN = 225.0
"""Orbits with a period of this many minutes or more use the deep-space model."""

# Every per-satellite constant of the time kernel, in one float64 record.
PARAM_FIELDS = (
    # elements and near-earth constants
    "no_unkozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar", "ao", "sinio", "cosio",
    "cc1", "cc4", "bcc5", "d2", "d3", "d4", "delmo", "eta", "sinmao", "omgcof", "xmcof",
    "t2cof", "t3cof", "t4cof", "t5cof", "mdot", "argpdot", "nodedot", "nodecf",
    "con41", "x1mth2", "x7thm1", "xlcof", "aycof", "isimp", "deep",
    # deep space: secular rates, lunar-solar periodic coefficients, resonance
    "gsto", "dedt", "didt", "dmdt", "dnodt", "domdt", "zmol", "zmos",
    "e3", "ee2", "se2", "se3", "sgh2", "sgh3", "sgh4", "sh2", "sh3", "si2", "si3", "sl2", "sl3", "sl4",
    "xgh2", "xgh3", "xgh4", "xh2", "xh3", "xi2", "xi3", "xl2", "xl3", "xl4",
    "irez", "d2201", "d2211", "d3210", "d3222", "d4410", "d4422", "d5220", "d5232", "d5421", "d5433",
    "del1", "del2", "del3", "xfact", "xlamo",
)
PARAM_DTYPE = np.dtype([(name, np.float64) for name in PARAM_FIELDS])


def _periodic_coefficients(b: dict, ze, emsq) -> tuple:
    """One body's lunar-solar periodic coefficients from its ``body`` terms and eccentricity ``ze``."""
    return (2.0 * b["s1"] * b["s6"], 2.0 * b["s1"] * b["s7"],
            2.0 * b["s2"] * b["z12"], 2.0 * b["s2"] * (b["z13"] - b["z11"]),
            -2.0 * b["s3"] * b["z2"], -2.0 * b["s3"] * (b["z3"] - b["z1"]), -2.0 * b["s3"] * (-21.0 - 9.0 * emsq) * ze,
            2.0 * b["s4"] * b["z32"], 2.0 * b["s4"] * (b["z33"] - b["z31"]), -18.0 * b["s4"] * ze,
            -2.0 * b["s2"] * b["z22"], -2.0 * b["s2"] * (b["z23"] - b["z21"]))

def _lunar_solar(epoch_days, ecco, argpo, inclo, nodeo, no):
    """Lunar and solar perturbation coefficients at epoch (SDP4 'dscom')."""
    zes, zel = 0.01675, 0.05490
    c1ss, c1l = 2.9864797e-6, 4.7968065e-7
    zsinis, zcosis = 0.39785416, 0.91744867
    zcosgs, zsings = 0.1945905, -0.98088458

    snodm, cnodm = np.sin(nodeo), np.cos(nodeo)
    sinomm, cosomm = np.sin(argpo), np.cos(argpo)
    sinim, cosim = np.sin(inclo), np.cos(inclo)
    emsq = ecco * ecco
    betasq = 1.0 - emsq
    rtemsq = np.sqrt(betasq)

    day = epoch_days + 18261.5
    xnodce = np.fmod(4.5236020 - 9.2422029e-4 * day, TWO_PI)
    stem, ctem = np.sin(xnodce), np.cos(xnodce)
    zcosil = 0.91375164 - 0.03568096 * ctem
    zsinil = np.sqrt(1.0 - zcosil * zcosil)
    zsinhl = 0.089683511 * stem / zsinil
    zcoshl = np.sqrt(1.0 - zsinhl * zsinhl)
    gam = 5.8351514 + 0.0019443680 * day
    zx = 0.39785416 * stem / zsinil
    zy = zcoshl * ctem + 0.91744867 * zsinhl * stem
    zx = gam + np.arctan2(zx, zy) - xnodce
    zcosgl, zsingl = np.cos(zx), np.sin(zx)

    def body(zcosg, zsing, zcosi, zsini, zcosh, zsinh, cc):
        """The coefficients of one perturbing body (Sun, then Moon)."""
        a1 = zcosg * zcosh + zsing * zcosi * zsinh
        a3 = -zsing * zcosh + zcosg * zcosi * zsinh
        a7 = -zcosg * zsinh + zsing * zcosi * zcosh
        a8 = zsing * zsini
        a9 = zsing * zsinh + zcosg * zcosi * zcosh
        a10 = zcosg * zsini
        a2 = cosim * a7 + sinim * a8
        a4 = cosim * a9 + sinim * a10
        a5 = -sinim * a7 + cosim * a8
        a6 = -sinim * a9 + cosim * a10
        x1 = a1 * cosomm + a2 * sinomm
        x2 = a3 * cosomm + a4 * sinomm
        x3 = -a1 * sinomm + a2 * cosomm
        x4 = -a3 * sinomm + a4 * cosomm
        x5 = a5 * sinomm
        x6 = a6 * sinomm
        x7 = a5 * cosomm
        x8 = a6 * cosomm
        z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3
        z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4
        z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4
        z1 = 3.0 * (a1 * a1 + a2 * a2) + z31 * emsq
        z2 = 6.0 * (a1 * a3 + a2 * a4) + z32 * emsq
        z3 = 3.0 * (a3 * a3 + a4 * a4) + z33 * emsq
        z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5)
        z12 = -6.0 * (a1 * a6 + a3 * a5) + emsq * (-24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5))
        z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6)
        z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7)
        z22 = 6.0 * (a4 * a5 + a2 * a6) + emsq * (24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8))
        z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8)
        z1 = z1 + z1 + betasq * z31
        z2 = z2 + z2 + betasq * z32
        z3 = z3 + z3 + betasq * z33
        s3 = cc / no
        s2 = -0.5 * s3 / rtemsq
        s4 = s3 * rtemsq
        s1 = -15.0 * ecco * s4
        s5 = x1 * x3 + x2 * x4
        s6 = x2 * x3 + x1 * x4
        s7 = x2 * x4 - x1 * x3
        return dict(s1=s1, s2=s2, s3=s3, s4=s4, s5=s5, s6=s6, s7=s7, z1=z1, z2=z2, z3=z3,
                    z11=z11, z12=z12, z13=z13, z21=z21, z22=z22, z23=z23, z31=z31, z32=z32, z33=z33)

    sun = body(zcosgs, zsings, zcosis, zsinis, cnodm, snodm, c1ss)
    moon = body(zcosgl, zsingl, zcosil, zsinil,
                zcoshl * cnodm + zsinhl * snodm, snodm * zcoshl - cnodm * zsinhl, c1l)

    out = dict(
        zmol=np.fmod(4.7199672 + 0.22997150 * day - gam, TWO_PI),
        zmos=np.fmod(6.2565837 + 0.017201977 * day, TWO_PI),
    )
    # each body's coefficients of (e, i, l, gh, h) periodics, in kernel.third_body_periodics's order
    out.update(zip(("se2", "se3", "si2", "si3", "sl2", "sl3", "sl4", "sgh2", "sgh3", "sgh4", "sh2", "sh3"),
                   _periodic_coefficients(sun, zes, emsq)))
    out.update(zip(("ee2", "e3", "xi2", "xi3", "xl2", "xl3", "xl4", "xgh2", "xgh3", "xgh4", "xh2", "xh3"),
                   _periodic_coefficients(moon, zel, emsq)))
    return out, sun, moon, emsq, sinim, cosim


def _deep_rates(sun, moon, emsq, inclo, sinim, cosim):
    """Secular rates of e, i, argp, node and M from lunar-solar terms (SDP4 'dsinit')."""
    znl, zns = 1.5835218e-4, 1.19459e-5
    near_equatorial = (inclo < 5.2359877e-2) | (inclo > np.pi - 5.2359877e-2)
    safe_sin = np.where(sinim != 0.0, sinim, 1.0)
    ses = sun["s1"] * zns * sun["s5"]
    sis = sun["s2"] * zns * (sun["z11"] + sun["z13"])
    sls = -zns * sun["s3"] * (sun["z1"] + sun["z3"] - 14.0 - 6.0 * emsq)
    sghs = sun["s4"] * zns * (sun["z31"] + sun["z33"] - 6.0)
    shs = np.where(near_equatorial, 0.0, -zns * sun["s2"] * (sun["z21"] + sun["z23"]))
    shs = np.where(sinim != 0.0, shs / safe_sin, shs)
    sgs = sghs - cosim * shs
    dedt = ses + moon["s1"] * znl * moon["s5"]
    didt = sis + moon["s2"] * znl * (moon["z11"] + moon["z13"])
    dmdt = sls - znl * moon["s3"] * (moon["z1"] + moon["z3"] - 14.0 - 6.0 * emsq)
    sghl = moon["s4"] * znl * (moon["z31"] + moon["z33"] - 6.0)
    shll = np.where(near_equatorial, 0.0, -znl * moon["s2"] * (moon["z21"] + moon["z23"]))
    domdt = sgs + sghl
    dnodt = shs
    domdt = np.where(sinim != 0.0, domdt - cosim / safe_sin * shll, domdt)
    dnodt = np.where(sinim != 0.0, dnodt + shll / safe_sin, dnodt)
    return dict(dedt=dedt, didt=didt, dmdt=dmdt, domdt=domdt, dnodt=dnodt)


def _resonance(P, theta, sinim, cosim, emsq):
    """Geopotential resonance terms for 1-day (irez=1) and 12-hour (irez=2) orbits."""
    q22, q31, q33 = 1.7891679e-6, 2.1460748e-6, 2.2123015e-7
    root22, root44, root54 = 1.7891679e-6, 7.3636953e-9, 2.1765803e-9
    root32, root52 = 3.7393792e-7, 1.1428639e-7
    nm, em = P["no_unkozai"], P["ecco"]
    irez = np.where((nm > 0.0034906585) & (nm < 0.0052359877), 1.0, 0.0)
    irez = np.where((nm >= 8.26e-3) & (nm <= 9.24e-3) & (em >= 0.5), 2.0, irez)
    aonv = np.cbrt(nm / XKE) ** 2

    # 12-hour resonance (irez == 2): coefficients fitted in eccentricity
    cosisq = cosim * cosim
    eoc = em * emsq
    low = em <= 0.65
    g201 = -0.306 - (em - 0.64) * 0.440
    g211 = np.where(low, 3.616 - 13.2470 * em + 16.2900 * emsq,
                    -72.099 + 331.819 * em - 508.738 * emsq + 266.724 * eoc)
    g310 = np.where(low, -19.302 + 117.3900 * em - 228.4190 * emsq + 156.5910 * eoc,
                    -346.844 + 1582.851 * em - 2415.925 * emsq + 1246.113 * eoc)
    g322 = np.where(low, -18.9068 + 109.7927 * em - 214.6334 * emsq + 146.5816 * eoc,
                    -342.585 + 1554.908 * em - 2366.899 * emsq + 1215.972 * eoc)
    g410 = np.where(low, -41.122 + 242.6940 * em - 471.0940 * emsq + 313.9530 * eoc,
                    -1052.797 + 4758.686 * em - 7193.992 * emsq + 3651.957 * eoc)
    g422 = np.where(low, -146.407 + 841.8800 * em - 1629.014 * emsq + 1083.4350 * eoc,
                    -3581.690 + 16178.110 * em - 24462.770 * emsq + 12422.520 * eoc)
    g520 = np.where(low, -532.114 + 3017.977 * em - 5740.032 * emsq + 3708.2760 * eoc,
                    np.where(em > 0.715, -5149.66 + 29936.92 * em - 54087.36 * emsq + 31324.56 * eoc,
                             1464.74 - 4664.75 * em + 3763.64 * emsq))
    below = em < 0.7
    g533 = np.where(below, -919.22770 + 4988.6100 * em - 9064.7700 * emsq + 5542.21 * eoc,
                    -37995.780 + 161616.52 * em - 229838.20 * emsq + 109377.94 * eoc)
    g521 = np.where(below, -822.71072 + 4568.6173 * em - 8491.4146 * emsq + 5337.524 * eoc,
                    -51752.104 + 218913.95 * em - 309468.16 * emsq + 146349.42 * eoc)
    g532 = np.where(below, -853.66600 + 4690.2500 * em - 8624.7700 * emsq + 5341.4 * eoc,
                    -40023.880 + 170470.89 * em - 242699.48 * emsq + 115605.82 * eoc)
    sini2 = sinim * sinim
    f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq)
    f221 = 1.5 * sini2
    f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq)
    f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq)
    f441 = 35.0 * sini2 * f220
    f442 = 39.3750 * sini2 * sini2
    f522 = 9.84375 * sinim * (sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq)
                              + 0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq))
    f523 = sinim * (4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq)
                    + 6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq))
    f542 = 29.53125 * sinim * (2.0 - 8.0 * cosim + cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq))
    f543 = 29.53125 * sinim * (-2.0 - 8.0 * cosim + cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq))
    temp1 = 3.0 * nm * nm * aonv * aonv
    temp = temp1 * root22
    half = irez == 2
    P["d2201"] = np.where(half, temp * f220 * g201, 0.0)
    P["d2211"] = np.where(half, temp * f221 * g211, 0.0)
    temp1 = temp1 * aonv
    temp = temp1 * root32
    P["d3210"] = np.where(half, temp * f321 * g310, 0.0)
    P["d3222"] = np.where(half, temp * f322 * g322, 0.0)
    temp1 = temp1 * aonv
    temp = 2.0 * temp1 * root44
    P["d4410"] = np.where(half, temp * f441 * g410, 0.0)
    P["d4422"] = np.where(half, temp * f442 * g422, 0.0)
    temp1 = temp1 * aonv
    temp = temp1 * root52
    P["d5220"] = np.where(half, temp * f522 * g520, 0.0)
    P["d5232"] = np.where(half, temp * f523 * g532, 0.0)
    temp = 2.0 * temp1 * root54
    P["d5421"] = np.where(half, temp * f542 * g521, 0.0)
    P["d5433"] = np.where(half, temp * f543 * g533, 0.0)
    xlamo_half = np.fmod(P["mo"] + P["nodeo"] + P["nodeo"] - theta - theta, TWO_PI)
    xfact_half = P["mdot"] + P["dmdt"] + 2.0 * (P["nodedot"] + P["dnodt"] - RPTIM) - nm

    # 1-day (synchronous) resonance (irez == 1)
    sync = irez == 1
    g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq)
    g310s = 1.0 + 2.0 * emsq
    g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq)
    f220s = 0.75 * (1.0 + cosim) * (1.0 + cosim)
    f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) - 0.75 * (1.0 + cosim)
    f330 = 1.0 + cosim
    f330 = 1.875 * f330 * f330 * f330
    del1 = 3.0 * nm * nm * aonv * aonv
    P["del2"] = np.where(sync, 2.0 * del1 * f220s * g200 * q22, 0.0)
    P["del3"] = np.where(sync, 3.0 * del1 * f330 * g300 * q33 * aonv, 0.0)
    P["del1"] = np.where(sync, del1 * f311 * g310s * q31 * aonv, 0.0)
    xlamo_sync = np.fmod(P["mo"] + P["nodeo"] + P["argpo"] - theta, TWO_PI)
    xfact_sync = (P["mdot"] + (P["argpdot"] + P["nodedot"]) - RPTIM + P["dmdt"] + P["domdt"]
                  + P["dnodt"] - nm)
    P["xlamo"] = np.where(half, xlamo_half, np.where(sync, xlamo_sync, 0.0))
    P["xfact"] = np.where(half, xfact_half, np.where(sync, xfact_sync, 0.0))
    P["irez"] = irez


def initialize(no_kozai_rad_min, ecco, inclo, nodeo, argpo, mo, bstar, epoch_jd_1950) -> np.ndarray:
    """Per-satellite SGP4/SDP4 constants as a structured array ``(n_sat,)`` of :data:`PARAM_FIELDS`.

    Angles in radians, mean motion (Kozai) in rad/min, ``epoch_jd_1950`` in
    days since 1949-12-31T00:00 UTC (the reference's epoch convention).
    """
    n0 = np.asarray(no_kozai_rad_min, dtype=float)
    ecco = np.asarray(ecco, dtype=float)
    inclo = np.asarray(inclo, dtype=float)
    epoch = np.asarray(epoch_jd_1950, dtype=float)
    P = np.zeros(n0.shape, dtype=PARAM_DTYPE)
    P["ecco"], P["inclo"], P["nodeo"], P["argpo"], P["mo"], P["bstar"] = (
        ecco, inclo, nodeo, argpo, mo, bstar)

    with np.errstate(all="ignore"):
        # Brouwer mean motion and semi-major axis from the Kozai mean motion
        eccsq = ecco * ecco
        omeosq = 1.0 - eccsq
        rteosq = np.sqrt(omeosq)
        cosio = np.cos(inclo)
        cosio2 = cosio * cosio
        ak = np.cbrt(XKE / n0) ** 2
        d1 = 0.75 * J2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq)
        delta = d1 / (ak * ak)
        adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
        delta = d1 / (adel * adel)
        no = n0 / (1.0 + delta)
        ao = np.cbrt(XKE / no) ** 2
        sinio = np.sin(inclo)
        po = ao * omeosq
        con42 = 1.0 - 5.0 * cosio2
        con41 = -con42 - cosio2 - cosio2
        posq = po * po
        rp = ao * (1.0 - ecco)
        P["no_unkozai"], P["ao"], P["sinio"], P["cosio"], P["con41"] = no, ao, sinio, cosio, con41
        P["gsto"] = gmst82_from_ut1(epoch + 2433281.5)  # the epoch's Julian date (days since 1949 Dec 31 0h)

        # atmospheric drag: the s and q0 parameters depend on perigee height
        perige = (rp - 1.0) * RE_KM
        sfour = np.where(perige < 156.0, np.where(perige < 98.0, 20.0, perige - 78.0), 78.0)
        qzms24 = ((120.0 - sfour) / RE_KM) ** 4
        sfour = sfour / RE_KM + 1.0
        isimp = rp < (220.0 / RE_KM + 1.0)
        pinvsq = 1.0 / posq
        tsi = 1.0 / (ao - sfour)
        eta = ao * ecco * tsi
        etasq = eta * eta
        eeta = ecco * eta
        psisq = np.abs(1.0 - etasq)
        coef = qzms24 * tsi ** 4
        coef1 = coef / psisq ** 3.5
        cc2 = coef1 * no * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq))
                            + 0.375 * J2 * tsi / psisq * con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)))
        cc1 = P["bstar"] * cc2
        cc3 = np.where(ecco > 1.0e-4, -2.0 * coef * tsi * J3OJ2 * no * sinio / ecco, 0.0)
        x1mth2 = 1.0 - cosio2
        cc4 = 2.0 * no * coef1 * ao * omeosq * (
            eta * (2.0 + 0.5 * etasq) + ecco * (0.5 + 2.0 * etasq)
            - J2 * tsi / (ao * psisq) * (-3.0 * con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta))
                                         + 0.75 * x1mth2 * (2.0 * etasq - eeta * (1.0 + etasq))
                                         * np.cos(2.0 * P["argpo"])))
        cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq)
        cosio4 = cosio2 * cosio2
        temp1 = 1.5 * J2 * pinvsq * no
        temp2 = 0.5 * temp1 * J2 * pinvsq
        temp3 = -0.46875 * J4 * pinvsq * pinvsq * no
        mdot = no + 0.5 * temp1 * rteosq * con41 + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4)
        argpdot = (-0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
                   + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4))
        xhdot1 = -temp1 * cosio
        nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
        omgcof = P["bstar"] * cc3 * np.cos(P["argpo"])
        xmcof = np.where(ecco > 1.0e-4, -X2O3 * coef * P["bstar"] / eeta, 0.0)
        one_plus_cos = np.where(np.abs(cosio + 1.0) > 1.5e-12, 1.0 + cosio, 1.5e-12)
        P["xlcof"] = -0.25 * J3OJ2 * sinio * (3.0 + 5.0 * cosio) / one_plus_cos
        P["aycof"] = -0.5 * J3OJ2 * sinio
        delmotemp = 1.0 + eta * np.cos(P["mo"])
        P["delmo"] = delmotemp * delmotemp * delmotemp
        P["sinmao"] = np.sin(P["mo"])
        P["x7thm1"] = 7.0 * cosio2 - 1.0
        P["x1mth2"] = x1mth2
        P["eta"], P["cc1"], P["cc4"] = eta, cc1, cc4
        P["mdot"], P["argpdot"], P["nodedot"] = mdot, argpdot, nodedot
        P["nodecf"] = 3.5 * omeosq * xhdot1 * cc1
        P["t2cof"] = 1.5 * cc1

        # deep space (period >= 225 min): lunar-solar terms and resonances
        deep = TWO_PI / no >= DEEP_SPACE_PERIOD_MIN
        isimp = isimp | deep
        P["deep"] = deep
        if np.any(deep):
            coefs, sun, moon, emsq, sinim, cosim = _lunar_solar(epoch, ecco, P["argpo"], inclo, P["nodeo"], no)
            for name, value in coefs.items():
                P[name] = np.where(deep, value, 0.0)
            for name, value in _deep_rates(sun, moon, emsq, inclo, sinim, cosim).items():
                P[name] = np.where(deep, value, 0.0)
            _resonance(P, P["gsto"], sinim, cosim, emsq)
            P["irez"] = np.where(deep, P["irez"], 0.0)

        # higher-order drag terms, only for perigees above 220 km in near-earth orbits
        full = ~isimp
        cc1sq = cc1 * cc1
        d2 = 4.0 * ao * tsi * cc1sq
        temp = d2 * tsi * cc1 / 3.0
        d3 = (17.0 * ao + sfour) * temp
        d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * cc1
        P["d2"] = np.where(full, d2, 0.0)
        P["d3"] = np.where(full, d3, 0.0)
        P["d4"] = np.where(full, d4, 0.0)
        P["t3cof"] = np.where(full, d2 + 2.0 * cc1sq, 0.0)
        P["t4cof"] = np.where(full, 0.25 * (3.0 * d3 + cc1 * (12.0 * d2 + 10.0 * cc1sq)), 0.0)
        P["t5cof"] = np.where(full, 0.2 * (3.0 * d4 + 12.0 * cc1 * d3 + 6.0 * d2 * d2
                                           + 15.0 * cc1sq * (2.0 * d2 + cc1sq)), 0.0)
        # Terms the simplified model leaves out are zero, so the kernel needs no branch.
        P["omgcof"] = np.where(full, omgcof, 0.0)
        P["xmcof"] = np.where(full, xmcof, 0.0)
        P["bcc5"] = np.where(full, P["bstar"] * cc5, 0.0)
        P["isimp"] = isimp
    return P


def initialize_elements(no_kozai_rev_day, ecc, inc_deg, raan_deg, argp_deg, mean_anomaly_deg, bstar,
                        epoch_ns) -> np.ndarray:
    """:func:`initialize` from element-set units (rev/day, degrees, epoch as int64 ns since 1970)."""
    epoch_1950 = (np.asarray(epoch_ns, dtype=np.int64) / 86_400e9) + (2440587.5 - 2433281.5)
    rad = np.radians
    with np.errstate(all="ignore"):  # absurd values overflow; element_codes reports them
        n0 = np.asarray(no_kozai_rev_day, dtype=float) * TWO_PI / MINUTES_PER_DAY
        angles = rad(inc_deg), rad(raan_deg), rad(argp_deg), rad(mean_anomaly_deg)
    return initialize(n0, ecc, *angles, bstar, epoch_1950)


def element_codes(no_kozai_rev_day, ecc, inc_deg, raan_deg, argp_deg, mean_anomaly_deg, bstar,
                  epoch_ns) -> np.ndarray:
    """Error code ``(n_sat,)`` (uint8) of element sets that fail at every time; 0 for the others.

    First match: 7 (invalid elements) when a value is not finite, an angle
    exceeds :data:`ANGLE_LIMIT_DEG` or the epoch is NaT; 1 when ``1 - e**2 <= 0``
    (the reference then skips initialisation and reports 1 at every time, or
    computes with infinities at ``|e| = 1``); 2 when the mean motion is zero or
    negative (the reference reports 2 at zero and computes with NaN below).
    Other failures are found per sample by the kernel.
    """
    ecc = np.asarray(ecc, dtype=float)
    n = np.asarray(no_kozai_rev_day, dtype=float)
    angles = np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (
        inc_deg, raan_deg, argp_deg, mean_anomaly_deg))))
    others = np.stack(np.broadcast_arrays(n, ecc, np.asarray(bstar, dtype=float)))
    epoch = np.asarray(epoch_ns, dtype=np.int64)
    with np.errstate(all="ignore"):
        invalid = (~np.isfinite(others).all(axis=0) | ~(np.abs(angles) <= ANGLE_LIMIT_DEG).all(axis=0)
                   | (epoch == np.iinfo(np.int64).min))
        codes = np.where(invalid, INVALID_ELEMENTS, np.where(1.0 - ecc * ecc <= 0.0, 1, np.where(n <= 0.0, 2, 0)))
    return codes.astype(np.uint8)
