"""CCSDS OMM in JSON, XML, CSV and KVN: read, write, round trip, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbops import ElementsError
from orbops.elements import detect_format, parse_elements, write_elements
from orbops.elements.omm import OMM_KEYS
from orbops.elements.tle import parse_tle_pair

from ..conftest import ISS_LINE1, ISS_LINE2

ISS = parse_tle_pair(ISS_LINE1, ISS_LINE2, "ISS (ZARYA)")
FORMATS = ["omm-json", "omm-xml", "omm-csv", "omm-kvn"]
VALUE_FIELDS = ("norad_id", "epoch", "mean_motion_rev_day", "ecc", "inc_deg", "raan_deg", "argp_deg",
                "mean_anomaly_deg", "bstar", "ndot", "nddot", "name", "intl_designator",
                "classification", "element_set_no", "rev_at_epoch", "ephemeris_type")


def same_values(a, b):
    return all(getattr(a, f) == getattr(b, f) for f in VALUE_FIELDS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_then_read_keeps_every_value(fmt):
    text = write_elements([ISS, ISS.replace(norad_id=100001, name="ALPHA5 TEST")], fmt)
    assert detect_format(text) == fmt
    recs, errs = parse_elements(text, f"x.{fmt}")
    assert errs == []
    assert same_values(recs[0], ISS)
    assert recs[1].norad_id == 100001


@pytest.mark.parametrize("fmt", FORMATS)
def test_omm_round_trip_through_record(fmt, tle_dir):
    recs, _ = parse_elements((tle_dir / "iss.omm.json").read_text(), "iss.omm.json")
    text = write_elements(recs, fmt)
    again, errs = parse_elements(text)
    assert errs == [] and len(again) == len(recs) == 24
    assert all(same_values(a, b) for a, b in zip(recs, again))
    assert write_elements(again, fmt) == text


def test_celestrak_json_values_as_given(tle_dir):
    raw = json.loads((tle_dir / "iss.omm.json").read_text())
    recs, _ = parse_elements((tle_dir / "iss.omm.json").read_text())
    out = json.loads(write_elements(recs, "omm-json"))
    for src, dst in zip(raw, out):
        for key in OMM_KEYS:
            assert dst[key] == src[key], key


def test_json_matches_sgp4_omm_initialize(tle_dir):
    raw = json.loads((tle_dir / "iss.omm.json").read_text())
    recs, _ = parse_elements((tle_dir / "iss.omm.json").read_text())
    for fields, es in zip(raw, recs):
        sat = Satrec()
        sgp4_omm.initialize(sat, {k: str(v) for k, v in fields.items()})
        whole = (es.epoch.astype("datetime64[D]") - np.datetime64("1949-12-31", "D")) / np.timedelta64(1, "D")
        frac = (es.epoch - es.epoch.astype("datetime64[D]")) / np.timedelta64(1, "D")
        assert sat.jdsatepoch + sat.jdsatepochF - 2433281.5 == pytest.approx(whole + frac, abs=1e-9)
        assert np.radians(es.inc_deg) == pytest.approx(sat.inclo, rel=1e-14)
        assert es.bstar == pytest.approx(sat.bstar, rel=1e-14)


def test_space_track_json_with_string_values():
    text = json.dumps([{k: str(v) for k, v in json.loads(write_elements([ISS], "omm-json"))[0].items()}])
    recs, errs = parse_elements(text)
    assert errs == [] and same_values(recs[0], ISS)


def test_xml_with_namespace_and_day_of_year_epoch():
    xml = write_elements([ISS], "omm-xml").replace("<ndm>", '<ndm xmlns="urn:ccsds:test">')
    xml = xml.replace("2008-09-20T12:25:40.104192", "2008-264T12:25:40.104192")
    recs, errs = parse_elements(xml)
    assert errs == [] and same_values(recs[0], ISS)


# --- bad input ---------------------------------------------------------------------

def json_with(**changes):
    record = json.loads(write_elements([ISS], "omm-json"))[0]
    for key, value in changes.items():
        if value is None:
            record.pop(key)
        else:
            record[key] = value
    return json.dumps([record, json.loads(write_elements([ISS], "omm-json"))[0]])


def strict_error(text, path="bad.json"):
    with pytest.raises(ElementsError) as info:
        parse_elements(text, path, strict=True)
    return info.value


def test_missing_mandatory_field_names_record_and_key():
    err = strict_error(json_with(MEAN_MOTION=None))
    assert (err.path, err.record, err.key) == ("bad.json", 1, "MEAN_MOTION")
    assert "mandatory keyword MEAN_MOTION is missing" in str(err)
    assert str(err).startswith("bad.json: record 1, MEAN_MOTION:")


def test_lenient_json_keeps_good_records():
    recs, errs = parse_elements(json_with(EPOCH=None), "bad.json")
    assert len(recs) == 1 and len(errs) == 1 and errs[0].key == "EPOCH"


def test_eccentricity_at_or_above_one():
    err = strict_error(json_with(ECCENTRICITY=1.0))
    assert err.key == "ECCENTRICITY" and "expected 0 <= e < 1" in err.reason


def test_not_a_number():
    err = strict_error(json_with(INCLINATION="fifty"))
    assert err.key == "INCLINATION" and "'fifty' is not a number" in err.reason


def test_impossible_epoch():
    err = strict_error(json_with(EPOCH="2008-02-30T00:00:00"))
    assert err.key == "EPOCH" and "does not exist" in err.reason


def test_wrong_unit_in_xml():
    xml = write_elements([ISS], "omm-xml").replace('INCLINATION units="deg"', 'INCLINATION units="rad"')
    err = strict_error(xml, "bad.xml")
    assert (err.record, err.key) == (1, "INCLINATION")
    assert "unit [rad] is wrong: expected [deg]" in err.reason


def test_wrong_unit_in_kvn():
    kvn = write_elements([ISS], "omm-kvn").replace("[rev/day]", "[rad/min]")
    err = strict_error(kvn, "bad.kvn")
    assert err.key == "MEAN_MOTION" and "[rad/min]" in err.reason


def test_wrong_frame_or_theory():
    xml = write_elements([ISS], "omm-xml").replace(">TEME<", ">GCRF<")
    assert strict_error(xml).key == "REF_FRAME"
    xml = write_elements([ISS], "omm-xml").replace(">SGP4<", ">SGP4-XP<")
    assert "SGP4-XP" in strict_error(xml).reason


def test_malformed_json_and_xml_give_positions():
    err = strict_error('[{"EPOCH": 1,,}]')
    assert err.line == 1 and err.column is not None
    err = strict_error("<ndm><omm></ndm>", "bad.xml")
    assert err.line == 1 and "not well-formed XML" in err.reason


def test_csv_row_with_missing_cells_names_the_line():
    csv_text = write_elements([ISS, ISS], "omm-csv")
    lines = csv_text.splitlines()
    lines[2] = ",".join(lines[2].split(",")[:5])
    recs, errs = parse_elements("\n".join(lines) + "\n", "bad.csv")
    assert len(recs) == 1 and errs[0].line == 3 and "5 fields but the header has 17" in errs[0].reason
