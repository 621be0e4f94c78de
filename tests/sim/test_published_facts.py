"""Scenario timing against the published record (../shared/domain-facts.md, numbers in brackets).

Every time below is computed by the engine from element sets and site
geometry; the tolerances reflect how the scenario states the plan (for
instance, the 2011-2020 ISS history has gaps of months between element sets).
"""

from __future__ import annotations

import numpy as np
import pytest

from orbops.timescales import parse_utc

HOUR = np.timedelta64(3600, "s")
DAY = 24 * HOUR


def _mission(played_scenario, variant: str, mission: str) -> dict:
    metrics = next(m for m in played_scenario.data["metrics"]["variants"] if m["variant"] == variant)
    return metrics["missions"][mission]


def _station(played_scenario, variant: str, station: str) -> dict:
    metrics = next(m for m in played_scenario.data["metrics"]["variants"] if m["variant"] == variant)
    return metrics["stations"][station]


def _near(iso: str, expected: str, within) -> bool:
    return abs(parse_utc(iso) - parse_utc(expected)) <= within


def _landing_of(played_scenario, variant: str, vehicle: str) -> dict:
    return next(r for r in played_scenario.rows(variant) if r["event"] == "landing" and r["vehicle"] == vehicle)


class TestShenzhouAsIssBackup2011:
    def test_tma22_flies_after_the_return_to_flight(self, played):
        # TMA-22 launched 14 Nov 2011 on the 2-day profile after Progress M-13M (30 Oct) [49][49b][72b]
        m = _mission(played("shenzhou-iss-backup-2011"), "historical", "tma-22")
        assert _near(m["launch_utc"], "2011-11-14T12:00Z", 3 * DAY)
        assert m["profile"] == "2-day"
        assert 45 <= m["rendezvous_hours"] <= 55  # 34 orbits

    def test_tma02m_crew_leaves_after_the_handover(self, played):
        # the TMA-02M crew left on 22 Nov 2011, six days after TMA-22 docked [49b]
        landing = _landing_of(played("shenzhou-iss-backup-2011"), "historical", "TMA-02M")
        assert _near(landing["time_utc"], "2011-11-22T12:00Z", 2 * DAY)

    def test_a_prolonged_grounding_decrews_the_iss_unless_shenzhou_flies(self, played):
        p = played("shenzhou-iss-backup-2011")
        assert _station(p, "historical", "iss")["decrewed"] is False
        assert _station(p, "prolonged-soyuz-only", "iss")["decrewed"] is True
        with_shenzhou = _station(p, "prolonged-with-shenzhou", "iss")
        assert with_shenzhou["decrewed"] is False
        assert with_shenzhou["lifeboat_gap_hours"] == 0
        shenzhou = _mission(p, "prolonged-with-shenzhou", "shenzhou-backup")
        assert shenzhou["status"] == "docked"


class TestPostShuttleRotation:
    def test_ms10_launch_time(self, played):
        # Soyuz MS-10 lifted off 11 Oct 2018 08:40 UTC and aborted [50a] (dates elsewhere: noon of the day)
        p = played("post-shuttle-rotation")
        m = _mission(p, "base", "soyuz-ms-10")
        assert _near(m["launch_utc"], "2018-10-11T08:40:15Z", np.timedelta64(10, "m"))
        assert m["status"] == "failed"

    def test_ms11_is_brought_forward(self, played):
        # MS-11 moved up from 20 Dec to 3 Dec 2018 [51][51b]. (It flew the 4-orbit profile; the element
        # history has no set between 31 Oct 2018 and Mar 2019, so phase angles here are indicative only.)
        p = played("post-shuttle-rotation")
        m = _mission(p, "base", "soyuz-ms-11")
        assert _near(m["launch_utc"], "2018-12-03T12:00Z", 2 * DAY)
        assert m["profile"] in {"4-orbit", "2-day"}
        assert any(r["event"] == "mission_advanced" and r["subject"] == "soyuz-ms-11" for r in p.rows())

    def test_soyuz_alone_kept_the_iss_crewed(self, played):
        # 35 crewed Soyuz flights from TMA-22 to MS-16, one of them (MS-10) lost; the ISS never de-crewed [80]
        p = played("post-shuttle-rotation")
        metrics = p.data["metrics"]["variants"][0]
        assert metrics["launches"] == 35 and metrics["launch_failures"] == 1
        assert metrics["stations"]["iss"]["decrewed"] is False
        assert set(metrics["stations"]["iss"]["days_at_crew_size"]) == {"3", "6"}


class TestShenzhou20Damage2025:
    def test_shenzhou21_fast_rendezvous(self, played):
        # Shenzhou 21 docked ~3.5 h after its 31 Oct 2025 launch [48c]
        m = _mission(played("shenzhou-20-damage-2025"), "as-happened", "shenzhou-21")
        assert m["launch_utc"].startswith("2025-10-31")
        assert m["rendezvous_hours"] == pytest.approx(3.5, abs=0.25)

    def test_planned_landing_day(self, played):
        # without the damage, Shenzhou 20 was to land on 5 Nov 2025 [70]
        landing = _landing_of(played("shenzhou-20-damage-2025"), "no-damage", "Shenzhou 20")
        assert landing["time_utc"].startswith("2025-11-05")

    def test_shenzhou20_crew_home_on_shenzhou21(self, played):
        # landing 14 Nov 2025 08:40 UTC at Dongfeng in Shenzhou 21 [70][71]
        p = played("shenzhou-20-damage-2025")
        landing = _landing_of(p, "as-happened", "Shenzhou 21")
        assert _near(landing["time_utc"], "2025-11-14T08:40Z", 12 * HOUR)
        assert set(landing["crew"].split(";")) == {"chen-dong", "chen-zhongrui", "wang-jie"}

    def test_uncrewed_replacement_closes_the_gap(self, played):
        # Shenzhou 22 launched uncrewed 25 Nov 2025 and docked ~3.5 h later [69]; the 16 days of
        # preparation are counted from 5 Nov here, so the launch comes a few days early
        p = played("shenzhou-20-damage-2025")
        m = _mission(p, "as-happened", "shenzhou-22")
        assert m["uncrewed"] and m["crew"] == []
        assert _near(m["launch_utc"], "2025-11-25T12:00Z", 5 * DAY)
        assert m["rendezvous_hours"] == pytest.approx(3.5, abs=0.25)
        gap = _station(p, "as-happened", "css")["lifeboat_gaps"]
        assert len(gap) == 1 and gap[0]["end_utc"] == m["docking_utc"]
        quicker = _station(p, "rolling-backup", "css")["lifeboat_gap_hours"]
        assert 0 < quicker < _station(p, "as-happened", "css")["lifeboat_gap_hours"]


class TestTiangongInternationalCrew:
    def test_a_visit_into_the_handover_delays_the_rotation(self, played):
        p = played("tiangong-international-crew")
        spring = _mission(p, "visit-spring", "shenzhou-23")
        late = _mission(p, "visit-handover", "shenzhou-23")
        assert parse_utc(late["launch_utc"]) > parse_utc(spring["launch_utc"])
        for variant in ("visit-spring", "visit-handover"):
            assert _station(p, variant, "css")["max_crew"] <= 6
            assert _mission(p, variant, "visit")["status"] == "landed"

    def test_damaged_visitors_ship_rolling_backup_brings_them_home(self, played):
        p = played("tiangong-international-crew")
        landing = _landing_of(p, "visit-damaged", "Shenzhou (rolling backup)")
        assert "pakistan-payload-specialist" in landing["crew"].split(";")
        assert _station(p, "visit-damaged", "css")["lifeboat_gap_hours"] > 0

    def test_iss_to_tiangong_plane_change_is_out_of_reach(self, played):
        study = played("tiangong-international-crew").data["metrics"]["variants"][0]["plane_studies"][0]
        assert study["feasible"] is False
        assert 1.0 < study["min_plane_change_km_s"] < 2.0
