"""``orbops elements``: list, check and convert element files."""

from __future__ import annotations

import warnings

import click
import numpy as np

from ..elements import FORMATS, load_catalog, write_elements
from ..elements.io import WRITERS
from ..errors import ElementsWarning
from ..timescales import NS_PER_DAY, format_utc, now_utc, to_ns
from .app import EXIT_CODES, Invalid, cli, error
from .common import CENTURY_DAYS, Number, UTCTime
from .render import print_json, print_table


@cli.command("elements", short_help="List, check and convert element files (TLE, 3LE, OMM).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--at", "at", type=UTCTime(), default=None,
              help="Pick, for each object, the set nearest to this UTC instant; ages are counted from it.")
@click.option("--object", "-O", "objects", multiple=True, metavar="KEY",
              help="Only this object: NORAD id, name or alias (ISS, CSS, TIANGONG-1). Repeatable.")
@click.option("--latest", is_flag=True, help="Only the newest set of each object.")
@click.option("--max-age", type=Number(0, CENTURY_DAYS), default=14.0, show_default=True, metavar="DAYS",
              help="With --at, warn about sets further than this from the instant.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record instead of reporting them all.")
@click.option("--to", "to", type=click.Choice(sorted(WRITERS)), default=None,
              help="Write the (valid) sets to stdout in this format instead of listing them.")
def elements_command(files, as_json, at, objects, latest, max_age, strict, to):
    """List the element sets in FILES (TLE, 3LE, OMM JSON/XML/CSV/KVN; any mix).

    Each set is shown with its name, NORAD id, epoch (UTC), age in days,
    inclination, RAAN, eccentricity, period and mean perigee/apogee altitude
    (km above the equatorial radius). The format of each file is detected from
    its content. Bad records are reported on stderr, one message each, with
    file, line and column; the valid ones are still listed and the exit code
    is 1. Directories are searched for element files.

    \b
    Examples: orbops elements tle/iss-history.tle --latest
              orbops elements tle/iss.omm.json --to tle
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ElementsWarning)  # each problem is printed below
        catalog = load_catalog(*files, strict=strict)
    if objects:
        catalog = catalog.select(*objects)
    if at is not None:
        catalog = catalog.at(at, max_age_days=max_age)
    elif latest:
        catalog = catalog.latest()
    ref = at if at is not None else now_utc()

    if len(catalog) == 0 and catalog.problems:
        pass  # nothing to list; the problems follow
    elif to is not None:
        click.echo(write_elements(catalog, to), nl=False)
    else:
        rows = []
        for es in catalog:
            age = (to_ns(ref) - int(es.epoch.astype(np.int64))) / NS_PER_DAY
            rows.append({
                "name": es.name,
                "norad_id": es.norad_id,
                "intl_designator": es.intl_designator,
                "epoch_utc": format_utc(es.epoch, 6),
                "_epoch": es.epoch,
                "age_days": round(age, 3),
                "inc_deg": es.inc_deg,
                "raan_deg": es.raan_deg,
                "ecc": es.ecc,
                "period_min": round(es.period_min, 3),
                "perigee_alt_km": round(es.perigee_alt_km, 1),
                "apogee_alt_km": round(es.apogee_alt_km, 1),
                "source": es.source,
            })
        if as_json:
            print_json([{k: v for k, v in r.items() if k != "_epoch"} for r in rows])
        else:
            print_table(
                ["Name", "NORAD", "Epoch (UTC)", "Age (d)", "Inc (deg)", "RAAN (deg)", "Ecc",
                 "Period (min)", "Perigee (km)", "Apogee (km)"],
                ([r["name"], r["norad_id"], format_utc(r.pop("_epoch")), f"{r['age_days']:.1f}",
                  f"{r['inc_deg']:.4f}", f"{r['raan_deg']:.4f}", f"{r['ecc']:.7f}",
                  f"{r['period_min']:.2f}", f"{r['perigee_alt_km']:.1f}", f"{r['apogee_alt_km']:.1f}"]
                 for r in rows),
                right=[False, True, False] + [True] * 7,
            )
    if catalog.problems:
        for problem in catalog.problems:
            error(str(problem))
        click.echo(f"orbops: {len(catalog.problems)} invalid record(s) or file(s), {len(catalog)} valid "
                   f"set(s) (exit code 1: {EXIT_CODES[1]})", err=True)
        raise Invalid()


__all__ = ["elements_command", "FORMATS"]
