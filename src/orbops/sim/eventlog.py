"""The timeline as it is written: typed events in a deterministic order, with an observer hook."""

from __future__ import annotations

from typing import Callable

from .record import EVENT_KINDS, Event

__all__ = ["EventLog"]


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
