"""The crew-vehicle catalogue: ascent, rendezvous profiles and return, as data.

``data/vehicles.toml`` holds the design values with their sources;
``data/fitted.toml`` (written by ``tools/fit_history.py`` from flights up to
the end of 2019) the values fitted to the record, which override them. A
value says where it came from (``VehicleModel.provenance``).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import OrbopsError
from ..geometry import Ascent, RendezvousProfile
from ..timescales import NS_PER_DAY, parse_utc

__all__ = ["VehicleModel", "vehicle_models", "vehicle_model", "fit_provenance", "PROFILE_KEYS", "parse_profiles",
           "read_profiles"]

PROFILE_KEYS = {
    "name": (str, None), "revolutions": (float, None), "phase_min_deg": (float, None),
    "phase_max_deg": (float, None), "docking_s": (float, 0.0), "lead_s": (float, None),
    "phasing_alt_km": (float, None), "flown_from": ("utc", None), "flown_until": ("utc", None),
    "vehicles": (list, ()), "source": (str, ""),
}
"""Keys of a rendezvous-profile table (``[[profile]]`` in a file, ``profiles`` of a vehicle): type, default."""

PROFILE_LIMITS = {"revolutions": (0.0, 200.0), "docking_s": (0.0, 86400.0), "lead_s": (-86400.0, 86400.0),
                  "phase_min_deg": (-360.0, 720.0), "phase_max_deg": (-360.0, 720.0)}
"""What a profile's numbers may be: at most 200 revolutions (about two weeks), a non-negative docking time."""


def parse_profiles(entries, where: str, *, vehicle: str | None = None) -> tuple[tuple[RendezvousProfile, ...], list]:
    """Rendezvous profiles from tables (see :data:`PROFILE_KEYS`; ``name`` and ``revolutions`` required),
    and the problems met as ``(key path, message)``. ``flown_until`` is a date: the profile is
    available to the end of that day. ``vehicle`` fills ``vehicles`` when a table leaves it out."""
    out, problems = [], []
    for i, d in enumerate(entries):
        path = f"{where}[{i}]"
        if not isinstance(d, dict):
            problems.append((path, "expected a table"))
            continue
        vals, ok = {}, True
        for key in d:
            if key not in PROFILE_KEYS:
                problems.append((f"{path}.{key}", f"unknown key {key!r}: expected one of {', '.join(PROFILE_KEYS)}"))
                ok = False
        for key, (kind, default) in PROFILE_KEYS.items():
            raw = d.get(key, default)
            if raw is None:
                if key in ("name", "revolutions"):
                    problems.append((f"{path}.{key}", "missing"))
                    ok = False
                vals[key] = None
                continue
            try:
                if kind is float:
                    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not np.isfinite(raw):
                        raise TypeError("a number")
                    vals[key] = float(raw)
                elif kind is str:
                    if not isinstance(raw, str):
                        raise TypeError("a string")
                    vals[key] = raw
                elif kind is list:
                    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
                        raise TypeError("a list of vehicle model names")
                    vals[key] = tuple(raw)
                else:
                    vals[key] = _date(str(raw), end_of_day=key == "flown_until")
            except (TypeError, ValueError) as exc:
                expected = exc if isinstance(exc, TypeError) else "a UTC date"
                problems.append((f"{path}.{key}", f"{raw!r} is not {expected}"))
                ok = False
        for key, (lo, hi) in PROFILE_LIMITS.items():
            if ok and vals[key] is not None and not lo <= vals[key] <= hi:
                problems.append((f"{path}.{key}", f"{vals[key]:g} is outside {lo:g} to {hi:g}"))
                ok = False
        if ok and vals["phasing_alt_km"] is not None and not 100.0 <= vals["phasing_alt_km"] <= 2000.0:
            problems.append((f"{path}.phasing_alt_km", f"{vals['phasing_alt_km']:g} km is not a phasing orbit "
                                                       "(expected 100 to 2000 km, below the target)"))
            ok = False
        if ok and None not in (vals["phase_min_deg"], vals["phase_max_deg"]) \
                and vals["phase_min_deg"] > vals["phase_max_deg"]:
            problems.append((f"{path}.phase_max_deg", f"{vals['phase_max_deg']:g} is below phase_min_deg "
                                                      f"{vals['phase_min_deg']:g}"))
            ok = False
        if ok and None not in (vals["flown_from"], vals["flown_until"]) and vals["flown_until"] < vals["flown_from"]:
            problems.append((f"{path}.flown_until", "is before flown_from"))
            ok = False
        if ok:
            vehicles = vals["vehicles"] or ((vehicle,) if vehicle else ())
            out.append(RendezvousProfile(
                vals["name"], vals["revolutions"], vals["phase_min_deg"], vals["phase_max_deg"], vals["docking_s"],
                vals["lead_s"], vals["phasing_alt_km"], vehicles, vals["flown_from"], vals["flown_until"],
                vals["source"]))
    return tuple(out), problems


@dataclass(frozen=True)
class VehicleModel:
    """A crew or cargo vehicle as orbops flies it.

    ``ascent`` (launch to separation, insertion arc and altitude, the default lead from the in-plane
    instant); ``profiles`` (each with the dates it was flown, its own lead where fitted);
    ``landing_zone`` (a name of ``places.toml``); ``return_s`` (undocking to the landing pass, as flown:
    the engine undocks that long before the pass it lands on); ``min_return_s`` (undocking to the
    earliest pass it can land on: the replay takes the first pass after it); ``landing_offset_s``
    (the landing relative to the station track's closest approach to the zone). ``provenance`` maps
    each value (``"lead_s"``, ``"2-day.revolutions"``, ``"return.return_s"``, ...) to ``"design"``,
    ``"fitted"`` or ``"default"``.
    """

    id: str
    name: str
    crewed: bool
    ascent: Ascent
    profiles: tuple[RendezvousProfile, ...]
    landing_zone: str | None = None
    return_s: float | None = None
    min_return_s: float | None = None
    landing_offset_s: float = 0.0
    source: str = ""
    provenance: dict = field(default_factory=dict, compare=False)

    def profile(self, name: str) -> RendezvousProfile:
        for p in self.profiles:
            if p.name == name:
                return p
        raise OrbopsError(f"{self.id} has no rendezvous profile {name!r}: expected one of "
                          f"{', '.join(p.name for p in self.profiles) or 'none'}")


def read_profiles(path, where: str = "profile") -> tuple[tuple[RendezvousProfile, ...], list]:
    """Profiles from a TOML file of ``[[profile]]`` tables, and the problems met as ``(key path, message)``
    (key paths start with ``where``); an unreadable file or one without profiles is a problem too."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return (), [(where, f"cannot read rendezvous profiles from {path}: {exc}")]
    except RecursionError:
        return (), [(where, f"cannot read rendezvous profiles from {path}: nested too deeply")]
    entries = data.get("profile", [])
    if not isinstance(entries, list):
        return (), [(where, f"expected [[profile]] tables (an array of tables) in {path}")]
    profiles, problems = parse_profiles(entries, where)
    if not profiles and not problems:
        problems.append((where, f"no [[profile]] tables in {path}"))
    return profiles, problems


def _date(text: str | None, *, end_of_day: bool = False) -> np.datetime64 | None:
    if text is None:
        return None
    t = parse_utc(str(text))
    return t + np.timedelta64(NS_PER_DAY - 1, "ns") if end_of_day else t


def _read(name: str) -> dict:
    try:
        text = resources.files("orbops.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        if name == "fitted.toml":
            return {}  # no fit yet: the design values stand
        raise OrbopsError(f"orbops/data/{name} is missing: reinstall orbops") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OrbopsError(f"orbops/data/{name}: not valid TOML: {exc}") from None


@functools.lru_cache(maxsize=1)
def fit_provenance() -> dict:
    """How ``fitted.toml`` was made: command, record checksum, training span (``training_until``)."""
    return _read("fitted.toml").get("provenance", {})


_VEHICLE_KEYS = {"name": str, "crewed": bool, "sites": list, "ascent_s": float, "insertion_arc_deg": float,
                 "insertion_alt_km": float, "lead_s": float, "landing_zone": str, "return_s": float,
                 "min_return_s": float, "landing_offset_s": float, "source": str, "profiles": list}
_REQUIRED = ("ascent_s", "insertion_arc_deg", "insertion_alt_km")
_FITTED_KEYS = {"lead_s", "revolutions", "docking_s"}
_RETURN_KEYS = ("return_s", "min_return_s", "landing_offset_s")


def _check_vehicle(vid: str, d: dict, fit: dict) -> list[str]:
    """Problems of one vehicle's tables in vehicles.toml and fitted.toml, by key path."""
    problems = []
    for key, value in d.items():
        kind = _VEHICLE_KEYS.get(key)
        if kind is None:
            problems.append(f"vehicles.toml: {vid}.{key}: unknown key: expected one of {', '.join(_VEHICLE_KEYS)}")
        elif kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))
                                or not np.isfinite(value)):
            problems.append(f"vehicles.toml: {vid}.{key}: {value!r} is not a number")
        elif kind is not float and not isinstance(value, kind):
            problems.append(f"vehicles.toml: {vid}.{key}: {value!r} is not {kind.__name__}")
    problems += [f"vehicles.toml: {vid}.{key}: missing" for key in _REQUIRED if key not in d]
    for key, value in fit.get("return", {}).items():
        if key in _RETURN_KEYS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(f"fitted.toml: {vid}.return.{key}: {value!r} is not a number")
    return problems


@functools.lru_cache(maxsize=2)
def vehicle_models(fitted: bool = True) -> dict[str, VehicleModel]:
    """Every vehicle model, design values overridden by the fitted ones (``fitted=False``: design only).
    Raises :class:`OrbopsError` naming the file and key path of a bad value."""
    design, fits = _read("vehicles.toml"), (_read("fitted.toml") if fitted else {})
    out = {}
    for vid, d in design.items():
        fit = fits.get(vid, {})
        problems = _check_vehicle(vid, d, fit)
        if problems:
            raise OrbopsError("; ".join(problems))
        prov: dict[str, str] = {}

        def value(key, default=None, table=d, fitted_table=fit, prefix=""):
            for source, tab in (("fitted", fitted_table), ("design", table)):
                if key in tab:
                    prov[prefix + key] = source
                    return tab[key]
            prov[prefix + key] = "default"
            return default

        ascent_s = float(d["ascent_s"])
        ascent = Ascent(lead_s=float(value("lead_s", -ascent_s / 2.0)), ascent_s=ascent_s,
                        insertion_arc_deg=float(d["insertion_arc_deg"]), insertion_alt_km=float(d["insertion_alt_km"]))
        tables = []
        for i, p in enumerate(d.get("profiles", [])):
            if not isinstance(p, dict) or "name" not in p:
                raise OrbopsError(f"vehicles.toml: {vid}.profiles[{i}]: expected a table with a name")
            pf = fit.get("profiles", {}).get(p["name"], {})
            merged = dict(p, **{k: v for k, v in pf.items() if k in _FITTED_KEYS})
            for key in _FITTED_KEYS & set(merged):
                prov[f"{p['name']}.{key}"] = "fitted" if key in pf else "design"
            tables.append(merged)
        profiles, problems = parse_profiles(tables, f"vehicles.toml: {vid}.profiles", vehicle=vid)
        if problems:
            raise OrbopsError("; ".join(f"{path}: {msg}" for path, msg in problems))
        ret = fit.get("return", {})
        returns = {k: value(k, None, d, ret, "return.") for k in _RETURN_KEYS}
        out[vid] = VehicleModel(
            vid, d.get("name", vid), bool(d.get("crewed", True)), ascent, profiles, d.get("landing_zone"),
            None if returns["return_s"] is None else float(returns["return_s"]),
            None if returns["min_return_s"] is None else float(returns["min_return_s"]),
            float(returns["landing_offset_s"] or 0.0), d.get("source", ""), prov)
    return out


def vehicle_model(name: str) -> VehicleModel:
    """One vehicle model by id (``soyuz``, ``progress``, ``shenzhou``, ``crew-dragon``, ``starliner``, ...)."""
    models = vehicle_models()
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    if key not in models:
        raise OrbopsError(f"unknown vehicle class {name!r}: expected one of {', '.join(sorted(models))}")
    return models[key]
