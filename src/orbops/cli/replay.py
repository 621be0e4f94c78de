"""The ``replay`` command: re-fly recorded flights and compare with the record."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import OrbopsError
from ..history import STATIONS, flight_record, read_record, record_path
from ..history.replay import FRESH_DAYS, replay, summarize
from ..ops.vehicles import vehicle_models
from ..outputs.replay_report import signed_minutes, summary_rows, write_replay_report
from ..timescales import to_ns
from .app import cli
from .common import CENTURY_DAYS, Number, UTCTime, default_element_paths, elements_option, load_elements
from .render import Progress, print_json, print_table, stdout_console


@cli.command("replay", short_help="Re-fly real flights from their launch day and compare with the record.")
@click.option("--station", "stations", multiple=True, type=click.Choice(sorted(STATIONS)),
              help="Only flights to this station (repeatable).")
@click.option("--vehicle", "vehicles", multiple=True, metavar="CLASS",
              help="Only this vehicle class (repeatable): " + ", ".join(sorted(vehicle_models())) + ".")
@click.option("--since", type=UTCTime(), default=None, help="Only flights launched at or after this (UTC).")
@click.option("--until", type=UTCTime(end_of_day=True), default=None,
              help="Only flights launched at or before this (UTC; a date alone: to the end of that day).")
@click.option("--flight", "names", multiple=True, metavar="NAME", help="Only this flight (repeatable).")
@click.option("--record", "record", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A flight record CSV with the columns of the shipped one (see the README). "
                   "Default: orbops' own (data/flights.csv).")
@click.option("--pick", type=click.Choice(["before", "nearest"]), default="before", show_default=True,
              help="Station set: the latest before each event (a prediction) or the nearest (a reconstruction).")
@click.option("--fresh-days", type=Number(0, CENTURY_DAYS), default=FRESH_DAYS, show_default=True, metavar="DAYS",
              help="The summary's targets count flights whose station set is at most this much older.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per flight, and the summary.")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default=None,
              help="Write the errors against element age as a figure (.png) or a page with the tables (.html).")
@elements_option
def replay_command(stations, vehicles, since, until, names, record, pick, fresh_days, as_json, out, elements):
    """Re-fly each recorded flight from its real launch day and compare with the record.

    For every flight: the station's element set nearest before the launch
    (its age in days), the predicted launch instant (the first window that
    day on a branch the site allows, at the vehicle's lead for the profile),
    the rendezvous profile (the fastest of those flown at that date that
    accepts the phase angle) and the docking time, and, where the record has
    an undocking, the landing at the recorded landing zone; next to the
    record, as predicted minus recorded in minutes. Flights it cannot predict
    get a reason. The summary gives the targets' figures for flights with
    fresh station sets, separately for the fit's training span (up to 2019)
    and the later, held-out flights.

    \b
    Examples:
      orbops replay
      orbops replay --station iss --vehicle soyuz --since 2020-01-01
      orbops replay --json -o replay.html
    """
    if out and Path(out).suffix.lower() not in (".png", ".html"):
        raise click.UsageError(f"--out {out}: expected a .png or .html file")
    known = vehicle_models()
    for v in vehicles:
        if v not in known:
            raise click.BadParameter(f"unknown vehicle class {v!r}: expected one of {', '.join(sorted(known))}",
                                     param_hint="--vehicle")
    flights = read_record(record) if record else flight_record()
    chosen = [f for f in flights
              if (not stations or f.station in stations) and (not vehicles or f.vehicle_class in vehicles)
              and (since is None or to_ns(f.launch) >= to_ns(since))
              and (until is None or to_ns(f.launch) <= to_ns(until))
              and (not names or f.flight in names)]
    if not chosen:
        raise OrbopsError(f"no flight of {record or record_path()} matches the filters ({len(flights)} flights)")
    catalog = load_elements(elements or default_element_paths())
    with Progress(len(chosen), "re-flying", "flights") as bar:
        results = replay(chosen, catalog, pick=pick, progress=bar.advance)
    summary = summarize(results, fresh_days=fresh_days)
    if out:
        write_replay_report(out, results, summary, record=str(record or record_path()),
                            elements=", ".join(map(str, elements)) or "tle/", fresh_days=fresh_days, pick=pick)
        click.echo(f"orbops: wrote {out}", err=True)
    if as_json:
        print_json({"flights": [r.as_dict() for r in results], "summary": summary})
        return
    rows, notes = [], []
    for r in results:
        f = r.flight
        prof = r.profile or ""
        if r.profile_match is False:
            prof += f" ≠ {f.profile}"
        why = "; ".join(x for x in (r.reason, r.landing_reason) if x and not x.startswith("the record gives"))
        if why and why not in notes:
            notes.append(why)
        age = "" if r.elements_age_days is None else f"{r.elements_age_days:.1f}"
        rows.append([f.flight, str(f.launch)[:10], age, signed_minutes(r.launch_error_s), prof,
                     signed_minutes(r.docking_error_s), signed_minutes(r.landing_error_s),
                     f"[{notes.index(why) + 1}]" if why else ""])
    print_table(["Flight", "Launched", "Age d", "Launch", "Profile", "Docking", "Landing", "Note"], rows,
                right=[False, False, True, True, False, True, True, False], wrap=[True, False, False, False, True,
                                                                                 False, False, False], tight=True,
                title=f"{len(results)} flights re-flown: the station set's age (days) and predicted minus "
                      "recorded launch, docking and landing (minutes); ≠ the profile flown")
    console = stdout_console()
    for k, text in enumerate(notes, 1):
        console.print(f"[{k}] {text}", markup=False, highlight=False)
    _print_summary(summary)


def _print_summary(summary: dict) -> None:
    rows = summary_rows(summary)
    stdout_console().print()
    print_table(["Target"] + ["Training", "Held out", "All", "All ages"], rows,
                right=[False, True, True, True, True],
                title=f"Targets: flights whose station set is at most {summary['fresh_days']:g} days older than the "
                      f"launch; training = launched up to {summary['training_until'][:10]}")
    missing = summary["not_predicted"]
    if missing:
        click.echo(f"{len(missing)} flight(s) not predicted: "
                   + "; ".join(f"{m['flight']} ({m['reason']})" for m in missing[:5])
                   + (" ..." if len(missing) > 5 else ""))
