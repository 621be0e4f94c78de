"""Every scenario in scenarios/, run once per test session (the planner is shared by its variants).

The tests read the run records: as the engine made them (``runs``) and as read back from the run directory
(``dir.records``), which must be equal.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orbops.outputs import read_run_dir, write_run_dir
from orbops.scenarios import load_scenario
from orbops.sim import Event, Planner, RunRecord, run_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))


def edited_scenario(tmp_path, *edits: tuple[str, str], name: str = "bad.toml", scenario: Path | None = None):
    """A scenario (the flagship by default) with ``(old, new)`` text edits, written beside a working element
    path."""
    tle = Path(os.path.relpath(REPO / "tle", tmp_path)).as_posix()  # element files are named relative
    scenario = scenario or REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"
    text = scenario.read_text(encoding="utf-8").replace('"../tle/', '"' + tle + "/")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class Played:
    """A scenario, its run records and the run directory they wrote."""

    def __init__(self, path: Path, out: Path) -> None:
        self.path = path
        self.scenario = load_scenario(path)
        self.planner = Planner(self.scenario).prepare()
        self.runs = run_scenario(self.scenario, self.planner)
        self.out = write_run_dir(out, self.runs, self.scenario)
        self.dir = read_run_dir(out)

    def run(self, variant_id: str) -> RunRecord:
        return next(r for r in self.runs if r.variant_id == variant_id)

    def metrics(self, variant_id: str) -> dict:
        return self.run(variant_id).metrics

    def events(self, variant_id: str | None = None, kind: str | None = None) -> list[Event]:
        """Typed events of one variant (or all), optionally of one kind."""
        return [e for r in self.runs if variant_id is None or r.variant_id == variant_id
                for e in r.events if kind is None or e.kind == kind]


_cache: dict[str, Played] = {}


@pytest.fixture(scope="session")
def played(tmp_path_factory):
    """``played(name)``: the played scenario ``scenarios/<name>.toml``."""
    def get(name: str) -> Played:
        if name not in _cache:
            _cache[name] = Played(REPO / "scenarios" / f"{name}.toml", tmp_path_factory.mktemp(name))
        return _cache[name]
    return get


def scenario_names() -> list[str]:
    return [p.stem for p in SCENARIOS]
