"""``orbops propagate``: states of many objects over a span, streamed to Parquet, CSV or NPZ."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import click

from ..frames import FRAMES, express
from ..outputs import STATE_FORMATS, open_state_writer, state_format_of
from ..propagation import get_backend, stream
from ..propagation.backends import BACKENDS
from ..propagation.stream import DEFAULT_CHUNK_SAMPLES
from ..timescales import Times, format_utc
from .app import cli
from .common import (CENTURY_DAYS, DAY_S, Number, UTCTime, load_elements, pick_objects, refuse_input_as_output,
                     report_failures)
from .render import Progress

FRAME_COLUMNS = {"teme": ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"],
                 "itrs": ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"],
                 "geodetic": ["lat_deg", "lon_deg", "alt_km"]}


@cli.command("propagate", short_help="Propagate element sets over a time span to a Parquet, CSV or NPZ file.")
@click.argument("elements", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--start", required=True, type=UTCTime(), help="First instant (UTC).")
@click.option("--stop", required=True, type=UTCTime(), help="Last instant (UTC, included when on the grid).")
@click.option("--step", required=True, type=Number(0.001, CENTURY_DAYS * DAY_S), metavar="SECONDS",
              help="Time step in seconds.")
@click.option("--frame", type=click.Choice(FRAMES), default="teme", show_default=True,
              help="teme (SGP4's frame), itrs (Earth-fixed) or geodetic (WGS-84 lat/lon/alt).")
@click.option("--object", "-O", "objects", multiple=True, metavar="KEY",
              help="Only these objects: NORAD id, name or alias; repeatable or comma-separated. Default: all.")
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False),
              help="Output file: .parquet, .csv or .npz.")
@click.option("--format", "fmt", type=click.Choice(STATE_FORMATS), default=None,
              help="Output format, if the file name does not tell.")
@click.option("--backend", type=click.Choice(["auto", *BACKENDS]), default="auto", show_default=True,
              help="Propagation backend.")
@click.option("--chunk", "chunk", type=click.IntRange(min=1000), default=DEFAULT_CHUNK_SAMPLES,
              show_default=True, metavar="SAMPLES", help="Samples per chunk (bounds the memory used).")
def propagate_command(elements, start, stop, step, frame, objects, out, fmt, backend, chunk):
    """Propagate the objects in ELEMENTS from --start to --stop every --step seconds.

    Each object uses its element set nearest to --start. States are computed
    in chunks on all cores and written as they come, so memory stays bounded
    whatever the size; the file appears only when complete.

    \b
    Parquet/CSV: one row per object and time with norad_id, time_utc, the
    frame's columns (x_km..vz_km_s, or lat_deg, lon_deg, alt_km) and code
    (SGP4 error code, 0 = good; failed rows have empty values).
    NPZ: norad_id, name, time_utc, each column as (n_sat, n_time), code.

    \b
    Example: orbops propagate tle/css-tianhe.tle --start 2025-11-05 --stop 2025-11-06
               --step 60 --frame geodetic -o css.parquet
    """
    fmt = state_format_of(out, fmt)
    refuse_input_as_output(out, elements)
    catalog = pick_objects(load_elements(elements), objects, start)
    times = Times.span(start, stop, step)
    get_backend(backend)  # fail early on a backend that cannot run
    n_sat, n_time = len(catalog), len(times)
    columns = FRAME_COLUMNS[frame]
    failures: list[dict] = []
    t0 = time.perf_counter()
    with open_state_writer(out, fmt, columns, catalog.norad_id, catalog.name, times.datetime64) as writer, \
            Progress(n_sat * n_time, f"propagating {n_sat} objects", "samples") as bar, \
            ThreadPoolExecutor(1) as pool:
        pending = None
        for chunk_states in stream(catalog, times, backend=backend, chunk_samples=chunk):
            states = chunk_states.states
            values = express(states, frame)
            failures.extend(states.errors())
            if pending is not None:
                pending.result()  # at most one chunk waiting to be written
            pending = pool.submit(writer.write, chunk_states.sats, chunk_states.times, values, states.codes)
            bar.advance(states.codes.size)
        if pending is not None:
            pending.result()
    elapsed = time.perf_counter() - t0
    report_failures(failures)
    click.echo(f"orbops: wrote {n_sat} objects x {n_time} times ({n_sat * n_time:,} samples, {frame}) "
               f"from {format_utc(times.datetime64[0])} to {format_utc(times.datetime64[-1])} to {out} "
               f"in {elapsed:.1f} s", err=True)
