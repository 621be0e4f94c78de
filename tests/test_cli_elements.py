"""``orbops elements`` through click's runner: output, exit codes, stderr."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from orbops import __version__
from orbops.cli import cli

from .conftest import ISS_LINE1, ISS_LINE2


@pytest.fixture
def runner():
    return CliRunner()


def test_version_and_help(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "elements" in result.output and "Exit codes" in result.output
    result = runner.invoke(cli, ["elements", "--help"])
    assert result.exit_code == 0 and "--json" in result.output and "--at" in result.output


def test_lists_every_real_set(runner, tle_files):
    result = runner.invoke(cli, ["elements", *map(str, tle_files)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "ISS (ZARYA)" in result.stdout and "25544" in result.stdout
    header = result.stdout.splitlines()[0]
    for col in ("Name", "NORAD", "Epoch (UTC)", "Age (d)", "Inc (deg)", "RAAN (deg)", "Ecc",
                "Period (min)", "Perigee (km)", "Apogee (km)"):
        assert col in header


def test_json_output(runner, tle_dir):
    result = runner.invoke(cli, ["elements", str(tle_dir / "tiangong-2.tle"), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 7 and rows[0]["norad_id"] == 41765
    assert set(rows[0]) >= {"name", "norad_id", "epoch_utc", "age_days", "inc_deg", "raan_deg", "ecc",
                            "period_min", "perigee_alt_km", "apogee_alt_km"}
    assert 370 < rows[0]["perigee_alt_km"] < rows[0]["apogee_alt_km"] < 400
    assert rows[0]["epoch_utc"].endswith("Z")


def test_at_picks_nearest_and_ages_from_it(runner, tle_dir):
    result = runner.invoke(cli, ["elements", str(tle_dir / "iss-history.tle"), "--at", "2023-01-10T06:00Z",
                                 "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["epoch_utc"].startswith("2023-01-10") and abs(row["age_days"]) < 1


def test_stale_warning_on_stderr(runner, tle_dir):
    result = runner.invoke(cli, ["elements", str(tle_dir / "iss-history.tle"), "--at", "2011-09-01"])
    assert result.exit_code == 0
    assert "orbops: warning:" in result.stderr and "days, not months" in result.stderr


def test_bad_records_exit_1_with_one_message_each(runner, tmp_path):
    bad = tmp_path / "bad.tle"
    bad.write_text(f"GOOD\n{ISS_LINE1}\n{ISS_LINE2}\nBAD\n{ISS_LINE1[:68]}0\n{ISS_LINE2}\nORPHAN\n{ISS_LINE2}\n")
    result = runner.invoke(cli, ["elements", str(bad)])
    assert result.exit_code == 1
    assert "GOOD" in result.stdout
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("orbops: error:")]
    assert len(errors) == 2
    assert f"{bad}:5:69: checksum" in errors[0]
    assert f"{bad}:8:1: line 2 without its line 1" in errors[1]
    assert "Traceback" not in result.output
    assert "2 invalid" in result.stderr


def test_binary_and_missing_files(runner, tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)))
    result = runner.invoke(cli, ["elements", str(blob)])
    assert result.exit_code == 1 and "binary file" in result.stderr
    result = runner.invoke(cli, ["elements", str(tmp_path / "missing.tle")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_bad_time_and_unknown_object(runner, tle_dir):
    result = runner.invoke(cli, ["elements", str(tle_dir / "tiangong-2.tle"), "--at", "yesterday-ish"])
    assert result.exit_code == 2 and "ISO 8601" in result.stderr
    result = runner.invoke(cli, ["elements", str(tle_dir / "tiangong-2.tle"), "-O", "HUBBLE"])
    assert result.exit_code == 3 and "no object 'HUBBLE'" in result.stderr
    assert "Traceback" not in result.output


def test_convert_to_omm(runner, tle_dir):
    result = runner.invoke(cli, ["elements", str(tle_dir / "tiangong-2.tle"), "--to", "omm-json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 7
