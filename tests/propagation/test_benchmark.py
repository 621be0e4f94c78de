"""The benchmark code runs on a tiny batch and computes its accuracy columns (no timed assertions)."""

from __future__ import annotations

import math

import pytest

from orbops import load_catalog
from orbops.propagation.benchmark import METHODS, available_methods, benchmark_batches, pools


@pytest.fixture(scope="module")
def catalog(tle_dir):
    return load_catalog(tle_dir / "catalog-gpredict-20180122.tle").latest()


def test_pools_split_the_catalog(catalog):
    p = pools(catalog)
    assert len(p["leo"]) + len(p["deep"]) == len(p["mixed"]) == len(catalog)
    assert len(p["deep"]) > 0


@pytest.mark.parametrize("peer", ["astroz", "heyoka"])
def test_peer_accuracy_column(peer, catalog):
    if peer in available_methods([peer])[1]:
        pytest.skip(f"{peer} is not installed (pip install -e '.[bench]')")
    notes = []
    out = benchmark_batches(catalog, [("leo", 5, 20), ("deep", 3, 20)], methods=["numba", peer], repeats=1,
                            progress=notes.append)
    by = {(m.kind, m.method): m for m in out}
    assert set(by) == {(k, m) for k in ("leo", "deep") for m in ("numba", peer, "sgp4")}
    assert by["leo", "sgp4"].max_dr_m == 0.0 and by["leo", "sgp4"].ratio_to_satrecarray == 1.0
    for kind in ("leo", "deep"):
        assert by[kind, "numba"].max_dr_m < 0.01  # orbops: within 1 cm of the sgp4 library
        assert math.isfinite(by[kind, peer].max_dr_m) and by[kind, peer].evals_per_s > 0
    assert by["leo", peer].max_dr_m < 10.0  # near earth: every peer agrees to metres
    assert any(f"{peer}:" in n and "max |dr|" in n for n in notes)


def test_absent_peer_is_skipped_with_a_note(catalog, monkeypatch):
    import orbops.propagation.benchmark as bm
    monkeypatch.setitem(bm.PEERS, "astroz", "no_such_module_orbops_test")
    notes = []
    out = benchmark_batches(catalog, [("leo", 2, 5)], methods=["astroz", "numpy"], repeats=1, progress=notes.append)
    assert {m.method for m in out} == {"numpy", "sgp4"}
    assert any("skipped: astroz" in n for n in notes)
    assert set(available_methods(METHODS)[0]) >= {"numba", "numpy", "sgp4"}
