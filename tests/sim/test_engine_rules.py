"""Engine rules on small edits of a real scenario: pad outages, bringing a relief forward, return to flight."""

from __future__ import annotations

import os
from pathlib import Path

from orbops.scenarios import load_scenario
from orbops.sim import Planner, run_scenario
from orbops.timescales import parse_utc

from .conftest import REPO

SZ20 = REPO / "scenarios" / "shenzhou-20-damage-2025.toml"


def _edited(tmp_path, *edits, source=SZ20):
    tle = Path(os.path.relpath(REPO / "tle", tmp_path)).as_posix()  # element files are named relative
    text = source.read_text(encoding="utf-8").replace('"../tle/', '"' + tle + "/")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def _rows(run, kind=None):
    return [r for r in run.rows() if kind is None or r["event"] == kind]


def _add_contingency(text: str) -> tuple[str, str]:
    return ("[[contingencies]]\nid = \"damage-as-happened\"", text + "\n\n[[contingencies]]\nid = \"damage-as-happened\"")


def test_a_pad_outage_holds_launches_until_it_ends(tmp_path):
    outage = ('[[contingencies]]\nid = "pad-out"\nkind = "pad_outage"\ntarget = "jiuquan/LA-4"\n'
              'start = "2025-10-31T06:00:00Z"\nend = "2025-11-10T00:00:00Z"\nnote = "cabin repair"')
    sc = _edited(tmp_path, _add_contingency(outage))
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    start, = _rows(run, "pad_outage_start")
    end, = _rows(run, "pad_outage_end")
    assert start["time_utc"].startswith("2025-10-31T06:00") and end["time_utc"].startswith("2025-11-10T00:00")
    assert start["subject"] == "jiuquan/LA-4" and "cabin repair" in start["detail"]
    launch = next(r for r in _rows(run, "launch") if r["subject"] == "shenzhou-21")
    assert parse_utc(launch["time_utc"]) >= parse_utc("2025-11-10T00:00Z")  # not during the outage


def test_pad_turnaround_spaces_launches_from_one_pad(tmp_path):
    sc = _edited(tmp_path, ('net = "2026-04-20T00:00:00Z"     # ASSUMPTION', 'net = "2025-11-01T00:00:00Z"     # ASSUMPTION'),
                 ("pad_turnaround_days = 14 ", "pad_turnaround_days = 20 "))
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    launches = sorted(parse_utc(r["time_utc"]) for r in _rows(run, "launch"))
    assert len(launches) == 2 and launches[1] - launches[0] >= 20 * 86400 * 10**9


def test_the_last_crew_waits_and_its_relief_is_brought_forward(tmp_path):
    # Shenzhou 20's certified life ends on 10 Nov; its relief planned for 20 Nov is brought forward
    sc = _edited(tmp_path, ('launch_date = "2025-10-31"       # the manifest\'s launch day [48c]', 'launch_date = "2025-11-20"'),
                 ("station_capacity_rule = true", "station_capacity_rule = true\nadvance_relief = true"))
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    advanced = _rows(run, "mission_advanced")
    assert [r["subject"] for r in advanced] == ["shenzhou-21"]
    assert run.metrics["stations"]["css"]["decrewed"] is False
    launch = next(r for r in _rows(run, "launch") if r["subject"] == "shenzhou-21")
    assert parse_utc(launch["time_utc"]) < parse_utc("2025-11-10T16:00Z")
    # without the policy the station is left empty between Shenzhou 20's departure and the relief
    sc = _edited(tmp_path, ('launch_date = "2025-10-31"       # the manifest\'s launch day [48c]', 'launch_date = "2025-11-20"'))
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    assert run.metrics["stations"]["css"]["decrewed"] is True


def test_crews_fly_after_the_first_good_uncrewed_flight(tmp_path):
    flagship = REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"
    sc = _edited(tmp_path, source=flagship)
    run, = run_scenario(sc, Planner(sc), variants=["prolonged-soyuz-only"])  # no manifest days: the rule decides
    launches = {r["subject"]: parse_utc(r["time_utc"]) for r in _rows(run, "launch")}
    uncrewed, crewed = launches["progress-m13m"], launches["tma-22"]
    assert crewed - uncrewed >= 14 * 86400 * 10**9  # crewed_after_failure_days = 14 after Progress M-13M
    assert crewed - uncrewed < 17 * 86400 * 10**9  # ... and not a day-long poll later than the next window


def test_a_variants_date_supersedes_the_missions_launch_day(tmp_path):
    sc = _edited(tmp_path, ('id = "no-damage"\nname = "Plan: no damage"',
                            'id = "no-damage"\nname = "Plan: no damage"\nnet = { shenzhou-21 = "2025-11-20T00:00:00Z" }'))
    run, = run_scenario(sc, Planner(sc), variants=["no-damage"])
    launch = next(r for r in _rows(run, "launch") if r["subject"] == "shenzhou-21")
    # not on the mission's own launch day (31 Oct): the first window from 20 Nov that a profile takes
    assert parse_utc("2025-11-20") <= parse_utc(launch["time_utc"].rstrip("Z")) < parse_utc("2025-11-27")


def test_a_landing_day_lands_on_its_prime_pass(tmp_path):
    # docked_at_start without a mission id: the landing day is keyed by the vehicle
    sc = _edited(tmp_path, ('mission = "shenzhou-20"\nvehicle = "Shenzhou 20"', 'vehicle = "Shenzhou 20"'),
                 ("relieves = \"shenzhou-20\"\n", ""),
                 ('stay_days = 195                  # planned landing 5 Nov 2025 [70]',
                  'stay_days = 195\nlanding_date = "2025-11-03"'))
    planner = Planner(sc)
    run, = run_scenario(sc, planner, variants=["no-damage"])
    landing = next(r for r in _rows(run, "landing") if r["vehicle"] == "Shenzhou 20")
    prime = planner.prime_landing("css", "dongfeng", int(parse_utc("2025-11-03").astype("int64")))
    vc = sc.lookup("vehicle_classes", "shenzhou")
    expected = prime.time_ns + round(vc.landing_offset_s * 1e9)
    assert abs(int(parse_utc(landing["time_utc"].rstrip("Z")).astype("int64")) - expected) < 10**9
