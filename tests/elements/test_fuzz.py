"""Property tests: any bytes, and mutated real files, give records or a located ElementsError, fast.

For arbitrary byte strings and for mutations of the real files in tle/ (bytes
flipped, truncated, inserted, long runs of spaces or digits, deep nesting),
``read_elements`` and ``parse_elements`` on TLE and the four OMM encodings
either return records or raise an :class:`ElementsError` whose message names
the file and a line or record, within a bounded time: never another
exception, never a hang. Derandomized, so CI sees the same examples each run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbops import ElementsError
from orbops.elements import Catalog, parse_elements, read_elements, write_elements

from ..conftest import TLE_DIR
from .helpers import SUFFIX, time_limit

FORMATS = ("tle", "omm-json", "omm-xml", "omm-csv", "omm-kvn")
FUZZ = settings(max_examples=200, deadline=2000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Errors about a whole file that has no element sets at all: there is no line to name.
WHOLE_FILE = ("empty file", "no element sets found")


def _seeds() -> dict[str, list[bytes]]:
    tle_files = [TLE_DIR / name for name in ("tiangong-2.tle", "iss-modules.tle", "tianhe-near-launch.tle",
                                             "crew-dragon.tle")]
    seeds = {"tle": [p.read_bytes() for p in tle_files]}
    real_json = (TLE_DIR / "iss.omm.json").read_bytes()
    recs, _ = parse_elements(real_json.decode(), "iss.omm.json", strict=True)
    for fmt in FORMATS[1:]:
        seeds[fmt] = [write_elements(recs[:n], fmt).encode() for n in (1, 3)]
    seeds["omm-json"].append(real_json)
    return seeds


SEEDS = _seeds()
PREFIXES = {
    "tle": [b"", b"ISS (ZARYA)\n", SEEDS["tle"][0][:140]],
    "omm-json": [b"", b"[", b'[{"NORAD_CAT_ID": ', b"{"],
    "omm-xml": [b"", b"<ndm><omm>", b'<?xml version="1.0"?>\n<omm><EPOCH>'],
    "omm-csv": [b"", SEEDS["omm-csv"][0].split(b"\n")[0] + b"\n"],
    "omm-kvn": [b"", b"CCSDS_OMM_VERS = 2.0\n", b"CCSDS_OMM_VERS = 2.0\nEPOCH = "],
}
RUNS = [b" ", b"9", b"0", b"\t", b"=", b"[", b"]", b"\\", b'"', b",", b"-", b"A ", b"\n", b"\r", b"\x0b"]
NESTS = [(b"[", b"]"), (b"{", b"}"), (b'{"A":', b"}"), (b"<a>", b"</a>"), (b"<omm>", b"</omm>"),
         (b"<![CDATA[", b"]]>")]
TOKENS = [b"\xef\xbb\xbf", b"\x0b", b"\x0c", "\u2028".encode(), "\x85".encode(), b"\r", b"\r\n", b"\x00",
          b"\xff", b"\xe9", b"NaN", b"Infinity", b"-1", b"1e999", b"9" * 25, b"CCSDS_OMM_VERS = 2.0\n",
          b"EPOCH = 9999-01-01T00:00:00\n", b"2262-04-11T23:59:59", b'"', b"=", b"[", b"]", b"<", b">", b"&",
          b"&amp;", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"\n1 25544U", b"\n2 25544 "]


@st.composite
def mutated(draw, fmt: str) -> bytes:
    """A seed file of ``fmt`` with one to four mutations."""
    data = bytearray(draw(st.sampled_from(SEEDS[fmt])))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "byte", "truncate", "insert", "run", "nest", "delete", "copy",
                                   "token"]))
        pos = draw(st.integers(0, len(data)))
        at = min(pos, len(data) - 1)
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "run":
            unit = draw(st.sampled_from(RUNS))
            data[pos:pos] = unit * draw(st.sampled_from([100, 3000, 20_000, 140_000]))
        elif op == "nest":
            opening, closing = draw(st.sampled_from(NESTS))
            depth = draw(st.sampled_from([50, 2000, 100_000]))
            data[pos:pos] = opening * depth + (closing * depth if draw(st.booleans()) else b"")
        elif op == "delete":
            del data[pos:draw(st.integers(pos, min(len(data), pos + 200)))]
        elif op == "copy":
            end = draw(st.integers(pos, min(len(data), pos + 400)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 3))
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
    return bytes(data)


def check_error(err: Exception, path: str) -> None:
    assert isinstance(err, ElementsError), f"{type(err).__name__}: {err}"
    text = str(err)
    assert err.path == path and text.startswith(path), text[:300]
    assert err.line is not None or err.record is not None or err.reason.startswith(WHOLE_FILE), text[:300]
    assert len(text) < 2000, f"message of {len(text)} characters: {text[:300]}"


def check_records(records) -> None:
    for r in records:
        for value in (r.mean_motion_rev_day, r.ecc, r.inc_deg, r.raan_deg, r.argp_deg, r.mean_anomaly_deg,
                      r.bstar, r.ndot, r.nddot):
            assert math.isfinite(value)
        assert 0.0 <= r.ecc < 1.0 and r.mean_motion_rev_day > 0.0 and r.norad_id >= 0
        assert 1678 <= int(str(r.epoch.astype("datetime64[Y]"))) <= 2261
    Catalog(records)  # every value fits the catalog's int64 and datetime64[ns] arrays


def outcome(call, path: str) -> None:
    """Run one reader call: records (and located errors), or one located ElementsError; bounded time."""
    with time_limit(10):
        try:
            records, errors = call()
        except ElementsError as err:
            check_error(err, path)
            return
    for err in errors:
        check_error(err, path)
    check_records(records)


def exercise(data: bytes, fmt: str, directory) -> None:
    path = directory / ("fuzz" + SUFFIX[fmt])
    path.write_bytes(data)
    outcome(lambda: read_elements(path), str(path))
    outcome(lambda: read_elements(path, strict=True), str(path))
    text = data.decode("utf-8", errors="replace")
    outcome(lambda: parse_elements(text, "forced" + SUFFIX[fmt], fmt=fmt), "forced" + SUFFIX[fmt])


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.data())
def test_mutated_real_files(fmt, data, fuzz_dir):
    exercise(data.draw(mutated(fmt), label="file"), fmt, fuzz_dir)


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.data())
def test_arbitrary_bytes(fmt, data, fuzz_dir):
    prefix = data.draw(st.sampled_from(PREFIXES[fmt]), label="prefix")
    exercise(prefix + data.draw(st.binary(max_size=600), label="bytes"), fmt, fuzz_dir)


def test_seeds_read_cleanly():
    for fmt, seeds in SEEDS.items():
        for seed in seeds:
            recs, errs = parse_elements(seed.decode(), "seed", fmt=fmt, strict=True)
            assert recs and not errs
            assert np.all(Catalog(recs).ecc < 1)
