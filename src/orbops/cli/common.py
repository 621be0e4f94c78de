"""Parameter types and element-set resolution shared by the commands."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import click
import numpy as np

from ..elements import Catalog, load_catalog
from ..errors import ElementsWarning, OrbopsError
from ..timescales import NS_PER_DAY, parse_utc, to_ns
from .app import error, warn

__all__ = ["UTCTime", "load_elements", "pick_objects"]


class UTCTime(click.ParamType):
    """A click parameter: an ISO 8601 UTC instant. With ``end_of_day``, a date alone means the end of
    that day (for the last day of a span), not its start."""

    name = "UTC"

    def __init__(self, *, end_of_day: bool = False) -> None:
        self.end_of_day = end_of_day

    def convert(self, value, param, ctx):
        if isinstance(value, np.datetime64):
            return value
        try:
            t = parse_utc(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if self.end_of_day and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            t = t + np.timedelta64(NS_PER_DAY - 1, "ns")
        return t


def load_elements(paths) -> Catalog:
    """Load element files for a command; bad records become one warning line each."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ElementsWarning)
        catalog = load_catalog(*paths)
    for problem in catalog.problems:
        warn(f"skipped: {str(problem).splitlines()[0]}")
    if len(catalog) == 0:
        raise OrbopsError("no valid element sets in " + ", ".join(str(Path(p)) for p in paths))
    return catalog


def pick_objects(catalog: Catalog, keys, when, max_age_days: float | None = 14.0) -> Catalog:
    """The objects named by ``keys`` (all when empty; comma lists allowed), one set each, nearest ``when``."""
    names = [k.strip() for key in keys for k in str(key).split(",") if k.strip()]
    chosen = catalog.select(*names) if names else catalog
    return chosen.at(when, max_age_days=max_age_days)


def report_failures(states_errors: list[dict], limit: int = 20) -> None:
    """One stderr line per object whose propagation failed somewhere."""
    for entry in states_errors[:limit]:
        error(f"{entry['name'] or entry['norad_id']} ({entry['norad_id']}): SGP4 error {entry['code']} "
              f"from {entry['first_utc']} ({entry['count']} samples): {entry['message']}")
    if len(states_errors) > limit:
        error(f"... and {len(states_errors) - limit} more objects with failed samples")


def default_element_paths() -> list[str]:
    """Where element sets come from when ``--elements`` is not given.

    ``$ORBOPS_ELEMENTS`` (paths separated by ``os.pathsep``), else ``./tle``, else
    the ``tle/`` directory of the orbops source tree.
    """
    import os

    env = os.environ.get("ORBOPS_ELEMENTS")
    if env:
        return env.split(os.pathsep)
    for candidate in (Path.cwd() / "tle", Path(__file__).resolve().parents[3] / "tle"):
        if candidate.is_dir():
            return [str(candidate)]
    raise OrbopsError("no element files found: pass --elements FILE (or set ORBOPS_ELEMENTS)")


def elements_option(func):
    """``--elements FILE`` (repeatable; default: the project's tle/ directory)."""
    return click.option("--elements", "elements", multiple=True, type=click.Path(exists=True),
                        help="Element files or directories (repeatable). Default: the project's tle/ data; "
                             "each instant uses the set nearest to it.")(func)


def load_orbits(elements, keys, **kwargs):
    """:class:`~orbops.geometry.Orbits` for ``keys`` from ``elements`` (or the default data)."""
    from ..geometry import Orbits

    catalog = load_elements(elements or default_element_paths())
    return Orbits(catalog, list(keys), **kwargs)


def span_ns(start, hours: float | None = None, days: float | None = None) -> tuple[int, int]:
    """(t0, t1) int64 ns from a start and a length."""
    t0 = to_ns(start)
    length_s = (hours or 0.0) * 3600.0 + (days or 0.0) * 86400.0
    if length_s <= 0:
        raise OrbopsError("the time span must be positive: give --hours or --days")
    return t0, t0 + int(length_s * 1e9)
