from __future__ import annotations

import warnings

import numpy as np
import pytest
from skyfield.api import Loader, load

from orbops import load_catalog
from orbops.errors import StaleElementsWarning


@pytest.fixture(scope="session")
def ts():
    return load.timescale(builtin=True)


@pytest.fixture(scope="session")
def eph():
    from skyfield_data import get_skyfield_data_path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skyfield-data warns that its IERS file is old; de421 is all we use
        return Loader(get_skyfield_data_path(), verbose=False)("de421.bsp")


@pytest.fixture(scope="session")
def history(tle_dir):
    return load_catalog(tle_dir / "iss-history.tle", tle_dir / "css-tianhe.tle", tle_dir / "tiangong-1.tle")


@pytest.fixture(scope="session")
def snapshot(tle_dir):
    return load_catalog(tle_dir / "catalog-gpredict-20180122.tle").latest()


def ns(text: str) -> int:
    return int(np.datetime64(text, "ns").astype(np.int64))


def sf_time(ts, t_ns):
    return ts.utc(1970, 1, 1 + np.asarray(t_ns, dtype=np.int64) / 86_400e9)


def sf_ns(t) -> np.ndarray:
    """skyfield Time(s) -> int64 ns UTC."""
    return np.array([np.datetime64(x.replace(tzinfo=None), "ns").astype(np.int64)
                     for x in np.atleast_1d(t.utc_datetime())])


@pytest.fixture(autouse=True)
def _no_stale_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        yield
