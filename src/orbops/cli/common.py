"""Parameter types and element-set resolution shared by the commands."""

from __future__ import annotations

import warnings
from pathlib import Path

import click
import numpy as np

from ..elements import Catalog, load_catalog
from ..errors import ElementsWarning, OrbopsError
from ..timescales import parse_utc
from .app import error, warn

__all__ = ["UTCTime", "load_elements", "pick_objects"]


class UTCTime(click.ParamType):
    """A click parameter: an ISO 8601 UTC instant."""

    name = "UTC"

    def convert(self, value, param, ctx):
        if isinstance(value, np.datetime64):
            return value
        try:
            return parse_utc(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


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
