"""Every backend against the sgp4 library on all real element sets in tle/, and the API's shapes."""

from __future__ import annotations

import numpy as np
import pytest

from orbops import load_catalog
from orbops.errors import OrbopsError
from orbops.propagation import available_backends, propagate
from orbops.timescales import Times

ONE_CM_KM = 1e-5
BACKENDS = [b for b in available_backends() if b != "sgp4"]


@pytest.fixture(scope="module")
def real_sets(tle_dir):
    return load_catalog(tle_dir)


@pytest.mark.parametrize("backend", BACKENDS)
def test_all_real_sets_plus_minus_3_days(backend, real_sets):
    offsets = np.arange(-3 * 1440, 3 * 1440 + 1, 20).astype("timedelta64[m]")
    times = real_sets.epoch[:, None] + offsets[None, :]  # each set around its own epoch
    ours = propagate(real_sets, times, backend=backend)
    ref = propagate(real_sets, times, backend="sgp4")
    assert np.array_equal(ours.codes, ref.codes)
    ok = ours.codes == 0
    assert ok.mean() > 0.99
    assert np.abs(ours.r_km[ok] - ref.r_km[ok]).max() < ONE_CM_KM
    assert np.abs(ours.v_km_s[ok] - ref.v_km_s[ok]).max() < 1e-8


@pytest.mark.parametrize("backend", available_backends())
def test_shapes(backend, real_sets):
    iss = real_sets.get("ISS", "2023-01-10")
    one = propagate(iss, "2023-01-10T00:00")
    assert one.r_km.shape == (1, 1, 3) and one.codes.shape == (1, 1)
    times = Times.span("2023-01-10", "2023-01-10T01:00", 60)
    many = propagate(real_sets.at("2023-01-10", max_age_days=None)[:5], times, backend=backend)
    assert many.r_km.shape == (5, 61, 3) and many.v_km_s.shape == (5, 61, 3)
    assert many.times.shape == (61,) and many.times.dtype == np.dtype("datetime64[ns]")
    empty = propagate(iss, np.array([], dtype="datetime64[ns]"), backend=backend)
    assert empty.r_km.shape == (1, 0, 3)


def test_one_satellite_is_a_size_one_case_of_many(real_sets):
    group = real_sets.at("2023-01-10", max_age_days=None)[:4]
    times = Times.span("2023-01-10", "2023-01-10T03:00", 300)
    together = propagate(group, times, backend="numpy")
    for i, es in enumerate(group):
        alone = propagate(es, times, backend="numpy")
        np.testing.assert_array_equal(alone.r_km[0], together.r_km[i])


@pytest.mark.parametrize("backend", available_backends())
def test_per_satellite_times(backend, real_sets):
    group = real_sets.at("2023-01-10", max_age_days=None)[:3]
    times = group.epoch[:, None] + np.arange(0, 600, 60).astype("timedelta64[m]")[None, :]
    states = propagate(group, times, backend=backend)
    assert states.times.shape == (3, 10)
    for i, es in enumerate(group):
        alone = propagate(es, times[i], backend=backend)
        np.testing.assert_allclose(states.r_km[i], alone.r_km[0], atol=1e-9)


def test_datetime64_and_iso_and_datetime_inputs(real_sets):
    import datetime as dt
    iss = real_sets.get("ISS", "2023-01-10")
    a = propagate(iss, np.datetime64("2023-01-10T06:00"), backend="numpy")
    b = propagate(iss, "2023-01-10T06:00Z", backend="numpy")
    c = propagate(iss, dt.datetime(2023, 1, 10, 6, tzinfo=dt.timezone.utc), backend="numpy")
    np.testing.assert_array_equal(a.r_km, b.r_km)
    np.testing.assert_array_equal(a.r_km, c.r_km)


def test_bad_inputs(real_sets):
    iss = real_sets.get("ISS", "2023-01-10")
    with pytest.raises(OrbopsError, match="unknown backend"):
        propagate(iss, "2023-01-10", backend="fortran")
    with pytest.raises(OrbopsError, match="rows for 1 satellites"):
        propagate(iss, np.zeros((2, 3), dtype="datetime64[ns]"))
    with pytest.raises(OrbopsError, match="cannot propagate"):
        propagate("ISS", "2023-01-10")
    with pytest.raises(ValueError, match="ISO 8601"):
        propagate(iss, "tomorrow")


def test_decayed_object_in_a_catalog_does_not_raise(real_sets):
    tg1 = real_sets.history("TIANGONG-1")
    last = tg1[len(tg1) - 1]
    times = last.epoch + np.arange(0, 60 * 24 * 400, 60).astype("timedelta64[m]")  # 400 days on
    gps_like = real_sets[int(np.argmin(np.abs(real_sets.mean_motion_rev_day - 2.0056)))]  # a 12-hour orbit
    states = propagate([last, gps_like], times, backend="numpy")
    assert (states.codes[0] != 0).any() and (states.codes[1] == 0).all()
    errs = states.errors()
    assert errs and errs[0]["norad_id"] == 37820
    assert errs[0]["code"] == 6 and errs[0]["message"].startswith("the satellite has decayed")
