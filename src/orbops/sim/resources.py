"""Launch pads and docking ports as SimPy stores: a process takes one, waits for one, gives it back.

A pad is out of the store while a launch's turnaround, an outage or a repair
holds it; a port while a vehicle is docked there (or cleared to dock). The
order of the scenario decides which free one is taken first.
"""

from __future__ import annotations

from typing import Generator

import simpy

from ..ops import Port, Station

__all__ = ["Pads", "Ports"]


class Pads:
    """The pads of one spaceport."""

    def __init__(self, env: simpy.Environment, pads: tuple[str, ...]) -> None:
        self.env = env
        self.order = tuple(pads)
        self.store = simpy.FilterStore(env)
        self.store.items = list(pads)

    def free(self) -> str | None:
        """A pad free now (the first in the scenario's order), or None."""
        return next((p for p in self.order if p in self.store.items), None)

    def returned(self) -> Generator:
        """Wait until a pad is back in service (at once if one is free); the pad stays free."""
        pad = yield self.store.get()
        self.store.put(pad)

    def hold(self, pad: str, until_s: float) -> None:
        """Keep ``pad`` out of use until ``until_s``: taken now if free, else as soon as it comes back
        (a turnaround, outage or repair that ends sooner than the one holding it ends with it)."""
        taken = self.store.get(lambda p: p == pad)  # issued now, so a pad free now is taken now
        self.env.process(self._keep(taken, pad, until_s))

    def _keep(self, taken, pad: str, until_s: float) -> Generator:
        yield taken
        yield self.env.timeout(max(0.0, until_s - self.env.now))
        self.store.put(pad)


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
