"""Geometry commands: track, passes, eclipses, windows, planes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click
import numpy as np

from ..errors import OrbopsError
from ..geometry import (Ascent, LaunchSite, RendezvousProfile, eclipses, ground_tracks, landing_zone,
                        launch_site, launch_windows, parse_site, passes, plane_geometry, terminator)
from ..geometry.search import time_grid
from ..ops.vehicles import read_profiles, vehicle_model
from ..outputs.atomic import atomic_write_text
from ..scenarios.schema import LIMITS
from ..timescales import format_utc, to_ns
from .app import cli
from .common import (CENTURY_DAYS, DAY_S, Number, UTCTime, elements_option, load_orbits, max_age_option,
                     refuse_input_as_output, span_ns, span_options)
from .render import Progress, print_json, print_table


def _utc(t, digits=0):
    return "" if t is None else format_utc(t, digits)


def _fmt(x, spec=".1f"):
    return "" if x is None else format(x, spec)


# --- track ----------------------------------------------------------------------------------

@cli.command("track", short_help="Ground tracks on a world map (PNG), or as CSV / GeoJSON.")
@click.argument("objects", nargs=-1, required=True)
@click.option("--start", required=True, type=UTCTime(), help="Start (UTC).")
@span_options(hours=3.0)
@click.option("--step", type=Number(1.0, CENTURY_DAYS * DAY_S), default=30.0, show_default=True, metavar="SECONDS",
              help="Sampling step (at most the span).")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default=None,
              help="Write a map (.png), samples (.csv) or tracks (.geojson). Default: print a table.")
@click.option("--terminator", "term", is_flag=True, help="Shade the night side at the start instant.")
@click.option("--terminator-at", "term_at", type=UTCTime(), default=None, help="Shade the night side at this instant.")
@click.option("--site", "sites", multiple=True, metavar="NAME|LAT,LON",
              help="Mark a launch site or place (repeatable): baikonur, jiuquan, ksc-39a, ... or LAT,LON.")
@click.option("--landing-zone", "zones", multiple=True, metavar="NAME", help="Mark a landing zone: soyuz, dongfeng.")
@click.option("--json", "as_json", is_flag=True, help="Print the samples as JSON.")
@max_age_option
@elements_option
def track_command(objects, start, hours, days, stop, step, out, term, term_at, sites, zones, as_json, max_age_days,
                  elements):
    """Ground tracks of OBJECTS (NORAD ids, names or aliases such as ISS and CSS) from --start.

    The map shows each track (split at the antimeridian) with a circle at the
    start and a dot each hour, and optionally the day/night terminator, launch
    sites and landing zones. CSV columns: norad_id, name, time_utc, lat_deg,
    lon_deg, alt_km. GeoJSON: one LineString/MultiLineString per object with
    hourly points and the marked places.

    \b
    Example: orbops track ISS CSS --start 2025-11-05 --hours 3 -o tracks.png
    """
    t0, t1 = span_ns(start, hours, days, stop, default_hours=3.0)
    if step * 1e9 > t1 - t0:
        raise click.BadParameter(f"{step:g} s is longer than the span ({(t1 - t0) / 1e9:g} s)", param_hint="--step")
    refuse_input_as_output(out, elements)
    orbits = load_orbits(elements, objects, (t0, t1), max_age_days)
    tracks = ground_tracks(orbits, time_grid(t0, t1, step))
    places = [(z, landing_zone(z).site, "s", "tab:blue") for z in zones] + [(s, parse_site(s), "^", "black")
                                                                            for s in sites]
    if out is None:
        rows = [r for t in tracks for r in t.rows()]
        if as_json:
            print_json(rows)
        else:
            print_table(["Object", "NORAD", "Time (UTC)", "Lat (deg)", "Lon (deg)", "Alt (km)"],
                        ([r["name"], r["norad_id"], r["time_utc"][:19] + "Z", f"{r['lat_deg']:.3f}",
                          f"{r['lon_deg']:.3f}", f"{r['alt_km']:.1f}"] for r in rows),
                        right=[False, True, False, True, True, True])
        return
    suffix = Path(out).suffix.lower()
    if suffix == ".csv":
        import csv
        import io
        buf = io.StringIO()
        w = csv.DictWriter(buf, ["norad_id", "name", "time_utc", "lat_deg", "lon_deg", "alt_km"], lineterminator="\n")
        w.writeheader()
        for t in tracks:
            w.writerows(t.rows())
        atomic_write_text(out, buf.getvalue())
    elif suffix == ".geojson":
        atomic_write_text(out, json.dumps(_geojson(tracks, places), indent=1))
    elif suffix == ".png":
        from ..outputs.maps import draw_places, draw_terminator, draw_tracks, draw_world
        from ..outputs.plots import new_figure, save_figure

        fig, ax = new_figure(12, 6.6)
        draw_world(ax)
        when = term_at if term_at is not None else (np.datetime64(t0, "ns") if term else None)
        if when is not None:
            lon, lat, slat = terminator(to_ns(when))
            draw_terminator(ax, lon, lat, slat, label=f"night at {format_utc(when)}")
        draw_tracks(ax, tracks)
        draw_places(ax, places)
        ax.set_title(f"Ground tracks from {format_utc(t0)} for {(t1 - t0) / 3.6e12:g} h (start: circle; dots: each "
                     "hour)")
        ax.legend(loc="lower left", fontsize=8)
        save_figure(fig, out)
    else:
        raise OrbopsError(f"cannot write {out!r}: use a .png, .csv or .geojson name")
    click.echo(f"orbops: wrote {len(tracks)} track(s) to {out}", err=True)


def _geojson(tracks, places) -> dict:
    features = []
    for t in tracks:
        segs = [[[round(float(lo), 5), round(float(la), 5)] for lo, la in zip(lon, lat)] for lon, lat in t.segments()]
        geom = ({"type": "LineString", "coordinates": segs[0]} if len(segs) == 1
                else {"type": "MultiLineString", "coordinates": segs})
        features.append({"type": "Feature", "geometry": geom,
                         "properties": {"kind": "ground_track", "norad_id": t.norad_id, "name": t.name,
                                        "start_utc": format_utc(t.times[0]), "stop_utc": format_utc(t.times[-1])}})
        hours = (t.times - t.times[0]) / 3.6e12
        for j in np.r_[0, np.flatnonzero(np.diff(np.floor(hours)) > 0) + 1]:
            if np.isfinite(t.lon_deg[j]):
                features.append({"type": "Feature",
                                 "geometry": {"type": "Point", "coordinates": [float(t.lon_deg[j]), float(t.lat_deg[j])]},
                                 "properties": {"kind": "position", "norad_id": t.norad_id, "name": t.name,
                                                "time_utc": format_utc(t.times[j]), "alt_km": round(float(t.alt_km[j]), 2)}})
    for name, site, *_ in places:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [site.lon_deg, site.lat_deg]},
                         "properties": {"kind": "place", "name": name}})
    return {"type": "FeatureCollection", "features": features}


# --- passes ---------------------------------------------------------------------------------

@cli.command("passes", short_help="Passes of satellites over a site: rise, culmination, set.")
@click.argument("objects", nargs=-1, required=True)
@click.option("--site", required=True, metavar="NAME|LAT,LON[,ALT_M]", help="The observing site.")
@click.option("--start", required=True, type=UTCTime(), help="Start (UTC).")
@span_options(days=1.0)
@click.option("--min-el", type=Number(-10, 89), default=10.0, show_default=True, metavar="DEG",
              help="Elevation mask.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@max_age_option
@elements_option
def passes_command(objects, site, start, hours, days, stop, min_el, as_json, max_age_days, elements):
    """Passes of OBJECTS over --site above --min-el degrees, for --days from --start.

    Reported when the culmination lies inside the span. JSON fields: rise_utc,
    culminate_utc, set_utc (ISO 8601 UTC; null outside the span), max_el_deg,
    rise_az_deg, culminate_az_deg, set_az_deg, duration_s, name, norad_id.

    \b
    Example: orbops passes ISS --site baikonur --start 2025-11-05 --days 2
    """
    place = parse_site(site)
    t0, t1 = span_ns(start, hours, days, stop, default_days=1.0)
    orbits = load_orbits(elements, objects, (t0, t1), max_age_days)
    found = passes(orbits, place, t0, t1, min_el_deg=min_el)
    if as_json:
        print_json([p.as_dict() for p in found])
        return
    print_table(["Object", "Rise (UTC)", "Az", "Culmination (UTC)", "Max el", "Az", "Set (UTC)", "Az", "Dur (s)"],
                ([p.name, _utc(p.rise_ns), _fmt(p.rise_az_deg), _utc(p.culminate_ns), f"{p.max_el_deg:.1f}",
                  _fmt(p.culminate_az_deg), _utc(p.set_ns), _fmt(p.set_az_deg), _fmt(p.duration_s, ".0f")]
                 for p in found),
                right=[False, False, True, False, True, True, False, True, True],
                title=f"{len(found)} passes over {place} above {min_el:g} deg")


# --- eclipses -------------------------------------------------------------------------------

@cli.command("eclipses", short_help="Earth-shadow passages (umbra, penumbra) and beta angle.")
@click.argument("objects", nargs=-1, required=True)
@click.option("--start", required=True, type=UTCTime(), help="Start (UTC).")
@span_options(days=1.0)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@max_age_option
@elements_option
def eclipses_command(objects, start, hours, days, stop, as_json, max_age_days, elements):
    """Shadow passages of OBJECTS: penumbra and umbra entry and exit, duration, beta angle.

    Conical shadow of a spherical Earth; the Sun from the Astronomical
    Almanac's low-precision formulae (about 0.01 deg). Times are UTC.

    \b
    Example: orbops eclipses ISS --start 2025-11-05 --days 1
    """
    t0, t1 = span_ns(start, hours, days, stop, default_days=1.0)
    orbits = load_orbits(elements, objects, (t0, t1), max_age_days)
    found = eclipses(orbits, t0, t1)
    if as_json:
        print_json([e.as_dict() for e in found])
        return
    print_table(["Object", "Penumbra in", "Umbra in", "Umbra out", "Penumbra out", "Shadow (s)", "Beta (deg)"],
                ([e.name, _utc(e.penumbra_entry_ns), _utc(e.umbra_entry_ns), _utc(e.umbra_exit_ns),
                  _utc(e.penumbra_exit_ns), _fmt(e.duration_s, ".0f"), f"{e.beta_deg:.1f}"] for e in found),
                right=[False, False, False, False, False, True, True])


# --- windows --------------------------------------------------------------------------------

def _site_arg(text: str) -> LaunchSite:
    try:
        return launch_site(text)
    except OrbopsError:
        place = parse_site(text)  # coordinates: no constraints
        return LaunchSite(str(place), place)


def _profiles_or_fail(path: str) -> tuple[RendezvousProfile, ...]:
    """Rendezvous profiles from a TOML file of ``[[profile]]`` tables (keys: ``orbops.ops.vehicles.PROFILE_KEYS``)."""
    profiles, problems = read_profiles(path)
    if problems:
        raise OrbopsError(f"{path}: " + "; ".join(f"{where}: {msg}" for where, msg in problems))
    return profiles


@cli.command("windows", short_help="Launch windows: when a site passes under a target's orbital plane.")
@click.option("--site", required=True, metavar="NAME|LAT,LON", help="Launch site: baikonur, jiuquan, ksc-39a, ... or LAT,LON.")
@click.option("--target", required=True, metavar="KEY", help="Target object: ISS, CSS, a NORAD id or name.")
@click.option("--start", required=True, type=UTCTime(), help="Start (UTC).")
@span_options(days=7.0)
@click.option("--vehicle", default=None, metavar="MODEL",
              help="A vehicle model (soyuz, progress, shenzhou, crew-dragon, starliner): its ascent, its profiles "
                   "as flown at each date, and the branches its site allows crew vehicles.")
@click.option("--lead", "lead_s", type=Number(*LIMITS[("ascent", "lead_s")]), default=None, metavar="SECONDS",
              help="Launch time relative to the in-plane instant (negative: before). Default: the vehicle's, else 0.")
@click.option("--ascent", "ascent_s", type=Number(*LIMITS[("ascent", "ascent_s")]), default=None, metavar="SECONDS",
              help="Launch to orbit insertion. Default: the vehicle's, else 530.")
@click.option("--insertion-arc", type=Number(*LIMITS[("ascent", "insertion_arc_deg")]), default=None, metavar="DEG",
              help="Downrange angle of insertion along the target plane. Default: the vehicle's, else 15.")
@click.option("--insertion-alt", type=Number(*LIMITS[("ascent", "insertion_alt_km")]), default=None, metavar="KM",
              help="Insertion orbit altitude (for phasing). Default: the vehicle's, else 200.")
@click.option("--plane-tolerance", type=Number(*LIMITS[("ascent", "plane_tolerance_deg")]), default=0.0,
              show_default=True, metavar="DEG",
              help="How far out of the target plane the site may be at launch; the launch slides within it "
                   "to the time nearest the in-plane instant that gives the fastest profile.")
@click.option("--profiles", "profiles_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="TOML file of rendezvous profiles ([[profile]] name, revolutions, phase_min_deg, phase_max_deg, "
                   "docking_s, lead_s, phasing_alt_km, flown_from, flown_until); replaces the vehicle's.")
@click.option("--all", "show_all", is_flag=True, help="Also list the windows the site does not permit.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@max_age_option
@elements_option
def windows_command(site, target, start, hours, days, stop, vehicle, lead_s, ascent_s, insertion_arc, insertion_alt,
                    plane_tolerance, profiles_file, show_all, as_json, max_age_days, elements):
    """Every instant --site passes through the orbital plane of --target, both branches.

    For each: the launch azimuth (inertial, and for the rocket with the Earth's
    rotation), the branch (northeast/southeast), whether the site permits it,
    the target's phase angle at insertion and, with --vehicle or --profiles, the
    fastest rendezvous profile accepting it and the docking time. JSON fields
    include inplane_utc, launch_utc, azimuth_deg, direction, feasible, reason,
    phase_deg, profile, rendezvous_s, docking_utc.

    \b
    Example: orbops windows --site baikonur --target ISS --start 2025-11-20 --vehicle soyuz
    """
    lsite = _site_arg(site)
    model = vehicle_model(vehicle) if vehicle else None
    base = model.ascent if model else Ascent(0.0, 530.0, 15.0, 200.0)
    ascent = Ascent(base.lead_s if lead_s is None else lead_s, base.ascent_s if ascent_s is None else ascent_s,
                    base.insertion_arc_deg if insertion_arc is None else insertion_arc,
                    base.insertion_alt_km if insertion_alt is None else insertion_alt, plane_tolerance)
    t0, t1 = span_ns(start, hours, days, stop, default_days=7.0)
    orbits = load_orbits(elements, [target], (t0, t1), max_age_days)
    profiles = _profiles_or_fail(profiles_file) if profiles_file else (model.profiles if model else ())
    if lead_s is not None:  # an explicit lead is the lead of every profile
        profiles = tuple(replace(p, lead_s=None) for p in profiles)
    found = launch_windows(lsite, orbits, 0, t0, t1, profiles=profiles, ascent=ascent,
                           vehicle=model.id if model else None, crewed=bool(model and model.crewed))
    if not found:
        inc = float(orbits.catalog.inc_deg[-1])
        raise OrbopsError(f"{lsite.name} never passes through the plane of {orbits.names[0]}: the site latitude "
                          f"{lsite.site.lat_deg:.2f} deg exceeds the orbit's inclination {inc:.2f} deg")
    shown = found if show_all or as_json else [w for w in found if w.feasible]
    if as_json:
        print_json([w.as_dict() for w in shown])
        return
    print_table(["In-plane (UTC)", "Launch (UTC)", "Branch", "Az (deg)", "Az rocket", "Inc (deg)", "Phase (deg)",
                 "Profile", "Rendezvous (h)", "Feasible"],
                ([_utc(w.inplane_ns), _utc(w.launch_ns), w.direction, f"{w.azimuth_deg:.2f}",
                  f"{w.azimuth_rotating_deg:.2f}", f"{w.inclination_deg:.3f}", f"{w.phase_deg:.1f}", w.profile or "",
                  "" if w.rendezvous_s is None else f"{w.rendezvous_s / 3600:.2f}",
                  "yes" if w.feasible else f"no: {w.reason}"] for w in shown),
                right=[False, False, False, True, True, True, True, False, True, False],
                wrap=[False] * 9 + [True],
                title=f"{len(shown)} of {len(found)} in-plane passages of {lsite.name} under {orbits.names[0]}")


# --- planes ---------------------------------------------------------------------------------

@cli.command("planes", short_help="Plane geometry between two orbits: relative inclination, node drift, delta-v.")
@click.argument("a")
@click.argument("b")
@click.option("--start", required=True, type=UTCTime(), help="Start (UTC).")
@span_options(days=365.0)
@click.option("--step", "step_s", type=Number(3600.0, CENTURY_DAYS * DAY_S), default=86400.0, show_default=True,
              metavar="SECONDS", help="Sampling step (seconds, as for every command).")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default=None, help="Save a plot (.png).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--max-age", "max_age_days", type=Number(0, CENTURY_DAYS), default=None, metavar="DAYS",
              help="Refuse instants further than this from every element set (default: no limit; a year of "
                   "planes spans the gaps in a sparse history).")
@elements_option
def planes_command(a, b, start, hours, days, stop, step_s, out, as_json, max_age_days, elements):
    """Relative inclination and RAAN difference of A's and B's orbital planes over time, its drift
    (fitted, and from the J2 formula), the plane-change delta-v between them and when their node lines
    align.

    \b
    Example: orbops planes ISS CSS --start 2025-11-01 --days 365
    """
    t0, t1 = span_ns(start, hours, days, stop, default_days=365.0)
    refuse_input_as_output(out, elements)
    orbits = load_orbits(elements, [a, b], (t0, t1), max_age_days)
    if orbits.norad_ids[0] == orbits.norad_ids[1]:
        raise click.BadParameter(f"{a} and {b} are the same object ({orbits.norad_ids[0]}): give two orbits",
                                 param_hint="A B")
    if t1 - t0 < 2 * step_s * 1e9:
        raise click.BadParameter("the span holds fewer than two steps", param_hint="--days")
    with Progress(1, "computing planes"):
        geo = plane_geometry(orbits, 0, 1, t0, t1, step_s=step_s)
    if out:
        from ..outputs.plots import new_figure, plot_planes, save_figure

        fig, ax = new_figure(10, 5.5)
        plot_planes(ax, geo)
        save_figure(fig, out)
        click.echo(f"orbops: wrote {out}", err=True)
    if as_json:
        print_json(geo.as_dict())
        return
    d = geo.as_dict(every=max(1, int(30 * 86400.0 / step_s)))
    click.echo(f"{geo.names[0]} vs {geo.names[1]}: node drift {geo.drift_deg_per_day:+.4f} deg/day "
               f"(J2 formula {geo.j2_drift_deg_per_day:+.4f}); relative inclination "
               f"{d['relative_inclination_deg']['min']:.2f}..{d['relative_inclination_deg']['max']:.2f} deg; plane change "
               f"{d['plane_change_dv_km_s']['min']:.2f}..{d['plane_change_dv_km_s']['max']:.2f} km/s")
    click.echo("node lines align: " + (", ".join(d["node_alignments_utc"]) or "not within the span"))
    print_table(["Date (UTC)", "Rel. inclination (deg)", "RAAN diff (deg)", "Plane change (km/s)"],
                ([s["time_utc"][:10], f"{s['relative_inclination_deg']:.2f}", f"{s['raan_difference_deg']:.1f}",
                  f"{s['plane_change_dv_km_s']:.3f}"] for s in d["samples"]), right=[False, True, True, True])
