"""The run directory: timeline, metrics, windows and the resolved scenario, written atomically.

Files (documented in the README, stable):
- ``timeline.csv`` and ``timeline.jsonl``: one row per event (``orbops.sim.TIMELINE_FIELDS``), all variants;
- ``metrics.json``: per variant, per station and per mission (``orbops.sim.metrics``);
- ``windows.json``: per variant, the launch windows each launch ``used`` and every window ``considered``
  (used, or passed over and why);
- ``scenario.json``: the scenario as run, every default filled in;
- ``run.json``: what produced the directory (orbops version, seed, whether uncertainty was drawn, variants).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import numpy as np

from ..version import __version__
from ..sim import TIMELINE_FIELDS, Run
from ..timescales import format_utc
from .atomic import atomic_write_text

__all__ = ["write_run_dir", "read_run_dir", "scenario_as_dict", "RUN_FILES"]

RUN_FILES = ("timeline.csv", "timeline.jsonl", "metrics.json", "windows.json", "scenario.json", "run.json")


def _plain(value):
    if isinstance(value, np.datetime64):
        return format_utc(value)
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def scenario_as_dict(scenario) -> dict:
    """The resolved scenario as plain JSON data."""
    return _plain(scenario)


def _dumps(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False) + "\n"


def write_run_dir(out: str | Path, runs: list[Run]) -> Path:
    """Write every file of the run directory ``out`` (created if needed); returns its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [row for run in runs for row in run.rows()]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, TIMELINE_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(out / "timeline.csv", buf.getvalue())
    atomic_write_text(out / "timeline.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    atomic_write_text(out / "metrics.json", _dumps({"variants": [run.metrics for run in runs]}))
    atomic_write_text(out / "windows.json", _dumps({run.variant.id: {"used": run.windows,
                                                                     "considered": run.windows_considered}
                                                    for run in runs}))
    scenario = runs[0].scenario
    atomic_write_text(out / "scenario.json", _dumps(scenario_as_dict(scenario)))
    atomic_write_text(out / "run.json", _dumps({
        "orbops_version": __version__, "scenario_file": scenario.source, "scenario": scenario.name,
        "seed": runs[0].seed, "stochastic": runs[0].stochastic, "variants": [{"id": r.variant.id, "name": r.variant.name} for r in runs],
        "files": list(RUN_FILES)}))
    return out


def read_run_dir(path: str | Path) -> dict:
    """The run directory's data: ``run``, ``metrics``, ``windows``, ``scenario`` (dicts) and ``timeline`` (rows)."""
    path = Path(path)
    data = {name: json.loads((path / f"{name}.json").read_text(encoding="utf-8"))
            for name in ("run", "metrics", "windows", "scenario")}
    with open(path / "timeline.csv", newline="", encoding="utf-8") as fh:
        data["timeline"] = list(csv.DictReader(fh))
    return data
