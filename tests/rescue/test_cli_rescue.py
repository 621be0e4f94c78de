"""``orbops rescue`` through click's runner: one emergency, a calendar, outputs, bad input, narrow terminals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from orbops.cli import cli

from ..conftest import TLE_DIR


@pytest.fixture
def run():
    def invoke(*args, env=None):
        return CliRunner().invoke(cli, ["rescue", *args, "--elements", str(TLE_DIR), "--max-age", "60"], env=env)
    return invoke


def test_help_names_every_option_and_an_example():
    r = CliRunner().invoke(cli, ["rescue", "--help"])
    assert r.exit_code == 0
    for option in ("--at", "--start", "--days", "--crew", "--horizon", "--vehicle", "--adapter", "--fleet", "--json",
                   "--out", "--max-age", "--elements", "Examples:"):
        assert option in r.output


def test_one_emergency_ranks_the_options_and_says_why_not(run):
    r = run("css", "--at", "2025-11-05T00:00Z", env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    assert "docks in" in r.stdout and "Shenzhou" in r.stdout
    assert "plane out of reach" in r.stdout and "no compatible port" in r.stdout
    assert "never passes under the plane" in r.stdout and "Assumptions:" in r.stdout
    assert all(len(line) <= 80 for line in r.stdout.splitlines())


def test_json_matches_the_table(run):
    r = run("iss", "--at", "2022-12-15", "--adapter", "CDM:IDSS", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    first = data["options"][0]
    assert first["vehicle"] == "shenzhou" and first["assumed_adapter"] == "CDM:IDSS" and first["feasible"]
    assert data["crew"] == 3 and any("what-if" in a for a in data["assumptions"])
    plain = json.loads(run("iss", "--at", "2022-12-15", "--json").stdout)
    assert {o["vehicle"]: o["blocker"] for o in plain["options"]}["shenzhou"] == "docking"


def test_a_calendar_as_table_csv_and_page(run, tmp_path):
    r = run("iss", "--start", "2022-12-10", "--days", "5", "-o", str(tmp_path / "cal.csv"))
    assert r.exit_code == 0, r.output
    assert "Feasible days" in r.stdout and "First to dock" in r.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cal.csv").read_text())))
    assert len(rows) == 5 * 6 and {r["option"] for r in rows} >= {"soyuz@baikonur-31", "shenzhou@jiuquan"}
    page = run("iss", "--start", "2022-12-10", "--days", "5", "-o", str(tmp_path / "cal.html"))
    assert page.exit_code == 0 and "data:image/png;base64," in (tmp_path / "cal.html").read_text()
    png = run("css", "--at", "2025-11-05", "-o", str(tmp_path / "one.png"))
    assert png.exit_code == 0 and (tmp_path / "one.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "message"), [
    ((), "give one of --at"),
    (("--at", "2025-11-05", "--days", "3"), "--days goes with --start"),
    (("--at", "2025-11-05", "-o", "x.pdf"), "expected a .html, .png or .csv"),
    (("--at", "2025-11-05", "--vehicle", "buran"), "unknown rescue vehicle 'buran'"),
    (("--at", "2025-11-05", "--adapter", "CDM:NDS"), "SHIP:PORT"),
    (("--at", "2025-11-05", "--crew", "0"), "--crew"),
    (("--at", "2025-11-05", "--stay-hours", "nan"), "nan is not a finite number"),
    (("--at", "2025-11-05", "--horizon", "inf"), "inf is not a finite number"),
])
def test_usage_errors(run, args, message):
    r = run("css", *args)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_an_instant_far_from_every_element_set_is_refused(run):
    r = run("css", "--at", "2019-01-01")
    assert r.exit_code == 3 and "no element set within 60 days" in r.output
