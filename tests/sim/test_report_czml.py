"""The HTML report, its plots (asserted on content, not pixels) and the CZML export."""

from __future__ import annotations

import base64
import os
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from orbops import OrbopsError
from orbops.geometry import Orbits
from orbops.outputs import read_run_dir, write_run_dir
from orbops.outputs.czml import build_czml, write_czml
from orbops.outputs.plots import new_figure, plt
from orbops.outputs.report import approaches, build_report
from orbops.outputs.runplots import date_num, plot_approach, plot_crew_seats, plot_ports
from orbops.timescales import to_ns

from .conftest import scenario_names

VOID = {"meta", "img", "br", "hr", "link", "input"}


class _Page(HTMLParser):
    """Tag balance, images and every URL-valued attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[dict] = []
        self.urls: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        for key in ("src", "href", "action"):
            if key in attrs and not attrs[key].startswith("data:"):
                self.urls.append(attrs[key])
        if tag not in VOID:
            self.stack.append(tag)
        self._in_heading = tag in ("h1", "h2", "h3")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_heading and data.strip():
            self.headings.append(data.strip())
            self._in_heading = False


@pytest.mark.parametrize("name", scenario_names())
def test_report_builds_offline_with_every_plot(played, name):
    p = played(name)
    path = build_report(p.out)
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    assert page.errors == [] and page.stack == []
    assert page.urls == []  # no external script, stylesheet, font or map tile
    assert re.search(r"https?://", re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)) is None
    pngs = sorted(f.name for f in p.out.glob("report-*.png"))
    assert sorted(img["title"] for img in page.images) == pngs
    for img in page.images:  # each embedded image is the PNG saved beside the report
        data = base64.b64decode(img["src"].split(",", 1)[1])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == (p.out / img["title"]).read_bytes()
    assert p.scenario.name in page.headings and "Answer in numbers" in page.headings
    for run in p.runs:
        assert run.variant_name in page.headings
    for sid in {e.station for e in p.events() if e.station}:
        assert any(f.endswith(f"-{sid}-ports.png") for f in pngs) and any(f.endswith(f"-{sid}-crew.png") for f in pngs)
    launched = [r for r in p.runs if any(e.kind == "launch" for e in r.events)]  # a run without launches maps none
    assert sum(f.endswith("-approaches.png") for f in pngs) == len(launched)


def _moved(played, name, tmp_path, tle_dir_gone=True):
    """A copy of the scenario beside its own element files, run, then moved elsewhere with the originals gone."""
    import shutil
    p = played(name)
    home = tmp_path / "home"
    (home / "scenarios").mkdir(parents=True)
    shutil.copytree(p.path.parents[1] / "tle", home / "tle")
    scenario = home / "scenarios" / p.path.name
    shutil.copyfile(p.path, scenario)
    from orbops.scenarios import load_scenario
    from orbops.sim import Planner, run_scenario
    sc = load_scenario(scenario)
    records = run_scenario(sc, Planner(sc))
    write_run_dir(home / "run", records, sc)
    moved = tmp_path / "elsewhere" / "run"
    shutil.move(home / "run", moved)
    if tle_dir_gone:
        shutil.rmtree(home)
    return records, moved


def test_a_moved_run_directory_rebuilds_its_report_and_czml(played, tmp_path):
    records, moved = _moved(played, "shenzhou-20-damage-2025", tmp_path)
    rd = read_run_dir(moved)
    assert rd.records == records and rd.scenario.catalog is not None
    scenario = json.loads((moved / "scenario.json").read_text())
    assert [s["path"] for s in scenario["sources"]] == ["../tle/css-tianhe.tle"]  # as the scenario wrote it
    assert all(len(s["sha256"]) == 64 for s in scenario["sources"])
    inputs = json.loads((moved / "run.json").read_text())["inputs"]
    assert [i["copy"].split("/")[0] for i in inputs] == ["inputs"] and inputs[0]["sha256"] == scenario["sources"][0]["sha256"]
    text = build_report(moved).read_text()
    assert len(list(moved.glob("report-*-approaches.png"))) == len(records)
    assert "Answer in numbers" in text
    doc = build_czml(rd, variant="as-happened", step_s=300)
    assert {"station/css", "vehicle/Shenzhou 21"} <= {d["id"] for d in doc}


def test_a_changed_or_missing_copy_is_named(played, tmp_path):
    _, moved = _moved(played, "shenzhou-20-damage-2025", tmp_path)
    copy = next((moved / "inputs").iterdir())
    copy.write_text(copy.read_text() + "\n")
    with pytest.raises(OrbopsError, match=f"{copy.name} was changed after the run"):
        read_run_dir(moved)
    copy.unlink()
    with pytest.raises(OrbopsError, match=f"{copy.name} is missing"):
        read_run_dir(moved)
    (moved / "record.json").unlink()
    with pytest.raises(OrbopsError, match="is not a run directory"):
        read_run_dir(moved)


def test_an_edited_scenario_or_a_broken_record_is_named(played, tmp_path):
    _, moved = _moved(played, "shenzhou-20-damage-2025", tmp_path)
    record = (moved / "record.json").read_text()
    (moved / "record.json").write_text("{")
    with pytest.raises(OrbopsError, match="record.json: cannot read it"):
        read_run_dir(moved)
    (moved / "record.json").write_text('{"format": "orbops-run-record/1", "variants": [{"scenario": 1}]}')
    with pytest.raises(OrbopsError, match=r"record.json: variants\[0\]\.variant_id: missing"):
        read_run_dir(moved)
    (moved / "record.json").write_text(record)
    toml = moved / "scenario.toml"
    toml.write_text(toml.read_text().replace('id = "shenzhou"', 'id = "sz"'))
    with pytest.raises(OrbopsError, match="scenario.toml was changed after the run"):
        read_run_dir(moved)


def _tampered(p, tmp_path, change):
    """A copy of the played run directory whose record.json had ``change(data)`` applied."""
    import shutil
    out = tmp_path / "tampered"
    if not out.exists():
        shutil.copytree(p.out, out)
    data = json.loads((p.out / "record.json").read_text())
    change(data)
    (out / "record.json").write_text(json.dumps(data))
    return out


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["variants"][0].__setitem__("variant_id", None), r"variants\[0\]\.variant_id: expected a string"),
    (lambda d: d["variants"][0].__setitem__("end_s", -1), r"variants\[0\]\.end_s: -1: a run lasts a positive"),
    (lambda d: d["variants"][0].__setitem__("end_s", 1e308), r"variants\[0\]\.end_s: 1e\+308 s from the epoch"),
    (lambda d: d["variants"][0].__setitem__("end_s", float("nan")), r"variants\[0\]\.end_s: nan is not a finite"),
    (lambda d: d["variants"][0].__setitem__("station_names", {}), r"variants\[0\]\.station_ports: stations iss;"),
    (lambda d: d["variants"][0]["missions"]["tma-22"].__setitem__("launch_s", None),
     r"variants\[0\]\.missions\.tma-22\.dock_s: a mission with a dock_s has a launch_s"),
    (lambda d: d["variants"][0]["missions"]["tma-22"].__setitem__("launch_s", "x"),
     r"variants\[0\]\.missions\.tma-22\.launch_s: expected a number, got 'x'"),
    (lambda d: d["variants"][0]["events"][1].__setitem__(0, 1e300), r"variants\[0\]\.events\[1\]\[0\]: .* not within"),
    (lambda d: d["variants"][0]["events"][1].__setitem__(6, "Soyuz TMA-99"),
     r"variants\[0\]\.events\[1\]\[6\]: no vehicle 'Soyuz TMA-99' in the scenario"),
    (lambda d: d["variants"][0].__setitem__("epoch_ns", 2**63), r"variants\[0\]\.epoch_ns: .* is not an instant"),
    (lambda d: d["variants"][0].pop("missions"), r"variants\[0\]\.missions: missing"),
    (lambda d: d.__setitem__("variants", []), r"variants: expected a non-empty list"),
    (lambda d: d["variants"].append(d["variants"][0]), r"variants\[3\]\.variant_id: 'historical' again"),
])
def test_a_tampered_record_is_named_with_its_key_path(played, tmp_path, change, where):
    from click.testing import CliRunner

    from orbops.cli import cli
    out = _tampered(played("shenzhou-iss-backup-2011"), tmp_path, change)
    with pytest.raises(OrbopsError, match=f"record.json: {where}"):
        read_run_dir(out)
    for args in (["report", "--no-maps", str(out)], ["export", "czml", str(out), "-o", str(tmp_path / "x.czml")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 3 and "internal error" not in result.output, result.output
        assert re.search(f"record.json: {where}", result.stderr), result.stderr


def test_the_statuses_a_record_may_hold_are_the_simulations():
    from orbops.sim import MissionStatus, VehicleStatus
    from orbops.sim.record import MISSION_STATUSES, VEHICLE_STATUSES
    assert set(MISSION_STATUSES) == {s.value for s in MissionStatus}
    assert set(VEHICLE_STATUSES) == {s.value for s in VehicleStatus}


def _paths(node, path=()):
    """Every value's path in JSON data (containers too)."""
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, (*path, key))


def test_single_field_mutations_of_a_record_never_crash(played, tmp_path):
    import random

    from click.testing import CliRunner

    from orbops.cli import cli
    p = played("shenzhou-iss-backup-2011")
    data = json.loads((p.out / "record.json").read_text())
    paths = [q for q in _paths(data) if len(q) > 1 and q[0] == "variants"]
    rng = random.Random(12)
    values = [None, True, [], {}, float("nan"), float("inf"), 1e308, -1e308, -1, 2**64, "x", ""]
    outcomes = set()
    for n in range(48):
        path, value = rng.choice(paths), values[n % len(values)]

        def change(d, path=path, value=value):
            for key in path[:-1]:
                d = d[key]
            d[path[-1]] = value
        out = _tampered(p, tmp_path, change)
        args = (["report", "--no-maps", str(out)] if n % 2 else
                ["export", "czml", str(out), "-o", str(tmp_path / "x.czml"), "--start", "2011-11-14",
                 "--stop", "2011-11-15", "--step", "600"])
        result = CliRunner().invoke(cli, args)
        label = f"{'.'.join(map(str, path))} = {value!r}: {result.output}"
        assert result.exit_code in (0, 3) and "internal error" not in result.output, label
        if result.exit_code == 3:
            assert "record.json: variants" in result.stderr, label  # the key path of the bad value
        outcomes.add(result.exit_code)
    assert outcomes == {0, 3}


def _view(played, name, variant):
    p = played(name)
    return p, p.dir.record(variant)


def test_crew_and_seats_plot_shades_every_gap(played):
    p, view = _view(played, "shenzhou-20-damage-2025", "as-happened")
    fig, ax = new_figure()
    plot_crew_seats(ax, view, "css", "Tiangong", 6)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert {"crew aboard", "crew capacity (6)"} <= set(lines)
    t, crew, seats = view.crew_series("css")
    assert list(lines["crew aboard"].get_ydata()) == list(crew)
    (a, b), = view.lifeboat_gaps("css")
    inside = (t >= a) & (t < b)
    assert np.all(seats[inside] < crew[inside]) and np.all(seats[~inside] >= crew[~inside])
    assert max(crew) == 6 and 0 in seats[inside]  # after Shenzhou 21 left, no healthy ship until Shenzhou 22
    gaps = [patch for patch in ax.patches if patch.get_label() == "crew without a seat home"]
    spans = [c for c in ax.patches if c.get_facecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=0.01)]
    assert len(gaps) == 1 and len(spans) == len(view.lifeboat_gaps("css")) == 1
    x = spans[0].get_x()
    assert x == pytest.approx(date_num(a)) and x + spans[0].get_width() == pytest.approx(date_num(b))
    assert ax.get_xlabel() == "date (UTC)" and "people" in ax.get_ylabel()
    plt.close(fig)


def test_ports_gantt_has_a_bar_per_docked_interval(played):
    p, view = _view(played, "shenzhou-20-damage-2025", "as-happened")
    fig, ax = new_figure()
    classes = {v.serial: v.vehicle_class for v in p.scenario.vehicles}
    plot_ports(ax, view, "css", "Tiangong", classes)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["Tianhe radial", "Tianhe forward", "launches / landings"]
    bars = [r for r in ax.patches if r.get_fill()]
    assert len(bars) == len([iv for iv in view.docked_intervals() if iv.station == "css"])
    hatched = [r for r in ax.patches if r.get_hatch()]
    assert len(hatched) == 1  # Shenzhou 20 from the damage to its undocking
    damaged = next(iv for iv in view.docked_intervals() if iv.vehicle == "Shenzhou 20")
    assert hatched[0].get_x() == pytest.approx(date_num(damaged.damaged_ns))
    labels = {line.get_label() for line in ax.get_lines()}
    assert {"launch", "landing", "vehicle damaged"} <= labels
    assert "22" in {t.get_text() for t in ax.texts}  # long bars are labelled (without the shared "Shenzhou")
    plt.close(fig)


def test_approach_map_tracks_the_chaser_to_the_station(played):
    p, view = _view(played, "shenzhou-20-damage-2025", "as-happened")
    orbits = Orbits(p.scenario.catalog, ["CSS"], max_age_days=None)
    found = approaches(view, p.scenario, orbits, orbits_shown=100)
    sz21 = next(a for a in found if a["mission"] == "shenzhou-21")
    lon, lat = sz21["chaser"][0]
    assert lat[0] == pytest.approx(40.96, abs=0.01) and lon[0] == pytest.approx(100.29, abs=0.01)  # Jiuquan
    end_lon, end_lat = sz21["chaser"][-1][0][-1], sz21["chaser"][-1][1][-1]
    st_lon, st_lat = sz21["station"][-1][0][-1], sz21["station"][-1][1][-1]
    assert end_lon == pytest.approx(st_lon, abs=1e-6) and end_lat == pytest.approx(st_lat, abs=1e-6)  # docked
    fig, ax = new_figure()
    plot_approach(ax, sz21, [("Jiuquan", p.scenario.spaceports[0].site.site, "^")])
    assert "Shenzhou 21 (chaser)" in {line.get_label() for line in ax.get_lines()}
    assert any(t.get_text() == "Jiuquan" for t in ax.texts)
    plt.close(fig)


def test_czml_structure_and_positions(played, tmp_path):
    p = played("shenzhou-20-damage-2025")
    out, doc = write_czml(p.out, tmp_path / "scene.czml", variant="as-happened", step_s=120)
    assert json.loads(out.read_text()) == doc
    assert doc[0]["id"] == "document" and doc[0]["version"] == "1.0"
    t0, t1 = (to_ns(x) for x in doc[0]["clock"]["interval"].split("/"))
    packets = {d["id"]: d for d in doc[1:]}
    assert len(packets) == len(doc) - 1
    assert set(packets) == {"station/css", "vehicle/Shenzhou 20", "vehicle/Shenzhou 21", "vehicle/Shenzhou 22"}
    station = packets["station/css"]["position"]
    assert station["referenceFrame"] == "FIXED" and len(station["cartesian"]) % 4 == 0
    samples = np.array(station["cartesian"]).reshape(-1, 4)
    epoch = to_ns(station["epoch"])
    t = epoch + np.round(samples[:, 0] * 1e9).astype(np.int64)
    orbits = Orbits(p.scenario.catalog, ["CSS"], max_age_days=None)
    r, _, _ = orbits.itrs(np.array([0]), t[None, :])
    assert np.abs(samples[:, 1:] - r[0] * 1000.0).max() < 1.0  # metres
    view = p.dir.record("as-happened")
    for serial in ("Shenzhou 21", "Shenzhou 22"):
        packet = packets[f"vehicle/{serial}"]
        flight = view.trips()[serial]
        a, b = (to_ns(x) for x in packet["availability"].split("/"))
        ms = 10**6  # CZML times are written to the millisecond
        assert abs(a - max(t0, flight.launch_ns)) < ms and abs(b - min(t1, flight.landing_ns or view.end_ns)) < ms
        pieces = packet["position"]
        assert all(("reference" in x) != ("cartesian" in x) for x in pieces)
        refs = [x for x in pieces if "reference" in x]
        assert refs and all(x["reference"] == "station/css#position" for x in refs)
        docked = next(iv for iv in view.docked_intervals() if iv.vehicle == serial)
        assert abs(to_ns(refs[0]["interval"].split("/")[0]) - docked.start_ns) < ms
        first = pieces[0]  # the flight up: starts at the launch site, ends at the station
        xyz = np.array(first["cartesian"]).reshape(-1, 4)
        assert abs(to_ns(first["epoch"]) - flight.launch_ns) < ms
        assert np.linalg.norm(xyz[0, 1:]) / 1000.0 == pytest.approx(6369.0, abs=15.0)
        t_dock = to_ns(first["epoch"]) + int(round(xyz[-1, 0] * 1e9))
        r_dock, _, _ = orbits.itrs(np.array([0]), np.array([[t_dock]]))
        assert np.linalg.norm(xyz[-1, 1:] - r_dock[0, 0] * 1000.0) < 1.0
        intervals = [tuple(to_ns(x) for x in piece["interval"].split("/")) for piece in pieces]
        assert all(i1[1] <= i2[0] for i1, i2 in zip(intervals, intervals[1:]))  # in order, no overlap


def test_czml_bad_options(played):
    p = played("shenzhou-20-damage-2025")
    with pytest.raises(OrbopsError, match="no variant 'nope'"):
        build_czml(p.dir, variant="nope")
    with pytest.raises(OrbopsError, match="empty export span"):
        build_czml(p.dir, start_ns=to_ns("2030-01-01T00:00Z"))


def test_cli_report_and_export(played, tmp_path):
    p = played("tiangong-international-crew")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "orbops", *args], capture_output=True, text=True, timeout=300)
    done = cli("report", str(p.out), "--no-maps")
    assert done.returncode == 0 and done.stdout.strip().endswith("report.html")
    done = cli("export", "czml", str(p.out), "-o", str(tmp_path / "s.czml"), "--variant", "visit-damaged",
               "--start", "2026-03-30", "--stop", "2026-04-25")
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "s.czml").read_text())
    assert doc[0]["clock"]["interval"] == "2026-03-30T00:00:00.000Z/2026-04-25T00:00:00.000Z"
    assert "vehicle/Shenzhou (rolling backup)" in {d["id"] for d in doc}
    for args, code, words in ((["report", str(tmp_path)], 3, "is not a run directory"),
                              (["export", "czml", str(p.out)], 2, "Missing option"),
                              (["export", "czml", str(p.out), "-o", str(tmp_path / "x.czml"), "--step", "0"], 2,
                               "--step")):
        done = cli(*args)
        assert done.returncode == code and words in done.stderr and "Traceback" not in done.stderr


def test_czml_and_report_of_a_run_that_ends_mid_flight(tmp_path):
    from orbops.sim import Planner, run_scenario

    from .test_engine_rules import _edited
    sc = _edited(tmp_path, ('end = "2026-06-30T00:00:00Z"', 'end = "2025-10-31T16:00:00Z"'),
                 ('net = "2026-04-20T00:00:00Z"     # ASSUMPTION', 'net = "2025-10-31T15:00:00Z"     #'),
                 ('net = "2026-04-20T00:00:00Z"     # after', 'net = "2025-10-31T15:00:00Z"     #'),
                 ('launch_date = { shenzhou-22 = "2025-11-25" }', ''))
    out = write_run_dir(tmp_path / "run", run_scenario(sc, Planner(sc), variants=["no-damage"]), sc)
    doc = build_czml(read_run_dir(out))
    sz21 = next(d for d in doc if d["id"] == "vehicle/Shenzhou 21")
    assert sz21["availability"].endswith("2025-10-31T16:00:00.000Z")  # launched, still flying at the end
    assert "cartesian" in sz21["position"][0]
    assert build_report(out).exists()


def test_czml_ends_a_failed_launch_at_the_failure(played):
    p = played("shenzhou-iss-backup-2011")
    rd = p.dir
    record = rd.record("historical")
    trip = record.trips()["Progress M-12M"]
    assert trip.failed
    doc = build_czml(rd, variant="historical", step_s=300)
    packet = next(d for d in doc if d["id"] == "vehicle/Progress M-12M")
    a, b = (to_ns(x) for x in packet["availability"].split("/"))
    ascent_s = p.scenario.lookup("vehicle_classes", "progress-m").ascent.ascent_s
    assert (b - trip.launch_ns) / 1e9 == pytest.approx(ascent_s, abs=1.0)  # not a month of flight


def test_map_labels_sit_by_their_markers_without_overlapping():
    from orbops.geometry import landing_zone, launch_site
    from orbops.outputs.maps import draw_places, draw_world
    fig, ax = new_figure()
    draw_world(ax)
    places = [("Soyuz landing zone", landing_zone("soyuz").site, "s", "tab:blue"),
              ("Dongfeng", landing_zone("dongfeng").site, "s", "tab:blue"),
              ("Baikonur", launch_site("baikonur").site, "^", "black"),
              ("Jiuquan", launch_site("jiuquan").site, "^", "black")]
    draw_places(ax, places)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = {t.get_text(): t for t in ax.texts}
    boxes = {name: t.get_window_extent(renderer) for name, t in texts.items()}
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not boxes[a].overlaps(boxes[b]), (a, b)
    for name, site, *_ in places:  # each label within a label's height of its own marker
        x, y = ax.transData.transform((site.lon_deg, site.lat_deg))
        box = boxes[name]
        gap = max(box.x0 - x, x - box.x1, box.y0 - y, y - box.y1, 0)
        assert gap < 20, (name, gap)
    kinds = {line.get_label() for line in ax.get_lines()}
    assert {"launch site", "landing zone"} <= kinds  # a legend entry for each kind of marker
    square = next(line for line in ax.get_lines() if line.get_label() == "landing zone")
    assert square.get_markerfacecolor() == "none"  # hollow: a launch site inside the zone stays visible
    plt.close(fig)


def test_groundings_are_spans_and_long_runs_label_their_bars(played):
    p = played("post-shuttle-rotation")
    record = p.dir.record("as-flown")
    fig, ax = new_figure()
    classes = {v.serial: v.vehicle_class for v in p.scenario.vehicles}
    plot_ports(ax, record, "iss", "ISS", classes)
    grounded = [o for o in record.outages() if o[0] == "launcher grounded"]
    spans = [patch for patch in ax.patches if patch.get_label() == "launcher grounded"]
    assert grounded and spans  # the 2011 grounding and the MS-10 one, as spans from grounding to clearance
    assert all(b > a for _, _, a, b in grounded)
    labels = {t.get_text() for t in ax.texts}
    assert {"TMA-22", "MS-09"} <= labels  # the shared "Soyuz" dropped, so nine years of bars carry names
    plt.close(fig)


def test_a_run_of_passed_windows_is_one_row(played):
    from orbops.outputs.report import _collapsed
    record = played("post-shuttle-rotation").dir.record("plan")
    rows = _collapsed(record.windows_considered)
    assert len(rows) < len(record.windows_considered)
    assert sum(n for _, n, _ in rows) == len(record.windows_considered)
    assert all(c.outcome == "used" for c, n, _ in rows if n == 1 and c.outcome == "used")


def test_a_run_directory_is_replaced_whole_or_not_at_all(played, tmp_path, monkeypatch):
    from orbops.outputs import rundir
    p = played("shenzhou-20-damage-2025")
    out = write_run_dir(tmp_path / "run", p.runs, p.scenario)
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}

    def dies_halfway(staged, records, scenario):
        (staged / "timeline.csv").write_text("half a new run\n")
        raise KeyboardInterrupt  # killed while writing
    monkeypatch.setattr(rundir, "_write", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        write_run_dir(out, p.runs, p.scenario)
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()} == before  # the old one, untouched
    assert sorted(f.name for f in tmp_path.iterdir()) == ["run"]  # nothing staged left behind
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(OrbopsError, match="exists and is not a run directory"):
        write_run_dir(tmp_path / "mine", p.runs, p.scenario)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


def test_what_a_killed_writer_left_is_removed_by_the_next_write(tmp_path):
    import subprocess
    import sys

    from orbops.outputs.atomic import atomic_write_text
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process id no longer running
    stale = [tmp_path / f".out.csv.{dead}.x1y2.tmp", tmp_path / f".out.csv.{dead}.x1y2.tmp.parts"]
    stale[0].write_text("partial")
    stale[1].mkdir()
    live = tmp_path / f".out.csv.{os.getpid()}.busy.tmp"  # a writer still at work is left alone
    live.write_text("in progress")
    atomic_write_text(tmp_path / "out.csv", "done\n")
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(["out.csv", live.name])


def test_a_write_onto_a_directory_names_it_and_leaves_no_temporary(tmp_path):
    from orbops.outputs.atomic import atomic_path, atomic_write_text
    (tmp_path / "x.png").mkdir()
    with pytest.raises(OrbopsError, match=f"^{re.escape(str(tmp_path / 'x.png'))} is a directory$"):
        atomic_write_text(tmp_path / "x.png", "data")
    with pytest.raises(OrbopsError, match="x.png is a directory"):
        with atomic_path(tmp_path / "x.png") as tmp:
            tmp.write_bytes(b"png")
    assert [f.name for f in tmp_path.iterdir()] == ["x.png"]  # no .tmp left
    (tmp_path / "plain").write_text("a file")
    with pytest.raises(OrbopsError, match="plain is not a directory"):
        atomic_write_text(tmp_path / "plain" / "deeper" / "x.csv", "data")


def test_a_report_plot_that_cannot_be_written_is_named_and_leaves_nothing(played, tmp_path):
    import shutil

    from orbops.outputs.html import slug
    p = played("shenzhou-20-damage-2025")
    out = tmp_path / "run"
    shutil.copytree(p.out, out)
    record = p.dir.records[0]
    blocked = out / f"report-{slug(record.variant_id)}-{slug(record.station_ids()[0])}-ports.png"
    blocked.unlink(missing_ok=True)  # an earlier test may have built the report
    blocked.mkdir()
    before = sorted(f.name for f in out.iterdir())
    with pytest.raises(OrbopsError, match=f"{re.escape(blocked.name)} is a directory"):
        build_report(out, maps=False)
    assert sorted(f.name for f in out.iterdir()) == before  # no temporary file left beside it


def test_plots_whose_names_meet_get_their_own_files(tmp_path):
    from orbops.outputs.html import Images
    images = Images(tmp_path)
    for _ in range(3):  # e.g. variants "a-b" + station "c" and "a" + "b-c": report-a-b-c-ports.png
        fig, ax = new_figure(2, 2)
        ax.plot([0, 1], [0, 1])
        images.add(fig, "report-a-b-c-ports.png", "plot")
    assert images.files == ["report-a-b-c-ports.png", "report-a-b-c-ports-2.png", "report-a-b-c-ports-3.png"]
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(images.files)
