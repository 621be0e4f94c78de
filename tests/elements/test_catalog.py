"""Catalog: struct of arrays, selection, element history, staleness, file-level errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from orbops import Catalog, ElementsError, StaleElementsWarning, UnknownObjectError, load_catalog
from orbops.errors import ElementsWarning

from ..conftest import ISS_LINE1, ISS_LINE2


@pytest.fixture(scope="module")
def stations(tle_dir):
    return load_catalog(tle_dir / "iss-history.tle", tle_dir / "css-tianhe.tle",
                        tle_dir / "tiangong-1.tle", tle_dir / "stations", tle_dir / "iss.omm.json")


def test_struct_of_arrays(stations):
    assert isinstance(stations.inc_deg, np.ndarray) and stations.inc_deg.dtype == np.float64
    assert stations.epoch.dtype == np.dtype("datetime64[ns]")
    assert stations.norad_id.shape == (len(stations),)
    with pytest.raises(ValueError):
        stations.inc_deg[0] = 0.0  # read-only
    first = stations[0]
    assert first.inc_deg == stations.inc_deg[0]
    sub = stations[stations.inc_deg < 45]
    assert isinstance(sub, Catalog) and np.all(sub.inc_deg < 45)


@pytest.mark.parametrize("key,norad", [
    ("ISS", 25544), ("iss", 25544), ("CSS", 48274), ("tianhe", 48274), ("TIANGONG", 48274),
    ("TIANGONG-1", 37820), ("tiangong 1", 37820), (25544, 25544), ("48274", 48274),
    ("iss (zarya)", 25544), ("ISS (NAUKA)", 49044), ("nauka", 49044), ("Shenzhou-20", 64000),
])
def test_resolve_by_id_name_and_alias(stations, key, norad):
    if norad == 64000:  # look the Shenzhou-20 id up from the data rather than typing it
        norad = int(stations.norad_id[[str(n).startswith("SHENZHOU-20") for n in stations.name]][0])
    assert stations.resolve(key) == norad


def test_unknown_object_suggests(stations):
    with pytest.raises(UnknownObjectError, match="did you mean") as info:
        stations.resolve("TIANGONG 3")
    assert "ISS" in str(info.value)  # lists the aliases


def test_ambiguous_name(stations):
    nauka = stations.get("NAUKA")
    twins = Catalog([nauka, nauka.replace(norad_id=1)])
    with pytest.raises(UnknownObjectError, match="matches 2 objects"):
        twins.resolve("NAUKA")
    assert twins.resolve(1) == 1


def test_history_sorted_and_nearest(stations):
    hist = stations.history("ISS")
    assert np.all(np.diff(hist.epoch.astype(np.int64)) >= 0)
    assert set(hist.norad_id) == {25544}
    t = np.datetime64("2023-01-10T06:00", "ns")
    nearest = stations.get("ISS", t)
    gaps = np.abs(hist.epoch - t)
    assert abs(nearest.epoch - t) == gaps.min()
    before = stations.get("ISS", t, pick="before")
    assert before.epoch <= t
    assert before.epoch == hist.epoch[hist.epoch <= t].max()


def test_at_gives_one_set_per_object(stations):
    t = "2022-06-24T00:00"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        snap = stations.at(t)
    assert len(snap) == len(np.unique(stations.norad_id))
    assert len(np.unique(snap.norad_id)) == len(snap)


def test_stale_warning_is_configurable(stations):
    with pytest.warns(StaleElementsWarning, match=r"more than 14 days .*25544"):
        stations.select("ISS").at("2011-09-01")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stations.select("ISS").at("2011-09-01", max_age_days=60)
        stations.select("ISS").at("2011-09-01", max_age_days=None)


def test_before_leaves_out_objects_without_an_earlier_set(stations):
    snap = stations.select("CSS", "ISS").at("2015-01-01", pick="before", max_age_days=None)
    assert list(snap.norad_id) == [25544]


def test_latest(stations):
    latest = stations.latest()
    assert len(latest) == len(stations.objects)
    iss = latest[latest.norad_id == 25544][0]
    assert iss.epoch == stations.history("ISS").epoch.max()


# --- file-level bad input ---------------------------------------------------------------

def test_empty_file(tmp_path):
    empty = tmp_path / "empty.tle"
    empty.write_text("\n  \n")
    with pytest.raises(ElementsError, match="empty file") as info:
        load_catalog(empty, strict=True)
    assert info.value.path == str(empty)


def test_binary_file(tmp_path):
    blob = tmp_path / "image.tle"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ElementsError, match="binary file"):
        load_catalog(blob, strict=True)


def test_text_that_is_not_elements(tmp_path):
    prose = tmp_path / "notes.txt"
    prose.write_text("These are my notes.\nNothing orbital here.\n")
    with pytest.raises(ElementsError, match="not an element file"):
        load_catalog(prose, strict=True)


def test_lenient_load_reports_everything_and_warns(tmp_path):
    good = tmp_path / "good.tle"
    good.write_text(f"ISS\n{ISS_LINE1}\n{ISS_LINE2}\n")
    bad = tmp_path / "bad.tle"
    bad.write_text(f"ISS\n{ISS_LINE1[:68]}0\n{ISS_LINE2}\nX\n{ISS_LINE2}\n")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.warns(ElementsWarning, match="3 bad element record"):
        cat = load_catalog(good, bad, empty)
    assert len(cat) == 1
    assert [(p.path, p.line) for p in cat.problems] == [(str(bad), 2), (str(bad), 5), (str(empty), None)]


def test_strict_load_raises_first(tmp_path):
    bad = tmp_path / "bad.tle"
    bad.write_text(f"ISS\n{ISS_LINE1}\n{ISS_LINE2[:-1]}0\n")
    with pytest.raises(ElementsError, match="checksum"):
        load_catalog(bad, strict=True)


def test_mixed_formats_in_one_catalog(tmp_path, tle_dir):
    from orbops.elements import write_elements
    cat = load_catalog(tle_dir / "iss.omm.json")
    (tmp_path / "a.xml").write_text(write_elements(cat[:3], "omm-xml"))
    (tmp_path / "b.data").write_text(write_elements(cat[3:6], "omm-csv"))  # content decides, not suffix
    (tmp_path / "c.txt").write_text(write_elements(cat[6:9], "3le"))
    mixed = load_catalog(tmp_path / "a.xml", tmp_path / "b.data", tmp_path / "c.txt")
    assert len(mixed) == 9 and mixed.problems == []
