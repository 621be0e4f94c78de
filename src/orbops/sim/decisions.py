"""Operations decisions as pure functions of the state, the policy and the time: no SimPy, no side effects.

When a docked vehicle should leave, which mission relieves a crew, whether
to bring a relief forward, whether a station has room for an arriving crew,
and when a launcher may fly crew again after a failure. The engine gathers
what each needs from the orbits (the last undocking that still lands in
life, the manifest's landing pass) and applies the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..constants import SECONDS_PER_DAY as DAY_S
from ..ops import Policy
from .state import PENDING, FamilyState, LauncherState, MissionState, MissionStatus, StationState, VehicleState

__all__ = ["Departure", "RELIEF_ARRIVAL_S", "desired_departure", "relief_of", "pending_crewed", "advance_target",
           "has_room", "crewed_flight_ready"]

RELIEF_ARRIVAL_S = 3 * DAY_S
"""How long after its no-earlier-than date a relief is counted on to be aboard: up to a day to its launch window
(a site passes under the station's plane about once a day) and the two-day rendezvous, the longest profile flown
(docs/domain-facts.md, section 3.1 [47a][48b])."""


@dataclass(frozen=True)
class Departure:
    """When a vehicle should leave (simulation seconds), or None to wait for news (its life still caps the
    wait); ``advance``: (mission id, new no-earlier-than time) to bring a relief forward first."""

    at_s: float | None
    advance: tuple[str, float] | None = None


def relief_of(st: StationState, crew: Iterable[str], missions: Iterable[MissionState]) -> MissionState | None:
    """The crewed mission relieving these crew's increments: a docked one first, else the next planned."""
    increments = {st.lifeboats.increment.get(c) for c in crew}
    reliefs = [ms for ms in missions if ms.mission.relieves in increments and ms.crew
               and ms.status not in (MissionStatus.FAILED, MissionStatus.CANCELLED)]
    reliefs.sort(key=lambda ms: (ms.status != MissionStatus.DOCKED, ms.net_s, ms.mission.id))
    return reliefs[0] if reliefs else None


def pending_crewed(station_id: str, missions: Iterable[MissionState]) -> list[MissionState]:
    """Crewed missions to the station not yet docked (standby ships once called up), by no-earlier-than date."""
    pending = [ms for ms in missions if ms.mission.station == station_id and ms.crew and ms.status in PENDING
               and ms.called_up()]
    return sorted(pending, key=lambda ms: (ms.net_s, ms.mission.id))


def advance_target(ms: MissionState, must_leave_s: float, policy: Policy, now_s: float) -> float | None:
    """The earlier no-earlier-than time for a relief brought forward (policy ``advance_relief``): no earlier
    than now and ``advance_relief_margin_days`` before the waiting crew's vehicle must leave; None when it is
    already that early."""
    target = max(now_s, must_leave_s - policy.advance_relief_margin_days * DAY_S)
    return target if ms.ready_s > target else None


def desired_departure(v: VehicleState, st: StationState, policy: Policy, now_s: float, *,
                      missions: Mapping[str, MissionState], increment_end_s: Mapping[str, float],
                      must_leave_s: float | Callable[[], float], manifest_landing_s: float | None = None,
                      replacement_has_port: bool = True) -> Departure:
    """When docked vehicle ``v`` at ``st`` should leave.

    ``increment_end_s``: each increment's planned end (from its docking); ``must_leave_s``: the last
    undocking that still lands within the vehicle's life (or a function giving it, asked only when a relief
    may be brought forward); ``manifest_landing_s``: the landing pass of the
    manifest's landing day, if it has one; ``replacement_has_port``: whether a launched replacement of
    this (damaged) vehicle would find a free port.
    """
    if not v.healthy:
        rep = missions.get(v.replacement) if v.replacement else None
        if rep is not None and rep.status in PENDING:
            if rep.status == MissionStatus.LAUNCHED and not replacement_has_port:
                return Departure(now_s)  # make room: the replacement needs this port
            return Departure(None)  # stay (an emergency-only refuge) until the replacement docks
        return Departure(now_s)
    if v.forced_depart_s is not None:
        return Departure(v.forced_depart_s)
    own = st.lifeboats.riding_home_on(v.serial)
    if own:  # the crew's increments end as planned when they docked, whatever vehicle takes them home
        ends = [increment_end_s.get(st.lifeboats.increment.get(c)) for c in own]
        planned = None if None in ends else max(ends)
    else:
        planned = None if v.stay_days is None else v.docked_s + v.stay_days * DAY_S
    relief = relief_of(st, own, missions.values())
    if own and len(own) == len(st.crew) and policy.keep_station_crewed:
        pending = pending_crewed(v.station, missions.values())
        if pending:  # the last crew aboard waits for a relief
            first = pending[0]
            must_leave = must_leave_s() if callable(must_leave_s) else must_leave_s
            # bring it forward only if, as planned, it would come after this vehicle must leave
            if policy.advance_relief and first.ready_s + RELIEF_ARRIVAL_S > must_leave:
                target = advance_target(first, must_leave, policy, now_s)
                if target is not None:
                    return Departure(None, (first.mission.id, target))
            return Departure(None)
    if manifest_landing_s is not None:  # the manifest's landing day: undock for its landing pass
        return Departure(max(now_s, manifest_landing_s - v.vclass.return_s))
    if own and relief is not None:
        if relief.status == MissionStatus.DOCKED:
            if policy.handover == "direct":
                return Departure(relief.dock_s + policy.handover_overlap_days * DAY_S)
            return Departure(planned if planned is not None else now_s)
        if policy.handover == "direct" and policy.extend_for_relief:
            return Departure(None)
    return Departure(planned)


def has_room(st: StationState, vehicles: Mapping[str, VehicleState], arriving: int, dock_s: float) -> bool:
    """Whether the station will have room for ``arriving`` crew at ``dock_s`` (counting crew whose ride home
    is planned to undock before then as gone)."""
    lb = st.lifeboats
    leaving = sum(1 for c in lb.crew if c in lb.home and vehicles[lb.home[c]].planned_undock_s < dock_s)
    return len(lb.crew) - leaving + arriving <= st.station.crew_capacity


def crewed_flight_ready(ls: LauncherState, fam: FamilyState, policy: Policy) -> float | None:
    """After a failure in the launcher's family, the earliest time a crew may fly: ``crewed_after_failure_days``
    after the family's first good uncrewed flight since the failure (policy ``uncrewed_first``; None until
    there is one), or after the failure and its grounding. ``-inf`` when no failure holds crews back."""
    if fam.failed_at is None:
        return float("-inf")
    wait = policy.crewed_after_failure_days * DAY_S
    if policy.uncrewed_first:
        if fam.uncrewed_success_at is None or fam.uncrewed_success_at < fam.failed_at:
            return None
        return fam.uncrewed_success_at + wait
    return max(fam.failed_at, ls.grounded_until) + wait
