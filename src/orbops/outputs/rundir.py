"""The run directory: the run records and their views, with copies of the inputs, written as a whole.

Files (documented in the README, stable):
- ``record.json``: every variant's :class:`~orbops.sim.RunRecord` (typed events, state histories, windows);
  the other files are views of it;
- ``timeline.csv`` and ``timeline.jsonl``: one row per event (``orbops.sim.TIMELINE_FIELDS``), all variants
  (crew joined with ``;`` in the CSV, a list in the JSON lines);
- ``metrics.json``: per variant, per station and per mission (``orbops.sim.metrics``);
- ``windows.json``: per variant, the launch windows each launch ``used`` and every window ``considered``
  (used, or passed over and why);
- ``scenario.json``: the scenario as run, every default filled in, its files named as the scenario writes
  them (relative to it) with their SHA-256;
- ``scenario.toml`` and ``inputs/``: the scenario file and the files it reads, copied, so the directory
  rebuilds its report and CZML wherever it is moved;
- ``run.json``: what produced the directory (orbops version, seed, whether uncertainty was drawn, variants,
  the copied inputs).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..elements import elements_digest
from ..errors import OrbopsError, ScenarioError
from ..ops import Scenario
from ..scenarios import load_scenario
from ..sim import TIMELINE_FIELDS, RunRecord
from ..sim.record_read import RunRecordError
from ..timescales import format_utc, to_ns
from ..version import __version__
from .atomic import atomic_dir

__all__ = ["write_run_dir", "read_run_dir", "scenario_as_dict", "RunDir", "RUN_FILES", "RECORD_FORMAT"]

RUN_FILES = ("record.json", "timeline.csv", "timeline.jsonl", "metrics.json", "windows.json", "scenario.json",
             "scenario.toml", "run.json")
RECORD_FORMAT = "orbops-run-record/1"
INPUTS = "inputs"


def _plain(value):
    if isinstance(value, np.datetime64):
        return format_utc(value)
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def scenario_as_dict(scenario: Scenario) -> dict:
    """The resolved scenario as plain JSON data; its files as written (relative to it), with their SHA-256."""
    out = _plain(scenario)
    out["sources"] = [{"kind": s.kind, "path": s.written, "sha256": s.sha256} for s in scenario.sources]
    return out


def _dumps(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False) + "\n"


def _copy_inputs(out: Path, scenario: Scenario) -> list[dict]:
    """Copy the scenario's files into ``out/inputs`` (each atomically); returns their entries for run.json."""
    entries = []
    for k, s in enumerate(scenario.sources):
        copy = Path(INPUTS) / f"{k:02d}-{Path(s.path).name}"
        dst = out / copy
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(s.path, dst)
        if elements_digest(dst) != s.sha256:
            raise OrbopsError(f"{s.path} changed while the scenario ran (SHA-256 differs): run it again")
        entries.append({"kind": s.kind, "path": s.written, "copy": copy.as_posix(), "sha256": s.sha256})
    return entries


def write_run_dir(out: str | Path, records: list[RunRecord], scenario: Scenario) -> Path:
    """Write the run directory ``out`` for the runs of ``scenario``, as a whole: it is built beside ``out``
    and swapped in when complete, so ``out`` is the old directory or the whole new one, never a mix. An
    existing ``out`` that is not a run directory is refused (it would be replaced)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "run.json").is_file())):
        raise OrbopsError(f"{out} exists and is not a run directory: choose another --out (a run directory "
                          "is replaced as a whole)")
    with atomic_dir(out) as tmp:
        _write(tmp, records, scenario)
    return out


def _write(out: Path, records: list[RunRecord], scenario: Scenario) -> None:
    inputs = _copy_inputs(out, scenario)
    scenario_text = Path(scenario.source).read_text(encoding="utf-8")
    (out / "scenario.toml").write_text(scenario_text, encoding="utf-8")
    (out / "record.json").write_text(json.dumps(
        {"format": RECORD_FORMAT, "variants": [r.as_dict() for r in records]}, ensure_ascii=False,
        allow_nan=False, separators=(",", ":")) + "\n", encoding="utf-8")
    rows = [(row, e) for run in records for row, e in zip(run.rows(), run.events)]  # each event's row, once
    buf = io.StringIO()
    writer = csv.DictWriter(buf, TIMELINE_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for row, _ in rows)
    (out / "timeline.csv").write_text(buf.getvalue(), encoding="utf-8")
    (out / "timeline.jsonl").write_text("".join(
        json.dumps(dict(row, crew=list(e.crew)), ensure_ascii=False) + "\n" for row, e in rows), encoding="utf-8")
    (out / "metrics.json").write_text(_dumps({"variants": [run.metrics for run in records]}), encoding="utf-8")
    (out / "windows.json").write_text(_dumps({run.variant_id: {
        "used": [w.used_row() for w in run.windows_used],
        "considered": [w.considered_row(run.iso) for w in run.windows_considered]} for run in records}),
        encoding="utf-8")
    (out / "scenario.json").write_text(_dumps(scenario_as_dict(scenario)), encoding="utf-8")
    (out / "run.json").write_text(_dumps({  # last: the mark of a complete directory
        "orbops_version": __version__, "scenario_file": scenario.source, "scenario": scenario.name,
        "seed": records[0].seed, "stochastic": records[0].stochastic,
        "variants": [{"id": r.variant_id, "name": r.variant_name} for r in records],
        "scenario_sha256": hashlib.sha256(scenario_text.encode("utf-8")).hexdigest(),
        "inputs": inputs, "files": list(RUN_FILES)}), encoding="utf-8")


@dataclass
class RunDir:
    """A run directory read back: what made it (``run.json``), the scenario (reloaded from its copies, with its
    catalog) and the run records, one per variant."""

    path: Path
    run: dict
    scenario: Scenario
    records: list[RunRecord]

    def record(self, variant: str | None = None) -> RunRecord:
        """The record of ``variant`` (default: the first)."""
        if variant is None:
            return self.records[0]
        for r in self.records:
            if r.variant_id == variant:
                return r
        raise OrbopsError(f"no variant {variant!r} in {self.path}: expected one of "
                          f"{', '.join(r.variant_id for r in self.records)}")


def read_run_dir(path: str | Path) -> RunDir:
    """Read a run directory (wherever it was moved): its records and its scenario, checked against the
    SHA-256 of every copied input."""
    path = Path(path)
    missing = [name for name in ("run.json", "record.json", "scenario.toml") if not (path / name).is_file()]
    if missing:
        raise OrbopsError(f"{path} is not a run directory of this orbops (no {', '.join(missing)}): make one "
                          "with orbops run")
    run = _json(path / "run.json")
    if not isinstance(run, dict) or not isinstance(run.get("inputs"), list) or "scenario_sha256" not in run:
        version = run.get("orbops_version", "?") if isinstance(run, dict) else "?"
        raise OrbopsError(f"{path / 'run.json'}: made by an earlier orbops ({version}) or not a run description: "
                          "run the scenario again")
    _check_run(path / "run.json", run)
    scenario_file = path / "scenario.toml"
    if hashlib.sha256(scenario_file.read_bytes()).hexdigest() != run.get("scenario_sha256"):
        raise OrbopsError(f"{scenario_file} was changed after the run (SHA-256 differs from run.json)")
    files = {}
    for entry in run["inputs"]:
        copy = path / entry["copy"]
        if not copy.exists():
            raise OrbopsError(f"{copy} is missing: the run directory is incomplete (copy all of it)")
        if elements_digest(copy) != entry["sha256"]:
            raise OrbopsError(f"{copy} was changed after the run (SHA-256 differs from run.json)")
        files[entry["path"]] = copy
    try:
        scenario = load_scenario(scenario_file, files=files, only_files=True)
    except ScenarioError as exc:
        raise OrbopsError(f"the scenario of {path} no longer loads (made by orbops {run.get('orbops_version')}):"
                          f"\n" + "\n".join(exc.problems)) from None
    data = _json(path / "record.json")
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise OrbopsError(f"{path / 'record.json'}: format {found!r}, expected {RECORD_FORMAT!r}")
    try:
        records = _records(data, scenario)
    except RunRecordError as exc:
        raise OrbopsError(f"{path / 'record.json'}: {exc}") from None
    return RunDir(path, run, scenario, records)


def _check_run(where: Path, run: dict) -> None:
    """The values of ``run.json`` the readers use: its inputs, seed, version and scenario file."""
    def bad(key: str, expected: str):
        raise OrbopsError(f"{where}: {key}: expected {expected}, got {run.get(key)!r:.60}")
    for key in ("orbops_version", "scenario_file", "scenario_sha256"):
        if not isinstance(run.get(key), str):
            bad(key, "a string")
    if not isinstance(run.get("seed"), int) or isinstance(run.get("seed"), bool):
        bad("seed", "an integer")
    for k, entry in enumerate(run["inputs"]):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("path", "copy", "sha256")):
            raise OrbopsError(f"{where}: inputs[{k}]: expected an object with path, copy and sha256 (strings)")


def _records(data: dict, scenario: Scenario) -> list[RunRecord]:
    """The run records of ``record.json``'s data, checked value by value and against the scenario they ran
    (its start and end, stations, vehicles, missions and vehicle classes); raises :class:`RunRecordError`."""
    variants = data.get("variants")
    if not isinstance(variants, list) or not variants:
        raise RunRecordError("variants", "expected a non-empty list of run records, got "
                             + (f"{len(variants)} records" if isinstance(variants, list) else repr(variants)[:60]))
    records, seen = [], {}
    epoch = int(to_ns(scenario.start))
    end_s = (int(to_ns(scenario.end)) - epoch) / 1e9
    stations = {s.id for s in scenario.stations}
    serials = {v.serial for v in scenario.vehicles}
    missions = {m.id for m in scenario.missions}
    classes = {c.id for c in scenario.vehicle_classes}
    for k, d in enumerate(variants):
        where = f"variants[{k}]"
        r = RunRecord.from_dict(d, where)
        if r.variant_id in seen:
            raise RunRecordError(f"{where}.variant_id", f"{r.variant_id!r} again (also {seen[r.variant_id]})")
        seen[r.variant_id] = where
        if r.epoch_ns != epoch:
            raise RunRecordError(f"{where}.epoch_ns", f"{r.epoch_ns} is not the scenario's start "
                                                      f"{format_utc(scenario.start)}")
        if abs(r.end_s - end_s) > 1e-3:
            raise RunRecordError(f"{where}.end_s", f"{r.end_s!r} s is not the scenario's length ({end_s:g} s)")
        if set(r.station_names) != stations:
            raise RunRecordError(f"{where}.station_names", f"stations {', '.join(sorted(r.station_names))}; the "
                                                           f"scenario has {', '.join(sorted(stations))}")
        _known(f"{where}.vehicles", r.vehicles, serials, "vehicle")
        _known(f"{where}.missions", r.missions, missions, "mission")
        for j, e in enumerate(r.events):
            if e.vehicle and e.vehicle not in serials:
                raise RunRecordError(f"{where}.events[{j}][6]", f"no vehicle {e.vehicle!r} in the scenario")
            if e.station and e.station not in stations:
                raise RunRecordError(f"{where}.events[{j}][4]", f"no station {e.station!r} in the scenario")
        for key in ("windows_used", "windows_considered"):
            for j, w in enumerate(getattr(r, key)):
                if w.vehicle_class not in classes:
                    raise RunRecordError(f"{where}.{key}[{j}].vehicle_class",
                                         f"no vehicle class {w.vehicle_class!r} in the scenario")
                if w.mission not in missions:
                    raise RunRecordError(f"{where}.{key}[{j}].mission", f"no mission {w.mission!r} in the scenario")
        records.append(r)
    return records


def _known(where: str, keys, known: set, kind: str) -> None:
    for key in keys:
        if key not in known:
            raise RunRecordError(f"{where}.{key}", f"no {kind} {key!r} in the scenario")


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise OrbopsError(f"{path}: cannot read it ({exc})") from None
