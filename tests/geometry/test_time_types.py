"""Every public geometry function takes the time types `propagate` takes, and objects by name."""

from __future__ import annotations

import datetime

import numpy as np

import orbops
from orbops.geometry import (Orbits, beta_angle_deg, eclipses, ground_tracks, landing_opportunities, landing_zone,
                             launch_site, launch_windows, passes, plane_geometry, sun_elevation_deg, terminator)
from orbops.timescales import Times

from .conftest import ns

START, STOP = "2025-11-05", "2025-11-06"
KINDS = [(START, STOP), (np.datetime64(START), np.datetime64(STOP)), (datetime.datetime(2025, 11, 5),
          datetime.datetime(2025, 11, 6, tzinfo=datetime.timezone.utc)), (Times(START), Times(STOP)),
         (ns(START), ns(STOP))]


def test_spans_of_every_kind_give_the_same_answer(history):
    orbits = Orbits(history, ["ISS", "CSS"])
    site = launch_site("baikonur")
    reference = None
    for t0, t1 in KINDS:
        got = ([p.culminate_ns for p in passes(orbits, site.site, t0, t1)],
               [e.umbra_entry_ns for e in eclipses(orbits, t0, t1)],
               [w.inplane_ns for w in launch_windows(site, orbits, "ISS", t0, t1)],
               [o.time_ns for o in landing_opportunities(orbits, "ISS", landing_zone("soyuz"), t0, t1)],
               plane_geometry(orbits, "ISS", "CSS", t0, t1, step_s=3600).drift_deg_per_day)
        reference = reference or got
        assert got == reference
    assert all(reference[:4])


def test_instants_of_every_kind_and_objects_by_name(history):
    orbits = Orbits(history, ["ISS", "CSS"])
    times = ["2025-11-05T00:00", "2025-11-05T06:00"]
    by_name = beta_angle_deg(orbits, "CSS", times)
    assert by_name.shape == (1, 2)
    assert np.array_equal(by_name, beta_angle_deg(orbits, [1], np.array([ns(t) for t in times])))
    assert np.array_equal(by_name, beta_angle_deg(orbits, 48274, Times(times)))  # a NORAD id
    track = ground_tracks(orbits, Times.span("2025-11-05", "2025-11-05T01:00", 600))[0]
    assert len(track.times) == 7 and track.name.startswith("ISS")
    site = landing_zone("soyuz").site
    assert np.allclose(sun_elevation_deg(site, times), sun_elevation_deg(site, [ns(t) for t in times]))
    assert terminator("2025-11-05")[2] == terminator(ns("2025-11-05"))[2]


def test_result_types_are_public():
    for name in ("LaunchWindow", "Pass", "EclipseInterval", "LandingOpportunity", "GroundTrack", "PlaneGeometry"):
        assert name in orbops.__all__ and hasattr(orbops, name)
