"""``orbops bench``: propagation throughput against the sgp4 library and skyfield, same run."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import click

from ..elements import load_catalog
from ..errors import OrbopsError
from ..propagation.benchmark import DEFAULT_BATCHES, METHODS, benchmark_batches, scaling
from .app import cli
from .common import bundled_elements
from .render import print_json, print_table

DEFAULT_CATALOG = "catalog-gpredict-20180122.tle"  # among the element sets that come with orbops


@cli.command("bench", short_help="Measure propagation throughput against the sgp4 library and skyfield.")
@click.option("--sats", type=click.IntRange(min=1), default=None,
              help="Only this many satellites (with --steps); default: the standard batches "
                   + ", ".join(f"{a} x {b}" for a, b in DEFAULT_BATCHES) + ".")
@click.option("--steps", type=click.IntRange(min=1), default=1440, show_default=True,
              help="Times per satellite with --sats (60 s apart).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["leo", "mixed"]),
              help="Catalog: near-earth only, or the real mix of near-earth and deep space. Default: both.")
@click.option("--method", "methods", multiple=True, type=click.Choice(METHODS),
              help="Methods to measure (repeatable). Default: all.")
@click.option("--repeats", type=click.IntRange(min=1), default=3, show_default=True,
              help="Interleaved rounds; medians are reported.")
@click.option("--elements", type=click.Path(exists=True, dir_okay=False), default=None,
              help=f"Catalog snapshot to replicate. Default: {DEFAULT_CATALOG} of the element sets that come with "
                   "orbops.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="Also measure 1..10000 satellites x 1440 times and save the scaling plot (PNG).")
@click.option("--skyfield-all", is_flag=True, help="Run the skyfield loop on big batches too (slow).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def bench_command(sats, steps, kinds, methods, repeats, elements, plot, skyfield_all, as_json):
    """Throughput in evaluations per second (one satellite at one time, TEME position and velocity)
    for each orbops backend and for the sgp4 library's SatrecArray and a skyfield loop, measured in
    the same run, from UTC datetime64 times (conversion included). Ratios are against SatrecArray,
    per round; peak memory is what the call allocated (tracemalloc).

    \b
    Example: orbops bench --sats 1000 --steps 1440 --method numba --method sgp4
    """
    path = elements or str(Path(bundled_elements()) / DEFAULT_CATALOG)
    if not os.path.exists(path):
        raise OrbopsError(f"catalog {path} not found: run from the repository root or pass --elements FILE")
    catalog = load_catalog(path).latest()
    batches = [(sats, steps)] if sats else list(DEFAULT_BATCHES)
    kinds = kinds or ("leo", "mixed")
    methods = methods or METHODS
    note = (lambda msg: click.echo(f"  {msg}", err=True)) if not as_json else None
    results = benchmark_batches(catalog, batches, kinds=kinds, methods=methods, repeats=repeats,
                                skyfield_all=skyfield_all, progress=note)
    curve = []
    if plot:
        curve = scaling(catalog, methods=methods, repeats=repeats, progress=note)
        from ..outputs.plots import new_figure, plot_throughput, save_figure

        fig, ax = new_figure()
        plot_throughput(ax, curve)
        save_figure(fig, plot)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if as_json:
        print_json({"cpu_count": os.cpu_count(), "peak_rss_mb": peak_rss_mb,
                    "results": [m.as_dict() for m in results], "scaling": [m.as_dict() for m in curve]})
        return
    print_table(["catalog", "batch", "method", "M evals/s", "x SatrecArray", "peak MB"],
                ([m.kind, f"{m.n_sat} x {m.n_time}", m.method, f"{m.evals_per_s / 1e6:.2f}",
                  f"{m.ratio_to_satrecarray:.2f}", f"{m.peak_mb:.0f}"] for m in results),
                right=[False, True, False, True, True, True])
    click.echo(f"{os.cpu_count()} CPUs; process peak RSS {peak_rss_mb:.0f} MB" + (f"; plot: {plot}" if plot else ""))
