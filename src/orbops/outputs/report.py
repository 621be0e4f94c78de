"""The run report: one self-contained, offline HTML file (plots embedded) plus each plot as PNG beside it.

Built from the run directory alone (``orbops report RUN_DIR`` rebuilds it);
the approach maps also need the scenario's element files, and are left out
with a note when those are gone.
"""

from __future__ import annotations

from pathlib import Path

from ..elements import load_catalog
from ..frames import ecef_to_geodetic, teme_to_itrs
from ..geometry import OneObject, Orbits, ground_tracks, split_antimeridian
from .approach import approach_path
from ..timescales import format_utc
from .atomic import atomic_write_text
from .html import CSS, Images, escape as _e, slug as _slug, table as _table
from .maps import TRACK_COLORS
from .plots import plt
from .rundir import read_run_dir
from .runplots import plot_approach, plot_crew_seats, plot_ports
from .runview import VariantView, ascent_of, run_views, site_of, to_ns

__all__ = ["build_report", "REPORT_FILE", "approaches"]

REPORT_FILE = "report.html"
MAX_MAPPED_LAUNCHES = 4
MAPPED_ORBITS = 3.0

def answer_rows(views: list[VariantView], station_names: dict) -> tuple[list[str], list[list[str]]]:
    """The header's numbers: one column per variant (and station, where several are crewed)."""
    cols = [(v, sid) for v in views for sid in v.station_ids()]
    multi = len({sid for _, sid in cols}) > 1
    header = ["", *[f"{v.name}" + (f" ({station_names.get(sid, sid)})" if multi else "") for v, sid in cols]]

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


def approaches(view: VariantView, scenario: dict, orbits: Orbits | None, *, limit: int = MAX_MAPPED_LAUNCHES,
               orbits_shown: float = MAPPED_ORBITS, step_s: float = 30.0) -> list[dict]:
    """Ground tracks of the first ``limit`` launches: the chaser's approach path and the station's track
    over the same span (the first ``orbits_shown`` revolutions after launch at most)."""
    if orbits is None:
        return []
    missions = {m["id"]: m for m in scenario["missions"]}
    classes = {c["id"]: c for c in scenario["vehicle_classes"]}
    ports = {p["id"]: p for p in scenario["spaceports"]}
    stations = {s["id"]: s for s in scenario["stations"]}
    out = []
    for w in view.windows_used[:limit]:
        m = missions.get(w["mission"])
        if m is None or w.get("docking_utc") is None:
            continue
        vc = classes[w["vehicle_class"]]
        site = site_of(ports[vc["spaceport"]]["site"]["site"])
        obj = orbits.index(stations[m["station"]]["object"])
        launch, dock = to_ns(w["launch_utc"]), to_ns(w["docking_utc"])
        flight = next((f for f in view.flights.values() if f.mission == m["id"]), None)
        ascent = ascent_of(vc)
        one = OneObject(orbits, obj)
        period_ns = 86400e9 / float(orbits.catalog.mean_motion_rev_day[one.set_row_at(launch)])
        end = min(dock, launch + int(orbits_shown * period_ns))
        if flight is not None and flight.failed:
            end = launch + int(round(ascent.ascent_s * 1e9))
        t, r = approach_path(orbits, obj, site, launch, dock, ascent=ascent, step_s=step_s)
        keep = t <= end
        t, r = t[keep], r[keep]
        lat, lon, _ = ecef_to_geodetic(teme_to_itrs(r, t.astype("datetime64[ns]")))
        station_track = ground_tracks(one, t)[0]
        out.append({"label": m.get("name") or m["id"], "mission": m["id"], "station_name": stations[m["station"]]["id"],
                    "chaser": split_antimeridian(lon, lat), "station": station_track.segments(),
                    "launch_utc": w["launch_utc"], "failed": bool(flight and flight.failed)})
    return out


def _orbits_for(scenario: dict) -> tuple[Orbits | None, str]:
    files = list(scenario["element_files"])
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        return None, f"approach maps left out: element file(s) {', '.join(missing)} not found"
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        catalog = load_catalog(*files)
        orbits = Orbits(catalog, [s["object"] for s in scenario["stations"]], max_age_days=None)
    return orbits, ""


def build_report(run_dir: str | Path, *, maps: bool = True) -> Path:
    """Write ``report.html`` (and its PNGs) into ``run_dir``; returns the report's path."""
    run_dir = Path(run_dir)
    data = read_run_dir(run_dir)
    sc = data["scenario"]
    views = run_views(data)
    images = Images(run_dir)
    names = {s["id"]: s["name"] or s["id"] for s in sc["stations"]}
    capacity = {s["id"]: s["crew_capacity"] for s in sc["stations"]}
    classes = {v["serial"]: v["vehicle_class"] for v in sc["vehicles"]}
    orbits, map_note = _orbits_for(sc) if maps else (None, "approach maps not requested")
    parts = [f"<h1>{_e(sc['name'])}</h1>"]
    if sc.get("question"):
        parts.append(f'<p class="question">{_e(sc["question"])}</p>')
    parts.append(f'<p class="note">{_e(format_utc(to_ns(sc["start"])))} to {_e(format_utc(to_ns(sc["end"])))}; '
                 f'seed {data["run"]["seed"]}; orbops {data["run"]["orbops_version"]}; scenario file '
                 f'{_e(data["run"]["scenario_file"])}. Every launch, docking and landing time below is computed '
                 "from the stations' element sets and the site geometry.</p>")
    header, rows = answer_rows(views, names)
    parts += ["<h2>Answer in numbers</h2>", _table(header, rows, numeric=range(1, len(header)))]
    studies = views[0].metrics.get("plane_studies", []) if views else []
    if studies:
        parts.append("<h3>Plane studies</h3>")
        parts.append(_table(["study", "from", "to", "feasible", "finding"],
                            [[_e(s["id"]), _e(s["from"]), _e(s["to"]),
                              '<span class="good">yes</span>' if s["feasible"] else '<span class="bad">no</span>',
                              _e(s["reason"])] for s in studies]))
    for v in views:
        slug = _slug(v.id)
        parts.append(f"<h2>{_e(v.name)}</h2>")
        for sid in v.station_ids():
            n_ports = len({iv.port for iv in v.docked if iv.station == sid})
            fig, ax = plt.subplots(figsize=(11, 1.6 + 0.45 * n_ports), layout="constrained")
            plot_ports(ax, v, sid, names.get(sid, sid), classes)
            parts.append(images.add(fig, f"report-{slug}-{_slug(sid)}-ports.png", f"vehicles per port, {v.name}"))
            fig, ax = plt.subplots(figsize=(11, 3.2), layout="constrained")
            plot_crew_seats(ax, v, sid, names.get(sid, sid), capacity.get(sid))
            parts.append(images.add(fig, f"report-{slug}-{_slug(sid)}-crew.png", f"crew and seats, {v.name}"))
        found = approaches(v, sc, orbits)
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
            fig.suptitle(f"Launches and approaches ({v.name}): up to the first {MAPPED_ORBITS:g} revolutions"
                         + (f"; {more} later launch(es) not drawn" if more > 0 else ""), fontsize=10)
            parts.append(images.add(fig, f"report-{slug}-approaches.png", f"approach ground tracks, {v.name}"))
        elif map_note:
            parts.append(f'<p class="note">{_e(map_note)}</p>')
        parts.append("<h3>Launch windows considered and used</h3>")
        parts.append(_windows_table(v))
        parts.append(f"<details><summary>Event timeline ({len(v.rows)} events)</summary>{_timeline_table(v)}"
                     "</details>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(sc['name'])} - orbops report</title><style>{CSS}</style></head><body>"
            + "\n".join(parts)
            + '<p class="note">Made by orbops. Plots are also saved as PNG files beside this report: '
            + ", ".join(_e(f) for f in images.files) + ".</p></body></html>\n")
    path = run_dir / REPORT_FILE
    atomic_write_text(path, page)
    for old in run_dir.glob("report-*.png"):  # plots of an earlier build that this one no longer has
        if old.name not in images.files:
            old.unlink()
    return path


def _places(sc: dict, view: VariantView) -> list:
    """Launch sites and landing zones the variant's flights used: ``(name, Site, marker)``."""
    used_classes = {w["vehicle_class"] for w in view.windows_used}
    classes = {c["id"]: c for c in sc["vehicle_classes"]}
    out, seen = [], set()
    for cid in sorted(used_classes):
        vc = classes[cid]
        port = next(p for p in sc["spaceports"] if p["id"] == vc["spaceport"])
        s = port["site"]["site"]
        if ("^", s["name"]) not in seen:
            seen.add(("^", s["name"]))
            out.append((s["name"].split(" (")[0], site_of(s), "^"))
        if vc.get("landing"):
            zone = next(z for z in sc["landing_sites"] if z["id"] == vc["landing"])["zone"]
            z = zone["site"]
            if ("s", z["name"]) not in seen:
                seen.add(("s", z["name"]))
                out.append((zone["name"].split(",")[0].split(" (")[0], site_of(z), "s"))
    return out


def _windows_table(v: VariantView) -> str:
    rows = []
    for w in v.windows_considered:
        rv = w.get("rendezvous_s")
        outcome = w["outcome"]
        cls = "good" if outcome == "used" else "bad"
        rows.append([_e(w["mission"]), f'<span class="{cls}">{_e(outcome)}</span>', _e(w["site"]),
                     _e(w["inplane_utc"]), _e(w["launch_utc"]), _e(w["direction"]), f"{w['azimuth_deg']:.1f}",
                     f"{w['phase_deg']:.1f}", _e(w["profile"] or ""), "" if rv is None else f"{rv / 3600:.2f}",
                     _e(w.get("docking_utc") or "")])
    if not rows:
        return '<p class="note">No launch in this variant.</p>'
    return _table(["mission", "outcome", "site", "in-plane (UTC)", "launch (UTC)", "branch", "azimuth (deg)",
                   "phase (deg)", "profile", "rendezvous (h)", "docking (UTC)"], rows, numeric=(6, 7, 9))


def _timeline_table(v: VariantView) -> str:
    rows = [[_e(r["time_utc"]), _e(r["event"]), _e(r["subject"]), _e(r["station"]), _e(r["port"]),
             _e(r["vehicle"]), _e(r["crew"].replace(";", ", ")), _e(r["detail"])] for r in v.rows]
    return _table(["time (UTC)", "event", "subject", "station", "port", "vehicle", "crew", "detail"], rows)
