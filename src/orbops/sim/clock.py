"""Scenario time: seconds since the scenario epoch (SimPy's ``env.now``), and UTC. The one conversion point."""

from __future__ import annotations


from ..timescales import format_utc, to_ns

__all__ = ["Clock"]


class Clock:
    """Converts between UTC int64 nanoseconds and simulation seconds since ``epoch``."""

    def __init__(self, epoch) -> None:
        self.epoch_ns = to_ns(epoch)

    def to_s(self, t) -> float:
        """Seconds since the epoch of a UTC instant (datetime64 or int ns)."""
        return (to_ns(t) - self.epoch_ns) / 1e9

    def to_ns(self, s: float) -> int:
        """UTC int64 ns of a simulation time."""
        return self.epoch_ns + int(round(s * 1e9))

    def iso(self, s: float) -> str:
        """ISO 8601 UTC (milliseconds) of a simulation time."""
        return format_utc(self.to_ns(s), 3)
