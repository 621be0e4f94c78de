"""``Propagator.states(out=...)`` fills caller-provided buffers with the same states as fresh arrays."""

from __future__ import annotations

import numpy as np
import pytest

from orbops import load_catalog
from orbops.errors import OrbopsError
from orbops.propagation import Propagator, available_backends
from orbops.timescales import Times


@pytest.mark.parametrize("backend", available_backends())
def test_out_buffers_are_filled_and_reused(backend, tle_dir):
    cat = load_catalog(tle_dir / "catalog-gpredict-20180122.tle").latest()[:40]  # near-earth and deep space
    times = Times.span("2018-01-22", "2018-01-23", 600)
    prop = Propagator(cat, backend=backend)
    fresh = prop.states(times)
    shape = fresh.r_km.shape
    r, v, c = np.full(shape, 7.0), np.full(shape, 7.0), np.full(shape[:2], 99, dtype=np.uint8)
    for _ in range(2):  # a reused buffer gives the same answer again
        got = prop.states(times, out=(r, v, c))
        assert got.r_km is r and got.v_km_s is v and got.codes is c
        np.testing.assert_array_equal(c, fresh.codes)
        np.testing.assert_array_equal(r, fresh.r_km)
        np.testing.assert_array_equal(v, fresh.v_km_s)


def test_out_buffers_are_checked(tle_dir):
    cat = load_catalog(tle_dir / "catalog-gpredict-20180122.tle").latest()[:3]
    prop = Propagator(cat, backend="numpy")
    times = Times.span("2018-01-22", "2018-01-22T01:00", 600)
    good = (np.empty((3, 7, 3)), np.empty((3, 7, 3)), np.empty((3, 7), dtype=np.uint8))
    prop.states(times, out=good)
    for bad in ((np.empty((3, 6, 3)),) + good[1:], (good[0], np.empty((3, 7, 3), dtype=np.float32), good[2]),
                good[:2] + (np.empty((3, 7)),), (np.empty((3, 7, 6))[..., ::2],) + good[1:]):
        with pytest.raises(OrbopsError, match="out buffers"):
            prop.states(times, out=bad)
