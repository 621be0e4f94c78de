"""Engine processes of contingencies: groundings, pad outages, damaged vehicles, drawn anomalies.

Part of :class:`orbops.sim.engine.Engine` (a mixin: the state lives there).
A launch failure is not a process of its own: the mission meets it at launch
(:mod:`orbops.sim.flights`).
"""

from __future__ import annotations

from ..constants import SECONDS_PER_DAY as DAY_S
from ..ops import Contingency, substream
from .state import MissionStatus, VehicleState

__all__ = ["ContingencyProcesses"]

DAYS_PER_YEAR = 365.25


class ContingencyProcesses:
    """Contingencies (mixed into :class:`~orbops.sim.engine.Engine`)."""

    def _contingency(self, c: Contingency):
        start = self.clock.to_s(c.start)
        if start > self.now:
            yield self.env.timeout(start - self.now)
        if c.kind == "launcher_grounded":
            self._ground(c.target, self.clock.to_s(c.end), c.note or "grounded")
        elif c.kind == "pad_outage":
            spaceport, _, pad = c.target.partition("/")
            yield from self._pad_outage(spaceport, pad, self.clock.to_s(c.end), c.note or "out of service")
        elif c.kind == "vehicle_damage":
            self._damage(c)

    def _pad_outage(self, spaceport_id: str, pad: str, until_s: float, why: str):
        """``pad`` is out of service from now until ``until_s`` (an outage, or a repair after launch damage)."""
        self.pads[spaceport_id].hold(pad, until_s)
        self._log("pad_outage_start", subject=f"{spaceport_id}/{pad}",
                  detail=f"{why}; back in service {self.clock.iso(until_s)}")
        yield self.env.timeout(max(0.0, until_s - self.now))
        self._log("pad_outage_end", subject=f"{spaceport_id}/{pad}")

    def _anomaly(self, v: VehicleState, rate_per_year: float):
        """A drawn anomaly (leak, debris strike) while docked; a standby ship of the station may replace it."""
        draws = substream(self.seed, "anomaly", v.serial)
        after_s = draws.exponential(DAYS_PER_YEAR * DAY_S / rate_per_year)
        docked_s = v.docked_s
        if self.now + after_s > self.end_s:
            return
        yield self.env.timeout(after_s)
        if not v.docked or v.docked_s != docked_s or not v.healthy:
            return
        standby = next((ms for ms in self.missions.values() if ms.mission.standby
                        and ms.status == MissionStatus.PLANNED and ms.mission.station == v.station
                        and not ms.ordered.triggered), None)
        ready = self.unc.standby_ready_days.sample(draws) if self.unc.standby_ready_days is not None else 0.0
        self._damage(Contingency("vehicle_damage", v.serial, note="anomaly (drawn): no longer fit to bring crew home",
                                 replacement=standby.mission.id if standby else None, replacement_ready_days=ready))

    def _damage(self, c: Contingency) -> None:
        v = self.vehicles[c.target]
        if not v.docked:
            return
        st = self.stations[v.station]
        self._set(v, healthy=False)
        crew = st.lifeboats.riding_home_on(v.serial)
        self._log("vehicle_damaged", station=v.station, port=v.port, vehicle=v.serial, crew=crew,
                  detail=c.note or "no longer fit to bring crew home")
        st.lifeboats.condemn(v.serial)  # nobody rides a damaged vehicle home
        if c.return_on:
            w = self.vehicles[c.return_on]
            gave_up = st.lifeboats.give_up_ride(w.serial)
            self._seats_changed(st, gave_up, "", f"gave their seats on {w.serial} up: no seat home")
            st.lifeboats.assign(crew, w.serial, home=True)
            self._seats_changed(st, crew, w.serial, f"return home on {w.serial} instead of damaged {v.serial}")
            w.forced_depart_s = self.now + c.decision_days * DAY_S
            self._wake(w)
        elif self.policy.relocate_on_damage:
            for other in list(st.docked.values()):
                if other != v.serial:
                    self._seat_seatless(st, other)
        rep = self.missions.get(c.replacement) if c.replacement else None
        if rep is not None and rep.status == MissionStatus.PLANNED:
            rep.uncrewed = True
            # an emergency flight: when prepared, or on its manifest day (a replacement's launch_date)
            self._reschedule(rep, max(self.now + c.replacement_ready_days * DAY_S, rep.launch_day_s))
            v.replacement = c.replacement
            if not rep.ordered.triggered:
                rep.ordered.succeed()
            self._log("replacement_ordered", subject=c.replacement, station=v.station, vehicle=rep.mission.vehicle,
                      detail=f"flies uncrewed, no earlier than {self.clock.iso(rep.net_s)}")
        self._check(st)
        self._wake(v)
