"""The geometry commands through click's runner; map and plot content."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from orbops.cli import cli


@pytest.fixture
def run(tle_dir):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [*args, "--elements", str(tle_dir)])
    return invoke


@pytest.mark.parametrize("command", ["track", "passes", "eclipses", "windows", "planes"])
def test_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "--elements" in result.output and "--start" in result.output


def test_passes_json(run):
    r = run("passes", "ISS", "--site", "baikonur", "--start", "2025-11-05", "--days", "1", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) >= 4
    for row in rows:
        assert {"rise_utc", "culminate_utc", "set_utc", "max_el_deg"} <= set(row)
        assert row["culminate_utc"].endswith("Z") and row["max_el_deg"] >= 10


def test_windows_json_and_table(run):
    r = run("windows", "--site", "baikonur", "--target", "ISS", "--start", "2025-11-20", "--days", "3",
            "--lead", "-180", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) == 6
    for row in rows:
        assert {"inplane_utc", "azimuth_deg", "direction", "feasible"} <= set(row)
    assert {row["direction"] for row in rows} == {"northeast", "southeast"}
    table = run("windows", "--site", "45.92,63.34", "--target", "ISS", "--start", "2025-11-20", "--days", "2")
    assert table.exit_code == 0 and "northeast" in table.stdout and "southeast" in table.stdout


def test_windows_with_a_vehicle_model(run):
    r = run("windows", "--site", "baikonur-31", "--target", "ISS", "--start", "2025-11-20", "--days", "4",
            "--vehicle", "soyuz", "--json")
    rows = [w for w in json.loads(r.stdout) if w["feasible"]]
    assert rows and all(w["profile"] in ("2-orbit", "4-orbit", "2-day") and w["docking_utc"] for w in rows)


def test_windows_with_a_profiles_file(run, tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text('[[profile]]\nname = "slow"\nrevolutions = 30\nphase_min_deg = 0\nphase_max_deg = 360\n')
    r = run("windows", "--site", "baikonur", "--target", "ISS", "--start", "2025-11-20", "--days", "2",
            "--profiles", str(path), "--json")
    rows = [w for w in json.loads(r.stdout) if w["feasible"]]
    assert rows and {w["profile"] for w in rows} == {"slow"}
    path.write_text('[[profile]]\nname = "slow"\nrevolutions = -1\n')
    r = run("windows", "--site", "baikonur", "--target", "ISS", "--start", "2025-11-20", "--days", "2",
            "--profiles", str(path))
    assert r.exit_code == 3 and "profile[0].revolutions" in r.stderr


def test_windows_unreachable_target(run):
    r = run("windows", "--site", "baikonur", "--target", "CSS", "--start", "2025-11-20", "--days", "2")
    assert r.exit_code == 3 and "exceeds the orbit's inclination" in r.stderr


def test_eclipses_json(run):
    r = run("eclipses", "ISS", "--start", "2025-11-05", "--days", "0.3", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert rows and all("beta_deg" in e and "umbra_entry_utc" in e for e in rows)


def test_planes_json_and_plot(run, tmp_path):
    png = tmp_path / "planes.png"
    r = run("planes", "ISS", "CSS", "--start", "2025-11-01", "--days", "330", "--step", str(5 * 86400), "--json", "-o", str(png))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["node_alignments_utc"] and 0.9 < data["drift_deg_per_day"] < 1.4
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("suffix", [".png", ".csv", ".geojson"])
def test_track_outputs(run, tmp_path, suffix):
    out = tmp_path / f"track{suffix}"
    r = run("track", "ISS", "CSS", "--start", "2025-11-05", "--hours", "3", "--terminator", "--site", "baikonur",
            "--landing-zone", "soyuz", "-o", str(out))
    assert r.exit_code == 0, r.output
    if suffix == ".png":
        assert out.read_bytes()[:4] == b"\x89PNG"
    elif suffix == ".csv":
        lines = out.read_text().splitlines()
        assert lines[0] == "norad_id,name,time_utc,lat_deg,lon_deg,alt_km" and len(lines) == 1 + 2 * 361
    else:
        gj = json.loads(out.read_text())
        kinds = [f["properties"]["kind"] for f in gj["features"]]
        assert kinds.count("ground_track") == 2 and "place" in kinds and "position" in kinds
        track = next(f for f in gj["features"] if f["properties"]["kind"] == "ground_track")
        assert track["geometry"]["type"] == "MultiLineString"  # split at the antimeridian
        for line in track["geometry"]["coordinates"]:
            lons = np.array(line)[:, 0]
            assert np.all(np.abs(np.diff(lons)) < 180)


def test_bad_inputs(run):
    r = run("passes", "ISS", "--site", "atlantis", "--start", "2025-11-05")
    assert r.exit_code == 3 and "unknown site 'atlantis'" in r.stderr
    r = run("track", "HUBBLE", "--start", "2025-11-05")
    assert r.exit_code == 3 and "no object 'HUBBLE'" in r.stderr
    r = run("track", "ISS", "--start", "2025-11-05", "-o", "map.jpg")
    assert r.exit_code == 3 and ".png, .csv or .geojson" in r.stderr
    r = run("passes", "ISS", "--site", "95,10", "--start", "2025-11-05")
    assert r.exit_code == 3 and "latitude 95" in r.stderr
    assert all("Traceback" not in x.output for x in [r])


def test_map_drawing_content():
    from orbops.geometry import GroundTrack, terminator
    from orbops.outputs.maps import draw_terminator, draw_tracks, draw_world
    from orbops.outputs.plots import new_figure
    fig, ax = new_figure()
    draw_world(ax)
    n_coast = len(ax.get_lines())
    times = np.arange(0, 7200 + 1, 600, dtype=np.int64) * 10**9
    lon = np.array([170.0, 175, 179, -178, -175, -170, -165, -160, -155, -150, -145, -140, -135])
    track = GroundTrack(1, "TEST", times, np.linspace(0, 10, 13), lon, np.full(13, 400.0))
    draw_tracks(ax, [track])
    t_lon, t_lat, slat = terminator(int(np.datetime64("2025-06-21T12:00", "ns").astype(np.int64)))
    draw_terminator(ax, t_lon, t_lat, slat, label="night")
    assert abs(slat - 23.44) < 0.1  # subsolar latitude at the June solstice
    labels = [line.get_label() for line in ax.get_lines()[n_coast:]]
    assert "TEST (1)" in labels
    assert ax.get_xlabel() == "longitude (deg)" and ax.get_xlim() == (-180, 180)
    assert any(t.get_text() == "+1h" for t in ax.texts) and any(t.get_text() == "+2h" for t in ax.texts)
