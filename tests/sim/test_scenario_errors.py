"""Bad scenario files: every problem reported at once, each with file, line, key path and what was expected."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orbops import ScenarioError, load_scenario, validate_scenario

from .conftest import REPO, edited_scenario as _variant

FLAGSHIP = REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"


def _problem(problems: list[str], key_path: str) -> str:
    found = [p for p in problems if f" {key_path}: " in p or p.startswith(f"{key_path}: ")]
    assert found, f"no problem at {key_path}: {problems}"
    return found[0]


def test_the_unedited_copy_is_valid(tmp_path):
    assert validate_scenario(_variant(tmp_path)) == []


@pytest.mark.parametrize(("edit", "key_path", "expected"), [
    (("crew_capacity = 6 ", 'crew_capacity = "six" '), "stations[0].crew_capacity", "is not an integer"),
    (('vehicle = "TMA-03M"', 'vehicle = "TMA-99M"'), "missions[3].vehicle", "unknown vehicle 'TMA-99M': expected one of"),
    (('stay_days = 190\n', 'stay_days = 190\ncolour = "red"\n'), "missions[3].colour", "unknown key 'colour'"),
    (('handover = "direct"', 'handover = "sideways"'), "policy.handover", "is not one of 'direct', 'indirect'"),
    (("pad_turnaround_days = 14", "pad_turnaround_days = -1"), "spaceports[0].pad_turnaround_days", "below the minimum"),
    (('[[crew]]\nid = "borisenko"\n', '[[crew]]\n'), "crew[0].id", "missing"),
    (('  { name = "PMA-2", standard = "APAS-95", adapters = ["CDM"] },', '  { name = "PMA-2", standard = "APAS-95" },'),
     "missions[4].vehicle", "docks with CDM, which no port of iss takes"),
    (('place = "jiuquan"', "lat_deg = 60.0\nlon_deg = 100.0"), "missions[4].vehicle",
     "cannot reach iss (inclination 51.6"),
    (('start = "2011-08-24T00:00:00Z"', 'start = "2006-08-24T00:00:00Z"'), "scenario.start",
     "from the nearest element set of ISS"),
    (('net = "2011-12-01T00:00:00Z"', 'net = "2013-12-01T00:00:00Z"'), "missions[3].net", "is outside the scenario"),
    (('relieves = "tma-02m"', 'relieves = "tma-01m"'), "missions[2].relieves", "unknown mission 'tma-01m'"),
    (('target = "soyuz-u"', 'target = "proton"'), "contingencies[1].target", "unknown launcher 'proton'"),
    (('exclude_missions = ["shenzhou-backup"]', 'exclude_missions = ["shenzhou-backup", "nope"]'),
     "variants[0].exclude_missions[1]", "unknown mission 'nope'"),
    (('net = "2011-10-20T00:00:00Z"', 'net = "20 October 2011"'), "missions[1].net", "is not an ISO 8601 UTC time"),
    (('model = "soyuz"', 'model = "soyuzz"'), "vehicle_classes[0].model", "unknown vehicle model 'soyuzz': expected one of"),
    (('tma-22 = "2011-11-14"', 'tma-22 = "14 Nov"'), "variants[0].launch_date.tma-22", "is not an ISO 8601 UTC time"),
    (('tma-02m = "2011-11-22"', 'tma-02m = "2013-11-22"'), "variants[0].landing_date.tma-02m", "is outside the scenario"),
    (('launch_failure_probability = { soyuz-u = 0.02,', 'launch_failure_probability = { soyuz-u = 1.5,'),
     "uncertainty.launch_failure_probability.soyuz-u", "is not a probability"),
    (('weights = [0.7, 0.15, 0.1, 0.05] } }', 'weights = [0, 0, 0, 0] } }'),
     "uncertainty.launch_slip_days.long-march-2f.weights", "add up to 0"),
    (('anomaly_rate_per_year = { soyuz-tma = 0.03,', 'anomaly_rate_per_year = { soyuz-tmx = 0.03,'),
     "uncertainty.anomaly_rate_per_year.soyuz-tmx", "unknown vehicle class 'soyuz-tmx'"),
    (('soyuz-u = { dist = "triangular", low = 30, mode = 60, high = 150 }',
      'soyuz-u = { dist = "exponential", mean = -2 }'),
     "uncertainty.grounding_days_after_failure.soyuz-u.mean", "must be positive"),
    (('soyuz-u = { dist = "triangular", low = 30, mode = 60, high = 150 }', 'soyuz-u = { dist = "gamma", k = 2 }'),
     "uncertainty.grounding_days_after_failure.soyuz-u.dist", "'gamma' is not one of"),
    (('relieves = "tma-02m"\nport = "Poisk"', 'relieves = "tma-22"\nport = "Poisk"'), "missions[2].relieves",
     "tma-22 cannot relieve itself"),
    (('object = "ISS"', 'object = ""'), "stations[0].object", "'' is empty"),
    (('object = "ISS"', 'object = " "'), "stations[0].object", "' ' is empty"),
    (('[[missions]]\nid = "tma-22"', '[[missions]]\nid = ""'), "missions[2].id", "'' is empty"),
    (('id = "historical"', 'id = "Prolonged Soyuz only"'), "variants[1].id",
     "'prolonged-soyuz-only' gives the same file names as variants[0] ('Prolonged Soyuz only')"),
    (('id = "historical"', 'id = "../prolonged/soyuz/only"'), "variants[1].id", "same file names as variants[0]"),
])
def test_one_problem_names_its_key_path(tmp_path, edit, key_path, expected):
    with pytest.raises(ScenarioError) as info:
        load_scenario(_variant(tmp_path, edit))
    message = _problem(info.value.problems, key_path)
    assert expected in message
    assert re.match(r".*bad\.toml:\d+: ", message), message  # file and line


def test_station_ids_that_share_file_names_are_refused(tmp_path):
    # the report names its plots report-<variant>-<station>-*.png: "ISS" and "iss" would be one file
    second = ('[[stations]]\nid = "iss"', '[[stations]]\nid = "ISS"\nobject = "ISS"\ncrew_capacity = 3\n'
              'ports = [{ name = "Poisk", standard = "SSVP" }]\n\n[[stations]]\nid = "iss"')
    with pytest.raises(ScenarioError) as info:
        load_scenario(_variant(tmp_path, second))
    message = _problem(info.value.problems, "stations[1].id")
    assert "station 'iss' gives the same file names as stations[0] ('ISS')" in message
    assert re.match(r".*bad\.toml:\d+: ", message), message


def test_every_problem_is_reported_at_once(tmp_path):
    path = _variant(tmp_path,
                    ("crew_capacity = 6 ", 'crew_capacity = "six" '),
                    ('vehicle = "TMA-03M"', 'vehicle = "TMA-99M"'),
                    ('handover = "direct"', 'handover = "sideways"'))
    problems = validate_scenario(path)
    for key_path in ("stations[0].crew_capacity", "missions[3].vehicle", "policy.handover"):
        _problem(problems, key_path)


def test_not_toml_and_missing_file(tmp_path):
    bad = tmp_path / "code.toml"
    bad.write_text("import os\nos.system('echo hi')\n", encoding="utf-8")
    problems = validate_scenario(bad)
    assert len(problems) == 1 and "not valid TOML" in problems[0]
    assert "cannot read the file" in validate_scenario(tmp_path / "missing.toml")[0]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "orbops", *args], capture_output=True, text=True, timeout=300)


def test_cli_validate_and_run_exit_codes(tmp_path):
    bad = _variant(tmp_path, ('vehicle = "TMA-03M"', 'vehicle = "TMA-99M"'))
    # validate: 1 (invalid input, reported); run: 3 (could not run)
    for command, code in ((["validate", str(FLAGSHIP), str(bad)], 1), (["run", str(bad), "--out", str(tmp_path / "out")], 3)):
        done = _cli(*command)
        assert done.returncode == code, done.stderr
        assert "missions[3].vehicle" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    ok = _cli("validate", str(FLAGSHIP))
    assert ok.returncode == 0 and "ok" in ok.stdout
    usage = _cli("run", "--out")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_cli_run_writes_the_run_directory(tmp_path):
    done = _cli("run", str(FLAGSHIP), "--out", str(tmp_path / "run"), "--variant", "historical", "--json")
    assert done.returncode == 0, done.stderr
    import json
    data = json.loads(done.stdout)
    assert [v["variant"] for v in data["variants"]] == ["historical"]
    assert (tmp_path / "run" / "timeline.csv").is_file()
    unknown = _cli("run", str(FLAGSHIP), "--out", str(tmp_path / "x"), "--variant", "nope")
    assert unknown.returncode != 0 and "no variant named nope" in unknown.stderr


def test_a_profiles_file_is_read_checked_and_kept_with_the_run(tmp_path):
    import shutil

    from orbops.outputs import read_run_dir, write_run_dir
    from orbops.sim import Planner, run_scenario

    from .test_engine_rules import SZ20, _edited
    profiles = tmp_path / "fast.toml"
    profiles.write_text('[[profile]]\nname = "fast"\nrevolutions = 2\nlead_s = -200\n', encoding="utf-8")
    sc = _edited(tmp_path, ('model = "shenzhou"               #', 'profiles = "fast.toml"\nmodel = "shenzhou"  #'),
                 source=SZ20)
    assert [p.name for p in sc.lookup("vehicle_classes", "shenzhou").profiles] == ["fast"]
    assert [(s.kind, s.written) for s in sc.sources][-1] == ("profiles", "fast.toml")
    run = run_scenario(sc, Planner(sc), variants=["no-damage"])
    out = write_run_dir(tmp_path / "run", run, sc)
    profiles.unlink()  # the run directory keeps its copy
    shutil.move(out, tmp_path / "moved")
    assert read_run_dir(tmp_path / "moved").scenario.lookup("vehicle_classes", "shenzhou").profiles[0].name == "fast"
    profiles.write_text('[[profile]]\nname = "fast"\nrevolutions = "two"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(sc.source)
    found = _problem(err.value.problems, "vehicle_classes[0].profiles")
    assert "fast.toml: profile[0].revolutions: 'two' is not a number" in found
    assert re.search(r"\.toml:(\d+): ", found) and 'profiles = "fast.toml"' in (
        Path(sc.source).read_text().splitlines()[int(re.search(r"\.toml:(\d+): ", found).group(1)) - 1])
    profiles.write_text("profile = 5\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"expected \[\[profile\]\] tables"):
        load_scenario(sc.source)


@pytest.mark.parametrize(("edit", "key_path", "expected"), [
    (('soyuz-u = { dist = "empirical"', 'soyuz-u = { dist = []'), "uncertainty.launch_slip_days.soyuz-u.dist",
     "is not one of"),
    (('elements = ["', 'elements = []\nold_elements = ["'), "scenario.elements", "expected at least one"),
    (('pads = ["1/5"]', 'pads = []'), "spaceports[0].pads", "no pads"),
])
def test_malformed_tables_are_reported_not_crashed_on(tmp_path, edit, key_path, expected):
    problems = validate_scenario(_variant(tmp_path, edit))
    assert expected in _problem(problems, key_path)


def test_a_top_level_array_of_the_wrong_type_is_reported(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('launchers = 5\nstations = "iss"\n[scenario]\nname = "x"\n', encoding="utf-8")
    problems = validate_scenario(path)
    assert "5 is not an array of tables" in _problem(problems, "launchers")
    assert "'iss' is not an array of tables" in _problem(problems, "stations")


@pytest.mark.parametrize(("edit", "key_path", "expected"), [
    (("pad_turnaround_days = 14", "pad_turnaround_days = nan"), "spaceports[0].pad_turnaround_days",
     "nan is not a finite number"),
    (("stay_days = 190\n", "stay_days = inf\n"), "missions[3].stay_days", "inf is not a finite number"),
    (('docked_life_days = 200 ', 'docked_life_days = 1e308 '), "vehicle_classes[0].docked_life_days",
     "above the maximum"),
    (("seats = 3\n", "seats = 1000000000\n"), "vehicle_classes[0].seats", "above the maximum 100"),
    (('place = "soyuz" ', 'min_sun_elevation_deg = 200\nplace = "soyuz" '), "landing_sites[0].min_sun_elevation_deg",
     "above the maximum 90"),
    (('place = "baikonur" ', 'alt_m = -10000000\nplace = "baikonur" '), "spaceports[0].alt_m", "below the minimum"),
    (('end = "2012-03-01T00:00:00Z"', 'end = 9999-01-01'), "scenario.end", "outside"),
    (('elements = ["', 'elements = ["/etc/passwd", "'), "scenario.elements[0]", "is not relative"),
    (('elements = ["', 'elements = ["../../../../../../../../etc/passwd", "'), "scenario.elements[0]",
     "is not an element file: expected a name ending in .tle"),
    (('crew = ["kononenko", "kuipers", "pettit"]', 'crew = ["kononenko", "kuipers", "burbank"]'),
     "missions[3].crew[2]", "burbank is still on tma-22"),
    (('model = "soyuz"', 'model = "soyuz"\nprofiles = [{ name = "x", revolutions = 4, docking_s = -3600 }]'),
     "vehicle_classes[0].profiles[0].docking_s", "outside 0 to 86400"),
    (("[policy]", "[polcy]"), "polcy", "unknown key 'polcy'"),
], ids=["nan", "inf", "1e308", "billion-seats", "sun-200", "underground", "year-9999", "absolute-path",
        "not-an-element-file", "crew-twice", "negative-docking", "table-typo-line"])
def test_impossible_values_and_paths_are_reported(tmp_path, edit, key_path, expected):
    problems = validate_scenario(_variant(tmp_path, edit))
    found = _problem(problems, key_path)
    assert expected in found
    assert re.match(r".+\.toml:\d+: ", found), found  # with a line number


def test_a_toml_offset_is_converted_to_utc(tmp_path):
    sc = load_scenario(_variant(tmp_path, ('start = "2011-08-24T00:00:00Z"', "start = 2011-08-24T12:00:00+12:00")))
    assert sc.start == np.datetime64("2011-08-24T00:00", "ns")


def test_a_directory_a_device_or_a_huge_file_is_not_read(tmp_path, monkeypatch):
    (tmp_path / "d.tle").mkdir()
    problems = validate_scenario(_variant(tmp_path, ('elements = ["', 'elements = ["d.tle", "')))
    assert "'d.tle' is not a regular file" in _problem(problems, "scenario.elements[0]")
    from orbops.scenarios import resolve
    monkeypatch.setitem(resolve.FILE_KINDS, "elements", (resolve.FILE_KINDS["elements"][0], 1000))
    problems = validate_scenario(_variant(tmp_path))
    assert "at most 0 MiB is read" in _problem(problems, "scenario.elements[0]")


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xef\xbb\xbf", None),  # a UTF-8 byte-order mark is fine
    (b"[scenario]\nname = \"x\xff\"\n", r"bad\.toml:2: not UTF-8 text"),
    (b"[scenario\nname = 1\n", r"bad\.toml:1: not valid TOML"),
    (b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n", r"bad\.toml: not valid TOML: nested too deeply"),
])
def test_unreadable_toml_names_the_file(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    if expected is None:  # the flagship with a BOM
        path.write_bytes(content + _variant(tmp_path, name="ok.toml").read_bytes())
        assert validate_scenario(path) == []
        return
    path.write_bytes(content)
    problems = validate_scenario(path)
    assert len(problems) == 1 and re.search(expected, problems[0]), problems
