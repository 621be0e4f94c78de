"""The ``rescue`` command: which ship of which programme can reach a station whose lifeboat is lost."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from ..errors import OrbopsError
from ..geometry import Orbits
from ..rescue import BLOCKERS, HORIZON_DAYS, RESCUE_STAY_S, Adapter, read_fleet, rescue_calendar
from ..timescales import NS_PER_DAY, format_utc, to_ns
from .app import cli, warn
from .common import (Number, UTCTime, check_coverage, default_element_paths, elements_option, load_elements,
                     max_age_option)
from .render import Progress, print_json, print_table, stdout_console

_SUFFIXES = (".html", ".png", ".csv")


def _adapter(ctx, param, values):
    try:
        return tuple(Adapter.parse(v) for v in values)
    except OrbopsError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command("rescue", short_help="Who can bring a stranded crew home, how soon, and why not.")
@click.argument("station", metavar="STATION")
@click.option("--at", "at", type=UTCTime(), default=None, help="The emergency: when the lifeboat is lost (UTC).")
@click.option("--start", type=UTCTime(), default=None,
              help="A calendar instead: an emergency on each day from this instant (UTC), for --days days.")
@click.option("--days", type=click.IntRange(1, 3660), default=None, metavar="DAYS",
              help="Days of the calendar from --start [default: 30].")
@click.option("--crew", type=click.IntRange(1, 20), default=3, show_default=True, metavar="N",
              help="Crew left without a seat home.")
@click.option("--horizon", "horizon_days", type=Number(0, 366, min_open=True), default=HORIZON_DAYS,
              show_default=True, metavar="DAYS", help="How long after the emergency a rescue may launch.")
@click.option("--vehicle", "vehicles", multiple=True, metavar="ID",
              help="Only this rescue vehicle (repeatable; see --fleet). Default: every one of the catalogue.")
@click.option("--adapter", "adapters", multiple=True, callback=_adapter, metavar="SHIP:PORT",
              help="What-if: assume an adapter lets ships of one docking standard dock at ports of another "
                   "(repeatable), e.g. CDM:IDSS for a Shenzhou at an ISS IDSS port. Standards: SSVP, APAS-95, "
                   "IDSS, CDM.")
@click.option("--fleet", "fleets", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="A TOML file of more vehicles and stations, laid out as orbops/data/fleet.toml "
                   "(repeatable; the same id replaces the shipped one).")
@click.option("--stay-hours", type=Number(0, 720), default=RESCUE_STAY_S / 3600, show_default=True,
              metavar="HOURS", help="Time docked before the rescue ship brings the crew home.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (options, reasons, assumptions).")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default=None,
              help="Write a page (.html), a figure (.png) or, for every day and option, a table (.csv).")
@max_age_option
@elements_option
def rescue_command(station, at, start, days, crew, horizon_days, vehicles, adapters, fleets, stay_hours, as_json,
                   out, max_age_days, elements):
    """Which ship of which programme could bring a stranded crew home from
    STATION (iss, css) when its lifeboat is lost, and how soon.

    For every crew vehicle of the catalogue and each of its launch sites: a
    verdict and why (not in service; the site above the station's
    inclination or outside its range's inclinations, with the dogleg's
    delta-v against what the launcher can spare; no port of the ship's
    docking standard, even with the adapters given; too few seats; no
    window within the horizon), else the readiness from the call-up, the
    first launch window after it, the rendezvous profile, the docking and
    the first landing opportunity home; ranked by docking. The assumptions
    are printed with every answer.

    With --start (and --days) the same for an emergency on each day: a
    calendar of days until docking per option (-o calendar.png).

    \b
    Examples:
      orbops rescue css --at 2025-11-05T00:00Z
      orbops rescue iss --at 2022-12-15 --adapter CDM:IDSS --json
      orbops rescue iss --start 2022-12-01 --days 60 -o rescue.html
    """
    if (at is None) == (start is None):
        raise click.UsageError("give one of --at (an emergency) and --start (a calendar of them)")
    if at is not None and days is not None:
        raise click.UsageError("--days goes with --start (a calendar), not with --at")
    if out and Path(out).suffix.lower() not in _SUFFIXES:
        raise click.UsageError(f"--out {out}: expected a .html, .png or .csv file")
    fleet = read_fleet(*fleets)
    st = fleet.station(station)
    for v in vehicles:
        if v not in fleet.vehicles:
            raise click.BadParameter(f"unknown rescue vehicle {v!r}: expected one of "
                                     f"{', '.join(sorted(fleet.vehicles))}", param_hint="--vehicle")
    catalog = load_elements(elements or default_element_paths())
    first = to_ns(at if at is not None else start)
    n_days = 1 if at is not None else (days or 30)
    orbits = Orbits(catalog, [st.object], max_age_days=None)
    check_coverage(orbits, (first, first + (n_days - 1) * NS_PER_DAY), max_age_days)
    with Progress(n_days, "rescue calendar", "days") as bar:
        calendar = rescue_calendar(st.id, first, n_days, catalog, crew=crew, horizon_days=horizon_days,
                                   vehicles=vehicles or None, adapters=adapters, fleet=fleet,
                                   stay_s=stay_hours * 3600.0, max_age_days=max_age_days, progress=bar.advance,
                                   orbits=orbits)
    for note in calendar.notes:
        warn(note)
    if out:
        _write(out, calendar, single=at is not None)
        click.echo(f"orbops: wrote {out}", err=True)
    if at is not None:
        analysis = calendar.on(0)
        if as_json:
            print_json(analysis.as_dict())
        else:
            _print_options(analysis)
            _print_assumptions(analysis.assumptions)
        return
    if as_json:
        print_json(calendar.as_dict())
        return
    _print_calendar(calendar)
    _print_assumptions(calendar.assumptions)


def _write(out: str, calendar, *, single: bool) -> None:
    from ..outputs.rescue_report import write_rescue_csv, write_rescue_report

    if out.lower().endswith(".csv"):
        write_rescue_csv(out, calendar)
    else:
        write_rescue_report(out, calendar.on(0) if single else calendar)


def _days(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}"


def _print_options(analysis) -> None:
    rows, notes = [], []
    for k, o in enumerate(analysis.options, 1):
        if o.feasible:
            verdict = f"docks in {o.days_to_docking:.1f} d"
            port = o.port + (f" (adapter {o.adapter})" if o.adapter else "")
            rows.append([str(k), o.name, o.site, verdict, format_utc(o.launch_ns)[:16], o.profile or "",
                         format_utc(o.docking_ns)[:16], port,
                         format_utc(o.landing_ns)[:16] if o.landing_ns else o.landing_note])
        else:
            if o.reason not in notes:
                notes.append(o.reason)
            rows.append(["–", o.name, o.site, f"{BLOCKERS[o.blocker]} [{notes.index(o.reason) + 1}]",
                         "", "", "", "", ""])
    _say(f"Rescue of {analysis.crew} from {analysis.station_name}, lifeboat lost "
         f"{format_utc(analysis.at_ns)[:16]} UTC (launch within {analysis.horizon_days:g} days)")
    print_table(["#", "Vehicle", "From", "Verdict", "Launch UTC", "Profile", "Docking UTC", "Port", "Home UTC"], rows,
                wrap=[False, True, True, True, False, True, False, True, True], tight=True)
    for k, text in enumerate(notes, 1):
        _say(text, f"[{k}] ")


def _print_calendar(calendar) -> None:
    rows = []
    dd = calendar.days_to_docking()
    for i, key in enumerate(calendar.keys):
        row = calendar.cells[i]
        ok = ~np.isnan(dd[i])
        blockers = sorted({o.blocker for o in row if not o.feasible})
        rows.append([row[0].name, row[0].site_name, f"{int(ok.sum())}/{calendar.days}",
                     _days(float(np.nanmin(dd[i])) if ok.any() else None),
                     _days(float(np.nanmedian(dd[i])) if ok.any() else None),
                     _days(float(np.nanmax(dd[i])) if ok.any() else None),
                     "; ".join(BLOCKERS[b] for b in blockers)])
    end = format_utc(calendar.day_ns[-1])[:10]
    _say(f"Rescue of {calendar.crew} from {calendar.station_name}: an emergency each day "
         f"{format_utc(calendar.start_ns)[:10]} to {end}, days until docking")
    print_table(["Vehicle", "From", "Feasible days", "Fastest d", "Median d", "Slowest d", "Otherwise"], rows,
                wrap=[True, True, False, False, False, False, True], tight=True)
    best = [calendar.on(d).first for d in range(calendar.days)]
    firsts = {}
    for o in best:
        key = "none" if o is None else f"{o.name} from {o.site_name}"
        firsts[key] = firsts.get(key, 0) + 1
    _say("First to dock: " + "; ".join(f"{k} on {n} day(s)" for k, n in firsts.items()))


def _print_assumptions(assumptions) -> None:
    _say("Assumptions:")
    for a in assumptions:
        _say(a, "- ")


def _say(text: str, first: str = "") -> None:
    """A paragraph on stdout, wrapped to the terminal (or $COLUMNS), later lines indented under ``first``."""
    import textwrap

    console = stdout_console()
    width = max(40, console.width)
    console.print(textwrap.fill(text, width, initial_indent=first, subsequent_indent=" " * len(first),
                                break_on_hyphens=False), markup=False, highlight=False)
