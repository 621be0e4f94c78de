"""The engine's live state: statuses, vehicles, stations, missions, launchers, and a signal for broadcasts.

Plain dataclasses that carry the SimPy events their processes wait on (a
:class:`Signal` for those that fire many times); the pure decisions of
:mod:`orbops.sim.decisions` read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import simpy

from ..geometry import LaunchWindow
from ..ops import Launcher, Mission, Station, VehicleClass
from .lifeboats import Lifeboats

__all__ = ["VehicleStatus", "MissionStatus", "Signal", "VehicleState", "StationState", "MissionState",
           "LauncherState", "FamilyState"]


class VehicleStatus(StrEnum):
    GROUND = "ground"
    FLIGHT = "flight"
    DOCKED = "docked"
    LANDED = "landed"
    LOST = "lost"


class MissionStatus(StrEnum):
    PLANNED = "planned"
    READY = "ready"
    LAUNCHED = "launched"
    DOCKED = "docked"
    LANDED = "landed"
    FAILED = "failed"
    CANCELLED = "cancelled"


PENDING = (MissionStatus.PLANNED, MissionStatus.READY, MissionStatus.LAUNCHED)
"""Statuses of a mission that has not yet docked but still may."""


class Signal:
    """A broadcast that fires many times: processes ``yield signal.event``; ``fire()`` wakes them all
    and arms a fresh event for the next wait."""

    def __init__(self, env) -> None:
        self.env = env
        self.event = env.event()

    def fire(self) -> None:
        fired, self.event = self.event, self.env.event()
        fired.succeed()


@dataclass
class VehicleState:
    serial: str
    vclass: VehicleClass
    status: VehicleStatus = VehicleStatus.GROUND
    station: str = ""
    port: str = ""
    mission: str = ""
    docked_s: float | None = None
    life_end_s: float = float("inf")
    stay_days: float | None = None
    healthy: bool = True
    forced_depart_s: float | None = None  # a contingency's decision: leave then (with another vehicle's crew)
    replacement: str | None = None  # the mission ordered to replace this (damaged) vehicle
    wake: Signal | None = None  # fired when something the departure decision depends on changes
    planned_undock_s: float = float("inf")

    @property
    def docked(self) -> bool:
        return self.status == VehicleStatus.DOCKED


@dataclass
class StationState:
    station: Station
    lifeboats: Lifeboats
    changed: Signal  # fired whenever the number of crew aboard changes
    docked: dict[str, str] = field(default_factory=dict)  # port -> serial
    had_crew: bool = False

    @property
    def id(self) -> str:
        return self.station.id

    @property
    def crew(self) -> list[str]:
        return self.lifeboats.crew


@dataclass
class MissionState:
    mission: Mission
    ordered: simpy.Event  # for standby missions: triggered when a contingency calls them up
    rescheduled: Signal  # fired whenever net_s changes
    status: MissionStatus = MissionStatus.PLANNED
    net_s: float = 0.0
    uncrewed: bool = False
    launch_s: float | None = None
    dock_s: float | None = None
    landing_s: float | None = None
    window: LaunchWindow | None = None  # the window it launched in
    slip_s: float = 0.0
    plan_net_s: float = 0.0  # the no-earlier-than date as planned (before slips, advances, replacements)
    launch_day_s: float = float("-inf")  # the manifest's launch day, where there is one

    @property
    def crew(self) -> tuple[str, ...]:
        """The crew it flies (none when it was sent up uncrewed)."""
        return () if self.uncrewed else self.mission.crew

    @property
    def ready_s(self) -> float:
        """When it may launch at the earliest: its no-earlier-than date and any slip."""
        return self.net_s + self.slip_s

    def called_up(self) -> bool:
        """Whether it may fly: not a standby ship, or one a contingency has ordered."""
        return not self.mission.standby or self.ordered.triggered


@dataclass
class LauncherState:
    launcher: Launcher
    cleared: Signal  # fired when a grounding ends
    grounded_until: float = -1.0  # grounded while now < grounded_until

    @property
    def family(self) -> str:
        return self.launcher.family or self.launcher.id


@dataclass
class FamilyState:
    """Failure history shared by launchers with common stages."""

    flew_uncrewed: Signal  # fired after each good uncrewed flight
    failed_at: float | None = None
    uncrewed_success_at: float | None = None
