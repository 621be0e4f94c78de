"""Launch pads and docking ports as SimPy stores: a process takes one, waits for one, gives it back.

A pad is out of the store while a launch's turnaround, an outage or a repair
holds it (until the latest of them ends); a port while a vehicle is docked
there, or while a vehicle that waited for it lets the departing one clear
(``port_clear_hours``): a freed port goes to the first vehicle waiting for
one it can dock at. The order of the scenario decides which free one is
taken first.
"""

from __future__ import annotations

from typing import Generator

import simpy

from ..ops import Port, Station
from .state import Signal

__all__ = ["Pads", "Ports"]


class Pads:
    """The pads of one spaceport. A pad is held until the latest of the holds on it ends."""

    def __init__(self, env: simpy.Environment, pads: tuple[str, ...]) -> None:
        self.env = env
        self.order = tuple(pads)
        self.store = simpy.FilterStore(env)
        self.store.items = list(pads)
        self.until = {p: float("-inf") for p in pads}  # the end of the latest hold on each pad
        self.freed = Signal(env)  # fired when a pad comes back into service

    def free(self) -> str | None:
        """A pad free now (the first in the scenario's order), or None."""
        return next((p for p in self.order if p in self.store.items), None)

    def returned(self) -> Generator:
        """Wait until a pad comes back into service."""
        yield self.freed.event

    def hold(self, pad: str, until_s: float) -> None:
        """Keep ``pad`` out of use until ``until_s`` (a turnaround, an outage, a repair): taken now if it is
        free; if it is held already, the hold lasts until the later of the two ends."""
        if until_s <= self.until[pad] and pad not in self.store.items:
            return
        self.until[pad] = max(self.until[pad], until_s)
        if pad in self.store.items:
            taken = self.store.get(lambda p: p == pad)  # issued now, so the pad is taken now
            self.env.process(self._keep(taken, pad))

    def _keep(self, taken, pad: str) -> Generator:
        yield taken
        while self.env.now < self.until[pad]:  # a later hold may have come meanwhile
            yield self.env.timeout(self.until[pad] - self.env.now)
        self.store.put(pad)
        self.freed.fire()


class Ports:
    """The docking ports of one station."""

    def __init__(self, env: simpy.Environment, station: Station) -> None:
        self.env = env
        self.station = station
        self.store = simpy.FilterStore(env)
        self.store.items = list(station.ports)

    def free_for(self, standard: str, preferred: str | None = None) -> Port | None:
        """A free port taking ``standard`` (``preferred`` first, else in the station's order), or None."""
        ports = sorted(self.station.ports, key=lambda p: p.name != preferred) if preferred else self.station.ports
        return next((p for p in ports if p.accepts(standard) and p in self.store.items), None)

    def take(self, port: Port) -> None:
        """Take a free ``port`` now."""
        if not self.store.get(lambda p: p == port).triggered:
            raise RuntimeError(f"port {port.name} of {self.station.id} is not free")

    def wait_for(self, standard: str) -> simpy.events.Event:
        """An event giving the next port taking ``standard`` that comes free (``cancel()`` it to stop waiting)."""
        return self.store.get(lambda p: p.accepts(standard))

    def release(self, name: str) -> None:
        """A vehicle left port ``name``."""
        self.store.put(self.station.port(name))
