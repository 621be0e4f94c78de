"""Chunked propagation, state files and the propagate/bench commands."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orbops import load_catalog
from orbops.cli import cli
from orbops.propagation import chunk_slices, propagate, stream
from orbops.timescales import Times


@pytest.fixture(scope="module")
def snapshot(tle_dir):
    return load_catalog(tle_dir / "catalog-gpredict-20180122.tle").latest()


def test_chunks_cover_the_array_in_c_order():
    for n_sat, n_time, size in [(7, 5, 12), (3, 100, 30), (10, 10, 1000), (1, 1, 1)]:
        seen = np.zeros((n_sat, n_time), int)
        order = []
        for sats, cols in chunk_slices(n_sat, n_time, size):
            assert (sats.stop - sats.start) * (cols.stop - cols.start) <= size
            seen[sats, cols] += 1
            order.append((sats.start, cols.start))
        assert np.all(seen == 1)
        assert order == sorted(order)


def test_stream_equals_one_call(snapshot):
    sats = snapshot[:37]
    times = Times.span("2018-01-22", "2018-01-22T02:00", 300)
    whole = propagate(sats, times, backend="numpy")
    parts = np.full_like(whole.r_km, np.nan)
    for chunk in stream(sats, times, backend="numpy", chunk_samples=50):
        parts[chunk.sats, chunk.times] = chunk.states.r_km
    np.testing.assert_array_equal(parts, whole.r_km)


@pytest.mark.parametrize("chunk_samples", [7, 25, 10_000])  # rows cut in time; whole rows; one chunk
def test_stream_per_satellite_times_equals_one_call(snapshot, chunk_samples):
    sats = snapshot[:9]
    offsets = np.arange(0, 12 * 3600, 1800).astype("timedelta64[s]")  # 24 times, each row its own
    times = sats.epoch[:, None] + offsets[None, :]
    times[3, 5] = np.datetime64("NaT")
    whole = propagate(sats, times, backend="numpy")
    r = np.full_like(whole.r_km, 7.0)
    v = np.full_like(whole.v_km_s, 7.0)
    codes = np.full_like(whole.codes, 255)
    seen = np.zeros(whole.shape, int)
    for chunk in stream(sats, times, backend="numpy", chunk_samples=chunk_samples):
        st = chunk.states
        assert st.codes.size <= chunk_samples
        assert st.shape == (chunk.sats.stop - chunk.sats.start, chunk.times.stop - chunk.times.start)
        np.testing.assert_array_equal(st.times, times[chunk.sats, chunk.times])
        np.testing.assert_array_equal(st.norad_ids, sats.norad_id[chunk.sats])
        r[chunk.sats, chunk.times], v[chunk.sats, chunk.times] = st.r_km, st.v_km_s
        codes[chunk.sats, chunk.times] = st.codes
        seen[chunk.sats, chunk.times] += 1
    assert np.all(seen == 1)
    np.testing.assert_array_equal(r, whole.r_km)
    np.testing.assert_array_equal(v, whole.v_km_s)
    np.testing.assert_array_equal(codes, whole.codes)
    assert codes[3, 5] != 0 and np.all(np.delete(codes.ravel(), 3 * 24 + 5) == 0)


def test_stream_refuses_times_of_the_wrong_shape(snapshot):
    from orbops.errors import OrbopsError
    times = np.zeros((4, 3), dtype="datetime64[ns]")
    with pytest.raises(OrbopsError, match="rows for 5 satellites"):
        next(stream(snapshot[:5], times, backend="numpy"))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "npz"])
def test_propagate_command_writes_every_format(tmp_path, tle_dir, fmt):
    out = tmp_path / f"states.{fmt}"
    result = CliRunner().invoke(cli, [
        "propagate", str(tle_dir / "catalog-gpredict-20180122.tle"), "-O", "25544,00694", "--start",
        "2018-01-22", "--stop", "2018-01-22T01:00", "--step", "600", "--frame", "itrs", "--chunk", "1000",
        "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 2 objects x 7 times" in result.stderr
    ref = propagate(load_catalog(tle_dir / "catalog-gpredict-20180122.tle").select(694, 25544).at("2018-01-22"),
                    Times.span("2018-01-22", "2018-01-22T01:00", 600), backend="numpy")
    from orbops.frames import teme_to_itrs
    r_itrs = teme_to_itrs(ref.r_km, ref.times)
    if fmt == "npz":
        data = np.load(out)
        assert list(data["norad_id"]) == [694, 25544] and data["x_km"].shape == (2, 7)
        np.testing.assert_allclose(data["x_km"], r_itrs[..., 0], atol=1e-6)
        assert data["time_utc"].dtype == np.dtype("datetime64[ns]")
    else:
        if fmt == "parquet":
            table = pq.read_table(out)
        else:
            import pyarrow.csv as pcsv
            table = pcsv.read_csv(out)
        assert table.num_rows == 14
        assert table.column_names == ["norad_id", "time_utc", "x_km", "y_km", "z_km", "vx_km_s", "vy_km_s",
                                      "vz_km_s", "code"]
        x = np.array(table.column("x_km")).reshape(2, 7)
        np.testing.assert_allclose(x, r_itrs[..., 0], atol=1e-6)
    assert not list(tmp_path.glob(".*tmp*")), "temporary files left behind"


def test_failed_samples_are_reported_and_kept_as_empty(tmp_path, tle_dir):
    out = tmp_path / "tg1.parquet"
    result = CliRunner().invoke(cli, [
        "propagate", str(tle_dir / "tiangong-1.tle"), "--start", "2018-02-15", "--stop", "2018-12-31",
        "--step", "86400", "-o", str(out)])
    assert result.exit_code == 1, result.output  # failed samples: reported, written, and exit status 1
    assert "SGP4 error 6" in result.stderr and "decayed" in result.stderr
    table = pq.read_table(out)
    codes = np.array(table.column("code"))
    assert (codes == 6).any() and table.column("x_km").null_count == int((codes != 0).sum())


def test_propagate_bad_input(tmp_path, tle_dir):
    runner = CliRunner()
    base = ["propagate", str(tle_dir / "iss-history.tle"), "--start", "2023-01-10", "--stop", "2023-01-11"]
    r = runner.invoke(cli, base + ["--step", "60", "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 3 and "cannot tell the output format" in r.stderr
    r = runner.invoke(cli, base + ["--step", "-5", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2
    r = runner.invoke(cli, ["propagate", str(tle_dir / "iss-history.tle"), "--start", "2023-01-11", "--stop",
                            "2023-01-10", "--step", "60", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 3 and "before start" in r.stderr
    assert not (tmp_path / "x.csv").exists()


def test_bench_command_json(tle_dir, monkeypatch):
    import json
    result = CliRunner().invoke(cli, ["bench", "--sats", "20", "--steps", "30", "--kind", "leo", "--repeats", "1",
                                      "--elements", str(tle_dir / "catalog-gpredict-20180122.tle"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    methods = {r["method"]: r for r in data["results"]}
    from orbops.propagation.benchmark import METHODS, available_methods
    assert set(methods) == set(available_methods(METHODS)[0])
    assert set(data["skipped"]) == set(available_methods(METHODS)[1])
    assert methods["sgp4"]["ratio_to_satrecarray"] == 1.0 and methods["sgp4"]["max_dr_m"] == 0.0
    assert methods["numba"]["max_dr_m"] < 0.01  # exact: within 1 cm of the sgp4 library
    assert all(r["evals_per_s"] > 0 for r in data["results"])


def test_throughput_plot_content():
    from orbops.outputs.plots import new_figure, plot_throughput
    from orbops.propagation.benchmark import Measurement
    data = [Measurement(m, "leo", n, 1440, rate * n, 1.0, 1.0, 1.0)
            for m, rate in (("numba", 2e5), ("sgp4", 3e4)) for n in (1, 10, 100)]
    fig, ax = new_figure()
    plot_throughput(ax, data)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["orbops numba", "sgp4 SatrecArray (reference)"]
    assert list(ax.get_lines()[0].get_xdata()) == [1440, 14400, 144000]
    assert "evaluations" in ax.get_ylabel() and ax.get_xscale() == "log"
