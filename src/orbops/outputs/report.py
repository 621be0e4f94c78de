"""The run report: one self-contained, offline HTML file (plots embedded) plus each plot as PNG beside it.

Built from the run directory alone (``orbops report RUN_DIR`` rebuilds it,
wherever the directory was moved): its run records, and the scenario with
its element sets reloaded from the copies the directory keeps.
"""

from __future__ import annotations

from pathlib import Path

from ..frames import ecef_to_geodetic, teme_to_itrs
from ..geometry import OneObject, Orbits, ground_tracks, split_antimeridian
from ..ops import Scenario
from ..sim import RunRecord
from ..timescales import format_utc
from .approach import approach_path
from .atomic import atomic_write_text
from .html import CSS, Images, escape as _e, slug as _slug, table as _table
from .maps import TRACK_COLORS
from .plots import plt
from .rundir import read_run_dir
from .runplots import plot_approach, plot_crew_seats, plot_ports

__all__ = ["build_report", "REPORT_FILE", "approaches"]

REPORT_FILE = "report.html"
MAX_MAPPED_LAUNCHES = 4
MAPPED_ORBITS = 3.0

def answer_rows(records: list[RunRecord], station_names: dict) -> tuple[list[str], list[list[str]]]:
    """The header's numbers: one column per variant (and station, where several are crewed)."""
    cols = [(v, sid) for v in records for sid in v.station_ids()]
    multi = len({sid for _, sid in cols}) > 1
    header = ["", *[f"{v.variant_name}" + (f" ({station_names.get(sid, sid)})" if multi else "") for v, sid in cols]]

    def cell(v, sid, key):
        st = v.metrics["stations"][sid]
        if key == "decrewed":
            return '<span class="bad">yes</span>' if st["decrewed"] else '<span class="good">no</span>'
        if key == "lifeboat":
            h = st["lifeboat_gap_hours"]
            return f'<span class="{"bad" if h > 0 else "good"}">{h:.1f}</span>'
        if key == "launches":
            return f"{v.metrics['launches']} ({v.metrics['launch_failures']} failed)"
        if key == "sizes":
            return ", ".join(f"{n}: {float(d):.0f} d" for n, d in st["days_at_crew_size"].items())
        return _e(f"{st[key]:.1f}" if isinstance(st[key], float) else st[key])
    rows = [["Crew-days", *[cell(v, s, "crew_days") for v, s in cols]],
            ["De-crewed", *[cell(v, s, "decrewed") for v, s in cols]],
            ["Days without crew", *[cell(v, s, "presence_gap_days") for v, s in cols]],
            ["Hours with crew lacking a seat home", *[cell(v, s, "lifeboat") for v, s in cols]],
            ["Days at each crew size", *[cell(v, s, "sizes") for v, s in cols]],
            ["Most crew aboard", *[cell(v, s, "max_crew") for v, s in cols]],
            ["Launches", *[cell(v, s, "launches") for v, s in cols]]]
    return header, rows


def approaches(record: RunRecord, scenario: Scenario, orbits: Orbits, *, limit: int = MAX_MAPPED_LAUNCHES,
               orbits_shown: float = MAPPED_ORBITS, step_s: float = 30.0) -> list[dict]:
    """Ground tracks of the first ``limit`` launches: the chaser's approach path and the station's track
    over the same span (the first ``orbits_shown`` revolutions after launch at most)."""
    missions = {m.id: m for m in scenario.missions}
    trips = record.trips()
    out = []
    for choice in record.windows_used[:limit]:
        m, w = missions.get(choice.mission), choice.window
        if m is None or w.docking_ns is None:
            continue
        vc = scenario.lookup("vehicle_classes", choice.vehicle_class)
        site = scenario.lookup("spaceports", vc.spaceport).site.site
        station = scenario.lookup("stations", m.station)
        obj = orbits.index(station.object)
        launch, dock = w.launch_ns, w.docking_ns
        trip = next((f for f in trips.values() if f.mission == m.id), None)
        one = OneObject(orbits, obj)
        period_ns = 86400e9 / float(orbits.catalog.mean_motion_rev_day[one.set_row_at(launch)])
        end = min(dock, launch + int(orbits_shown * period_ns))
        failed = bool(trip and trip.failed)
        if failed:
            end = launch + int(round(vc.ascent.ascent_s * 1e9))
        t, r = approach_path(orbits, obj, site, launch, dock, ascent=vc.ascent, step_s=step_s)
        keep = t <= end
        t, r = t[keep], r[keep]
        lat, lon, _ = ecef_to_geodetic(teme_to_itrs(r, t.astype("datetime64[ns]")))
        station_track = ground_tracks(one, t)[0]
        out.append({"label": m.name, "mission": m.id, "station_name": station.id,
                    "chaser": split_antimeridian(lon, lat), "station": station_track.segments(),
                    "launch_utc": format_utc(launch, 1), "failed": failed})
    return out


def build_report(run_dir: str | Path, *, maps: bool = True) -> Path:
    """Write ``report.html`` (and its PNGs) into ``run_dir``; returns the report's path."""
    run_dir = Path(run_dir)
    rd = read_run_dir(run_dir)
    sc, records = rd.scenario, rd.records
    images = Images(run_dir)
    names = {s.id: s.name for s in sc.stations}
    capacity = {s.id: s.crew_capacity for s in sc.stations}
    classes = {v.serial: v.vehicle_class for v in sc.vehicles}
    orbits = Orbits(sc.catalog, [s.object for s in sc.stations], max_age_days=None) if maps else None
    parts = [f"<h1>{_e(sc.name)}</h1>"]
    if sc.question:
        parts.append(f'<p class="question">{_e(sc.question)}</p>')
    parts.append(f'<p class="note">{_e(format_utc(sc.start))} to {_e(format_utc(sc.end))}; '
                 f'seed {rd.run["seed"]}; orbops {rd.run["orbops_version"]}; scenario file '
                 f'{_e(rd.run["scenario_file"])}. Every launch, docking and landing time below is computed '
                 "from the stations' element sets and the site geometry.</p>")
    header, rows = answer_rows(records, names)
    parts += ["<h2>Answer in numbers</h2>", _table(header, rows, numeric=range(1, len(header)))]
    studies = records[0].plane_studies if records else []
    if studies:
        parts.append("<h3>Plane studies</h3>")
        parts.append(_table(["study", "from", "to", "feasible", "finding"],
                            [[_e(s["id"]), _e(s["from"]), _e(s["to"]),
                              '<span class="good">yes</span>' if s["feasible"] else '<span class="bad">no</span>',
                              _e(s["reason"])] for s in studies]))
    for v in records:
        slug = _slug(v.variant_id)
        parts.append(f"<h2>{_e(v.variant_name)}</h2>")
        for sid in v.station_ids():
            n_ports = len({iv.port for iv in v.docked_intervals() if iv.station == sid})
            fig, ax = plt.subplots(figsize=(11, 1.6 + 0.45 * n_ports), layout="constrained")
            plot_ports(ax, v, sid, names.get(sid, sid), classes)
            parts.append(images.add(fig, f"report-{slug}-{_slug(sid)}-ports.png", f"vehicles per port, {v.variant_name}"))
            fig, ax = plt.subplots(figsize=(11, 3.2), layout="constrained")
            plot_crew_seats(ax, v, sid, names.get(sid, sid), capacity.get(sid))
            parts.append(images.add(fig, f"report-{slug}-{_slug(sid)}-crew.png", f"crew and seats, {v.variant_name}"))
        found = approaches(v, sc, orbits) if orbits is not None else []
        if found:
            ncol = 1 if len(found) == 1 else 2
            nrow = (len(found) + ncol - 1) // ncol
            fig, axes = plt.subplots(nrow, ncol, figsize=(6.2 * ncol, 3.4 * nrow + 0.4), layout="constrained",
                                     squeeze=False)
            places = _places(sc, v)
            for k, (a, ax) in enumerate(zip(found, axes.flat)):
                plot_approach(ax, a, places, TRACK_COLORS[k % len(TRACK_COLORS)])
                ax.set_title(f"{a['label']}: launch {a['launch_utc'][:16]}Z" + (" (failed)" if a["failed"] else ""),
                             fontsize=9)
                ax.set_xlabel("longitude (deg)", fontsize=8)
                ax.set_ylabel("latitude (deg)", fontsize=8)
            for ax in list(axes.flat)[len(found):]:
                ax.set_visible(False)
            more = len(v.windows_used) - len(found)
            fig.suptitle(f"Launches and approaches ({v.variant_name}): up to the first {MAPPED_ORBITS:g} revolutions"
                         + (f"; {more} later launch(es) not drawn" if more > 0 else ""), fontsize=10)
            parts.append(images.add(fig, f"report-{slug}-approaches.png", f"approach ground tracks, {v.variant_name}"))
        elif orbits is None:
            parts.append('<p class="note">approach maps not requested</p>')
        calls = [e for e in v.events if e.kind == "rescue_called"]
        if calls:
            parts.append("<h3>Rescue calls</h3>")
            parts += [_rescue_table(v, e) for e in calls]
        parts.append("<h3>Launch windows considered and used</h3>")
        parts.append(_windows_table(v))
        parts.append(f"<details><summary>Event timeline ({len(v.events)} events)</summary>{_timeline_table(v)}"
                     "</details>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(sc.name)} - orbops report</title><style>{CSS}</style></head><body>"
            + "\n".join(parts)
            + '<p class="note">Made by orbops. Plots are also saved as PNG files beside this report: '
            + ", ".join(_e(f) for f in images.files) + ".</p></body></html>\n")
    path = run_dir / REPORT_FILE
    atomic_write_text(path, page)
    for old in run_dir.glob("report-*.png"):  # plots of an earlier build that this one no longer has
        if old.name not in images.files:
            old.unlink()
    return path


def _places(sc: Scenario, record: RunRecord) -> list:
    """Launch sites and landing zones the variant's flights used: ``(name, Site, marker)``."""
    out, seen = [], set()
    for cid in sorted({w.vehicle_class for w in record.windows_used}):
        vc = sc.lookup("vehicle_classes", cid)
        site = sc.lookup("spaceports", vc.spaceport).site.site
        if ("^", site.name) not in seen:
            seen.add(("^", site.name))
            out.append((site.name.split(" (")[0], site, "^"))
        if vc.landing:
            zone = sc.lookup("landing_sites", vc.landing).zone
            if ("s", zone.site.name) not in seen:
                seen.add(("s", zone.site.name))
                out.append((zone.name.split(",")[0].split(" (")[0], zone.site, "s"))
    return out


def _collapsed(choices) -> list[tuple]:
    """Windows considered, with each run of passed windows of one mission for one reason folded into its
    first: ``(choice, how many, the last one)``."""
    out: list[list] = []
    for c in choices:
        last = out[-1] if out else None
        if last and c.outcome != "used" and (last[0].mission, last[0].outcome) == (c.mission, c.outcome):
            last[1] += 1
            last[2] = c
        else:
            out.append([c, 1, c])
    return [tuple(x) for x in out]


def _windows_table(v: RunRecord) -> str:
    rows = []
    for choice, count, last in _collapsed(v.windows_considered):
        w = choice.window
        cls = "good" if choice.outcome == "used" else "bad"
        outcome = choice.outcome if count == 1 else (f"{choice.outcome} ({count} windows, the last launching "
                                                    f"{format_utc(last.window.launch_ns)})")
        rows.append([_e(choice.mission), f'<span class="{cls}">{_e(outcome)}</span>', _e(w.site),
                     _e(format_utc(w.inplane_ns, 1)), _e(format_utc(w.launch_ns, 1)), _e(w.direction),
                     f"{w.azimuth_deg:.1f}", f"{w.phase_deg:.1f}", _e(w.profile or ""),
                     "" if w.rendezvous_s is None else f"{w.rendezvous_s / 3600:.2f}",
                     _e("" if w.docking_ns is None else format_utc(w.docking_ns, 1))])
    if not rows:
        return '<p class="note">No launch in this variant.</p>'
    return _table(["mission", "outcome", "site", "in-plane (UTC)", "launch (UTC)", "branch", "azimuth (deg)",
                   "phase (deg)", "profile", "rendezvous (h)", "docking (UTC)"], rows, numeric=(6, 7, 9))


def _rescue_table(v: RunRecord, e) -> str:
    """A ``rescue_called`` event: what was called (or that none could fly), then each candidate's verdict."""
    head, *verdicts = e.detail.split("; ")
    rows = []
    for item in verdicts:
        mission, _, verdict = item.partition(": ")
        cls = "good" if mission == e.subject else ("bad" if not verdict.startswith("launch ") else "")
        rows.append([f'<span class="{cls}">{_e(mission)}</span>' if cls else _e(mission), _e(verdict)])
    return (f"<p>{_e(v.iso(e.time_s))}: {_e(e.vehicle)} lost as a lifeboat; {_e(head)}.</p>"
            + (_table(["candidate", "verdict"], rows) if rows else ""))


def _timeline_table(v: RunRecord) -> str:
    rows = [[_e(v.iso(e.time_s)), _e(e.kind), _e(e.subject), _e(e.station), _e(e.port), _e(e.vehicle),
             _e(", ".join(e.crew)), _e(e.detail)] for e in v.events]
    return _table(["time (UTC)", "event", "subject", "station", "port", "vehicle", "crew", "detail"], rows)
