"""A stated zero is a value, not a request for the default (the defaults live in the schema alone).

Each key is set to 0 in a copy of a real scenario; the loaded scenario must hold 0 and, where a run
shows it cheaply, the run must follow from 0 (not from the default the key would otherwise take).
"""

from __future__ import annotations

import pytest

from orbops import ScenarioError
from orbops.scenarios.schema import POLICY, TABLES
from orbops.sim import Planner, run_scenario

from .test_engine_rules import _edited

SHENZHOU = 'model = "shenzhou"               #'
OWN_ZONE = ('place = "dongfeng"               # since Shenzhou 12 [39]',
            'name = "Dongfeng (own coordinates)"\nlat_deg = 41.6\nlon_deg = 100.0\ncross_range_km = 0')


def _class(sc):
    return sc.lookup("vehicle_classes", "shenzhou")


@pytest.mark.parametrize(("edit", "value_of", "default"), [
    (("free_flight_days = 5 ", "free_flight_days = 0 "), lambda sc: _class(sc).free_flight_days,
     TABLES["vehicle_classes"]["free_flight_days"].default),
    ((SHENZHOU, "return_hours = 0\n" + SHENZHOU), lambda sc: _class(sc).return_s, None),
    (("pad_turnaround_days = 14 ", "pad_turnaround_days = 0 "), lambda sc: sc.spaceports[0].pad_turnaround_days,
     TABLES["spaceports"]["pad_turnaround_days"].default),
    (OWN_ZONE, lambda sc: sc.landing_sites[0].zone.cross_range_km, 150.0),
    (("ascent = { lead_s = 415 }", "ascent = { lead_s = 0 }"), lambda sc: _class(sc).ascent.lead_s, None),
    (("ascent = { lead_s = 415 }", "ascent = { lead_s = 415, insertion_arc_deg = 0 }"),
     lambda sc: _class(sc).ascent.insertion_arc_deg, 15.0),
    (("handover_overlap_days = 4 ", "handover_overlap_days = 0 "),
     lambda sc: sc.policy.handover_overlap_days, POLICY["handover_overlap_days"].default),
    (("station_capacity_rule = true", "station_capacity_rule = true\nmin_docked_hours = 0"),
     lambda sc: sc.policy.min_docked_hours, POLICY["min_docked_hours"].default),
    (("station_capacity_rule = true", "station_capacity_rule = true\nport_clear_hours = 0"),
     lambda sc: sc.policy.port_clear_hours, POLICY["port_clear_hours"].default),
], ids=["free_flight_days", "return_hours", "pad_turnaround_days", "cross_range_km", "lead_s", "insertion_arc_deg",
        "handover_overlap_days", "min_docked_hours", "port_clear_hours"])
def test_a_stated_zero_stays_zero(tmp_path, edit, value_of, default):
    sc = _edited(tmp_path, edit)
    assert value_of(sc) == 0
    assert default is None or default != 0  # the default it must not fall back to


def test_zero_max_element_age_is_enforced(tmp_path):
    # 60 days in the file; 0 leaves no set close enough to the start
    with pytest.raises(ScenarioError, match=r"max_element_age_days = 0\b"):
        _edited(tmp_path, ("max_element_age_days = 60 ", "max_element_age_days = 0 "))


def test_zero_return_hours_lands_at_the_undocking_pass(tmp_path):
    sc = _edited(tmp_path, (SHENZHOU, "return_hours = 0\n" + SHENZHOU))
    assert _class(sc).landing_offset_s == 0
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    undocked = {e.vehicle: e.time_s for e in run.events if e.kind == "undocking"}
    landed = {e.vehicle: e.time_s for e in run.events if e.kind == "landing"}
    assert undocked and all(landed[v] == pytest.approx(t, abs=1.0) for v, t in undocked.items())


def test_zero_lead_launches_at_the_inplane_instant(tmp_path):
    sc = _edited(tmp_path, ("ascent = { lead_s = 415 }", "ascent = { lead_s = 0 }"))
    assert all(p.lead_s is None for p in _class(sc).profiles)  # the stated lead is every profile's
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    assert run.windows_used and all(w.window.launch_ns == w.window.inplane_ns for w in run.windows_used)
