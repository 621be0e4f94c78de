"""``orbops campaign``: Monte Carlo runs of a scenario, local or on Dask, resumable."""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path

import click

from ..campaigns import CampaignLock, CampaignSpec, Progress, Thresholds, run_campaign, scheduler_address
from ..campaigns.runner import check_options, check_scheduler
from ..errors import OrbopsError
from ..outputs.campaign_report import write_campaign_outputs
from ..scenarios import load_scenario
from .app import Terminated as AppTerminated, cli, warn
from .common import CENTURY_DAYS, Number
from .render import Progress as Bar, print_json, print_table


def _check_scheduler(ctx, param, value):
    if value is None:
        return None
    try:
        return scheduler_address(value)
    except OrbopsError as exc:
        raise click.BadParameter(str(exc).removeprefix("--scheduler ")) from None


class Terminated(AppTerminated):
    """The campaign got SIGTERM (or SIGHUP) and stopped; its finished runs are stored (exit code 143)."""


@contextlib.contextmanager
def _stop_on_signals(out):
    """SIGTERM and SIGHUP stop the campaign as Ctrl-C does: workers ended, store closed, lock released."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        for sig in caught:  # a second signal during the clean-up ends the process at once
            signal.signal(sig, signal.SIG_DFL)
        raise Terminated(f"stopped by {signal.Signals(signum).name}: the finished runs are stored in {out}; "
                         "--resume continues the campaign")

    caught = [sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if sig is not None]
    previous = {sig: signal.signal(sig, stop) for sig in caught}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command("campaign", short_help="Monte Carlo: run a scenario many times (local processes or Dask).")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False))
@click.option("--runs", "-n", type=click.IntRange(min=1), required=True, help="Number of runs.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True, help="Campaign directory.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Campaign seed (default: the scenario's).")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: one per core).")
@click.option("--scheduler", default=None, metavar="ADDRESS", callback=_check_scheduler,
              help="Run on a Dask distributed cluster at SCHEME://HOST:PORT, e.g. tcp://host:8786 (tcp, tls, ws, "
                   "wss, ucx; pip install 'orbops[dask]').")
@click.option("--resume", is_flag=True,
              help="Continue the campaign in --out: stored runs are kept, the rest run. --runs must be at least "
                   "the campaign's size so far (more extends it; fewer is refused).")
@click.option("--lifeboat-threshold-hours", type=Number(0, 24 * CENTURY_DAYS), default=24.0, show_default=True,
              help="A lifeboat gap longer than this counts as a bad outcome.")
@click.option("--slip-threshold-days", type=Number(0, CENTURY_DAYS), default=30.0, show_default=True,
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

    One campaign at a time writes OUT: while it runs, OUT/campaign.lock names it (pid, host, start
    time) and any other campaign into OUT, --resume or not, stops at once with that name. A lock
    left by a process that is gone is taken over, with a warning. Local workers end with the
    campaign however it ends (Ctrl-C, SIGTERM, kill -9). --resume continues to --runs runs, which
    must be at least the campaign's size so far: more extends it, fewer is refused (it would drop
    stored runs from the outputs). A store SQLite finds damaged is salvaged: every intact run is
    kept in a fresh store, the damaged file is kept beside it as campaign.sqlite.corrupt-<time>, and
    the runs it lacks are named and run again on --resume. A --scheduler address is checked before
    anything runs, and a scheduler that does not answer within 10 s is one error.
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
    if check_options(runs, workers, scheduler) is not None:
        check_scheduler(scheduler)  # before OUT is made
    with _stop_on_signals(out), CampaignLock.acquire(out, note=progress.note) as lock:  # held to the outputs
        try:
            outcome = run_campaign(spec, Path(out), workers=workers, scheduler=scheduler, resume=resume,
                                   progress=progress, lock=lock)
        finally:
            if "bar" in bar_holder:
                bar_holder["bar"].__exit__(None, None, None)
        summary = write_campaign_outputs(out, Thresholds(lifeboat_threshold_hours, slip_threshold_days), upto=runs)
    rate = outcome["ran"] / outcome["seconds"] if outcome["seconds"] > 0 and outcome["ran"] else 0.0
    where = outcome["scheduler"] or f"{outcome['workers'] or 0} local worker(s)"
    if as_json:
        print_json(summary)
    else:
        rows = []
        for vid, v in summary["variants"].items():
            for key, o in v["outcomes"].items():
                what = summary["outcomes"][o.get("outcome", key)]
                at = f"{o['station']}: " if o.get("station") else ""
                rows.append([v["name"], at + what, f"{100 * o['probability']:.1f} %",
                             f"[{100 * o['ci95'][0]:.1f}, {100 * o['ci95'][1]:.1f}] %", f"{o['count']} of {o['n']}"])
        print_table(["Variant", "Outcome", "Probability", "95 % CI", "Runs"], rows,
                    title=f"{summary['scenario']}: {summary['runs_finished']} runs",
                    right=[False, False, True, True, True], wrap=[True, True, False, False, False])
    click.echo(f"orbops: {outcome['ran']} run(s) in {outcome['seconds']:.1f} s ({rate:.1f} runs/s on {where}); "
               f"wrote {out}/summary.html, summary.json, runs.csv", err=True)
