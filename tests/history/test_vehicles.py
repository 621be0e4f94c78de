"""The vehicle catalogue as data: design values with sources, fitted values with provenance, checked input."""

from __future__ import annotations

import pytest

from orbops.errors import OrbopsError
from orbops.ops.vehicles import _check_vehicle, parse_profiles, vehicle_model, vehicle_models


def test_every_model_states_its_sources_and_which_values_were_fitted():
    for vid, model in vehicle_models().items():
        assert model.source, vid
        for prof in model.profiles:
            assert prof.source and prof.vehicles == (vid,), (vid, prof.name)
        assert set(model.provenance.values()) <= {"design", "fitted", "default"}
    soyuz = vehicle_model("soyuz")
    assert soyuz.provenance["4-orbit.revolutions"] == "fitted" and soyuz.provenance["2-orbit.revolutions"] == "design"
    assert vehicle_models(fitted=False)["soyuz"].profile("4-orbit").revolutions == 4.0  # the design value


def test_bad_profile_tables_are_reported_by_key_path():
    _, problems = parse_profiles([
        {"name": "a", "revolutions": 2, "phase_min_deg": 40, "phase_max_deg": 10},
        {"name": "b", "revolutions": 9, "phasing_alt_km": 50},
        {"name": "c", "revolutions": 2, "flown_from": "2020-01-01", "flown_until": "2019-01-01"},
        {"name": "d", "revolutions": "two"},
        {"revolutions": 2, "colour": "red"},
    ], "p")
    text = "\n".join(f"{path}: {msg}" for path, msg in problems)
    assert "p[0].phase_max_deg: 10 is below phase_min_deg 40" in text
    assert "p[1].phasing_alt_km: 50 km is not a phasing orbit" in text
    assert "p[2].flown_until: is before flown_from" in text
    assert "p[3].revolutions: 'two' is not a number" in text
    assert "p[4].colour: unknown key 'colour'" in text and "p[4].name: missing" in text


def test_bad_vehicle_tables_are_reported_by_key_path():
    problems = _check_vehicle("x", {"ascent_s": "long", "landing_zon": "soyuz"}, {"return": {"return_s": "soon"}})
    text = "\n".join(problems)
    assert "vehicles.toml: x.ascent_s: 'long' is not a number" in text
    assert "vehicles.toml: x.landing_zon: unknown key" in text
    assert "vehicles.toml: x.insertion_arc_deg: missing" in text
    assert "fitted.toml: x.return.return_s: 'soon' is not a number" in text
    with pytest.raises(OrbopsError, match="unknown vehicle class 'rocket'"):
        vehicle_model("rocket")
