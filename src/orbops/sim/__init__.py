"""Floor 5: the discrete-event engine (the only importer of simpy) and its product, the run record."""

from .clock import Clock
from .engine import Engine, run_scenario
from .eventlog import EventLog
from .planner import Planner
from .record import (EVENT_KINDS, TIMELINE_FIELDS, DockedInterval, Event, MissionOutcome, RunRecord,
                     StationSample, Trip, VehicleSample, WindowChoice)
from .state import MissionStatus, VehicleStatus

__all__ = ["Clock", "DockedInterval", "EVENT_KINDS", "Engine", "Event", "EventLog", "MissionOutcome",
           "MissionStatus", "Planner", "RunRecord", "StationSample", "TIMELINE_FIELDS", "Trip", "VehicleSample",
           "VehicleStatus", "WindowChoice", "run_scenario"]
