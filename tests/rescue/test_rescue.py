"""The rescue analysis against hand-checkable geometry, skyfield and the record.

Reachability: a site above a station's inclination never passes under its plane; Jiuquan, Wenchang and the
Florida pads pass under both stations' planes twice a day. Every feasible option's launch is a real launch
window (the site in the station's plane, with skyfield, a lead before the launch), the first after its
readiness, flying a profile of its vehicle model. Docking needs a port of the ship's standard or an adapter.
The calendar's cells are the single answers.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import numpy as np
import pytest

from orbops import load_catalog
from orbops.constants import WGS84_F
from orbops.errors import OrbopsError, StaleElementsWarning
from orbops.frames import Site
from orbops.geometry import LaunchSite, Orbits, landing_zones, launch_sites, launch_windows
from orbops.history import flight_record
from orbops.geometry.launch import closest_passages, inplane_passages
from orbops.ops.vehicles import vehicle_models
from orbops.rescue import Adapter, dogleg_dv_km_s, fleet, read_fleet, rescue_calendar, rescue_options
from orbops.rescue.analysis import geocentric_latitude_deg, plane_reach
from orbops.timescales import NS_PER_DAY, to_ns

from ..conftest import TLE_DIR

ISS_FILES = (TLE_DIR / "iss-history.tle", TLE_DIR / "iss-near-launch.tle")
CSS_FILES = (TLE_DIR / "css-tianhe.tle", TLE_DIR / "tianhe-near-launch.tle")
ISS_INC, CSS_INC = 51.64, 41.47  # the stations' inclinations in 2022-2025 (their element sets)


@pytest.fixture(scope="module")
def iss():
    return load_catalog(*ISS_FILES)


@pytest.fixture(scope="module")
def css():
    return load_catalog(*CSS_FILES)


def _plane_offset_deg(lines, site, times_ns):
    """The site's angle out of the satellite's osculating plane (deg), with skyfield."""
    from skyfield.api import EarthSatellite, load, wgs84
    ts = load.timescale(builtin=True)
    sat = EarthSatellite(*lines, ts=ts)
    t = ts.from_datetimes([np.datetime64(int(x), "ns").astype("datetime64[us]").astype(datetime)
                           .replace(tzinfo=timezone.utc) for x in times_ns])
    g = sat.at(t)
    n = np.cross(g.position.km.T, g.velocity.km_per_s.T)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    s = wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_km * 1000).at(t).position.km.T
    s /= np.linalg.norm(s, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.einsum("ij,ij->i", n, s)))


def _track_miss_km_and_sun(lines, site, t_ns):
    """Ground distance (km, on a 6378.137 km sphere) from the site to the satellite's subpoint, and the Sun's
    elevation at the site (deg), with skyfield."""
    from skyfield.api import EarthSatellite, load, wgs84
    ts = load.timescale(builtin=True)
    t = ts.from_datetime(np.datetime64(int(t_ns), "ns").astype("datetime64[us]").astype(datetime)
                         .replace(tzinfo=timezone.utc))
    sub_pt = wgs84.subpoint_of(EarthSatellite(*lines, ts=ts).at(t))
    lat1, lon1 = np.radians(site.lat_deg), np.radians(site.lon_deg)
    lat2, lon2 = sub_pt.latitude.radians, sub_pt.longitude.radians
    cos_d = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(lon2 - lon1)
    sun = _sun_elevation_deg(site, t)
    return 6378.137 * float(np.arccos(np.clip(cos_d, -1.0, 1.0))), sun


def _sun_elevation_deg(site, t):
    """The Sun's elevation at the site (deg), with skyfield and the DE421 ephemeris of skyfield-data (offline)."""
    from skyfield.api import Loader, wgs84
    from skyfield_data import get_skyfield_data_path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skyfield-data warns that its IERS file is old; de421 is all we use
        eph = Loader(get_skyfield_data_path(), verbose=False)("de421.bsp")
    observer = eph["earth"] + wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_km * 1000)
    return float(observer.at(t).observe(eph["sun"]).apparent().altaz()[0].degrees)


# --- reachability ---------------------------------------------------------------------------------------
def test_a_site_above_the_inclination_needs_the_missing_angle_as_a_dogleg():
    free = LaunchSite("45 N, no range limits", Site(45.0, 60.0, 0.0))
    # geocentric latitude of 45 deg geodetic: atan((1 - f)^2 tan 45 deg) = 44.8076 deg
    expected = np.degrees(np.arctan((1 - WGS84_F) ** 2))
    assert geocentric_latitude_deg(free) == pytest.approx(expected, abs=1e-3)
    dogleg, why = plane_reach(free, CSS_INC)
    assert dogleg == pytest.approx(expected - CSS_INC, abs=1e-3) and "never passes under the plane" in why
    # Baikonur: above Tiangong's plane, and its range allows 51.6 deg and more (drop zones on China)
    dogleg, why = plane_reach(launch_sites()["baikonur-31"], CSS_INC)
    assert dogleg == pytest.approx(51.6 - CSS_INC) and "45.80 deg latitude" in why
    # a plane change of 10.13 deg at the 200 km circular speed: 2 * 7.7844 km/s * sin(5.065 deg) = 1.3745 km/s
    assert dogleg_dv_km_s(51.6 - CSS_INC, 200.0) == pytest.approx(1.3745, abs=2e-3)
    assert dogleg_dv_km_s(0.0, 200.0) == 0.0


@pytest.mark.parametrize("site", ["jiuquan", "wenchang", "ksc-39a", "ccsfs-40", "ccsfs-41"])
@pytest.mark.parametrize("station", ["iss", "css"])
def test_jiuquan_wenchang_and_florida_pass_under_both_planes_twice_a_day(site, station, iss, css):
    catalog, inc, t0 = (iss, ISS_INC, "2022-12-20") if station == "iss" else (css, CSS_INC, "2025-11-05")
    assert plane_reach(launch_sites()[site], inc) == (0.0, "")
    orbits = Orbits(catalog, [station.upper()], max_age_days=None)
    t0 = to_ns(t0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        p = inplane_passages(launch_sites()[site], orbits, 0, t0, t0 + 3 * NS_PER_DAY)
    assert len(p) == 6  # twice a day: the northeast and the southeast branch
    assert sorted(set(p.direction.tolist())) == ["northeast", "southeast"]


def test_baikonur_never_passes_under_tiangongs_plane_and_its_closest_approach_is_the_latitude_gap(css):
    orbits = Orbits(css, ["CSS"], max_age_days=None)
    t0 = to_ns("2025-11-05")
    baikonur = launch_sites()["baikonur-31"]
    assert len(inplane_passages(baikonur, orbits, 0, t0, t0 + 2 * NS_PER_DAY)) == 0
    closest = closest_passages(baikonur, orbits, 0, t0, t0 + 2 * NS_PER_DAY)
    assert len(closest) == 2  # once a day: the site swings past the plane's northern apex
    lines = css.get("CSS", when=np.datetime64(t0, "ns"), max_age_days=None).tle_lines
    site = baikonur.site
    for t in closest.inplane_ns:
        off = np.abs(_plane_offset_deg(lines, site, [t - 600 * 10**9, t, t + 600 * 10**9]))
        assert off[1] < off[0] and off[1] < off[2]  # a minimum, by skyfield
        assert off[1] == pytest.approx(geocentric_latitude_deg(baikonur) - CSS_INC, abs=0.05)


# --- verdicts -------------------------------------------------------------------------------------------
def test_tiangong_november_2025_only_a_shenzhou_can_reach_it(css):
    a = rescue_options("css", "2025-11-05T00:00Z", css, max_age_days=60)
    verdicts = {o.key: (o.feasible, o.blocker) for o in a.options}
    assert verdicts == {"shenzhou@jiuquan": (True, ""), "crew-dragon@ksc-39a": (False, "docking"),
                        "soyuz@baikonur": (False, "service"),  # Gagarin's Start: no crew launch since 2019
                        "crew-dragon@ccsfs-40": (False, "docking"), "starliner@ccsfs-41": (False, "docking"),
                        "soyuz@baikonur-31": (False, "plane")}
    assert a.options[0].key == "shenzhou@jiuquan"
    soyuz = next(o for o in a.options if o.key == "soyuz@baikonur-31")
    assert "dogleg of 10.1 deg" in soyuz.reasons[0] and "takes SSVP" in soyuz.reasons[1]
    assert any("ASSUMPTION" in x for x in a.assumptions)


def test_every_arrival_is_a_real_launch_window_the_first_after_readiness(iss, css):
    models = vehicle_models()
    for station, catalog, at in (("iss", iss, "2022-12-15T00:00Z"), ("css", css, "2025-11-05T00:00Z")):
        a = rescue_options(station, at, catalog, max_age_days=60, adapters=["CDM:IDSS"])
        feasible = a.feasible
        assert feasible
        for o in feasible:
            w, v = o.window, fleet().vehicles[o.vehicle]
            model = models[v.model]
            profile = next(p for p in model.profiles if p.name == o.profile)
            lead = profile.lead_s if profile.lead_s is not None else (
                v.lead_s if v.lead_s is not None else model.ascent.lead_s)  # a profile's own (fitted) lead first
            assert o.launch_ns - w.inplane_ns == round(lead * 1e9)
            lines = catalog.get(station.upper(), when=np.datetime64(w.inplane_ns, "ns"), max_age_days=None).tle_lines
            assert abs(_plane_offset_deg(lines, launch_sites()[o.site].site, [w.inplane_ns])[0]) < 1e-3
            assert o.docking_ns > o.launch_ns
            assert o.ready_ns == to_ns(at) + round(o.readiness_days * NS_PER_DAY) <= o.launch_ns
            assert o.landing_ns > o.docking_ns
            # the landing pass, by skyfield: the station's track within the zone's cross-range (lit where needed)
            zone = landing_zones()[o.landing_zone]
            t_pass = o.landing_ns - round(model.landing_offset_s * 1e9)
            lines = catalog.get(station.upper(), when=np.datetime64(t_pass, "ns"), max_age_days=None).tle_lines
            miss_km, sun_el = _track_miss_km_and_sun(lines, zone.site, t_pass)
            assert miss_km <= zone.cross_range_km
            assert not v.daylight_landing or sun_el > 0.0
            # the first: no feasible window of the site between readiness and this launch
            orbits = Orbits(catalog, [station.upper()], max_age_days=None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", StaleElementsWarning)
                found = launch_windows(launch_sites()[o.site], orbits, 0, o.ready_ns - 3 * 3600 * 10**9,
                                       o.launch_ns + 60 * 10**9, ascent=model.ascent if v.lead_s is None else
                                       type(model.ascent)(**{**model.ascent.__dict__, "lead_s": v.lead_s}),
                                       profiles=model.profiles, vehicle=model.id, crewed=model.crewed)
            earlier = [x for x in found if x.feasible and o.ready_ns <= x.launch_ns < o.launch_ns - 10**9]
            assert earlier == []
        assert [o.docking_ns for o in feasible] == sorted(o.docking_ns for o in feasible)  # ranked by arrival


def test_soyuz_ms23_called_up_on_15_december_flies_at_the_recorded_launch_time(iss):
    """Readiness (71 days) is the record's; the launch instant that day comes from the orbit."""
    options = rescue_options("iss", "2022-12-15T00:00Z", iss, max_age_days=60).options
    soyuz = next(o for o in options if o.key == "soyuz@baikonur-31")
    assert soyuz.feasible and soyuz.port == "Poisk"
    ms23 = next(f for f in flight_record() if f.flight == "Soyuz MS-23")
    assert abs(soyuz.launch_ns - to_ns(ms23.launch)) <= 300 * 10**9


def test_docking_is_refused_without_an_adapter_and_taken_with_one(iss):
    plain = {o.vehicle: o for o in rescue_options("iss", "2022-12-15T00:00Z", iss, max_age_days=60).options}
    assert not plain["shenzhou"].feasible and plain["shenzhou"].blocker == "docking"
    assert "takes CDM" in plain["shenzhou"].reasons[0]
    adapted = {o.vehicle: o for o in rescue_options("iss", "2022-12-15T00:00Z", iss, max_age_days=60,
                                             adapters=[Adapter("CDM", "IDSS")]).options}
    assert adapted["shenzhou"].feasible and adapted["shenzhou"].adapter == "CDM:IDSS"
    assert adapted["shenzhou"].port.startswith("IDA-")
    # an adapter for another port standard changes nothing
    other = {o.vehicle: o for o in rescue_options("iss", "2022-12-15T00:00Z", iss, max_age_days=60,
                                           adapters=["CDM:APAS-95"]).options}
    assert other["shenzhou"].blocker == "docking"


def test_ports_change_over_time(iss):
    # before IDA-2 (Aug 2016) the US port was PMA-2's APAS-95: no IDSS port for a Dragon
    st = fleet().station("iss")
    assert {p.standard for p in st.ports_at(to_ns("2015-01-01"))} == {"SSVP", "APAS-95"}
    assert {p.standard for p in st.ports_at(to_ns("2022-12-15"))} == {"SSVP", "IDSS"}
    assert "Pirs" in {p.name for p in st.ports_at(to_ns("2021-07-25"))}
    assert "Pirs" not in {p.name for p in st.ports_at(to_ns("2021-07-27"))}


def test_seats_service_and_horizon_are_verdicts(iss):
    crowd = {o.key: o for o in rescue_options("iss", "2022-12-15T00:00Z", iss, crew=4, max_age_days=60).options}
    soyuz = crowd["soyuz@baikonur-31"]
    assert soyuz.blocker == "seats" and "3 seats for a crew of 4" in soyuz.reasons[0]
    assert crowd["crew-dragon@ksc-39a"].feasible  # four seats
    assert crowd["crew-dragon@ccsfs-40"].blocker == "service"  # crews from SLC-40 since Crew-9 (Sep 2024)
    assert crowd["starliner@ccsfs-41"].blocker == "service"  # its first crewed flight was in June 2024
    short = {o.key: o for o in rescue_options("iss", "2022-12-15T00:00Z", iss, horizon_days=20,
                                               max_age_days=60).options}
    soyuz = short["soyuz@baikonur-31"]
    assert soyuz.blocker == "window" and "beyond the 20-day horizon" in soyuz.reasons[0]


def test_the_calendar_cells_are_the_single_answers(iss):
    cal = rescue_calendar("iss", "2022-12-10T06:00Z", 8, iss, max_age_days=60, adapters=["CDM:IDSS"])
    assert cal.days_to_docking().shape == (len(cal.keys), 8)
    for day in (0, 3, 7):
        single = rescue_options("iss", cal.day_ns[day], iss, max_age_days=60, adapters=["CDM:IDSS"])
        cells = {o.key: o for o in cal.on(day).options}
        for o in single.options:
            c = cells[o.key]
            assert (c.feasible, c.blocker, c.profile, c.port) == (o.feasible, o.blocker, o.profile, o.port)
            if o.feasible:
                assert abs(c.docking_ns - o.docking_ns) < 10**9 and abs(c.launch_ns - o.launch_ns) < 10**9


def test_a_fleet_file_adds_vehicles_and_names_bad_keys(tmp_path, css):
    good = tmp_path / "fleet.toml"
    good.write_text('''
[vehicles.big-dogleg]
name = "Soyuz with a big margin"
model = "soyuz"
seats = 3
docking = "CDM"
sites = ["baikonur-31"]
readiness = [{ days = 5, note = "ASSUMPTION: a test" }]
free_flight_days = 5
landing_zones = ["soyuz"]
plane_change_dv_km_s = 2.0
''')
    fl = read_fleet(good)
    assert set(fleet().vehicles) < set(fl.vehicles)
    o = rescue_options("css", "2025-11-05T00:00Z", css, vehicles=["big-dogleg"], fleet=fl, max_age_days=60).options[0]
    assert o.feasible and o.dogleg_deg == pytest.approx(51.6 - CSS_INC, abs=0.05)  # affordable: a dogleg launch
    bad = tmp_path / "bad.toml"
    bad.write_text('[vehicles.x]\nmodel = "soyuz"\nseats = -1\ndocking = "NDS"\nsites = ["nowhere"]\n')
    with pytest.raises(OrbopsError) as err:
        read_fleet(bad)
    text = str(err.value)
    for path in ("vehicles.x.seats", "vehicles.x.docking", "vehicles.x.sites", "vehicles.x.readiness",
                 "vehicles.x.landing_zones"):
        assert f"{bad}: {path}" in text


def test_bad_arguments_are_orbops_errors(iss):
    with pytest.raises(OrbopsError, match="unknown station"):
        rescue_options("mir", "2022-12-15", iss)
    with pytest.raises(OrbopsError, match="SHIP:PORT"):
        Adapter.parse("CDM-IDSS")
    with pytest.raises(OrbopsError, match="unknown rescue vehicle"):
        rescue_options("iss", "2022-12-15", iss, vehicles=["buran"])
    with pytest.raises(OrbopsError, match="crew"):
        rescue_options("iss", "2022-12-15", iss, crew=0)


def test_an_answer_far_from_every_element_set_carries_a_note(css):
    """Tianhe sets of 7 and 29 Nov 2025: a launch on 22 Nov is 7 days from the nearest."""
    a = rescue_options("css", "2025-11-05T00:00Z", css, vehicles=["shenzhou"], max_age_days=5)
    (o,) = a.options
    assert o.elements_age_days == pytest.approx((to_ns("2025-11-29T00:00Z") - o.launch_ns) / NS_PER_DAY, abs=1.0)
    assert len(a.notes) == 1 and "more than 5 days from the station's nearest element set" in a.notes[0]
    assert rescue_options("css", "2025-11-05T00:00Z", css, vehicles=["shenzhou"], max_age_days=10).notes == ()


def test_service_sites_and_ports_are_those_of_the_launch_and_docking_days(iss, css):
    """A call-up on 20 Sep 2019 launches after Gagarin's Start closed (25 Sep) and before Site 31's crews
    (Apr 2020); one on 1 Sep 2024 launches from SLC-40 after Crew-9 opened it (28 Sep); one on 1 Jul 2021
    docks after Pirs left (26 Jul)."""
    late = {o.key: o for o in rescue_options("iss", "2019-09-20", iss, max_age_days=90).options}
    assert late["soyuz@baikonur"].blocker == "service" and "until 2019-09-25" in late["soyuz@baikonur"].reasons[0]
    assert late["soyuz@baikonur-31"].blocker == "service"
    sep = {o.key: o for o in rescue_options("iss", "2024-09-01", iss, max_age_days=90).options}
    slc40 = sep["crew-dragon@ccsfs-40"]
    assert slc40.feasible and slc40.launch_ns >= to_ns("2024-09-28")
    pirs = {o.key: o for o in rescue_options("iss", "2021-07-01", iss, max_age_days=90).options}["soyuz@baikonur-31"]
    assert pirs.feasible and pirs.docking_ns > to_ns("2021-07-27") and pirs.port != "Pirs"


def test_a_readiness_era_lasts_to_the_end_of_its_last_day(css):
    (o,) = rescue_options("css", "2021-06-16T12:00Z", css, vehicles=["shenzhou"], max_age_days=90).options
    assert o.readiness_days == 60  # the era before the rolling backup, to the end of 16 Jun 2021


def test_a_long_stay_still_finds_the_way_home(iss):
    options = rescue_options("iss", "2024-07-01", iss, horizon_days=35, stay_s=720 * 3600, max_age_days=90).options
    dragon = {o.key: o for o in options}["crew-dragon@ksc-39a"]
    assert dragon.feasible and dragon.landing_ns > dragon.docking_ns + 720 * 3600 * 10**9
