"""The timeline: typed events in a deterministic order, with an observer hook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["Event", "EventLog", "EVENT_KINDS", "TIMELINE_FIELDS"]

EVENT_KINDS = (
    "scenario_start", "scenario_end", "docked_at_start", "launcher_grounded", "launcher_cleared",
    "pad_outage_start", "pad_outage_end", "mission_ready", "launch", "launch_failure", "abort_landing",
    "docking", "waiting_for_port", "seat_assignment", "vehicle_damaged", "vehicle_life_limit", "undocking",
    "landing", "lifeboat_gap_start", "lifeboat_gap_end", "station_decrewed", "station_recrewed",
    "mission_cancelled", "replacement_ordered", "mission_advanced",
)
"""Every kind of event a timeline may hold (see the README's run-directory section)."""

TIMELINE_FIELDS = ("time_utc", "event", "subject", "station", "port", "vehicle", "crew", "detail", "variant")
"""Columns of ``timeline.csv`` (and keys of ``timeline.jsonl``)."""


@dataclass(frozen=True)
class Event:
    """One thing that happened. ``time_s`` is simulation seconds; ``seq`` breaks ties in log order."""

    time_s: float
    seq: int
    kind: str
    subject: str = ""
    station: str = ""
    port: str = ""
    vehicle: str = ""
    crew: tuple[str, ...] = ()
    detail: str = ""

    def row(self, iso: Callable[[float], str], variant: str = "") -> dict:
        """A timeline row (see :data:`TIMELINE_FIELDS`)."""
        return {"time_utc": iso(self.time_s), "event": self.kind, "subject": self.subject,
                "station": self.station, "port": self.port, "vehicle": self.vehicle,
                "crew": ";".join(self.crew), "detail": self.detail, "variant": variant}


class EventLog:
    """Events in the order they happen; ``observer`` (if any) sees each as it is logged."""

    def __init__(self, observer: Callable[[Event], None] | None = None) -> None:
        self.events: list[Event] = []
        self.observer = observer

    def add(self, time_s: float, kind: str, **fields) -> Event:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        crew = fields.pop("crew", ())
        event = Event(float(time_s), len(self.events), kind, crew=tuple(crew), **fields)
        self.events.append(event)
        if self.observer is not None:
            self.observer(event)
        return event
