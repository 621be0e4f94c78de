"""``orbops bench``: propagation throughput and accuracy against the sgp4 library, astroz, heyoka and skyfield,
same run."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import click

from ..elements import load_catalog
from ..errors import OrbopsError
from ..propagation.benchmark import DEFAULT_BATCHES, KINDS, METHODS, available_methods, benchmark_batches, scaling
from .app import cli
from .common import bundled_elements
from .render import print_json, print_table

DEFAULT_CATALOG = "catalog-gpredict-20180122.tle"  # among the element sets that come with orbops
@cli.command("bench", short_help="Measure propagation throughput against the sgp4 library and its peers.")
@click.option("--sats", type=click.IntRange(min=1), default=None,
              help="Only this many satellites (with --steps); default: the standard batches "
                   + ", ".join(f"{k} {a or 'all'} x {b}" for k, a, b in DEFAULT_BATCHES) + ".")
@click.option("--steps", type=click.IntRange(min=1), default=1440, show_default=True,
              help="Times per satellite with --sats (60 s apart).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="With --sats: near-earth sets only, the real mix of near-earth and deep space, or deep space "
                   "only (repeatable). Default: leo and mixed.")
@click.option("--method", "methods", multiple=True, type=click.Choice(METHODS),
              help="Methods to measure (repeatable). Default: all; astroz and heyoka need pip install -e '.[bench]' "
                   "(skipped with a note when absent).")
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
    for each orbops backend, the sgp4 library's SatrecArray, astroz's SatrecArray, heyoka's SGP4
    propagator and a skyfield loop, measured in the same interleaved rounds, from UTC datetime64 times
    (conversion included). Ratios are against SatrecArray, per round (median, and the range over
    rounds); "max dr" is the largest position difference from the sgp4 library over the samples both
    propagate successfully; peak memory is what the call allocated (tracemalloc).

    \b
    Example: orbops bench --sats 1000 --steps 1440 --method numba --method sgp4
    """
    path = elements or str(Path(bundled_elements()) / DEFAULT_CATALOG)
    if not os.path.exists(path):
        raise OrbopsError(f"catalog {path} not found: run from the repository root or pass --elements FILE")
    catalog = load_catalog(path).latest()
    kinds = kinds or ("leo", "mixed")
    batches = [(k, sats, steps) for k in kinds] if sats else list(DEFAULT_BATCHES)
    methods = methods or METHODS
    note = (lambda msg: click.echo(f"  {msg}", err=True))
    results = benchmark_batches(catalog, batches, methods=methods, repeats=repeats,
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
                    "skipped": available_methods(methods)[1],
                    "results": [m.as_dict() for m in results], "scaling": [m.as_dict() for m in curve]})
        return
    print_table(["catalog", "batch", "method", "M evals/s", "x SatrecArray", "(rounds)", "max dr (m)", "peak MB"],
                ([m.kind, f"{m.n_sat} x {m.n_time}", m.method, f"{m.evals_per_s / 1e6:.2f}",
                  f"{m.ratio_to_satrecarray:.2f}", "{:.2f}-{:.2f}".format(*m.ratio_range),
                  "" if m.max_dr_m is None else f"{m.max_dr_m:.3g}", f"{m.peak_mb:.0f}"] for m in results),
                right=[False, True, False, True, True, True, True, True])
    click.echo(f"{os.cpu_count()} CPUs; process peak RSS {peak_rss_mb:.0f} MB" + (f"; plot: {plot}" if plot else ""))
