"""The shipped record re-flown once per test session, from the repository's tle/ data (offline)."""

from __future__ import annotations

import warnings

import pytest

from orbops import load_catalog
from orbops.history import flight_record, replay


@pytest.fixture(scope="session")
def catalog(tle_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few deliberately bad records elsewhere in tle/ are reported, not raised
        return load_catalog(tle_dir)


@pytest.fixture(scope="session")
def record():
    return flight_record()


@pytest.fixture(scope="session")
def replayed(record, catalog):
    """``{flight name: Replayed}`` for the whole record."""
    return {r.flight.flight: r for r in replay(record, catalog)}
