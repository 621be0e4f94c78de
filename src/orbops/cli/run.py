"""``orbops run`` and ``orbops validate``: scenario files."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import ScenarioError
from ..outputs.rundir import write_run_dir
from ..scenarios import load_scenario
from ..sim import Planner, run_scenario
from .app import EXIT_INVALID, Invalid, cli, error, warn
from .render import Progress, print_json, print_table


@cli.command("validate", short_help="Check scenario files without running them.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def validate_command(files):
    """Check each scenario FILE: keys, types, references, and combinations that cannot work (a site
    that cannot reach the station's inclination, a docking standard no port takes, dates outside the
    element history). Every problem is listed with its file, line and key path; exit code 1 if any.
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
            rows.append([run.variant.name, sid, f"{st['crew_days']:.0f}", sizes, "yes" if st["decrewed"] else "no",
                         f"{st['presence_gap_days']:.1f}", f"{st['lifeboat_gap_hours']:.1f}",
                         f"{m['launches']} ({m['launch_failures']} failed)"])
    return rows


@cli.command("run", short_help="Play out a scenario file and write its run directory.")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), default=None,
              help="Run directory. Default: runs/<scenario name>.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Random seed (default: the scenario's).")
@click.option("--variant", "variants", multiple=True, metavar="ID", help="Only these variants (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON instead of a table.")
def run_command(scenario, out, seed, variants, as_json):
    """Play out SCENARIO (TOML) on SimPy with every time from the orbits: launch windows from the
    station's element sets and the site geometry, rendezvous from the phase angle, landings at
    landing opportunities. Each variant of the scenario is run; the run directory gets
    timeline.csv / timeline.jsonl (every event), metrics.json (per variant and station),
    windows.json, scenario.json (the scenario as run) and run.json, each written atomically.
    The same scenario and seed give the same files, byte for byte.
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
    runs = run_scenario(sc, planner, seed=seed, variants=variants or None)
    write_run_dir(out, runs)
    elapsed = time.perf_counter() - t0
    if as_json:
        print_json({"run_dir": str(out), "variants": [r.metrics for r in runs]})
    else:
        print_table(["Variant", "Station", "Crew-days", "Days at crew size", "De-crewed", "Gap (d)",
                     "No lifeboat (h)", "Launches"], summary_rows(runs),
                    right=[False, False, True, False, False, True, True, False], title=sc.name)
        if sc.question:
            click.echo(f"Question: {sc.question}")
        for study in runs[0].metrics.get("plane_studies", []) if runs else []:
            verdict = "feasible" if study["feasible"] else "not feasible"
            click.echo(f"Plane study {study['id']} ({study['from']} -> {study['to']}): {verdict}: {study['reason']}")
    click.echo(f"orbops: wrote {out} ({len(runs)} variant(s), {sum(len(r.events) for r in runs)} events) "
               f"in {elapsed:.1f} s", err=True)
