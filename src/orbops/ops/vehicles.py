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

import numpy as np

from ..errors import OrbopsError
from ..geometry import Ascent, RendezvousProfile
from ..timescales import NS_PER_DAY, parse_utc

__all__ = ["VehicleModel", "vehicle_models", "vehicle_model", "fit_provenance", "PROFILE_KEYS", "parse_profiles"]

PROFILE_KEYS = {
    "name": (str, None), "revolutions": (float, None), "phase_min_deg": (float, None),
    "phase_max_deg": (float, None), "docking_s": (float, 0.0), "lead_s": (float, None),
    "phasing_alt_km": (float, None), "flown_from": ("utc", None), "flown_until": ("utc", None),
    "vehicles": (list, ()), "source": (str, ""),
}
"""Keys of a rendezvous-profile table (``[[profile]]`` in a file, ``profiles`` of a vehicle): type, default."""


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
        if ok and vals["revolutions"] < 0:
            problems.append((f"{path}.revolutions", f"{vals['revolutions']!r} is below the minimum 0"))
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
    ``landing_zone`` (a name of ``places.toml``), ``min_return_s`` (undocking to the earliest landing)
    and ``landing_offset_s`` (landing relative to the station track's closest approach to the zone).
    ``provenance`` maps each value (``"lead_s"``, ``"2-day.revolutions"``, ...) to ``"design"`` or
    ``"fitted"``.
    """

    id: str
    name: str
    crewed: bool
    sites: tuple[str, ...]
    ascent: Ascent
    profiles: tuple[RendezvousProfile, ...]
    landing_zone: str | None = None
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


def _date(text: str | None, *, end_of_day: bool = False) -> np.datetime64 | None:
    if text is None:
        return None
    t = parse_utc(str(text))
    return t + np.timedelta64(NS_PER_DAY - 1, "ns") if end_of_day else t


def _read(name: str) -> dict:
    try:
        return tomllib.loads(resources.files("orbops.data").joinpath(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@functools.lru_cache(maxsize=1)
def fit_provenance() -> dict:
    """How ``fitted.toml`` was made: command, date, record checksum, training span, flights per value."""
    return _read("fitted.toml").get("provenance", {})


@functools.lru_cache(maxsize=2)
def vehicle_models(fitted: bool = True) -> dict[str, VehicleModel]:
    """Every vehicle model, design values overridden by the fitted ones (``fitted=False``: design only)."""
    design, fitted = _read("vehicles.toml"), (_read("fitted.toml") if fitted else {})
    out = {}
    for vid, d in design.items():
        fit = fitted.get(vid, {})
        prov: dict[str, str] = {}

        def value(key, default=None, table=d, fitted_table=fit, prefix=""):
            if key in fitted_table:
                prov[prefix + key] = "fitted"
                return fitted_table[key]
            if key in table:
                prov[prefix + key] = "design"
                return table[key]
            return default

        ascent_s = float(d["ascent_s"])
        lead = value("lead_s", -ascent_s / 2.0)
        prov.setdefault("lead_s", "design")
        ascent = Ascent(lead_s=float(lead), ascent_s=ascent_s, insertion_arc_deg=float(d["insertion_arc_deg"]),
                        insertion_alt_km=float(d["insertion_alt_km"]))
        tables = []
        for p in d.get("profiles", []):
            pf = fit.get("profiles", {}).get(p["name"], {})
            merged = dict(p)
            for key in ("lead_s", "revolutions", "docking_s"):
                if key in pf:
                    merged[key] = pf[key]
                if key in merged:
                    prov[f"{p['name']}.{key}"] = "fitted" if key in pf else "design"
            tables.append(merged)
        profiles, problems = parse_profiles(tables, f"vehicles.toml: {vid}.profiles", vehicle=vid)
        if problems:
            raise OrbopsError("; ".join(f"{path}: {msg}" for path, msg in problems))
        ret = fit.get("return", {})
        out[vid] = VehicleModel(
            vid, d.get("name", vid), bool(d.get("crewed", True)), tuple(d.get("sites", ())), ascent, profiles,
            d.get("landing_zone"), value("min_return_s", None, d, ret, "return."),
            float(value("landing_offset_s", 0.0, d, ret, "return.")), d.get("source", ""), prov)
    return out


def vehicle_model(name: str) -> VehicleModel:
    """One vehicle model by id (``soyuz``, ``progress``, ``shenzhou``, ``crew-dragon``, ``starliner``, ...)."""
    models = vehicle_models()
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    if key not in models:
        raise OrbopsError(f"unknown vehicle class {name!r}: expected one of {', '.join(sorted(models))}")
    return models[key]
