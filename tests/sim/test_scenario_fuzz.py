"""Property tests of the scenario loader: whatever the bytes, a scenario or a ScenarioError whose every
problem names the file (and a line and key path where it has them), in bounded time; and a scenario that
validates also runs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from orbops import ScenarioError, load_scenario
from orbops.sim import Planner, run_scenario

from .conftest import REPO

SZ20 = REPO / "scenarios" / "shenzhou-20-damage-2025.toml"
FLAGSHIP = REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"
PROBLEM = re.compile(r"^(?P<file>[^:]+\.toml)(?::(?P<line>\d+))?: (?:(?P<key>[\w\[\].\- ()]+): )?.+", re.S)
ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][\w-]*\s*=\s*)(.+)$", re.M)

LITERALS = st.sampled_from([
    "nan", "-nan", "inf", "-inf", "1e308", "-1e308", "0", "-1", "1", "0.5", "99999999999999999999999", "-0.0",
    '""', '"x"', '"' + "y" * 5000 + '"', "true", "false", "[]", "[1, 2]", '["a", 1]', "{}", "{ a = 1 }",
    "1979-05-27", "1979-05-27T07:32:00+12:00", "9999-12-31T23:59:59Z", "0001-01-01", "07:32:00",
    "[" * 50 + "]" * 50, '"../../../../../../etc/passwd"', '"/dev/zero"', '"2025-13-45"', '"now"',
])


def _scenario_text(source: Path, tmp: Path) -> str:
    tle = Path(os.path.relpath(REPO / "tle", tmp)).as_posix()
    return source.read_text(encoding="utf-8").replace('"../tle/', '"' + tle + "/")


def _assert_reported(exc: ScenarioError, path: Path) -> None:
    assert exc.problems
    for problem in exc.problems:
        m = PROBLEM.match(problem)
        assert m and Path(m["file"]) == path, problem


def _load(path: Path):
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        _assert_reported(exc, path)
        return None


FUZZ = settings(max_examples=300, deadline=5000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=4000))
def test_any_bytes_give_a_scenario_error_naming_the_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "s.toml"
    path.write_bytes(data)
    assert _load(path) is None


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), LITERALS), min_size=1, max_size=3))
def test_mutated_values_are_reported_by_key_path(tmp_path_factory, edits):
    tmp = tmp_path_factory.mktemp("mutant")
    text = _scenario_text(FLAGSHIP, tmp)
    spots = list(ASSIGNMENT.finditer(text))
    for index, literal in edits:
        m = spots[index % len(spots)]
        text = text[:m.start(2)] + literal + text[m.end(2):]
        spots = list(ASSIGNMENT.finditer(text))
    path = tmp / "s.toml"
    path.write_text(text, encoding="utf-8")
    _load(path)


NUMBERS = st.sampled_from(["0", "1", "0.001", "2.5", "5", "30", "365", "1e4", "36525", "-5", "99", "100"])
NUMERIC = re.compile(r"^(\s*[A-Za-z_][\w-]*\s*=\s*)(-?[\d.]+(?:e\d+)?)\b", re.M)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edit=st.tuples(st.integers(min_value=0), NUMBERS))
def test_a_scenario_that_validates_also_runs(tmp_path_factory, edit):
    # plausible numbers in every numeric key: most validate, and each must then play out
    tmp = tmp_path_factory.mktemp("runs")
    text = _scenario_text(SZ20, tmp)
    spots = list(NUMERIC.finditer(text))
    m = spots[edit[0] % len(spots)]
    path = tmp / "s.toml"
    path.write_text(text[:m.start(2)] + edit[1] + text[m.end(2):], encoding="utf-8")
    sc = _load(path)
    if sc is not None:  # it validated: the engine must play it out (an OrbopsError is a clear refusal)
        from orbops import OrbopsError
        try:
            runs = run_scenario(sc, Planner(sc), variants=[sc.variants[0].id])
        except OrbopsError:
            return
        assert runs and runs[0].metrics["stations"]
