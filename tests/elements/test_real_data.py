"""Every real element file in tle/ loads cleanly and agrees with independent parsing by sgp4."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sgp4.api import Satrec

from orbops import load_catalog
from orbops.elements.tle import format_tle_lines, write_tle


def sgp4_pairs(path):
    """(name, line1, line2) read with a plain scan of the file, parsed by the sgp4 library."""
    lines = [ln.rstrip() for ln in path.read_text().splitlines() if ln.strip()]
    out = []
    for i, ln in enumerate(lines):
        if ln.startswith("1 ") and i + 1 < len(lines) and lines[i + 1].startswith("2 "):
            name = lines[i - 1] if i > 0 and not lines[i - 1][:2] in ("1 ", "2 ") else ""
            out.append((name, Satrec.twoline2rv(ln, lines[i + 1]), ln, lines[i + 1]))
    return out


def jd_of(epoch):
    ns = epoch.astype("datetime64[ns]").astype(np.int64)
    return ns // 86_400_000_000_000 + 2440587.5, (ns % 86_400_000_000_000) / 86_400e9


def test_every_tle_file_matches_sgp4(tle_files):
    total = 0
    for path in tle_files:
        cat = load_catalog(path, strict=True)
        ref = sgp4_pairs(path)
        assert len(cat) == len(ref) > 0, path
        for es, (name, sat, l1, l2) in zip(cat, ref):
            assert es.name == name
            assert es.norad_id == sat.satnum
            whole, frac = jd_of(es.epoch)
            assert (whole - sat.jdsatepoch) + (frac - sat.jdsatepochF) == pytest.approx(0.0, abs=2e-11)
            assert np.radians(es.inc_deg) == pytest.approx(sat.inclo, rel=1e-14)
            assert es.ecc == pytest.approx(sat.ecco, rel=1e-14, abs=1e-16)
            assert np.radians(es.mean_anomaly_deg) == pytest.approx(sat.mo, rel=1e-14, abs=1e-16)
            assert es.bstar == pytest.approx(sat.bstar, rel=1e-14, abs=1e-20)
            assert es.tle_lines == (l1, l2)
        total += len(cat)
    assert total > 1700


def test_every_tle_file_round_trips_byte_identical(tle_files):
    for path in tle_files:
        text = path.read_text()
        cat = load_catalog(path, strict=True)
        assert write_tle(cat) == text, path


# The only ways real lines differ from orbops' canonical formatting: zero padding instead of
# blanks in angles and counters, the exponent sign of a zero field, and a negative zero ndot.
def _differences_are_equivalent(original, canonical):
    for col, (a, b) in enumerate(zip(original[:68], canonical[:68]), 1):
        if a == b:
            continue
        if a == "0" and b == " ":
            continue
        if original[0] == "1" and col in (51, 60) and a == "+" and original[col - 6:col - 1] == "00000":
            continue
        if original[0] == "1" and col == 34 and a == "-" and original[34:43] == ".00000000":
            continue
        return False
    return True


def test_canonical_writer_matches_real_lines(tle_files):
    identical = 0
    for path in tle_files:
        for es in load_catalog(path, strict=True):
            canon = format_tle_lines(es)
            for original, mine in zip(es.tle_lines, canon):
                assert _differences_are_equivalent(original, mine), (path, original, mine)
            identical += canon == es.tle_lines
    assert identical > 1300


def test_omm_json_counts_and_epochs(tle_dir):
    path = tle_dir / "iss.omm.json"
    raw = json.loads(path.read_text())
    cat = load_catalog(path, strict=True)
    assert len(cat) == len(raw) == 24
    expected = np.array([r["EPOCH"] for r in raw], dtype="datetime64[ns]")
    assert np.array_equal(cat.epoch, expected)


def test_whole_tle_directory_loads_without_problems(tle_dir):
    cat = load_catalog(tle_dir)
    assert cat.problems == []
    assert {25544, 48274, 37820, 41765} <= set(cat.objects.tolist())
    assert len(load_catalog(tle_dir / "catalog-gpredict-20180122.tle").objects) == 979
