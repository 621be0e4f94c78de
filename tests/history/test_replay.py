"""The replay against the record: launch instants, profiles, dockings and landings predicted from the
station set nearest before each launch (src/orbops/data/flights.csv; its sources column cites each time).

Tolerances are the targets of the replay (stated once): launch within 5 min, docking within 30 min,
landing within 10 min. Known gaps are xfail (strict) with their reason.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from skyfield.api import EarthSatellite, load, wgs84

from orbops.geometry import launch_sites
from orbops.ops.vehicles import fit_provenance, vehicle_models
from orbops.timescales import parse_utc, to_ns

from ..conftest import REPO
from .conftest import flight_record

LAUNCH_S = 5 * 60.0
DOCKING_S = 30 * 60.0
LANDING_S = 10 * 60.0

RECORD = flight_record()
# the flights whose station set in tle/ is at most 3.5 days older than the launch (checked below)
FRESH = ["Soyuz TMA-22", "Soyuz TMA-04M", "Progress M-17M", "Soyuz MS-10", "Soyuz MS-11", "Soyuz MS-12",
         "Soyuz MS-16", "Demo-2", "Soyuz MS-17", "Soyuz MS-18", "Soyuz MS-19", "Soyuz MS-23", "Soyuz MS-24",
         "Crew-9", "Soyuz MS-27", "Crew-11", "Soyuz MS-28"]
# the landings whose station set is at most 15 days older than the undocking (checked below)
LANDED = ["Soyuz TMA-02M", "Soyuz TMA-22", "Soyuz TMA-05M", "Soyuz TMA-10M", "Soyuz TMA-18M", "Soyuz MS-06",
          "Soyuz MS-12", "Soyuz MS-15", "Soyuz MS-16", "Soyuz MS-17", "Soyuz MS-18", "Soyuz MS-19", "Soyuz MS-21",
          "Soyuz MS-22", "Soyuz MS-23", "Soyuz MS-25", "Soyuz MS-26", "Soyuz MS-27", "Shenzhou 20", "Shenzhou 21"]

DOCKING_GAPS = {
    "Soyuz TMA-22": "2-day profile: docked after 32.5 chaser revolutions where the 2011-2019 flights dock "
                    "after 32.9 (the 2-day scheme's last revolutions are set per flight, not by the phase)",
    "Soyuz MS-23": "2-day profile: docked a revolution earlier than the 2011-2019 flights (32.0 revolutions)",
    "Crew-9": "Crew Dragon's chase length is set per mission (15-37 h); the insertion-orbit catch-up fitted on "
              "Demo-1 explains the phase, not the choice",
    "Crew-11": "the ~15 h 'fast' Dragon approach (from Crew-4, 2022) is a per-mission choice, not modelled",
}
LANDING_GAPS = {"Soyuz MS-22": "returned uncrewed 1.8 h after undocking, a revolution sooner than crewed returns"}


def _mark(name: str, gaps: dict):
    return pytest.param(name, marks=pytest.mark.xfail(reason=gaps[name], strict=True)) if name in gaps else name


def test_every_flight_is_predicted_or_says_why(replayed):
    for r in replayed.values():
        if r.launch_ns is None:
            assert r.reason, r.flight.flight
        elif r.docking_ns is None and r.flight.docking is not None:
            assert r.reason, r.flight.flight
        if r.flight.undocking is not None and r.landing_ns is None:
            assert r.landing_reason, r.flight.flight
    reasons = {n: r.reason for n, r in replayed.items() if r.launch_ns is None}
    assert "no element set of TIANGONG 1 before the launch" in reasons["Shenzhou 8"]
    assert "no rendezvous model for the Space Shuttle" in reasons["STS-135"]


def test_the_fresh_flights(replayed):
    assert [n for n, r in replayed.items() if r.fresh] == FRESH
    assert [n for n, r in replayed.items() if r.landing_error_s is not None
            and 0 <= r.landing_elements_age_days <= 15] == LANDED


@pytest.mark.parametrize("name", FRESH)
def test_launch_instant_within_5_min(replayed, name):
    assert abs(replayed[name].launch_error_s) <= LAUNCH_S, replayed[name].as_dict()


@pytest.mark.parametrize("name", [n for n in FRESH if n != "Soyuz MS-10"])  # MS-10 aborted: no profile flown
def test_profile_flown(replayed, name):
    assert replayed[name].profile == replayed[name].flight.profile


@pytest.mark.parametrize("name", [_mark(n, DOCKING_GAPS) for n in FRESH if n != "Soyuz MS-10"])
def test_docking_within_30_min(replayed, name):
    assert abs(replayed[name].docking_error_s) <= DOCKING_S, replayed[name].as_dict()


@pytest.mark.parametrize("name", [_mark(n, LANDING_GAPS) for n in LANDED])
def test_landing_within_10_min(replayed, name):
    """The station's track passes the recorded zone after the least return time; the capsule lands a fitted
    ~16 min after that pass (Soyuz; Shenzhou's design values assume the same lag)."""
    assert abs(replayed[name].landing_error_s) <= LANDING_S, replayed[name].as_dict()


def test_planes_weeks_old_still_give_the_launch_instant(replayed):
    """The plane drifts predictably (J2): sets up to 30 days old give every Soyuz, Progress and Dragon launch
    within 5 min. Shenzhou launches are later than its design lead (see the xfail below)."""
    checked = 0
    for r in replayed.values():
        if r.flight.vehicle_class in ("soyuz", "progress", "crew-dragon") and r.launch_ns is not None \
                and r.elements_age_days <= 30:
            assert abs(r.launch_error_s) <= LAUNCH_S, r.as_dict()
            checked += 1
    assert checked >= 30


SHENZHOU_LEAD = ("Shenzhou has no flight before 2020 with a station set under 30 days: its lead is the design value "
                 "(half an ascent before the in-plane instant), while Shenzhou 15 on launched 6-7 min after it")


@pytest.mark.xfail(strict=True, reason=SHENZHOU_LEAD)
def test_shenzhou_launch_instants(replayed):
    late = [r for r in replayed.values() if r.flight.vehicle_class == "shenzhou" and r.launch_ns is not None
            and r.elements_age_days <= 30 and r.held_out]
    assert late and all(abs(r.launch_error_s) <= LAUNCH_S for r in late)


@pytest.mark.xfail(strict=True, reason=SHENZHOU_LEAD + ": launched 10 min early, the phase at insertion is ~40 deg "
                   "off and no CSS-era profile accepts it (the scenarios state the CSS-era lead instead)")
def test_shenzhou_css_era_profiles(replayed):
    css = [r for r in replayed.values() if r.flight.station == "css" and r.flight.docking is not None]
    assert css and sum(r.profile is not None for r in css) >= len(css) // 2


def test_jiuquan_crew_launches_fly_southeast(replayed):
    for r in replayed.values():
        if r.flight.site == "jiuquan" and r.launch_ns is not None:
            assert r.direction == "southeast", r.flight.flight


def test_the_launch_comes_at_the_profiles_lead_from_a_real_in_plane_instant(replayed, catalog):
    """Checked independently with skyfield: at the predicted in-plane instant the site lies in the ISS's
    orbital plane (the set the replay used), and the launch is that instant plus the profile's lead."""
    ts = load.timescale(builtin=True)
    for name in ("Soyuz MS-17", "Soyuz MS-12", "Demo-2"):
        r = replayed[name]
        es = next(e for e in catalog.history("ISS") if to_ns(e.epoch) == r.elements_epoch_ns)
        t = ts.utc(1970, 1, 1 + r.inplane_ns / 86_400e9)
        sat = EarthSatellite(*es.tle_lines, ts=ts).at(t)
        site = launch_sites()[r.flight.site].site
        s = wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_km * 1000).at(t).position.km
        h = np.cross(sat.position.km, sat.velocity.km_per_s)
        assert np.degrees(np.arcsin(abs(h @ s) / np.linalg.norm(h) / np.linalg.norm(s))) < 0.01
        assert str(np.datetime64(r.launch_ns, "ns"))[:10] == str(r.flight.launch)[:10]  # on the launch day
        model = vehicle_models()[r.flight.vehicle_class]
        lead = model.profile(r.profile).lead_s
        assert r.launch_ns - r.inplane_ns == round((model.ascent.lead_s if lead is None else lead) * 1e9)


def test_held_out_means_after_2019(replayed):
    assert fit_provenance()["training_until"] == "2019-12-31T23:59:59Z"
    assert not replayed["Soyuz MS-15"].held_out and not replayed["Progress MS-13"].held_out  # Sep, Dec 2019
    assert replayed["Soyuz MS-16"].held_out and replayed["Demo-2"].held_out  # Apr, May 2020


def _fits(table, path=()):
    """(path, fit table) for every fit table of fitted.toml (the lists of flights behind a value)."""
    for key, value in table.items():
        if isinstance(value, dict):
            if "flights" in value:
                yield path + (key,), value
            yield from _fits(value, path + (key,))


def test_fitted_values_use_nothing_after_the_training_span():
    """Not a later flight, nor a later undocking or landing of an earlier one, nor a later element set."""
    data = tomllib.loads((REPO / "src" / "orbops" / "data" / "fitted.toml").read_text())
    end = parse_utc(data["provenance"]["training_until"].rstrip("Z"))
    rounding = np.timedelta64(864_000_000_000, "ns")  # the ages are written to 0.01 day
    record = {f.flight: f for f in RECORD}
    fits = list(_fits({k: v for k, v in data.items() if k != "provenance"}))
    assert fits
    for path, fit in fits:
        for k, name in enumerate(fit["flights"]):
            f = record[name]
            assert f.launch <= end, (path, name)
            if "return" in path:
                assert f.landing <= end, (path, name)  # the return fits use undockings and landings
            else:  # the set behind a launch geometry: its epoch, from the age at launch, is within the span
                age = fit["elements_age_days"][k]
                assert f.launch - np.timedelta64(int(round(age * 86400e9)), "ns") <= end + rounding, (path, name)


def test_the_fit_is_reproducible():
    """data/fitted.toml is exactly what tools/fit_history.py computes from the record and tle/."""
    done = subprocess.run([sys.executable, str(Path(REPO) / "tools" / "fit_history.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
