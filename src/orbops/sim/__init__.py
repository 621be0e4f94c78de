"""Floor 5: the discrete-event engine (the only importer of simpy)."""

from .clock import Clock
from .engine import Engine, Run, run_scenario
from .eventlog import EVENT_KINDS, TIMELINE_FIELDS, Event, EventLog
from .planner import Planner

__all__ = ["Clock", "EVENT_KINDS", "Engine", "Event", "EventLog", "Planner", "Run", "TIMELINE_FIELDS", "run_scenario"]
