"""Replay: re-fly recorded flights from their real launch day and compare with the record.

For each flight: the station's element set nearest *before* the launch (its
age is reported), the launch site's in-plane passages on the launch day (UTC),
the vehicle model's profiles flown at that date, and from them the predicted
launch instant (the first window of the day on a branch the site allows, at
the profile's lead from the in-plane instant), the profile (the fastest that
accepts the phase angle at insertion) and the docking time (from the phase
angle and the periods); where the record has an undocking, the landing (the
first pass of the station's track over the recorded landing zone after the
vehicle's least return time, from the set nearest before the undocking).
Every flight that cannot be predicted gets a reason.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..elements import Catalog
from ..errors import OrbopsError, StaleElementsWarning, UnknownObjectError
from ..geometry import LaunchWindow, Orbits, landing_opportunities, landing_zones, launch_sites
from ..geometry.launch import Passages, assess, inplane_passages, phase_at_insertion
from ..geometry.orbits import OneObject
from ..ops.vehicles import VehicleModel, fit_provenance, vehicle_models
from ..timescales import NS_PER_DAY, format_utc, to_ns
from .record import Flight

__all__ = ["Replayed", "FlightGeometry", "replay", "replay_flight", "flight_geometry", "summarize",
           "TRAINING_END", "FRESH_DAYS"]

TRAINING_END = "2019-12-31T23:59:59Z"
"""Flights launched after this are held out of the fit (``tools/fit_history.py``)."""

FRESH_DAYS = 3.5
"""Flights whose station set is at most this much older than the launch are the ones the targets count."""

_MARGIN_NS = 3 * 3600 * 10**9  # in-plane passages searched this far either side of the launch day


@dataclass(frozen=True)
class Replayed:
    """One flight re-flown: what orbops predicts next to the record (UTC ns; None where not predicted).

    ``reason`` says why no launch/docking prediction was made (empty when it was);
    ``landing_reason`` likewise for the landing. ``elements_age_days``: how much older
    than the launch the station's element set is.
    """

    flight: Flight
    elements_epoch_ns: int | None = None
    elements_age_days: float | None = None
    inplane_ns: int | None = None
    direction: str = ""
    phase_deg: float | None = None
    launch_ns: int | None = None
    profile: str | None = None
    docking_ns: int | None = None
    landing_ns: int | None = None
    landing_elements_age_days: float | None = None
    reason: str = ""
    landing_reason: str = ""
    considered: tuple = field(default=(), compare=False)

    @property
    def recorded_lead_s(self) -> float | None:
        """The recorded launch relative to the predicted window's in-plane instant (s), when that window
        is the one flown (within an hour): how far from the plane crossing the vehicle really launched."""
        if self.inplane_ns is None or abs(self.launch_error_s) > 3600:
            return None
        return (to_ns(self.flight.launch) - self.inplane_ns) / 1e9

    @property
    def held_out(self) -> bool:
        """Launched after the fit's training span."""
        return to_ns(self.flight.launch) > to_ns(_training_end())

    @property
    def fresh(self) -> bool:
        """The station set is at most :data:`FRESH_DAYS` older than the launch."""
        return self.elements_age_days is not None and 0.0 <= self.elements_age_days <= FRESH_DAYS

    def _error_s(self, predicted, recorded) -> float | None:
        if predicted is None or recorded is None:
            return None
        return (predicted - to_ns(recorded)) / 1e9

    @property
    def launch_error_s(self) -> float | None:
        """Predicted minus recorded launch (s)."""
        return self._error_s(self.launch_ns, self.flight.launch)

    @property
    def docking_error_s(self) -> float | None:
        return self._error_s(self.docking_ns, self.flight.docking)

    @property
    def landing_error_s(self) -> float | None:
        return self._error_s(self.landing_ns, self.flight.landing)

    @property
    def profile_match(self) -> bool | None:
        """Whether the predicted profile is the one flown (None where either is unknown)."""
        if not self.flight.profile or self.profile is None:
            return None
        return self.flight.profile == self.profile

    def as_dict(self) -> dict:
        """A JSON-ready record (times ISO 8601 UTC, differences in minutes, predicted minus recorded)."""
        f = self.flight

        def utc(t):
            return None if t is None else format_utc(t)

        def minutes(s):
            return None if s is None else round(s / 60.0, 2)

        return {
            "flight": f.flight, "vehicle_class": f.vehicle_class, "station": f.station, "site": f.site,
            "held_out": self.held_out,
            "elements_epoch_utc": utc(self.elements_epoch_ns),
            "elements_age_days": None if self.elements_age_days is None else round(self.elements_age_days, 3),
            "inplane_utc": utc(self.inplane_ns), "direction": self.direction or None,
            "recorded_lead_s": None if self.recorded_lead_s is None else round(self.recorded_lead_s, 1),
            "phase_deg": None if self.phase_deg is None else round(self.phase_deg, 2),
            "recorded_launch_utc": utc(f.launch), "predicted_launch_utc": utc(self.launch_ns),
            "launch_error_min": minutes(self.launch_error_s),
            "recorded_profile": f.profile or None, "profile": self.profile, "profile_match": self.profile_match,
            "recorded_docking_utc": utc(f.docking), "predicted_docking_utc": utc(self.docking_ns),
            "docking_error_min": minutes(self.docking_error_s),
            "recorded_undocking_utc": utc(f.undocking), "recorded_landing_utc": utc(f.landing),
            "predicted_landing_utc": utc(self.landing_ns), "landing_error_min": minutes(self.landing_error_s),
            "landing_elements_age_days": (None if self.landing_elements_age_days is None
                                          else round(self.landing_elements_age_days, 3)),
            "reason": self.reason or None, "landing_reason": self.landing_reason or None,
        }


@dataclass(frozen=True)
class FlightGeometry:
    """The geometry of a recorded launch, reconstructed from one station set (for fitting and checks).

    ``lead_s``: recorded launch minus the nearest in-plane instant on an allowed branch;
    ``phase_deg``: the target's lead at insertion after the recorded launch; ``period_s``:
    the station's period; ``age_days``: launch minus the set's epoch.
    """

    flight: Flight
    epoch_ns: int
    age_days: float
    inplane_ns: int
    direction: str
    lead_s: float
    phase_deg: float
    period_s: float


def _training_end() -> str:
    return str(fit_provenance().get("training_until", TRAINING_END))


def _station_sets(catalog: Catalog, flight: Flight) -> Catalog:
    try:
        return catalog.history(flight.station_object)
    except UnknownObjectError:
        raise OrbopsError(f"no element sets of {flight.station_object} (station {flight.station!r})") from None


def _set_before(sets: Catalog, t_ns: int, what: str) -> int:
    """Row of the latest set at or before ``t_ns``."""
    ep = sets.epoch.astype(np.int64)
    before = np.flatnonzero(ep <= t_ns)
    if len(before) == 0:
        raise OrbopsError(f"no element set of {sets.name[0] or sets.norad_id[0]} before the {what} "
                          f"(the first is of {format_utc(int(ep.min()))})")
    return int(before[np.argmax(ep[before])])


def _orbits(sets: Catalog, row: int, backend: str) -> Orbits:
    return Orbits(sets[[row]], [int(sets.norad_id[row])], max_age_days=None, backend=backend)


def _pick_set(sets: Catalog, t_ns: int, what: str, pick: str) -> int:
    """Row of the set used at ``t_ns``: the latest before it (``"before"``) or the nearest (``"nearest"``)."""
    if pick == "nearest":
        return int(np.argmin(np.abs(sets.epoch.astype(np.int64) - t_ns)))
    return _set_before(sets, t_ns, what)


def replay_flight(flight: Flight, catalog: Catalog, *, pick: str = "before", backend: str = "auto") -> Replayed:
    """Re-fly one flight (see the module docstring); never raises for a flight it cannot predict.

    ``pick="before"`` (a prediction) uses the station set nearest before the launch (and before the
    undocking); ``"nearest"`` (a reconstruction) the set nearest in time, before or after.
    """
    if pick not in ("before", "nearest"):
        raise OrbopsError(f"pick must be 'before' or 'nearest', not {pick!r}")
    model = vehicle_models().get(flight.vehicle_class)
    if model is None:
        why = f"no model of vehicle class {flight.vehicle_class!r}"
        return Replayed(flight, reason=why, landing_reason=why)
    try:
        sets = _station_sets(catalog, flight)
    except OrbopsError as exc:
        return Replayed(flight, reason=str(exc), landing_reason=str(exc))
    landing = _landing(flight, model, sets, pick, backend)
    launch_ns = to_ns(flight.launch)
    try:
        row = _pick_set(sets, launch_ns, "launch", pick)
    except OrbopsError as exc:
        return Replayed(flight, reason=str(exc), **landing)
    epoch = int(sets.epoch.astype(np.int64)[row])
    age = (launch_ns - epoch) / NS_PER_DAY
    base = dict(elements_epoch_ns=epoch, elements_age_days=age, **landing)
    if not flight.site:
        return Replayed(flight, **base, reason="the record gives no launch site")
    if not model.profiles:
        return Replayed(flight, **base, reason=f"no rendezvous model for the {model.name}: {model.source}")
    orbits = _orbits(sets, row, backend)
    day0 = launch_ns // NS_PER_DAY * NS_PER_DAY
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        passages = inplane_passages(launch_sites()[flight.site], orbits, 0, day0 - _MARGIN_NS,
                                    day0 + NS_PER_DAY + _MARGIN_NS)
        if len(passages) == 0:
            return Replayed(flight, **base, reason=f"{launch_sites()[flight.site].name} never passes under the plane "
                            f"of {flight.station_object}: the site's latitude exceeds the inclination")
        windows = assess(passages, orbits, ascent=model.ascent, profiles=model.profiles, vehicle=model.id,
                         crewed=model.crewed)
    site = launch_sites()[flight.site]
    today = [w for w in windows if day0 <= w.launch_ns < day0 + NS_PER_DAY]
    allowed = [w for w in today if site.permits(w.inclination_deg, w.azimuth_deg, w.direction, crewed=model.crewed)[0]]
    if not allowed:
        why = "; ".join(sorted({w.reason for w in today})) or "no in-plane passage that day"
        return Replayed(flight, **base, reason=f"no launch window on {format_utc(day0)[:10]}: {why}",
                        considered=tuple(today))
    usable = [w for w in allowed if w.feasible]
    w: LaunchWindow = (usable or allowed)[0]
    out = dict(base, inplane_ns=w.inplane_ns, direction=w.direction, phase_deg=w.phase_deg, launch_ns=w.launch_ns,
               profile=w.profile, docking_ns=w.docking_ns, considered=tuple(today))
    if not usable:  # the plane is known, the phase is not one a profile of the time takes
        out["reason"] = (f"{w.reason} (the station set is {age:.1f} days older than the launch): launch "
                         "instant only")
    return Replayed(flight, **out)


def _landing(flight: Flight, model: VehicleModel, sets: Catalog, pick: str, backend: str) -> dict:
    """The predicted landing (and the age of the set it used), or the reason there is none."""
    if flight.undocking is None:
        return {"landing_reason": "the record gives no undocking"}
    zone_name = flight.landing_zone or model.landing_zone
    zones = landing_zones()
    if zone_name not in zones:
        return {"landing_reason": f"no landing model for {zone_name or 'its landing zone'} (splashdown areas "
                                  "and runways are chosen per flight)"}
    if model.min_return_s is None:
        return {"landing_reason": f"no return model for the {model.name}"}
    undock = to_ns(flight.undocking)
    try:
        row = _pick_set(sets, undock, "undocking", pick)
    except OrbopsError as exc:
        return {"landing_reason": str(exc)}
    orbits = _orbits(sets, row, backend)
    earliest = undock + int(model.min_return_s * 1e9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        found = landing_opportunities(orbits, 0, zones[zone_name], earliest, earliest + NS_PER_DAY)
    age = (undock - int(sets.epoch.astype(np.int64)[row])) / NS_PER_DAY
    if not found:
        return {"landing_elements_age_days": age,
                "landing_reason": f"no pass over the {zone_name} zone within a day of the earliest return"}
    return {"landing_ns": found[0].time_ns + int(round(model.landing_offset_s * 1e9)),
            "landing_elements_age_days": age}


def flight_geometry(flight: Flight, catalog: Catalog, *, pick: str = "nearest", backend: str = "auto",
                    max_age_days: float | None = None) -> FlightGeometry | None:
    """The recorded launch's geometry from the station set nearest it (``pick="nearest"``) or nearest
    before it (``"before"``); None when no set is within ``max_age_days`` or the site has no passage."""
    model = vehicle_models().get(flight.vehicle_class)
    if model is None or not flight.site:
        return None
    sets = _station_sets(catalog, flight)
    launch_ns = to_ns(flight.launch)
    ep = sets.epoch.astype(np.int64)
    row = _pick_set(sets, launch_ns, "launch", pick)
    age = (launch_ns - int(ep[row])) / NS_PER_DAY
    if max_age_days is not None and abs(age) > max_age_days:
        return None
    orbits = _orbits(sets, row, backend)
    site = launch_sites()[flight.site]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        p = inplane_passages(site, orbits, 0, launch_ns - NS_PER_DAY // 2, launch_ns + NS_PER_DAY // 2)
        allowed = [k for k in range(len(p)) if site.permits(float(p.inclination_deg[k]), float(p.azimuth_deg[k]),
                                                            str(p.direction[k]), crewed=model.crewed)[0]]
        if not allowed:
            return None
        k = min(allowed, key=lambda j: abs(int(p.inplane_ns[j]) - launch_ns))
        one = Passages(p.site, p.target, p.inplane_ns[[k]], p.direction[[k]], p.azimuth_deg[[k]],
                       p.inclination_deg[[k]], p.h_unit[[k]], p.alt_km, p.period_s)
        slide = np.array([[launch_ns - int(p.inplane_ns[k])]], dtype=np.int64)
        phase = float(phase_at_insertion(one, OneObject(orbits, 0), model.ascent, slide, 0.0)[0, 0])
    period_s = 86400.0 / float(sets.mean_motion_rev_day[row])
    return FlightGeometry(flight, int(ep[row]), age, int(p.inplane_ns[k]), str(p.direction[k]),
                          (launch_ns - int(p.inplane_ns[k])) / 1e9, phase, period_s)


def replay(flights, catalog: Catalog, *, pick: str = "before", backend: str = "auto",
           progress=None) -> list[Replayed]:
    """Re-fly every flight (in the given order; see :func:`replay_flight`); ``progress()`` after each."""
    out = []
    for f in flights:
        out.append(replay_flight(f, catalog, pick=pick, backend=backend))
        if progress is not None:
            progress()
    return out


def _share(flags) -> dict:
    flags = [bool(x) for x in flags]
    return {"count": len(flags), "hits": sum(flags), "fraction": round(sum(flags) / len(flags), 3) if flags else None}


def summarize(results: list[Replayed], *, fresh_days: float = FRESH_DAYS) -> dict:
    """The targets' figures: among flights whose station set is at most ``fresh_days`` older than the
    launch, the share with the launch within 5 min, the profile flown, the docking within 30 and 10 min
    and the landing within 10 min; separately for the training span and the held-out flights, and for
    all flights whatever the element age."""
    def figures(group: list[Replayed]) -> dict:
        launched = [r for r in group if r.launch_error_s is not None]
        profiled = [r for r in group if r.profile_match is not None]
        docked = [r for r in group if r.docking_error_s is not None]
        landed = [r for r in group if r.landing_error_s is not None]
        return {
            "flights": len(group), "predicted": len(launched),
            "launch_within_5_min": _share(abs(r.launch_error_s) <= 300 for r in launched),
            "profile_flown": _share(r.profile_match for r in profiled),
            "docking_within_30_min": _share(abs(r.docking_error_s) <= 1800 for r in docked),
            "docking_within_10_min": _share(abs(r.docking_error_s) <= 600 for r in docked),
            "landing_within_10_min": _share(abs(r.landing_error_s) <= 600 for r in landed),
            "median_abs_docking_error_min": (round(float(np.median([abs(r.docking_error_s) for r in docked]) / 60.0), 1)
                                             if docked else None),
        }

    fresh = [r for r in results if r.elements_age_days is not None and 0.0 <= r.elements_age_days <= fresh_days]
    return {
        "fresh_days": fresh_days, "training_until": _training_end(),
        "fresh": {"training": figures([r for r in fresh if not r.held_out]),
                  "held_out": figures([r for r in fresh if r.held_out]), "all": figures(fresh)},
        "all_ages": {"training": figures([r for r in results if not r.held_out]),
                     "held_out": figures([r for r in results if r.held_out]), "all": figures(results)},
        "not_predicted": [{"flight": r.flight.flight, "reason": r.reason} for r in results if r.launch_ns is None],
    }
