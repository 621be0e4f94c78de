"""The flight record as data: complete, sourced, consistent with itself and with the vehicle models' eras."""

from __future__ import annotations

import numpy as np
import pytest

from orbops.errors import RecordError
from orbops.history import COLUMNS, read_record, record_path
from orbops.ops.vehicles import vehicle_models
from orbops.timescales import parse_utc


def test_the_record_covers_the_crewed_flights(record):
    names = {f.flight for f in record}
    assert len(record) == len(names) >= 110
    # every crewed Soyuz from TMA-21 (2011) to MS-28 (2025), Shenzhou 8-22, the Dragons and Starliners to the ISS
    soyuz = [f for f in record if f.vehicle_class == "soyuz"]
    assert {"Soyuz TMA-21", "Soyuz TMA-22", "Soyuz MS-10", "Soyuz MS-23", "Soyuz MS-28"} <= names
    assert len(soyuz) == 49
    assert {f"Shenzhou {n}" for n in range(8, 23)} <= names
    assert {"Demo-2", "Crew-9", "Crew-11", "Starliner CFT", "Ax-4"} <= names
    assert {f.station for f in record} == {"iss", "css", "tiangong-1", "tiangong-2"}


def test_every_value_names_its_source(record):
    for f in record:
        cited = {k.strip() for part in f.sources.split(";") if "=" in part for k in part.split("=")[0].split(",")}
        assert "launch" in cited, f.flight
        if f.docking is not None:
            assert "docking" in cited, f.flight
        if f.landing is not None:
            assert "landing" in cited, f.flight


def test_times_follow_each_other(record):
    for f in record:
        times = [t for t in (f.launch, f.docking, f.undocking, f.landing) if t is not None]
        assert times == sorted(times), f.flight
        if f.docking is not None:
            hours = (f.docking - f.launch) / np.timedelta64(3600, "s")
            assert 2.3 < hours < 130, f.flight  # 2-orbit Soyuz to MS-14's five days


def test_the_profiles_flown_lie_in_the_models_eras(record):
    """A profile's flown_from/flown_until in data/vehicles.toml come from the record's first and last flights."""
    models = vehicle_models()
    unusual = {"4-day", "3-day"}  # Progress M-21M's Kurs-NA test, Progress MS-13's 72-hour scheme
    for f in record:
        model = models[f.vehicle_class]
        if not f.profile or not model.profiles or f.profile in unusual:
            continue
        prof = model.profile(f.profile)
        assert prof.available(model.id, f.launch), (f.flight, f.profile, str(f.launch))
    first = {}
    for f in record:
        if f.profile and f.vehicle_class in models and models[f.vehicle_class].profiles and f.profile not in unusual:
            first.setdefault((f.vehicle_class, f.profile), f.launch)
    for (vc, name), launch in first.items():
        start = models[vc].profile(name).flown_from
        if start is not None:  # the era starts on the day of its first recorded flight
            assert str(start)[:10] == str(launch)[:10], (vc, name)


def _write(tmp_path, text, name="r.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_record_names_file_line_and_column(tmp_path):
    header = ",".join(COLUMNS)
    good = "Soyuz MS-17,soyuz,,iss,baikonur-31,31/6,3,2020-10-14T05:45:04Z," + ",".join([""] * 8)
    bad = [
        "X1,soyuz,,iss,baikonur-31,,3,2020-13-14T05:45Z," + ",".join([""] * 8),
        "X2,rocket,,iss,baikonur-31,,3,2020-10-14T05:45Z," + ",".join([""] * 8),
        "X3,soyuz,,mir,moon,,three,2020-10-14T05:45Z,2020-10-14T04:00Z," + ",".join([""] * 7),
        "Soyuz MS-17,soyuz,,iss,baikonur-31,,3,2020-10-14T05:45Z," + ",".join([""] * 8),
    ]
    path = _write(tmp_path, "\n".join([header, good, *bad]) + "\n")
    with pytest.raises(RecordError) as info:
        read_record(path)
    text = "\n".join(info.value.problems)
    assert f"{path}:3: launch_utc: cannot read '2020-13-14T05:45Z'" in text
    assert f"{path}:4: vehicle_class: unknown vehicle class 'rocket': expected one of" in text and "starliner" in text
    assert f"{path}:5: station: unknown station 'mir'" in text
    assert f"{path}:5: site: unknown launch site 'moon'" in text
    assert f"{path}:5: crew: 'three' is not a number" in text
    assert f"{path}:5: docking_utc: 2020-10-14T04:00Z is before launch_utc" in text
    assert f"{path}:6: flight: duplicate flight 'Soyuz MS-17' (also line 2)" in text


def test_missing_columns_and_a_byte_order_mark(tmp_path):
    with pytest.raises(RecordError, match=r"r.csv:1: missing column\(s\) station, launch_utc"):
        read_record(_write(tmp_path, "flight,vehicle_class\nA,soyuz\n"))
    row = "A,soyuz,iss,2020-10-14T05:45Z"
    flights = read_record(_write(tmp_path, "\ufeffflight,vehicle_class,station,launch_utc\n" + row + "\n", "bom.csv"))
    assert flights[0].launch == parse_utc("2020-10-14T05:45Z") and flights[0].site == ""


def test_the_shipped_record_is_a_package_file():
    assert record_path().name == "flights.csv" and record_path().exists()
    assert record_path().read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_rows_are_read_strictly(tmp_path):
    header = ",".join(COLUMNS)
    blank = "," * (len(COLUMNS) - 8)
    good = f"A,soyuz,,iss,baikonur-31,,3,2020-10-14T05:45Z{blank}"
    # a row whose notes span two lines is reported at its first line; a bad time there is still found
    two_lines = f'B,soyuz,,iss,baikonur-31,,3,noon{blank[:-1]}"first line\nsecond line"'
    path = _write(tmp_path, "\n".join([header, good, two_lines, good.replace("A,", "C,", 1)]) + "\n")
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert any(p.startswith(f"{path}:3: launch_utc: cannot read 'noon'") for p in info.value.problems)
    # an unterminated quote cannot swallow the rest of the file unnoticed
    path = _write(tmp_path, "\n".join([header, good, 'D,soyuz,,iss,"baikonur-31,,3,2020-10-14T05:45Z', good]) + "\n")
    with pytest.raises(RecordError, match="not a CSV row"):
        read_record(path)


def test_header_times_and_profiles_are_checked(tmp_path):
    with pytest.raises(RecordError, match="column\\(s\\) 'station' given more than once"):
        read_record(_write(tmp_path, "flight,vehicle_class,station,station,launch_utc\nA,soyuz,iss,css,2020-10-14\n"))
    row = "A,soyuz,iss,{launch},{profile}\n"
    head = "flight,vehicle_class,station,launch_utc,profile\n"
    with pytest.raises(RecordError, match="launch_utc: 'now' is not a recorded time"):
        read_record(_write(tmp_path, head + row.format(launch="now", profile="")))
    with pytest.raises(RecordError, match="profile: unknown profile '9-orbit' for soyuz: expected one of 2-day"):
        read_record(_write(tmp_path, head + row.format(launch="2020-10-14", profile="9-orbit")))
    [flight] = read_record(_write(tmp_path, head + row.format(launch="2020-10-14", profile="3-day")))
    assert flight.profile == "3-day"  # flown now and then; the models do not fly it
