"""TLE / 3LE parsing and writing, checked against the published format and the sgp4 library."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec

from orbops import ElementSet, ElementsError
from orbops.elements.tle import (
    TEMPLATE_LINE1,
    TEMPLATE_LINE2,
    alpha5_decode,
    alpha5_encode,
    checksum,
    format_tle_lines,
    parse_tle_pair,
    parse_tle_text,
    to_tle_lines,
    write_tle,
)

from ..conftest import ISS_LINE1, ISS_LINE2


def with_checksum(line: str) -> str:
    return line[:68] + str(checksum(line))


def test_parse_iss_values_match_sgp4():
    es = parse_tle_pair(ISS_LINE1, ISS_LINE2, "ISS (ZARYA)")
    sat = Satrec.twoline2rv(ISS_LINE1, ISS_LINE2)
    assert es.norad_id == 25544 == sat.satnum
    assert es.name == "ISS (ZARYA)"
    assert es.intl_designator == "1998-067A"
    assert es.classification == "U"
    assert es.epoch == np.datetime64("2008-09-20T12:25:40.104192", "ns")
    jd = (es.epoch - np.datetime64("2008-09-20T00:00", "ns")) / np.timedelta64(1, "D")
    assert sat.jdsatepoch == 2454729.5
    assert jd == pytest.approx(sat.jdsatepochF, abs=1e-12)
    assert es.inc_deg == 51.6416
    assert np.radians(es.inc_deg) == pytest.approx(sat.inclo, rel=1e-15)
    assert np.radians(es.raan_deg) == pytest.approx(sat.nodeo, rel=1e-15)
    assert es.ecc == pytest.approx(sat.ecco, rel=1e-15)
    assert np.radians(es.argp_deg) == pytest.approx(sat.argpo, rel=1e-15)
    assert np.radians(es.mean_anomaly_deg) == pytest.approx(sat.mo, rel=1e-15)
    assert es.mean_motion_rev_day == 15.72125391
    assert es.bstar == pytest.approx(sat.bstar, rel=1e-15)
    assert es.bstar == -0.11606e-4
    assert es.ndot == -0.00002182
    assert es.nddot == 0.0
    assert es.element_set_no == 292
    assert es.rev_at_epoch == 56353
    assert es.ephemeris_type == 0


def test_checksum_counts_digits_and_minus():
    assert checksum(ISS_LINE1) == 7
    assert checksum(ISS_LINE2) == 7
    assert checksum("1 -- 9") == (1 + 1 + 1 + 9) % 10


@pytest.mark.parametrize("text,number", [
    ("25544", 25544), ("00005", 5), ("    5", 5), ("A0001", 100001), ("A0000", 100000),
    ("E8493", 148493), ("H9999", 179999), ("J0000", 180000), ("P0000", 230000), ("Z9999", 339999),
])
def test_alpha5_decode_and_encode(text, number):
    assert alpha5_decode(text) == number
    assert alpha5_encode(number) == text.strip().rjust(5, "0") if number < 100000 else text


def test_alpha5_round_trip_all_letters():
    for n in range(100000, 340000, 977):
        assert alpha5_decode(alpha5_encode(n)) == n


def test_alpha5_out_of_range():
    with pytest.raises(ElementsError, match="339999"):
        alpha5_encode(340000)


def test_alpha5_tle_parses_and_writes_back():
    l1 = with_checksum("1 A0001U 24001A   24001.50000000  .00000000  00000-0  10000-3 0  9990")
    l2 = with_checksum("2 A0001  51.6000 100.0000 0001000  90.0000 270.0000 15.50000000    10")
    es = parse_tle_pair(l1, l2)
    assert es.norad_id == 100001
    assert format_tle_lines(es) == (l1, l2)


def test_epoch_year_pivot():
    l1 = with_checksum("1 00005U 58002B   57001.00000000  .00000000  00000-0  00000-0 0  9990")
    l2 = with_checksum("2 00005  34.2500 100.0000 1800000  90.0000 270.0000 10.80000000    10")
    assert parse_tle_pair(l1, l2).epoch == np.datetime64("1957-01-01T00:00", "ns")
    l1b = l1[:18] + "56" + l1[20:]
    assert parse_tle_pair(with_checksum(l1b), l2).epoch == np.datetime64("2056-01-01T00:00", "ns")


def test_3le_with_and_without_zero_prefix():
    text = f"0 ISS (ZARYA)\n{ISS_LINE1}\n{ISS_LINE2}\nISS (ZARYA)\n{ISS_LINE1}\n{ISS_LINE2}\n{ISS_LINE1}\n{ISS_LINE2}\n"
    recs, errs = parse_tle_text(text, "x.tle")
    assert errs == []
    assert [r.name for r in recs] == ["ISS (ZARYA)", "ISS (ZARYA)", ""]
    assert recs[0].source == "x.tle:1"
    assert recs[2].source == "x.tle:7"


def test_windows_line_endings_and_blank_lines():
    text = f"ISS\r\n\r\n{ISS_LINE1}  \r\n{ISS_LINE2}\r\n\r\n"
    recs, errs = parse_tle_text(text)
    assert errs == [] and len(recs) == 1 and recs[0].name == "ISS"


def test_round_trip_is_byte_identical():
    text = f"ISS (ZARYA)\n{ISS_LINE1}\n{ISS_LINE2}\n"
    recs, _ = parse_tle_text(text)
    assert write_tle(recs) == text
    assert format_tle_lines(recs[0]) == (ISS_LINE1, ISS_LINE2)


def test_changed_record_is_written_from_its_values():
    es = parse_tle_pair(ISS_LINE1, ISS_LINE2)
    moved = es.replace(inc_deg=51.7)
    assert moved.tle_lines is None
    l1, l2 = to_tle_lines(moved)
    assert l2[8:16] == " 51.7000"
    assert parse_tle_pair(l1, l2).inc_deg == 51.7


def test_written_record_from_values_reparses_identically():
    es = ElementSet(norad_id=48274, epoch=np.datetime64("2025-11-05T12:34:56.789", "ns"),
                    mean_motion_rev_day=15.6123456789, ecc=0.0004665, inc_deg=41.4742,
                    raan_deg=150.5704, argp_deg=278.9765, mean_anomaly_deg=139.4829,
                    bstar=0.17005e-3, ndot=0.00013583, nddot=-0.12345e-9, name="CSS (TIANHE)",
                    intl_designator="2021-035A", element_set_no=999, rev_at_epoch=103515)
    l1, l2 = format_tle_lines(es)
    back = parse_tle_pair(l1, l2, "CSS (TIANHE)")
    for field in ("norad_id", "ecc", "inc_deg", "raan_deg", "argp_deg", "mean_anomaly_deg",
                  "ndot", "nddot", "bstar", "intl_designator", "element_set_no"):
        assert getattr(back, field) == getattr(es, field), field
    assert back.rev_at_epoch == es.rev_at_epoch % 100000  # five columns
    assert back.mean_motion_rev_day == round(es.mean_motion_rev_day, 8)
    # the TLE resolves the epoch to 1e-8 day (864 microseconds)
    assert abs((back.epoch - es.epoch) / np.timedelta64(1, "us")) <= 432
    Satrec.twoline2rv(l1, l2)  # and the reference library accepts the lines


# --- bad input: each case names file, line, column and shows the template ------------

def error_for(line1: str = ISS_LINE1, line2: str = ISS_LINE2, *, fix_checksum: bool = True,
              name: str = "ISS") -> ElementsError:
    if fix_checksum:
        line1, line2 = with_checksum(line1), with_checksum(line2)
    text = f"{name}\n{line1}\n{line2}\n"
    with pytest.raises(ElementsError) as info:
        parse_tle_text(text, "bad.tle", strict=True)
    return info.value


def test_checksum_error():
    err = error_for(ISS_LINE1[:68] + "0", fix_checksum=False)
    assert (err.path, err.line, err.column) == ("bad.tle", 2, 69)
    assert "checksum is 0 but the line sums to 7" in err.reason
    assert TEMPLATE_LINE1 in str(err) and ISS_LINE1[:68] + "0" in str(err)
    lines = str(err).splitlines()
    assert lines[0].startswith("bad.tle:2:69: checksum")
    assert lines[1].strip().startswith(TEMPLATE_LINE1)  # template above the offending line
    assert lines[3].index("^") - lines[2].index("1 25544") == 68


def test_wrong_column():
    shifted = ISS_LINE2[:8] + ISS_LINE2[9:17] + " " + ISS_LINE2[17:]  # inclination one column left
    err = error_for(line2=shifted)
    assert err.line == 3 and err.column == 11
    assert "decimal point of inclination at column 11: expected it at column 12" in err.reason
    assert "wrong columns" in err.reason
    assert TEMPLATE_LINE2 in str(err)


def test_letters_in_numeric_field():
    err = error_for(line2=ISS_LINE2[:10] + "x" + ISS_LINE2[11:])
    assert (err.line, err.column) == (3, 11)
    assert "invalid character 'x' in inclination (columns 9-16)" in err.reason


def test_letter_in_eccentricity_and_bstar():
    err = error_for(line2=ISS_LINE2[:28] + "O" + ISS_LINE2[29:])
    assert (err.line, err.column) == (3, 29) and "eccentricity" in err.reason
    err = error_for(ISS_LINE1[:55] + "l" + ISS_LINE1[56:])
    assert (err.line, err.column) == (2, 56) and "BSTAR" in err.reason


def test_line2_without_line1():
    with pytest.raises(ElementsError) as info:
        parse_tle_text(f"ISS\n{ISS_LINE2}\n", "bad.tle", strict=True)
    assert "line 2 without its line 1" in info.value.reason
    assert (info.value.line, info.value.column) == (2, 1)


def test_line1_without_line2():
    with pytest.raises(ElementsError) as info:
        parse_tle_text(f"{ISS_LINE1}\nNEXT\n{ISS_LINE1}\n{ISS_LINE2}\n", "bad.tle", strict=True)
    assert "line 1 without its line 2" in info.value.reason and info.value.line == 1


def test_mismatched_catalog_numbers():
    err = error_for(line2=ISS_LINE2[:2] + "25545" + ISS_LINE2[7:])
    assert (err.line, err.column) == (3, 3)
    assert "catalog number 25545 on line 2 does not match 25544 on line 1" in err.reason


def test_impossible_epoch_day():
    err = error_for(ISS_LINE1[:20] + "400" + ISS_LINE1[23:])
    assert (err.line, err.column) == (2, 21)
    assert "impossible epoch day 400.51782528 of 2008" in err.reason


def test_day_366_only_in_leap_years():
    ok = with_checksum(ISS_LINE1[:18] + "08366.50000000" + ISS_LINE1[32:])
    assert parse_tle_pair(ok, ISS_LINE2).epoch == np.datetime64("2008-12-31T12:00", "ns")
    err = error_for(ISS_LINE1[:18] + "09366.50000000" + ISS_LINE1[32:])
    assert "impossible epoch day" in err.reason


def test_short_line_and_missing_checksum():
    err = error_for(ISS_LINE1[:68], fix_checksum=False)
    assert "checksum (column 69) is missing" in err.reason and err.column == 69
    err = error_for(ISS_LINE1[:50], fix_checksum=False)
    assert "50 columns long" in err.reason


def test_angles_out_of_range():
    err = error_for(line2=ISS_LINE2[:8] + "190.0000" + ISS_LINE2[16:])
    assert "inclination 190.0 deg is out of range" in err.reason and err.column == 9
    err = error_for(line2=ISS_LINE2[:43] + "361.0000" + ISS_LINE2[51:])
    assert "mean anomaly 361.0 deg is out of range" in err.reason and err.column == 44


def test_zero_mean_motion():
    err = error_for(line2=ISS_LINE2[:52] + " 0.00000000" + ISS_LINE2[63:])
    assert "mean motion is zero" in err.reason


def test_orphan_name_line_is_reported():
    recs, errs = parse_tle_text(f"LONELY NAME\nISS\n{ISS_LINE1}\n{ISS_LINE2}\n", "x.tle")
    assert len(recs) == 1 and recs[0].name == "ISS"
    assert len(errs) == 1 and errs[0].line == 1 and "name line is not followed" in errs[0].reason


def test_lenient_mode_reports_every_bad_record_and_keeps_the_good():
    bad_checksum = ISS_LINE1[:68] + "0"
    text = "\n".join([
        "A", ISS_LINE1, ISS_LINE2,
        "B", bad_checksum, ISS_LINE2,
        "C", ISS_LINE2,
        "D", ISS_LINE1, ISS_LINE2,
    ])
    recs, errs = parse_tle_text(text, "mix.tle")
    assert [r.name for r in recs] == ["A", "D"]
    assert [(e.line, e.column) for e in errs] == [(5, 69), (8, 1)]
    with pytest.raises(ElementsError) as info:
        parse_tle_text(text, "mix.tle", strict=True)
    assert info.value.line == 5


# --- property test: mutating valid lines never raises anything but ElementsError -------

@settings(max_examples=400, deadline=None)
@given(which=st.integers(0, 1), col=st.integers(0, 68),
       ch=st.characters(codec="utf-8", exclude_categories=("Cs",)), fix=st.booleans())
def test_mutated_lines_raise_only_elements_error(which, col, ch, fix):
    lines = [ISS_LINE1, ISS_LINE2]
    line = lines[which]
    line = line[:col] + ch + line[col + 1:]
    if fix and len(line) >= 69:
        line = with_checksum(line)
    lines[which] = line
    try:
        recs, errs = parse_tle_text("\n".join(lines) + "\n", "fuzz.tle")
    except ElementsError:  # pragma: no cover - lenient mode collects instead
        raise AssertionError("lenient mode must not raise")
    assert len(recs) + len(errs) >= 1
    for r in recs:
        assert 0 <= r.ecc < 1 and r.mean_motion_rev_day > 0


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("12 0123456789.-+ABCU\n")), max_size=400))
def test_random_text_raises_only_elements_error(text):
    try:
        parse_tle_text(text, "fuzz.tle", strict=True)
    except ElementsError:
        pass
