"""The README's exit-code table, command by command, and what the command line does with hostile input."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from orbops.cli import cli
from orbops.cli.app import EXIT_CODES

REPO = Path(__file__).resolve().parents[1]
TLE = REPO / "tle"
README = (REPO / "README.md").read_text(encoding="utf-8")
SZ20 = REPO / "scenarios" / "shenzhou-20-damage-2025.toml"


@pytest.fixture(scope="module")
def bad_tle(tmp_path_factory) -> Path:
    """Real Tianhe sets plus one broken record: the good ones are used, the bad one reported (exit 1)."""
    path = tmp_path_factory.mktemp("bad") / "tianhe-and-junk.tle"
    path.write_text((TLE / "css-tianhe.tle").read_text() + "JUNK\n1 48274U garbage\n2 48274 nonsense\n")
    return path


def _run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def test_the_readme_lists_every_exit_code():
    table = re.findall(r"^\| (\d+) \| ", README.split("Exit codes, the same for every command")[1], re.M)
    assert sorted(map(int, table)) == sorted(EXIT_CODES)


SPAN = ("--start", "2025-11-05")
CASES = [
    # (command line, expected exit code)
    (("elements", TLE / "css-tianhe.tle"), 0),
    (("elements", "BAD"), 1),
    (("elements", TLE / "css-tianhe.tle", "--bogus"), 2),
    (("elements", TLE / "css-tianhe.tle", "--max-age", "-1"), 2),
    (("elements", TLE / "css-tianhe.tle", "-O", "NOSUCH"), 3),
    (("track", "CSS", *SPAN, "--hours", "1", "--elements", TLE / "css-tianhe.tle"), 0),
    (("track", "CSS", *SPAN, "--hours", "1", "--elements", "BAD"), 1),
    (("track", "CSS", *SPAN, "--hours", "0"), 2),
    (("track", "CSS", *SPAN, "--hours", "1", "--days", "1"), 2),
    (("track", "ISS", "--start", "1990-01-01"), 3),
    (("track", "NOSUCH", *SPAN), 3),
    (("passes", "ISS", "--site", "baikonur", "--start", "2025-11-05T17:00", "--days", "0.0125"), 0),
    (("passes", "CSS", "--site", "jiuquan", *SPAN, "--elements", "BAD"), 1),
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--min-el", "95"), 2),
    (("passes", "ISS", "--site", "nowhere", *SPAN), 3),
    (("eclipses", "ISS,CSS", *SPAN), 0),
    (("eclipses", "CSS", *SPAN, "--elements", "BAD"), 1),
    (("eclipses", "ISS", "--start", "someday"), 2),
    (("eclipses", "NOSUCH", *SPAN), 3),
    (("windows", "--site", "jiuquan", "--target", "CSS", *SPAN, "--days", "2"), 0),
    (("windows", "--site", "jiuquan", "--target", "CSS", *SPAN, "--days", "2", "--elements", "BAD"), 1),
    (("windows", "--site", "jiuquan", *SPAN), 2),
    (("windows", "--site", "70,0", "--target", "CSS", *SPAN), 3),
    (("planes", "ISS", "CSS", *SPAN, "--days", "30"), 0),
    (("planes", "ISS", "ISS", *SPAN), 2),
    (("planes", "ISS", "NOSUCH", *SPAN), 3),
    (("replay", "--flight", "Shenzhou 21", "--json"), 0),
    (("replay", "--vehicle", "nosuch"), 2),
    (("rescue", "css", "--at", "2025-11-05", "--max-age", "60"), 0),
    (("rescue", "css", "--at", "2025-11-05", "--max-age", "60", "--elements", "BAD"), 1),
    (("rescue", "css", "--at", "2025-11-05", "--start", "2025-11-05"), 2),
    (("rescue", "css", "--at", "2025-11-05", "--adapter", "CDM-IDSS"), 2),
    (("rescue", "mir", "--at", "2025-11-05"), 3),
    (("rescue", "css", "--at", "1990-01-01"), 3),
    (("validate", SZ20), 0),
    (("validate", "BADSCENARIO"), 1),
    (("validate", "missing.toml"), 2),
    (("run", "BADSCENARIO"), 3),
    (("report", "NOTARUN"), 3),
    (("export", "czml", "NOTARUN"), 2),
    (("campaign", SZ20), 2),
    # non-finite and unphysical numbers are usage errors, in every command (never a crash, never ignored)
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--days", "nan"), 2),
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--hours", "nan"), 2),
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--min-el", "nan"), 2),
    (("passes", "ISS", "--site", "baikonur", "--start", "2005-11-05", "--max-age", "nan"), 2),
    (("eclipses", "ISS", *SPAN, "--days", "nan"), 2),
    (("eclipses", "ISS", *SPAN, "--days", "inf"), 2),
    (("track", "ISS", *SPAN, "--step", "nan"), 2),
    (("track", "ISS", *SPAN, "--step", "1e300"), 2),
    (("track", "ISS", *SPAN, "--hours", "1", "--step", "7200"), 2),  # a step longer than the span
    (("planes", "ISS", "CSS", *SPAN, "--step", "nan"), 2),
    (("planes", "ISS", "CSS", *SPAN, "--max-age", "nan"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--lead", "nan"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--lead", "1e300"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--ascent", "nan"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--ascent", "1e300"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--insertion-arc", "nan"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--insertion-arc", "1e300"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--insertion-alt", "nan"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--insertion-alt", "1e300"), 2),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--plane-tolerance", "nan"), 2),
    (("propagate", TLE / "css-tianhe.tle", *SPAN, "--stop", "2025-11-06", "--step", "inf", "-o", "OUT"), 2),
    (("propagate", TLE / "css-tianhe.tle", *SPAN, "--stop", "2025-11-06", "--step", "1e300", "-o", "OUT"), 2),
    (("elements", TLE / "css-tianhe.tle", "--max-age", "nan"), 2),
    (("replay", "--fresh-days", "nan"), 2),
    (("export", "czml", "NOTARUN", "-o", "OUT", "--step", "nan"), 2),
    (("campaign", SZ20, "--runs", "1", "-o", "OUT", "--slip-threshold-days", "nan"), 2),
    (("campaign", SZ20, "--runs", "1", "-o", "OUT", "--lifeboat-threshold-hours", "-inf"), 2),
]


@pytest.mark.parametrize(("args", "code"), CASES, ids=[f"{a[0]}-{c}-{i}" for i, (a, c) in enumerate(CASES)])
def test_exit_codes_command_by_command(args, code, bad_tle, tmp_path):
    bad_scenario = tmp_path / "bad.toml"
    bad_scenario.write_text(SZ20.read_text().replace('seats = 3', 'seats = "three"'))
    swap = {"BAD": bad_tle, "BADSCENARIO": bad_scenario, "NOTARUN": tmp_path, "OUT": tmp_path / "out.csv"}
    result = _run(*[swap.get(a, a) if isinstance(a, str) else a for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if code == 1:
        assert "skipped" in result.stderr or "error" in result.stderr
        assert args[0] == "validate" or result.stdout.strip()  # the valid records were still used


def test_a_file_that_cannot_be_written_is_exit_3():
    result = _run("track", "CSS", *SPAN, "--hours", "1", "-o", "/proc/orbops-nowhere/track.csv")
    assert result.exit_code == 3 and "internal error" not in result.output
    assert "/proc/orbops-nowhere" in result.stderr
    result = _run("track", "CSS", *SPAN, "--hours", "1", "-o", "/proc/orbops-track.csv")  # no file may be made there
    assert result.exit_code == 3 and "/proc/orbops-track.csv:" in result.stderr and ".tmp" not in result.stderr


@pytest.mark.parametrize(("args", "option"), [
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--days", "nan"), "--days"),
    (("passes", "ISS", "--site", "baikonur", *SPAN, "--min-el", "nan"), "--min-el"),
    (("windows", "--site", "baikonur", "--target", "ISS", *SPAN, "--lead", "nan"), "--lead"),
    (("propagate", TLE / "css-tianhe.tle", *SPAN, "--stop", "2025-11-06", "--step", "inf", "-o", "x.csv"), "--step"),
])
def test_a_non_finite_number_names_its_option(args, option):
    result = _run(*args)
    assert result.exit_code == 2 and option in result.stderr and "is not a finite number" in result.stderr


def test_propagate_never_writes_over_its_own_input(tmp_path):
    source = tmp_path / "css.tle"
    source.write_text((TLE / "css-tianhe.tle").read_text())
    before = source.read_bytes()
    for out, extra in ((source, ("--format", "csv")), (tmp_path / "." / "css.tle", ("--format", "csv"))):
        result = _run("propagate", source, *SPAN, "--stop", "2025-11-06", "--step", "60", "-o", out, *extra)
        assert result.exit_code == 3 and "--out is one of the input element files" in result.stderr, result.output
    link = tmp_path / "link.tle"  # another name for the same file
    link.symlink_to(source)
    result = _run("propagate", tmp_path, *SPAN, "--stop", "2025-11-06", "--step", "60", "-o", link, "--format", "csv")
    assert result.exit_code == 3 and "--out is one of the input element files" in result.stderr
    assert source.read_bytes() == before
    omm = tmp_path / "css-omm.csv"  # an OMM CSV file named as the output of its own states
    omm.write_text(_run("elements", source, "--latest", "--to", "omm-csv").stdout)
    result = _run("propagate", omm, *SPAN, "--stop", "2025-11-06", "--step", "60", "-o", omm)
    assert result.exit_code == 3 and _run("elements", omm).exit_code == 0


def test_an_output_under_a_file_says_it_is_not_a_directory(tmp_path):
    blocker = tmp_path / "plain.txt"
    blocker.write_text("a file, not a folder")
    result = _run("track", "CSS", *SPAN, "--hours", "1", "-o", blocker / "track.csv")
    assert result.exit_code == 3 and f"{blocker} is not a directory" in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["plain.txt"]


def test_spans_the_same_way_everywhere():
    one = _run("passes", "ISS", "--site", "baikonur", *SPAN, "--days", "1", "--json")
    two = _run("passes", "ISS", "--site", "baikonur", *SPAN, "--hours", "24", "--json")
    three = _run("passes", "ISS", "--site", "baikonur", *SPAN, "--stop", "2025-11-06", "--json")
    assert one.exit_code == two.exit_code == three.exit_code == 0
    assert one.stdout == two.stdout == three.stdout


def test_default_elements_never_come_from_the_current_folder(tmp_path, monkeypatch):
    here = _run("passes", "ISS", "--site", "baikonur", *SPAN, "--json")
    (tmp_path / "tle").mkdir()  # someone else's files, with another ISS set
    (tmp_path / "tle" / "iss.tle").write_text((TLE / "stations" / "stations-20080422.tle").read_text())
    monkeypatch.chdir(tmp_path)
    there = _run("passes", "ISS", "--site", "baikonur", *SPAN, "--json")
    assert here.exit_code == there.exit_code == 0 and here.stdout == there.stdout
    bad = _run("passes", "ISS", "--site", "baikonur", *SPAN, env={"ORBOPS_ELEMENTS": str(tmp_path / "nope")})
    assert bad.exit_code == 3 and "ORBOPS_ELEMENTS" in bad.stderr


def test_a_narrow_terminal_gets_every_value():
    wide = _run("windows", "--site", "jiuquan", "--target", "CSS", *SPAN, "--days", "2", env={"COLUMNS": "200"})
    narrow = _run("windows", "--site", "jiuquan", "--target", "CSS", *SPAN, "--days", "2", env={"COLUMNS": "80"})
    assert wide.exit_code == narrow.exit_code == 0
    assert max(map(len, narrow.stdout.splitlines())) <= 80
    values = set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z|\d+\.\d+", wide.stdout))
    assert values and values <= set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z|\d+\.\d+", narrow.stdout))
    assert "…" not in narrow.stdout


def _orbops(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "orbops", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


BROKEN_PIPE = """
import io, sys
class Gone(io.TextIOWrapper):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")
sys.stdout = Gone(io.BytesIO())
from orbops.cli import main
main()
"""


@pytest.mark.parametrize("args", [("elements", TLE / "css-tianhe.tle"), ("validate", SZ20)])
def test_a_broken_pipe_is_not_success(args):
    # the reader went away (`| head -1`): a write raises BrokenPipeError, whether rich or click writes
    done = subprocess.run([sys.executable, "-c", BROKEN_PIPE, *map(str, args)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_propagate_leaves_nothing_behind(tmp_path, sig, code):
    out = tmp_path / "states.npz"
    proc = _orbops("propagate", TLE / "catalog-gpredict-20180122.tle", "--start", "2018-01-22",
                   "--stop", "2018-01-29", "--step", "10", "-o", out)
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp_path.iterdir()):  # writing has begun
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == code, proc.stderr.read().decode()
    assert list(tmp_path.iterdir()) == []  # no file, no .tmp, no .parts


def test_outputs_keep_the_umasks_permissions(tmp_path):
    out = tmp_path / "track.csv"
    old = os.umask(0o022)
    try:
        result = _run("track", "CSS", *SPAN, "--hours", "1", "-o", out)
    finally:
        os.umask(old)
    assert result.exit_code == 0 and stat.S_IMODE(out.stat().st_mode) == 0o644


def test_times_with_an_offset_or_an_ordinal_date():
    utc = _run("passes", "ISS", "--site", "baikonur", "--start", "2025-11-05T00:00Z", "--days", "1", "--json")
    offset = _run("passes", "ISS", "--site", "baikonur", "--start", "2025-11-05T08:00+08:00", "--days", "1", "--json")
    ordinal = _run("passes", "ISS", "--site", "baikonur", "--start", "2025-309", "--days", "1", "--json")
    assert utc.exit_code == offset.exit_code == ordinal.exit_code == 0, offset.output + ordinal.output
    assert utc.stdout == offset.stdout == ordinal.stdout
