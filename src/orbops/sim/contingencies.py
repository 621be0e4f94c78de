"""Engine processes of contingencies: groundings, pad outages, damaged vehicles, drawn anomalies.

Part of :class:`orbops.sim.engine.Engine` (a mixin: the state lives there).
A launch failure is not a process of its own: the mission meets it at launch
(:mod:`orbops.sim.flights`).
"""

from __future__ import annotations

from ..constants import SECONDS_PER_DAY as DAY_S
from ..ops import RESCUE_ANY, Contingency, substream
from ..rescue.analysis import plane_reach
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
        rep_id, ready_days = c.replacement, c.replacement_ready_days or 0.0
        if c.rescue:
            rep_id, ready_days = self._call_rescue(c, st, v)
        rep = self.missions.get(rep_id) if rep_id else None
        if rep is not None and rep.status == MissionStatus.PLANNED:
            rep.uncrewed = True
            # an emergency flight: when prepared, or on its manifest day (a replacement's launch_date)
            self._reschedule(rep, max(self.now + ready_days * DAY_S, rep.launch_day_s))
            v.replacement = rep_id
            if not rep.ordered.triggered:
                rep.ordered.succeed()
            self._log("replacement_ordered", subject=rep_id, station=v.station, vehicle=rep.mission.vehicle,
                      detail=f"flies uncrewed, no earlier than {self.clock.iso(rep.net_s)}")
        self._check(st)
        self._wake(v)

    def _call_rescue(self, c: Contingency, st, damaged: VehicleState) -> tuple[str | None, float]:
        """The standby ship a rescue contingency calls up and its readiness (days), or (None, 0) when none
        can: each candidate's verdict is logged (``rescue_called``)."""
        station = self.sc.lookup("stations", damaged.station)
        stranded = len(st.lifeboats.seatless(self._usable(st)))
        if c.rescue == RESCUE_ANY:
            names = [m for m, ms in self.missions.items() if ms.mission.standby and ms.mission.station == station.id]
        else:
            names = [m for m in c.rescue if m in self.missions]  # a variant may exclude some
        verdicts, feasible = [], []
        for m in names:
            ms = self.missions[m]
            vc = self._vehicle_class(ms.mission.vehicle)
            ready = vc.readiness_days if c.replacement_ready_days is None else c.replacement_ready_days
            why = self._rescue_verdict(ms, vc, station, stranded, ready)
            if isinstance(why, str):
                verdicts.append(f"{m}: {why}")
                continue
            verdicts.append(f"{m}: launch {self.clock.iso(self.clock.to_s(why.launch_ns))}, docking "
                            f"{self.clock.iso(self.clock.to_s(why.docking_ns))} ({why.profile}) after {ready:g} days' "
                            "readiness")
            feasible.append((why.docking_ns, len(feasible), m, ready))
        if not feasible:
            chosen = None
        elif c.rescue == RESCUE_ANY:
            chosen = min(feasible)
        else:
            chosen = feasible[0]
        how = "the first to dock" if c.rescue == RESCUE_ANY else "the first of the ranked list that can"
        self._log("rescue_called", subject=chosen[2] if chosen else "", station=station.id, vehicle=damaged.serial,
                  detail=(f"{chosen[2]} ({how})" if chosen else "no rescue can fly") + f" for {stranded} without a "
                         "seat home; " + "; ".join(verdicts or ["no standby ship to call"]))
        return (chosen[2], chosen[3]) if chosen else (None, 0.0)

    def _rescue_verdict(self, ms, vc, station, stranded: int, ready_days: float):
        """The launch window a standby ship would fly as a rescue, or why it cannot (a sentence)."""
        if ms.status != MissionStatus.PLANNED or ms.ordered.triggered:
            return "already called or flown"
        port = self.sc.lookup("spaceports", vc.spaceport)
        dogleg, plane_why = plane_reach(port.site, self.planner.inclination_deg(station.id))
        if dogleg:  # a scenario's ships fly no doglegs (orbops rescue prices them)
            return f"{plane_why} (it would need a dogleg of {dogleg:.1f} deg)"
        if not any(p.accepts(vc.docking) for p in station.ports):
            return (f"no port of {station.name} takes {vc.docking} (its ports: "
                    f"{', '.join(sorted({p.standard for p in station.ports}))})")
        if vc.seats < stranded:
            return f"{vc.seats} seats for {stranded} without one"
        earliest = max(self.now + ready_days * DAY_S, ms.launch_day_s)  # its manifest day, if it has one
        w = self.planner.next_window(vc.spaceport, station.id, vc.id, self.clock.to_ns(earliest))
        if w is not None and self.clock.to_s(w.launch_ns) <= self.end_s:
            return w
        return f"no launch window from {port.site.name} after {ready_days:g} days' readiness within the scenario"
