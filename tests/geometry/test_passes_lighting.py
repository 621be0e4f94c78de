"""Passes and eclipses against skyfield; the Sun against de421; ground tracks."""

from __future__ import annotations

import numpy as np
import pytest
from skyfield.api import EarthSatellite, wgs84
from skyfield.framelib import true_equator_and_equinox_of_date

from orbops import Site
from orbops.geometry import Orbits, eclipses, ground_tracks, passes, split_antimeridian, sun_position_km
from orbops.geometry.lighting import shadow_events
from orbops.geometry.search import time_grid

from .conftest import ns, sf_ns, sf_time

BAIKONUR = Site(45.920278, 63.342222, 0.090, "Baikonur 1/5")


@pytest.fixture(scope="module")
def leo(snapshot):
    near = snapshot[1440.0 / snapshot.mean_motion_rev_day < 225.0]
    return near[::12]  # ~70 real LEO objects of many kinds


def test_passes_match_skyfield_find_events(leo, ts):
    t0, t1 = ns("2018-01-22"), ns("2018-01-23")
    found = passes(Orbits(leo), BAIKONUR, t0, t1, min_el_deg=10.0)
    topos = wgs84.latlon(BAIKONUR.lat_deg, BAIKONUR.lon_deg, elevation_m=90.0)
    by_object = {}
    for p in found:
        by_object.setdefault(p.norad_id, []).append(p)
    total = 0
    for es in leo:
        t, e = EarthSatellite(*es.tle_lines, ts=ts).find_events(topos, sf_time(ts, t0), sf_time(ts, t1),
                                                                 altitude_degrees=10.0)
        times = sf_ns(t) if len(t) else np.zeros(0, np.int64)
        mine = by_object.get(es.norad_id, [])
        culminations = times[e == 1]
        assert len(mine) == len(culminations), es
        for p, c in zip(mine, culminations):
            assert abs(p.culminate_ns - c) < 1e9
            # the rise and set skyfield reports around this culmination
            rises = times[(e == 0) & (times < c)]
            sets = times[(e == 2) & (times > c)]
            if p.rise_ns is not None:
                assert abs(p.rise_ns - rises[-1]) < 1e9
            if p.set_ns is not None:
                assert abs(p.set_ns - sets[0]) < 1e9
            assert p.max_el_deg >= 10.0
        total += len(mine)
    assert total > 100


def test_pass_elevation_invariants(leo):
    orbits = Orbits(leo[:20])
    t0, t1 = ns("2018-01-22"), ns("2018-01-22T12:00")
    from orbops.geometry.passes import look_angles
    whole = [p for p in passes(orbits, BAIKONUR, t0, t1, min_el_deg=10.0) if p.duration_s is not None]
    assert len(whole) > 10
    for p in whole:
        k = orbits.index(p.norad_id)
        probe = np.array([[p.rise_ns - 10**8, p.rise_ns + 10**8, p.culminate_ns, p.set_ns - 10**8, p.set_ns + 10**8]])
        el = look_angles(orbits, BAIKONUR, [k], probe)[1][0]
        assert el[0] < 10.0 < el[1] and el[3] > 10.0 > el[4]
        assert abs(el[2] - p.max_el_deg) < 1e-6


def test_sun_against_de421(eph, ts):
    t_ns = time_grid(ns("2010-01-01"), ns("2026-12-31"), 86400 * 97)
    mine = sun_position_km(t_ns)
    t = sf_time(ts, t_ns)
    ref = eph["earth"].at(t).observe(eph["sun"]).apparent().frame_xyz(true_equator_and_equinox_of_date).km.T
    cosang = np.einsum("ij,ij->i", mine, ref) / (np.linalg.norm(mine, axis=1) * np.linalg.norm(ref, axis=1))
    assert np.degrees(np.arccos(np.clip(cosang, -1, 1))).max() < 0.01
    assert np.abs(np.linalg.norm(mine, axis=1) / np.linalg.norm(ref, axis=1) - 1).max() < 2e-4


def test_eclipse_times_match_skyfield_is_sunlit(history, eph, ts):
    iss = history.get("ISS", "2023-01-10")
    orbits = Orbits([iss])
    t0 = int(iss.epoch.astype(np.int64))
    t1 = t0 + 6 * 3600 * 10**9
    ev = shadow_events(orbits, t0, t1, "centre")  # skyfield's test: the Sun's centre behind the Earth
    grid = t0 + np.arange(0, 6 * 3600, 1, dtype=np.int64) * 10**9
    lit = EarthSatellite(*iss.tle_lines, ts=ts).at(sf_time(ts, grid)).is_sunlit(eph)
    changes = grid[np.flatnonzero(lit[1:] != lit[:-1])] + 500_000_000  # midpoints of 1-s steps
    assert len(changes) == len(ev) > 6
    assert np.abs(ev.t_ns - changes).max() < 1.5e9  # within the 1-s sampling of the reference


def test_eclipse_intervals_nest(history):
    iss = history.get("ISS", "2023-01-10")
    t0 = int(iss.epoch.astype(np.int64))
    found = eclipses(Orbits([iss]), t0, t0 + 6 * 3600 * 10**9)
    whole = [e for e in found if e.duration_s is not None]
    assert len(whole) >= 3
    for e in whole:
        assert e.penumbra_entry_ns < e.umbra_entry_ns < e.umbra_exit_ns < e.penumbra_exit_ns
        assert 30 * 60 < e.duration_s < 40 * 60 and 5 < (e.duration_s - e.umbra_s) < 30
        assert -75 < e.beta_deg < 75


def test_ground_track_matches_skyfield_subpoints(history, ts):
    iss = history.get("ISS", "2025-11-05")
    t_ns = time_grid(ns("2025-11-05"), ns("2025-11-05T03:00"), 30)
    (track,) = ground_tracks(Orbits([iss]), t_ns)
    sp = wgs84.geographic_position_of(EarthSatellite(*iss.tle_lines, ts=ts).at(sf_time(ts, t_ns)))
    assert np.abs(track.lat_deg - sp.latitude.degrees).max() < 1e-5
    assert np.abs((track.lon_deg - sp.longitude.degrees + 180) % 360 - 180).max() < 1e-5
    assert np.abs(track.alt_km - sp.elevation.km).max() < 1e-3
    segs = track.segments()
    assert len(segs) >= 2 and all(np.all(np.abs(np.diff(lon)) < 180) for lon, _ in segs)
    assert sum(len(lon) for lon, _ in segs) >= len(t_ns)


def test_split_antimeridian_interpolates_the_crossing():
    segs = split_antimeridian([170.0, 179.0, -179.0, -170.0], [0.0, 1.0, 3.0, 4.0])
    assert len(segs) == 2
    (lon1, lat1), (lon2, lat2) = segs
    assert lon1[-1] == 180.0 and lon2[0] == -180.0 and lat1[-1] == lat2[0] == pytest.approx(2.0)
    assert len(split_antimeridian([0.0, np.nan, 5.0, 6.0], [0, 0, 1, 1])) == 1
