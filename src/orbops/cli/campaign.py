"""``orbops campaign``: Monte Carlo runs of a scenario, local or on Dask, resumable."""

from __future__ import annotations

from pathlib import Path

import click

from ..campaigns import CampaignSpec, CorruptStore, Progress, Thresholds, run_campaign
from ..outputs.campaign_report import write_campaign_outputs
from ..scenarios import load_scenario
from .app import cli, warn
from .render import Progress as Bar, print_json, print_table


@cli.command("campaign", short_help="Monte Carlo: run a scenario many times (local processes or Dask).")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False))
@click.option("--runs", "-n", type=click.IntRange(min=1), required=True, help="Number of runs.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True, help="Campaign directory.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Campaign seed (default: the scenario's).")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: one per core).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask distributed cluster, e.g. tcp://host:8786 (pip install 'orbops[dask]').")
@click.option("--resume", is_flag=True, help="Continue the campaign in --out: stored runs are kept, the rest run.")
@click.option("--lifeboat-threshold-hours", type=click.FloatRange(min=0), default=24.0, show_default=True,
              help="A lifeboat gap longer than this counts as a bad outcome.")
@click.option("--slip-threshold-days", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="A crewed launch later than planned by more than this counts as a rotation slip.")
@click.option("--json", "as_json", is_flag=True, help="Print summary.json instead of a table.")
def campaign_command(scenario, runs, out, seed, workers, scheduler, resume, lifeboat_threshold_hours,
                     slip_threshold_days, as_json):
    """Run SCENARIO --runs times, each run drawing the scenario's [uncertainty] (launch slips,
    launch failures and groundings, vehicle anomalies, pad damage) from its own seed, derived from
    the campaign seed and the run index; `orbops run SCENARIO --seed <seed>` replays any run (the
    seeds are in runs.csv). Every variant of a run meets the same draws. The geometry is computed
    once and shared by all runs.

    Runs go to local worker processes, or with --scheduler to a Dask cluster. Each finished run is
    committed atomically to OUT/campaign.sqlite; a campaign stopped at any point (even killed)
    finishes with --resume, with no run lost or repeated. Then OUT gets runs.parquet and runs.csv
    (one row per run and variant: run, seed, variant, metrics), summary.json (means with 95 %
    confidence intervals, percentiles, probabilities of de-crewing, of lifeboat gaps and of rotation
    slips) and summary.html (histograms and cumulative distributions).
    """
    sc = load_scenario(scenario)
    seed = sc.seed if seed is None else seed
    spec = CampaignSpec(Path(scenario), runs, seed)
    bar_holder: dict = {}

    def started(total, already):
        if already:
            click.echo(f"orbops: {already} of {total} runs already stored; running the other {total - already}",
                       err=True)
        bar_holder["bar"] = Bar(total - already, f"{total - already} runs").__enter__()

    def advanced(result):
        bar_holder["bar"].advance()

    progress = Progress(started=started, advanced=advanced, note=lambda text: warn(text))
    try:
        outcome = run_campaign(spec, Path(out), workers=workers, scheduler=scheduler, resume=resume,
                               progress=progress)
    except CorruptStore as exc:
        warn(f"{exc}; starting the store afresh")
        outcome = run_campaign(spec, Path(out), workers=workers, scheduler=scheduler, resume=True, progress=progress)
    finally:
        if "bar" in bar_holder:
            bar_holder["bar"].__exit__(None, None, None)
    summary = write_campaign_outputs(out, Thresholds(lifeboat_threshold_hours, slip_threshold_days), upto=runs)
    rate = outcome["ran"] / outcome["seconds"] if outcome["seconds"] > 0 and outcome["ran"] else 0.0
    where = outcome["scheduler"] or f"{outcome['workers']} local worker(s)"
    if as_json:
        print_json(summary)
    else:
        rows = []
        for vid, v in summary["variants"].items():
            for key, o in v["outcomes"].items():
                rows.append([v["name"], key, f"{100 * o['probability']:.1f} %",
                             f"[{100 * o['ci95'][0]:.1f}, {100 * o['ci95'][1]:.1f}] %", f"{o['count']} of {o['n']}"])
        print_table(["Variant", "Outcome", "Probability", "95 % CI", "Runs"], rows,
                    title=f"{summary['scenario']}: {summary['runs_finished']} runs")
    click.echo(f"orbops: {outcome['ran']} run(s) in {outcome['seconds']:.1f} s ({rate:.1f} runs/s on {where}); "
               f"wrote {out}/summary.html, summary.json, runs.csv", err=True)
