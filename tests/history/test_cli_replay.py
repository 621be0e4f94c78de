"""``orbops replay`` through click's runner: filters, JSON, another record, figures, bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from orbops.cli import cli
from orbops.history import COLUMNS


@pytest.fixture
def run(tle_dir):
    def invoke(*args):
        return CliRunner().invoke(cli, ["replay", *args, "--elements", str(tle_dir)])
    return invoke


def test_help():
    r = CliRunner().invoke(cli, ["replay", "--help"])
    assert r.exit_code == 0
    for option in ("--station", "--vehicle", "--since", "--until", "--record", "--json", "--out", "--pick"):
        assert option in r.output


def test_json_objects_per_flight(run):
    r = run("--station", "iss", "--vehicle", "soyuz", "--since", "2020-01-01", "--until", "2021-12-31", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    names = [f["flight"] for f in data["flights"]]
    assert names == ["Soyuz MS-16", "Soyuz MS-17", "Soyuz MS-18", "Soyuz MS-19", "Soyuz MS-20"]
    for f in data["flights"]:
        assert {"flight", "predicted_launch_utc", "predicted_docking_utc", "profile", "elements_age_days",
                "launch_error_min", "docking_error_min", "held_out", "reason"} <= set(f)
        assert f["held_out"] is True
    ms17 = data["flights"][1]
    assert ms17["profile"] == "2-orbit" and ms17["predicted_launch_utc"].startswith("2020-10-14T05:4")
    assert data["summary"]["fresh"]["held_out"]["launch_within_5_min"]["fraction"] == 1.0


def test_table_and_summary(run):
    r = run("--flight", "Soyuz MS-28", "--flight", "STS-135")
    assert r.exit_code == 0, r.output
    assert "Soyuz MS-28" in r.stdout and "2-orbit" in r.stdout and "Targets" in r.stdout
    assert "no rendezvous model for the Space Shuttle" in r.stdout


def test_another_record(run, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(",".join(COLUMNS) + "\n"
                    "MS-17 again,soyuz,,iss,baikonur-31,31/6,3,2020-10-14T05:45:04Z,2020-10-14T08:48:47Z,Rassvet,"
                    "2-orbit,,,,,\n")
    r = run("--record", str(path), "--json")
    assert r.exit_code == 0, r.output
    [only] = json.loads(r.stdout)["flights"]
    assert only["flight"] == "MS-17 again" and abs(only["launch_error_min"]) < 5


def test_a_bad_record_is_reported_with_its_line(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(",".join(COLUMNS) + "\nX,soyuz,,iss,baikonur,,3,yesterday,,,,,,,,\n")
    r = run("--record", str(path))
    assert r.exit_code == 3
    assert f"{path}:2: launch_utc: cannot read 'yesterday'" in r.stderr


def test_bad_options(run):
    assert run("--vehicle", "rocket").exit_code == 2
    assert run("--station", "mir").exit_code == 2
    assert run("--since", "2030-01-01").exit_code == 3
    assert run("-o", "replay.pdf").exit_code == 2


def test_figure_and_page(run, tmp_path):
    png, page = tmp_path / "replay.png", tmp_path / "replay.html"
    assert run("--vehicle", "soyuz", "--until", "2019-12-31", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = run("--since", "2024-01-01", "-o", str(page))
    assert r.exit_code == 0
    html = page.read_text()
    assert "data:image/png;base64," in html and "Soyuz MS-28" in html and "Targets" in html
    assert "http://" not in html and "https://" not in html  # offline: nothing fetched
