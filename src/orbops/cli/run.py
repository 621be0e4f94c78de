"""``orbops run``, ``orbops validate``, ``orbops report`` and ``orbops export czml``: scenarios and their runs."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import OrbopsError, ScenarioError
from ..outputs.czml import write_czml
from ..outputs.report import build_report
from ..outputs.rundir import write_run_dir
from ..scenarios import load_scenario
from ..sim import Planner, run_scenario
from .app import EXIT_INVALID, Invalid, cli, error, warn
from .common import Number, UTCTime
from .render import Progress, print_json, print_table


@cli.command("validate", short_help="Check scenario files without running them.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def validate_command(files):
    """Check each scenario FILE: keys, types, references, and combinations that cannot work (a site
    that cannot reach the station's inclination, a docking standard no port takes, dates outside the
    element history). Every problem is listed with its file, line and key path; exit code 1 if any.

    \b
    Example: orbops validate scenarios/*.toml
    """
    bad = 0
    for f in files:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                error(problem)
            continue
        click.echo(f"{f}: ok ({len(sc.missions)} missions, {len(sc.variants) or 1} variant(s), "
                   f"{sc.start.astype('datetime64[D]')} to {sc.end.astype('datetime64[D]')})")
    if bad:
        click.echo(f"orbops: {bad} of {len(files)} scenario file(s) invalid (exit code {EXIT_INVALID})", err=True)
        raise Invalid()


def summary_rows(runs) -> list[list[str]]:
    rows = []
    for run in runs:
        m = run.metrics
        for sid, st in m["stations"].items():
            if st["max_crew"] == 0 and not any(st["port_occupancy"].values()):
                continue  # a station only there for geometry (e.g. a plane study)
            sizes = ", ".join(f"{k}: {float(v):.0f} d" for k, v in st["days_at_crew_size"].items())
            rows.append([run.variant_name, sid, f"{st['crew_days']:.0f}", sizes, "yes" if st["decrewed"] else "no",
                         f"{st['presence_gap_days']:.1f}", f"{st['lifeboat_gap_hours']:.1f}",
                         f"{m['launches']} ({m['launch_failures']} failed)"])
    return rows


@cli.command("run", short_help="Play out a scenario file and write its run directory.")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), default=None,
              help="Run directory. Default: runs/<scenario name>.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Draw the scenario's [uncertainty] with this seed (one Monte Carlo run; a campaign's runs.csv "
                   "gives each run's seed). Without it: the nominal run, no random draws.")
@click.option("--variant", "variants", multiple=True, metavar="ID", help="Only these variants (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON instead of a table.")
@click.option("--no-report", is_flag=True, help="Skip report.html and its plots (faster).")
def run_command(scenario, out, seed, variants, as_json, no_report):
    """Play out SCENARIO (TOML) on SimPy with every time from the orbits: launch windows from the
    station's element sets and the site geometry, rendezvous from the phase angle, landings at
    landing opportunities. Each variant of the scenario is run; the run directory gets
    record.json (the run records: every event, each station's crew and seats, each vehicle's
    state, the windows used and considered) and its views timeline.csv / timeline.jsonl,
    metrics.json, windows.json, scenario.json, with the scenario and copies of its element
    files (so the directory can be moved) and run.json, each written atomically, then
    report.html with its plots (PNG). The same scenario and seed give the same data files,
    byte for byte.

    \b
    Example: orbops run scenarios/shenzhou-iss-backup-2011.toml --out runs/backup
    """
    t0 = time.perf_counter()
    sc = load_scenario(scenario)
    out = Path(out) if out else Path("runs") / Path(scenario).stem
    with Progress(1, "computing launch windows and landing opportunities") as bar:
        planner = Planner(sc).prepare()
        bar.advance()
    for problem in planner.element_problems:
        warn(f"element file: {str(problem).splitlines()[0]}")
    if planner.stale:
        warn(f"{len(planner.stale)} element set(s) used far from their epoch; first: {planner.stale[0]}")
    if seed is not None and not sc.uncertainty:
        warn(f"{scenario} declares no [uncertainty]: --seed {seed} changes nothing")
    runs = run_scenario(sc, planner, seed=seed, variants=variants or None, stochastic=seed is not None)
    write_run_dir(out, runs, sc)
    if not no_report:
        with Progress(1, "drawing the report") as bar:
            build_report(out)
            bar.advance()
    elapsed = time.perf_counter() - t0
    if as_json:
        print_json({"run_dir": str(out), "variants": [r.metrics for r in runs]})
    else:
        rows = summary_rows(runs)
        columns = ["Variant", "Station", "Crew-days", "Days at crew size", "De-crewed", "Gap (d)", "No seat (h)",
                   "Launches"]
        right = [False, False, True, False, False, True, True, False]
        wrap = [True, False, False, True, False, False, False, True]
        title = sc.name
        if len({r[1] for r in rows}) == 1:  # one station: name it once
            title = f"{sc.name}: {rows[0][1]}"
            columns, right, wrap = ([x for k, x in enumerate(seq) if k != 1] for seq in (columns, right, wrap))
            rows = [[x for k, x in enumerate(r) if k != 1] for r in rows]
        print_table(columns, rows, right=right, wrap=wrap, title=title)
        click.echo("No seat (h): hours with crew aboard lacking a seat home (the lifeboat rule).")
        if sc.question:
            click.echo(f"Question: {sc.question}")
        for study in runs[0].metrics.get("plane_studies", []) if runs else []:
            verdict = "feasible" if study["feasible"] else "not feasible"
            click.echo(f"Plane study {study['id']} ({study['from']} -> {study['to']}): {verdict}: {study['reason']}")
    click.echo(f"orbops: wrote {out} ({len(runs)} variant(s), {sum(len(r.events) for r in runs)} events) "
               f"in {elapsed:.1f} s" + ("" if no_report else f"; open {out / 'report.html'}"), err=True)


@cli.command("report", short_help="(Re)build report.html of a run directory.")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--no-maps", is_flag=True, help="Leave the approach maps out (faster).")
def report_command(run_dir, no_maps):
    """Build RUN_DIR/report.html: one self-contained offline page (plots embedded) with the
    scenario's question and its answer in numbers for every variant side by side, vehicles per
    docking port over time, crew aboard against lifeboat seats with every gap shaded, the launch
    windows considered and used, approach ground tracks on a world map and the event timeline.
    Each plot is also saved as PNG beside the report.

    \b
    Example: orbops report runs/backup
    """
    _need_run_dir(run_dir)
    path = build_report(run_dir, maps=not no_maps)
    click.echo(str(path))


@cli.group("export", short_help="Export a run for other tools (CZML for CesiumJS).")
def export_group():
    """Export a run directory to other formats."""


@export_group.command("czml")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False), help="The .czml file to write.")
@click.option("--variant", default=None, metavar="ID", help="The variant to export (default: the first).")
@click.option("--start", type=UTCTime(), default=None, help="Export from (UTC).")
@click.option("--stop", type=UTCTime(), default=None, help="Export until (UTC).")
@click.option("--step", type=Number(1.0, 600.0), default=60.0, show_default=True, metavar="SECONDS",
              help="Sample spacing of the positions.")
def export_czml_command(run_dir, out, variant, start, stop, step):
    """A CZML scene (CesiumJS) of RUN_DIR: each station and every vehicle as time-tagged
    Earth-fixed positions from the propagation, each vehicle available from launch to landing,
    its docked intervals attached to its station, with labels and paths. Without --start/--stop
    the whole run is exported when it lasts at most 30 days, else 30 days from the day before
    the first launch.

    \b
    Example: orbops export czml runs/backup -o backup.czml --variant historical
    """
    _need_run_dir(run_dir)
    to_ns = (lambda t: None if t is None else int(t.astype("datetime64[ns]").astype("int64")))
    path, doc = write_czml(run_dir, out, variant=variant, start_ns=to_ns(start), stop_ns=to_ns(stop), step_s=step)
    clock = doc[0]["clock"]["interval"].split("/")
    click.echo(f"orbops: wrote {path} ({len(doc) - 1} objects, {clock[0]} to {clock[1]})", err=True)


def _need_run_dir(run_dir) -> None:
    missing = [name for name in ("run.json", "record.json", "scenario.toml") if not (Path(run_dir) / name).is_file()]
    if missing:
        raise OrbopsError(f"{run_dir} is not a run directory (no {', '.join(missing)}): make one with orbops run")
