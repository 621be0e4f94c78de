"""Parameter types and element-set resolution shared by the commands."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import click
import numpy as np

from ..elements import Catalog, element_files_in, load_catalog
from ..errors import ElementsError, ElementsWarning, OrbopsError
from ..timescales import NS_PER_DAY, format_utc, parse_utc, to_ns
from .app import error, warn

__all__ = ["UTCTime", "Number", "load_elements", "pick_objects", "load_orbits", "span_ns", "span_options",
           "max_age_option", "mark_invalid", "object_keys", "default_element_paths", "refuse_input_as_output"]


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


DAY_S = 86400.0
CENTURY_DAYS = 36525.0
"""The longest span or step any command takes (as the scenarios: no duration is longer than a century)."""


class Number(click.FloatRange):
    """A click parameter: a finite number (NaN and infinities are a usage error naming the option), within
    ``min``/``max`` as :class:`click.FloatRange` checks them. Every float option of every command is one."""

    name = "number"

    def convert(self, value, param, ctx):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


def mark_invalid() -> None:
    """Note that the command met invalid input (bad records, failed samples): it finishes with what was
    valid, then exits with code 1."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta["orbops.invalid"] = True


def load_elements(paths) -> Catalog:
    """Load element files for a command; bad records become one warning line each (and exit code 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ElementsWarning)
        catalog = load_catalog(*paths)
    for problem in catalog.problems:
        warn(f"skipped: {str(problem).splitlines()[0]}")
    if catalog.problems:
        mark_invalid()
    if len(catalog) == 0:
        raise OrbopsError("no valid element sets in " + ", ".join(str(Path(p)) for p in paths))
    return catalog


def pick_objects(catalog: Catalog, keys, when, max_age_days: float | None = 14.0) -> Catalog:
    """The objects named by ``keys`` (all when empty; comma lists allowed), one set each, nearest ``when``."""
    names = object_keys(keys)
    chosen = catalog.select(*names) if names else catalog
    return chosen.at(when, max_age_days=max_age_days)


def refuse_input_as_output(out, paths, option: str = "--out") -> None:
    """Refuse to write ``out`` when it is one of the element files ``paths`` reads (a file, or a file in a
    directory): the output would replace its own input."""
    if out is None or not Path(out).exists():
        return
    for p in paths:
        try:
            files = element_files_in(p)
        except (ElementsError, OSError):
            continue
        for f in files:
            try:
                same = Path(out).samefile(f)
            except OSError:
                continue
            if same:
                raise OrbopsError(f"{option} is one of the input element files ({f}): choose another name")


def report_failures(states_errors: list[dict], limit: int = 20) -> None:
    """One stderr line per object whose propagation failed somewhere (and exit code 1)."""
    if states_errors:
        mark_invalid()
    for entry in states_errors[:limit]:
        error(f"{entry['name'] or entry['norad_id']} ({entry['norad_id']}): SGP4 error {entry['code']} "
              f"from {entry['first_utc']} ({entry['count']} samples): {entry['message']}")
    if len(states_errors) > limit:
        error(f"... and {len(states_errors) - limit} more objects with failed samples")


def default_element_paths() -> list[str]:
    """Where element sets come from when ``--elements`` is not given: ``$ORBOPS_ELEMENTS`` (files or
    directories separated by ``os.pathsep``), else the element sets that come with orbops (the ``tle/``
    folder of the source tree, or its installed copy under ``<prefix>/share/orbops/tle``). Never the
    current directory's files."""
    import os

    env = os.environ.get("ORBOPS_ELEMENTS")
    if env:
        paths = [p for p in env.split(os.pathsep) if p]
        missing = [p for p in paths if not Path(p).exists()]
        if missing or not paths:
            raise OrbopsError(f"ORBOPS_ELEMENTS names {', '.join(missing) or 'nothing'}: not found")
        return paths
    return [bundled_elements()]


def bundled_elements() -> str:
    """The folder of element sets that come with orbops: the source tree's ``tle/`` (a checkout or an
    editable install), else its installed copy ``<prefix>/share/orbops/tle``."""
    import sys

    for candidate in (Path(__file__).resolve().parents[3] / "tle", Path(sys.prefix) / "share" / "orbops" / "tle"):
        if candidate.is_dir() and any(candidate.glob("*.tle")):
            return str(candidate)
    raise OrbopsError("no element files found: pass --elements FILE (or set ORBOPS_ELEMENTS)")


def elements_option(func):
    """``--elements FILE`` (repeatable; default: the project's tle/ directory)."""
    return click.option("--elements", "elements", multiple=True, type=click.Path(exists=True),
                        help="Element files or directories (repeatable). Default: $ORBOPS_ELEMENTS, else the "
                             "element sets that come with orbops (never the current folder's); each instant "
                             "uses the set nearest to it.")(func)


def object_keys(keys) -> list[str]:
    """Object keys from arguments or options, each possibly a comma list (``ISS,CSS``)."""
    return [k.strip() for key in keys for k in str(key).split(",") if k.strip()]


def load_orbits(elements, keys, span=None, max_age_days: float | None = None, **kwargs):
    """:class:`~orbops.geometry.Orbits` for ``keys`` (comma lists allowed) from ``elements`` (or the default
    data). With ``span`` (t0, t1 ns) and ``max_age_days``, every object must have an element set within
    that many days of every instant of the span, else an error says which and what its history covers."""
    from ..geometry import Orbits

    catalog = load_elements(elements or default_element_paths())
    orbits = Orbits(catalog, object_keys(keys), **kwargs)
    if span is not None and max_age_days is not None:
        check_coverage(orbits, span, max_age_days)
    return orbits


def check_coverage(orbits, span, max_age_days: float) -> None:
    """Refuse a span with an instant more than ``max_age_days`` from every element set of an object."""
    t0, t1 = span
    for k in range(len(orbits)):
        rows = orbits.catalog.norad_id == orbits.norad_ids[k]
        epochs = np.sort(orbits.catalog.epoch[rows].astype(np.int64))
        probes = np.unique(np.r_[t0, t1, epochs[(epochs > t0) & (epochs < t1)],
                                 (epochs[1:] + epochs[:-1]) // 2])  # the ends, and the worst instants between sets
        probes = probes[(probes >= t0) & (probes <= t1)]
        age = np.abs(probes[:, None] - epochs[None, :]).min(axis=1) / NS_PER_DAY
        if age.max() > max_age_days:
            worst = int(probes[int(np.argmax(age))])
            raise OrbopsError(
                f"{orbits.names[k] or orbits.norad_ids[k]} ({orbits.norad_ids[k]}) has no element set within "
                f"{max_age_days:g} days of {format_utc(worst)} (its sets: {format_utc(epochs[0])} to "
                f"{format_utc(epochs[-1])}, {len(epochs)} of them): SGP4 far from its epoch is not the orbit. "
                "Give other --elements, or --max-age DAYS to allow it")


def max_age_option(func):
    """``--max-age DAYS``: how far from its element set an instant may be."""
    return click.option("--max-age", "max_age_days", type=Number(0, CENTURY_DAYS), default=30.0, show_default=True,
                        metavar="DAYS", help="Refuse instants further than this from every element set of an "
                                             "object (SGP4 is good for days, not months).")(func)


def span_options(hours: float | None = None, days: float | None = None):
    """``--hours`` / ``--days`` / ``--stop``: the length (or end) of the span from ``--start``; the default is
    ``hours`` or ``days``."""
    def deco(func):
        func = click.option("--stop", type=UTCTime(), default=None,
                            help="End of the span (UTC), instead of a length.")(func)
        func = click.option("--days", type=Number(0, CENTURY_DAYS, min_open=True), default=None, metavar="DAYS",
                            help="Length of the span in days" + (f" [default: {days:g}]" if days else "") + ".")(func)
        func = click.option("--hours", type=Number(0, 24 * CENTURY_DAYS, min_open=True), default=None,
                            metavar="HOURS",
                            help="Length of the span in hours" + (f" [default: {hours:g}]" if hours else "")
                                 + ".")(func)
        return func
    return deco


def span_ns(start, hours: float | None = None, days: float | None = None, stop=None, *,
            default_hours: float | None = None, default_days: float | None = None) -> tuple[int, int]:
    """(t0, t1) int64 ns from a start and one of a length in hours, in days, or a stop instant."""
    given = [x for x in (hours, days, stop) if x is not None]
    if len(given) > 1:
        raise click.UsageError("give one of --hours, --days and --stop")
    t0 = to_ns(start)
    if stop is not None:
        t1 = to_ns(stop)
        if t1 <= t0:
            raise click.BadParameter(f"{format_utc(t1)} is not after --start {format_utc(t0)}", param_hint="--stop")
        return t0, t1
    if hours is None and days is None:
        hours, days = default_hours, default_days
    length_s = (hours or 0.0) * 3600.0 + (days or 0.0) * 86400.0
    if length_s <= 0:
        raise click.UsageError("the time span must be positive: give --hours, --days or --stop")
    if length_s > CENTURY_DAYS * DAY_S:
        raise click.BadParameter("a span of more than a century", param_hint="--days")
    return t0, t0 + int(length_s * 1e9)
