"""Parse: TOML text to checked tables (types, choices, minima, unknown and missing keys, defaults filled).

The first of the loader's three steps (parse -> resolve -> build). Nothing
here looks beyond one value: references between tables are the resolver's.
Every entry of an array of tables comes with its key path (``missions[3]``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScenarioError
from ..ops import DISTRIBUTIONS, Distribution
from .schema import DAYS, POLICY, ROOT, TABLES, Checker, Field

__all__ = ["Parsed", "Entry", "read_toml", "parse", "find_line", "ARRAYS"]

Entry = tuple[str, dict]
"""A checked table and its key path."""

ARRAYS = ("stations", "launchers", "spaceports", "landing_sites", "vehicle_classes", "vehicles", "crew",
          "docked_at_start", "missions", "rotations", "contingencies", "variants", "plane_studies")
"""The arrays of tables a scenario may hold, in the order they are checked."""

DISTRIBUTION_KEYS = {"launch_slip_days": "dist", "launch_failure_probability": "probability",
                     "grounding_days_after_failure": "dist", "anomaly_rate_per_year": "rate",
                     "pad_damage_probability": "probability", "pad_repair_days": "dist"}
"""The keyed tables of ``[uncertainty]`` and what each value is."""


@dataclass
class Parsed:
    """A scenario file's tables, each value checked against the schema (None where a problem was reported)."""

    meta: dict
    policy: dict
    arrays: dict[str, list[Entry]]
    uncertainty: dict[str, dict[str, object]] = field(default_factory=dict)  # keyed values as checked
    standby_ready_days: Distribution | None = None


MAX_TOML_BYTES = 16 * 2**20
"""A scenario or profiles file larger than this is refused (a scenario is a few kilobytes)."""


def read_toml(path: Path) -> tuple[str, dict]:
    """The text and data of a TOML file (UTF-8, a byte-order mark allowed); raises :class:`ScenarioError`
    whose problems name the file (and the line, for a syntax error)."""
    try:
        if path.stat().st_size > MAX_TOML_BYTES:
            raise ScenarioError(str(path), [f"{path}: {path.stat().st_size / 2**20:.0f} MiB is too large for a "
                                            f"scenario (at most {MAX_TOML_BYTES // 2**20} MiB)"])
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), [f"{path}: cannot read the file: {exc.strerror}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(str(path), [f"{path}:{line}: not UTF-8 text (byte {data[exc.start]:#04x} at "
                                        f"offset {exc.start})"]) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise ScenarioError(str(path), [f"{where}: not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ScenarioError(str(path), [f"{path}: not valid TOML: nested too deeply"]) from None


def parse(raw: dict, check: Checker) -> Parsed:
    """Check every table of ``raw`` (a scenario file's TOML data)."""
    top = check.table("", ROOT, raw)
    meta = check.table("scenario", TABLES["scenario"], top["scenario"]) if top["scenario"] is not None else {}
    policy = check.table("policy", POLICY, top["policy"] or {})
    arrays = {name: _entries(top, name, check) for name in ARRAYS}
    for p, e in arrays["stations"]:
        if e["ports"] is not None:
            e["ports"] = [check.table(f"{p}.ports[{j}]", TABLES["ports"], port) for j, port in enumerate(e["ports"])]
    for p, e in arrays["vehicle_classes"]:
        stated = e["ascent"] or {}
        e["ascent"] = {k: v for k, v in check.table(f"{p}.ascent", TABLES["ascent"], stated).items() if k in stated}
    for p, e in arrays["rotations"]:
        e["flights"] = [(f"{p}.flights[{k}]", check.table(f"{p}.flights[{k}]", TABLES["flights"], f))
                        for k, f in enumerate(e["flights"] or []) if isinstance(f, dict)]
    for p, e in arrays["variants"]:
        if e["policy"] is not None:  # the scenario's policy with the variant's changes
            e["policy"] = check.table(f"{p}.policy", POLICY, {**(top["policy"] or {}), **e["policy"]})
        for key in ("net", "launch_date", "landing_date"):
            e[key] = {mid: check.value(f"{p}.{key}.{mid}", Field("utc"), when) for mid, when in (e[key] or {}).items()}
    parsed = Parsed(meta, policy, arrays)
    unc = check.table("uncertainty", TABLES["uncertainty"], top["uncertainty"] or {})
    for name, kind in DISTRIBUTION_KEYS.items():
        parsed.uncertainty[name] = {key: _keyed_value(check, f"uncertainty.{name}.{key}", kind, value)
                                    for key, value in (unc[name] or {}).items()}
    if unc["standby_ready_days"] is not None:
        parsed.standby_ready_days = distribution(check, "uncertainty.standby_ready_days", unc["standby_ready_days"])
    return parsed


def _entries(top: dict, name: str, check: Checker) -> list[Entry]:
    """The checked tables of the array ``name`` (none when it is not an array of tables: reported already)."""
    return [(f"{name}[{i}]", check.table(f"{name}[{i}]", TABLES[name], entry))
            for i, entry in enumerate(top[name] or [])]


def _keyed_value(check: Checker, path: str, kind: str, value):
    if kind == "dist":
        return distribution(check, path, value)
    value = check.value(path, Field("float", minimum=0, maximum=24 * 365.25 if kind == "rate" else None), value)
    if value is not None and kind == "probability" and value > 1.0:
        check.fail(path, f"{value!r} is not a probability (0 to 1)")
        return None
    return value


def distribution(check: Checker, path: str, raw) -> Distribution | None:
    """A distribution table (``{ dist = "...", ... }``, see ``orbops.ops.uncertainty``), or None after
    reporting what is wrong with it."""
    if not isinstance(raw, dict):
        check.fail(path, f"{raw!r} is not a distribution: expected a table such as "
                         '{ dist = "triangular", low = 1, mode = 2, high = 5 }')
        return None
    kind = raw.get("dist")
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        check.fail(f"{path}.dist", f"{kind!r} is not one of {', '.join(map(repr, DISTRIBUTIONS))}")
        return None
    needed = DISTRIBUTIONS[kind]
    allowed = set(needed) | {"dist"} | ({"weights"} if kind == "empirical" else set())
    ok = True
    for key in raw:
        if key not in allowed:
            check.fail(f"{path}.{key}", f"unknown key {key!r} for a {kind} distribution: expected "
                                        f"{', '.join(sorted(allowed - {'dist'}))}")
            ok = False
    params = {}
    for key in needed + (("weights",) if "weights" in raw else ()):
        if key not in raw:
            check.fail(f"{path}.{key}", f"missing: a {kind} distribution needs {', '.join(needed)}")
            ok = False
            continue
        value = raw[key]
        if key in ("values", "weights"):
            good = (isinstance(value, list) and value and all(isinstance(x, (int, float))
                    and not isinstance(x, bool) and x >= 0 for x in value))
            if not good:
                check.fail(f"{path}.{key}", "expected a non-empty list of non-negative numbers")
                ok = False
            params[key] = tuple(float(x) for x in value) if good else ()
        else:
            checked = check.value(f"{path}.{key}", Field("float"), value)
            ok = ok and checked is not None
            params[key] = checked
    if ok:
        ok = _distribution_sane(check, path, kind, params)
    return Distribution(kind, tuple(params.items())) if ok else None


def _distribution_sane(check: Checker, path: str, kind: str, params: dict) -> bool:
    """Whether the parameters make a distribution of days (each problem reported)."""
    if kind == "empirical" and "weights" in params and len(params["weights"]) != len(params["values"]):
        check.fail(f"{path}.weights", f"{len(params['weights'])} weights for {len(params['values'])} values")
        return False
    if kind in ("uniform", "triangular") and not params["low"] <= params.get("mode", params["low"]) <= params["high"]:
        check.fail(path, f"expected low <= {'mode <= ' if kind == 'triangular' else ''}high")
        return False
    if kind in ("normal", "lognormal") and params["sd" if kind == "normal" else "sigma"] < 0:
        check.fail(path, "the spread must not be negative")
        return False
    location = {"fixed": "value", "uniform": "low", "triangular": "low", "lognormal": "median",
                "exponential": "mean"}.get(kind)
    positive = kind in ("lognormal", "exponential")
    if location and (params[location] < 0 or (positive and params[location] == 0)):
        check.fail(f"{path}.{location}", f"{params[location]!r} must be {'positive' if positive else 'at least 0'} "
                                         "(days)")
        return False
    too_long = [k for k, v in params.items() if k != "weights" and max(v if isinstance(v, tuple) else (v,)) > DAYS]
    if too_long:
        check.fail(f"{path}.{too_long[0]}", f"is more than {DAYS:g} days")
        return False
    if kind == "empirical" and "weights" in params and sum(params["weights"]) <= 0:
        check.fail(f"{path}.weights", "the weights add up to 0: expected some positive weight")
        return False
    return True


def find_line(text: str, key_path: str) -> int | None:
    """Best-effort line of ``key_path`` (``missions[3].vehicle``) in the TOML text."""
    parts = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?", key_path)
    if not parts:
        return None
    lines = text.splitlines()
    pos = 0
    table, index = parts[0]
    if index:
        count = -1
        for i, line in enumerate(lines):
            if re.match(rf"\s*\[\[\s*{re.escape(table)}\s*\]\]", line):
                count += 1
                if count == int(index):
                    pos = i
                    break
        else:
            return None
    elif len(parts) > 1:
        for i, line in enumerate(lines):
            if re.match(rf"\s*\[\s*{re.escape(table)}\s*\]", line):
                pos = i
                break
    if len(parts) == 1 and not index:  # a top-level key or a table header ([polcy], [[missionz]])
        for i, line in enumerate(lines):
            if re.match(rf"\s*(\[\[?\s*{re.escape(table)}\s*\]\]?|{re.escape(table)}\s*=)", line):
                return i + 1
        return None
    key = parts[-1][0] if len(parts) > 1 else table
    for i in range(pos, len(lines)):
        if i > pos and re.match(r"\s*\[", lines[i]) and not re.match(rf"\s*\[\[?\s*{re.escape(table)}\.", lines[i]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return pos + 1 if index or len(parts) > 1 else None
