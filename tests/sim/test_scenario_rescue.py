"""Rescue in scenarios: a damaged lifeboat's contingency calls up a standby ship ("any_compatible" or a
ranked list); the engine's verdicts are those of the rescue analysis, and bad rescue tables are named."""

from __future__ import annotations

import pytest

from orbops import validate_scenario
from orbops.rescue import rescue_options

from .conftest import REPO, edited_scenario

MS22 = REPO / "scenarios" / "iss-ms22-leak-2022.toml"


def _called(p, variant):
    (event,) = p.events(variant, "rescue_called")
    return event


def test_a_ship_without_a_compatible_port_is_refused_and_none_is_called(played):
    p = played("iss-ms22-leak-2022")
    e = _called(p, "shenzhou-no-adapter")
    assert e.subject == "" and "no port of International Space Station takes CDM" in e.detail
    assert p.events("shenzhou-no-adapter", "replacement_ordered") == []
    assert p.events("shenzhou-no-adapter", "launch") == []
    gap = {v: p.metrics(v)["stations"]["iss"]["lifeboat_gap_hours"] for v in ("shenzhou-no-adapter", "historical")}
    assert gap["shenzhou-no-adapter"] > gap["historical"]


def test_any_compatible_calls_the_first_to_dock(played):
    p = played("iss-ms22-leak-2022")
    e = _called(p, "any-compatible")
    assert e.subject == "shenzhou-idss-rescue"
    docked = {v: min(x.time_s for x in p.events(v, "docking"))
              for v in ("shenzhou-adapter", "second-dragon", "historical")}
    assert docked["shenzhou-adapter"] < docked["second-dragon"] < docked["historical"]
    (d,) = p.events("any-compatible", "docking")
    assert d.time_s == docked["shenzhou-adapter"] and d.port.startswith("IDA-")


@pytest.mark.parametrize(("variant", "vehicle", "site", "adapters"), [
    ("historical", "soyuz", "baikonur-31", ()), ("second-dragon", "crew-dragon", "ksc-39a", ()),
    ("shenzhou-adapter", "shenzhou", "jiuquan", ("CDM:IDSS",))])
def test_the_engine_flies_the_window_the_rescue_analysis_finds(played, variant, vehicle, site, adapters):
    """Same orbits, same vehicle models, same readiness: the scenario's rescue launch is the analysis's."""
    p = played("iss-ms22-leak-2022")
    (launch,) = p.events(variant, "launch")
    options = rescue_options("iss", "2022-12-15T00:00Z", p.scenario.catalog, adapters=adapters, max_age_days=45,
                     vehicles=[vehicle])
    (first,) = [o for o in options.options if o.site == site]
    assert first.feasible
    assert abs(p.run(variant).ns(launch.time_s) - first.launch_ns) < 10**9


def test_the_tiangong_rescue_verdicts(played):
    p = played("tiangong-rescue-2025")
    foreign = _called(p, "foreign-only")
    assert foreign.subject == "" and "takes IDSS" in foreign.detail and "never passes under the plane" in foreign.detail
    assert _called(p, "any-compatible").subject == "shenzhou-22"
    assert _called(p, "dragon-with-adapter").subject == "dragon-cdm-rescue"
    gap = {v: p.metrics(v)["stations"]["css"]["lifeboat_gap_hours"] for v in
           ("rolling-backup", "as-happened", "dragon-with-adapter", "foreign-only")}
    assert gap["rolling-backup"] < gap["as-happened"] < gap["dragon-with-adapter"] < gap["foreign-only"]


def _edited(tmp_path, *edits):
    return edited_scenario(tmp_path, *edits, scenario=MS22)


@pytest.mark.parametrize(("edit", "key_path", "expected"), [
    (('rescue = ["soyuz-ms-23"]', 'rescue = ["soyuz-ms-24"]'), "contingencies[0].rescue[0]", "unknown mission"),
    (('rescue = ["soyuz-ms-23"]', 'rescue = "anything"'), "contingencies[0].rescue", "expected 'any_compatible'"),
    (('rescue = ["soyuz-ms-23"]', "rescue = 5"), "contingencies[0].rescue", "list of standby mission ids"),
    (('rescue = ["soyuz-ms-23"]', 'rescue = ["soyuz-ms-23"]\nreplacement = "soyuz-ms-23"'),
     "contingencies[0].rescue", "not both"),
    (('standby = true\nport = "Poisk"', 'port = "Poisk"'), "contingencies[0].rescue[0]", "is not a standby ship"),
    (("readiness_days = 71", "readiness_days = -3"), "vehicle_classes[0].readiness_days", "below the minimum"),
])
def test_bad_rescue_tables_are_named(tmp_path, edit, key_path, expected):
    problems = validate_scenario(_edited(tmp_path, edit))
    found = [x for x in problems if f" {key_path}: " in x or x.startswith(f"{key_path}: ")]
    assert found and expected in found[0], problems


def test_only_a_damage_calls_a_rescue(tmp_path):
    path = _edited(tmp_path, ('kind = "vehicle_damage"\ntarget = "Soyuz MS-22"\nstart = "2022-12-15T00:00:00Z"   '
                              '# 14 Dec EST [53b]', 'kind = "launch_failure"\ntarget = "soyuz-ms-23"'))
    problems = validate_scenario(path)
    assert any("contingencies[0].rescue" in x and "only a vehicle_damage" in x for x in problems), problems


def test_a_candidate_that_cannot_dock_is_a_verdict_not_a_validation_error():
    assert validate_scenario(MS22) == []  # the Shenzhou without an adapter is a standby candidate


def test_a_stated_zero_readiness_is_zero_not_the_class_figure(tmp_path):
    from orbops import load_scenario, run_scenario

    path = _edited(tmp_path, ('rescue = ["dragon-rescue"]', 'rescue = ["dragon-rescue"]\nreplacement_ready_days = 0'))
    (run,) = run_scenario(load_scenario(path), variants=["second-dragon"])
    (called,) = [e for e in run.events if e.kind == "rescue_called"]
    assert "after 0 days' readiness" in called.detail
    (launch,) = [e for e in run.events if e.kind == "launch"]
    assert run.iso(launch.time_s) < "2022-12-17"  # the first window after the leak, not 30 days on


def test_a_prepared_planner_answers_rescue_questions_without_orbits(played):
    import pickle

    p = played("tiangong-rescue-2025")
    p.planner.prepare()
    shipped = pickle.loads(pickle.dumps(p.planner))  # what a campaign worker gets
    assert shipped.orbits is None and shipped.inclination_deg("css") == p.planner.inclination_deg("css")
