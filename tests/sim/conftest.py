"""Every scenario in scenarios/, run once per test session (the planner is shared by its variants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbops.outputs import read_run_dir, write_run_dir
from orbops.scenarios import load_scenario
from orbops.sim import Planner, run_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))


class Played:
    """A scenario, its runs and the run directory they wrote."""

    def __init__(self, path: Path, out: Path) -> None:
        self.path = path
        self.scenario = load_scenario(path)
        self.planner = Planner(self.scenario).prepare()
        self.runs = run_scenario(self.scenario, self.planner)
        self.out = write_run_dir(out, self.runs)
        self.data = read_run_dir(out)

    def run(self, variant_id: str):
        return next(r for r in self.runs if r.variant.id == variant_id)

    def rows(self, variant_id: str | None = None) -> list[dict]:
        return [r for r in self.data["timeline"] if variant_id is None or r["variant"] == variant_id]


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
