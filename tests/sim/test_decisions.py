"""Departure, relief, room and return-to-flight decisions as pure functions (no SimPy, no planner)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from orbops.constants import SECONDS_PER_DAY as DAY
from orbops.geometry import Ascent
from orbops.ops import Launcher, Mission, Policy, Port, Station, VehicleClass
from orbops.scenarios.schema import POLICY
from orbops.sim.decisions import (RELIEF_ARRIVAL_S, advance_target, crewed_flight_ready, desired_departure,
                                  has_room, pending_crewed, relief_of)
from orbops.sim.lifeboats import Lifeboats
from orbops.sim.state import FamilyState, LauncherState, MissionState, MissionStatus, StationState, VehicleState

SOYUZ = VehicleClass(id="soyuz", name="Soyuz", seats=3, docked_life_days=200.0, docking="SSVP", launcher="soyuz-fg",
                     spaceport="baikonur", profiles=(), landing="steppe", ascent=Ascent(), lifeboat_seats=None,
                     return_s=3.5 * 3600, free_flight_days=3.0, crewed=True)
ISS = Station(id="iss", name="ISS", object="ISS", crew_capacity=6,
              ports=(Port("Poisk", "SSVP"), Port("Rassvet", "SSVP")))


def _policy(**changes) -> Policy:
    return Policy(**{**{k: f.default for k, f in POLICY.items()}, **changes})


def _mission(mid, crew=("a", "b", "c"), relieves=None, net_s=0.0, status=MissionStatus.PLANNED, standby=False):
    m = Mission(id=mid, vehicle=mid.upper(), station="iss", net=None, stay_days=180.0, crew=tuple(crew),
                relieves=relieves, standby=standby)
    return MissionState(m, SimpleNamespace(triggered=False), None, status=status, net_s=net_s)


def _docked(serial, crew, increment, docked_s=0.0):
    v = VehicleState(serial, SOYUZ, docked_s=docked_s, life_end_s=docked_s + 200 * DAY, stay_days=180.0,
                     station="iss", mission=increment)
    st = StationState(ISS, Lifeboats(lambda s: 3), changed=None)
    st.lifeboats.board(crew, serial, increment)
    return v, st


def _decide(v, st, missions, policy=None, now=10 * DAY, **kw):
    ends = {m: 180 * DAY for m in st.lifeboats.increment.values()}
    return desired_departure(v, st, policy or _policy(), now, missions={m.mission.id: m for m in missions},
                             increment_end_s=ends, must_leave_s=kw.pop("must_leave_s", 200 * DAY), **kw)


def test_a_crew_leaves_at_the_end_of_its_increment_without_a_relief():
    v, st = _docked("TMA-21", ["borisenko", "samokutyayev", "garan"], "tma-21")
    assert _decide(v, st, [], _policy(keep_station_crewed=False)).at_s == 180 * DAY


def test_direct_handover_leaves_the_overlap_after_the_relief_docks():
    v, st = _docked("TMA-21", ["borisenko", "samokutyayev", "garan"], "tma-21")
    relief = _mission("tma-22", relieves="tma-21", status=MissionStatus.DOCKED)
    relief.dock_s = 150 * DAY
    st.lifeboats.board(relief.mission.crew, "TMA-22", "tma-22")
    decision = _decide(v, st, [relief], _policy(handover="direct", handover_overlap_days=5.0))
    assert decision.at_s == 155 * DAY and decision.advance is None
    assert _decide(v, st, [relief], _policy(handover="indirect")).at_s == 180 * DAY


def test_the_last_crew_waits_for_a_relief_on_its_way():
    v, st = _docked("TMA-21", ["borisenko", "samokutyayev", "garan"], "tma-21")
    relief = _mission("tma-22", relieves="tma-21", net_s=190 * DAY)
    assert _decide(v, st, [relief]).at_s is None  # the vehicle's life still caps the wait
    assert _decide(v, st, [relief], _policy(keep_station_crewed=False, extend_for_relief=False)).at_s == 180 * DAY


def test_a_late_relief_is_brought_forward_only_when_it_would_miss_the_departure():
    v, st = _docked("TMA-21", ["borisenko", "samokutyayev", "garan"], "tma-21")
    policy = _policy(advance_relief=True, advance_relief_margin_days=30.0)
    late = _mission("tma-22", relieves="tma-21", net_s=199 * DAY)
    decision = _decide(v, st, [late], policy, must_leave_s=200 * DAY)
    assert decision.at_s is None and decision.advance == ("tma-22", 170 * DAY)
    in_time = _mission("tma-22", relieves="tma-21", net_s=200 * DAY - RELIEF_ARRIVAL_S)
    assert _decide(v, st, [in_time], policy, must_leave_s=200 * DAY).advance is None
    assert advance_target(late, 200 * DAY, policy, now_s=180 * DAY) == 180 * DAY  # never before now


def test_a_damaged_ship_waits_for_its_replacement_unless_it_holds_the_port():
    v, st = _docked("MS-22", ["prokopyev", "petelin", "rubio"], "ms-22")
    v.healthy, v.replacement = False, "ms-23"
    rep = _mission("ms-23", crew=(), status=MissionStatus.LAUNCHED)
    assert _decide(v, st, [rep], replacement_has_port=True).at_s is None
    assert _decide(v, st, [rep], replacement_has_port=False, now=5 * DAY).at_s == 5 * DAY
    rep.status = MissionStatus.DOCKED
    assert _decide(v, st, [rep], now=6 * DAY).at_s == 6 * DAY  # replaced: it leaves, uncrewed


def test_the_manifests_landing_day_sets_the_departure():
    v, st = _docked("TMA-21", ["borisenko", "samokutyayev", "garan"], "tma-21")
    decision = _decide(v, st, [], _policy(keep_station_crewed=False), manifest_landing_s=160 * DAY)
    assert decision.at_s == 160 * DAY - SOYUZ.return_s


def test_relief_and_pending_order():
    _, st = _docked("TMA-21", ["borisenko"], "tma-21")
    planned = _mission("tma-22", relieves="tma-21", net_s=50 * DAY)
    docked = _mission("tma-03m", relieves="tma-21", net_s=90 * DAY, status=MissionStatus.DOCKED)
    failed = _mission("tma-02m", relieves="tma-21", net_s=10 * DAY, status=MissionStatus.FAILED)
    assert relief_of(st, ["borisenko"], [planned, docked, failed]) is docked  # a docked relief first
    standby = _mission("backup", net_s=1 * DAY, standby=True)
    assert pending_crewed("iss", [standby, planned, docked]) == [planned]  # not yet called up, not docked
    standby.ordered.triggered = True
    assert pending_crewed("iss", [standby, planned]) == [standby, planned]


def test_room_counts_the_crews_leaving_before_the_docking():
    v, st = _docked("TMA-21", ["a", "b", "c"], "tma-21")
    w, _ = _docked("TMA-22", [], "tma-22")
    st.lifeboats.board(["d", "e", "f"], "TMA-22", "tma-22")
    vehicles = {"TMA-21": v, "TMA-22": w}
    assert not has_room(st, vehicles, 3, dock_s=100 * DAY)
    v.planned_undock_s = 99 * DAY
    assert has_room(st, vehicles, 3, dock_s=100 * DAY)


@pytest.mark.parametrize(("uncrewed_first", "expected"), [(True, 30 * DAY + 14 * DAY), (False, 60 * DAY + 14 * DAY)])
def test_crews_return_to_flight_after_a_failure(uncrewed_first, expected):
    ls = LauncherState(Launcher("soyuz-fg", "Soyuz-FG", "soyuz"), None, grounded_until=60 * DAY)
    fam = FamilyState(None, failed_at=10 * DAY)
    policy = _policy(uncrewed_first=uncrewed_first, crewed_after_failure_days=14.0)
    if uncrewed_first:
        assert crewed_flight_ready(ls, fam, policy) is None  # wait for a good uncrewed flight
        fam.uncrewed_success_at = 30 * DAY
    assert crewed_flight_ready(ls, fam, policy) == expected
    assert crewed_flight_ready(ls, FamilyState(None), policy) == float("-inf")


def test_pads_and_ports_are_held_and_given_back():
    import simpy

    from orbops.sim.resources import Pads, Ports
    env = simpy.Environment()
    pads = Pads(env, ("31/6", "1/5"))
    pads.hold("31/6", 10.0)  # a launch's turnaround
    pads.hold("31/6", 5.0)  # an outage that ends sooner ends with it
    assert pads.free() == "1/5"
    pads.hold("1/5", 20.0)
    assert pads.free() is None
    seen = []

    def waiter():
        while pads.free() is None:
            yield from pads.returned()
        seen.append((env.now, pads.free()))

    def repair():  # a repair of 31/6 ordered while its turnaround runs, ending later
        yield env.timeout(8.0)
        pads.hold("31/6", 25.0)

    env.process(waiter())
    env.process(repair())
    env.run(until=30.0)
    assert seen == [(20.0, "1/5")]  # 31/6 never looked free at 10 (the old engine's rule: the latest hold)
    assert pads.free() == "31/6"
    ports = Ports(env, ISS)
    ports.take(ports.free_for("SSVP", preferred="Rassvet"))
    assert ports.free_for("SSVP").name == "Poisk" and ports.free_for("APAS") is None
    ports.take(ports.free_for("SSVP"))
    wait = ports.wait_for("SSVP")
    assert not wait.triggered
    ports.release("Rassvet")
    env.run(until=31.0)  # the waiting vehicle is served in the same instant
    assert wait.triggered and wait.value.name == "Rassvet" and ports.free_for("SSVP") is None
