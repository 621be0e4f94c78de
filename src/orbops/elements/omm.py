"""CCSDS Orbit Mean-Elements Messages (OMM): read and write.

Four encodings of the same keywords (CCSDS 502.0-B-3, Orbit Data Messages):
CelesTrak's JSON and CSV forms, NDM/XML, and KVN ("KEY = value [unit]").
Only SGP4 mean elements in TEME, UTC, centred on the Earth are accepted.
Errors name the file, the 1-based record number and the keyword.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable

import numpy as np

from ..errors import ElementsError
from ..timescales import to_ns
from .records import ElementSet

__all__ = [
    "OMM_KEYS",
    "parse_omm_json",
    "parse_omm_xml",
    "parse_omm_csv",
    "parse_omm_kvn",
    "write_omm_json",
    "write_omm_xml",
    "write_omm_csv",
    "write_omm_kvn",
]

# Keyword -> (ElementSet field, kind, CCSDS unit or None). Order = CelesTrak's.
_KEYS: dict[str, tuple[str, str, str | None]] = {
    "OBJECT_NAME": ("name", "str", None),
    "OBJECT_ID": ("intl_designator", "str", None),
    "EPOCH": ("epoch", "epoch", None),
    "MEAN_MOTION": ("mean_motion_rev_day", "float", "rev/day"),
    "ECCENTRICITY": ("ecc", "float", None),
    "INCLINATION": ("inc_deg", "float", "deg"),
    "RA_OF_ASC_NODE": ("raan_deg", "float", "deg"),
    "ARG_OF_PERICENTER": ("argp_deg", "float", "deg"),
    "MEAN_ANOMALY": ("mean_anomaly_deg", "float", "deg"),
    "EPHEMERIS_TYPE": ("ephemeris_type", "int", None),
    "CLASSIFICATION_TYPE": ("classification", "str", None),
    "NORAD_CAT_ID": ("norad_id", "int", None),
    "ELEMENT_SET_NO": ("element_set_no", "int", None),
    "REV_AT_EPOCH": ("rev_at_epoch", "int", None),
    "BSTAR": ("bstar", "float", "1/ER"),
    "MEAN_MOTION_DOT": ("ndot", "float", "rev/day**2"),
    "MEAN_MOTION_DDOT": ("nddot", "float", "rev/day**3"),
}
OMM_KEYS = tuple(_KEYS)
_MANDATORY = (
    "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID", "BSTAR",
)
# Metadata that must have these values when present.
_FIXED = {
    "CENTER_NAME": "EARTH",
    "REF_FRAME": "TEME",
    "TIME_SYSTEM": "UTC",
    "MEAN_ELEMENT_THEORY": "SGP4",
}
_RANGES = {
    "INCLINATION": (0.0, 180.0),
    "RA_OF_ASC_NODE": (0.0, 360.0),
    "ARG_OF_PERICENTER": (0.0, 360.0),
    "MEAN_ANOMALY": (-360.0, 360.0),
}
_EPOCH_RE = re.compile(
    r"^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$"
)


class _Raw:
    """One OMM record as read: keyword -> (text or number, unit or None)."""

    def __init__(self, number: int, line: int | None = None) -> None:
        self.number = number
        self.line = line
        self.values: dict[str, tuple[Any, str | None]] = {}


def _norm_unit(unit: str) -> str:
    return unit.strip().lower().replace("^", "**").replace(" ", "")


def _parse_epoch(text: str) -> np.datetime64:
    m = _EPOCH_RE.match(text.strip())
    if not m:
        raise ValueError("expected an ISO 8601 UTC time such as 2024-09-15T00:58:12.885024")
    year, month, day, doy, hh, mm, ss, frac = m.groups()
    if doy is not None:
        base = np.datetime64(f"{year}-01-01", "ns") + np.timedelta64(int(doy) - 1, "D")
        if not 1 <= int(doy) <= 366 or str(base.astype("datetime64[Y]")) != year:
            raise ValueError(f"day of year {doy} does not exist in {year}")
    else:
        try:
            base = np.datetime64(f"{year}-{month}-{day}", "ns")
        except ValueError:
            raise ValueError(f"date {year}-{month}-{day} does not exist") from None
        if str(base.astype("datetime64[D]")) != f"{year}-{month}-{day}":
            raise ValueError(f"date {year}-{month}-{day} does not exist")
    if int(hh) > 23 or int(mm) > 59 or int(ss) > 60:
        raise ValueError(f"time {hh}:{mm}:{ss} does not exist")
    ns = ((int(hh) * 60 + int(mm)) * 60 + int(ss)) * 10**9 + (int(frac.ljust(9, "0")) if frac else 0)
    return base + np.timedelta64(ns, "ns")


def _format_epoch(epoch: np.datetime64) -> str:
    ns = to_ns(epoch)
    unit = "us" if ns % 1000 == 0 else "ns"
    return str(np.datetime_as_string(np.datetime64(epoch, "ns"), unit=unit))


def _to_record(raw: _Raw, path: str | None) -> ElementSet:
    def fail(reason: str, key: str | None = None) -> ElementsError:
        return ElementsError(reason, path=path, line=raw.line, record=raw.number, key=key)

    values = raw.values
    for key in _MANDATORY:
        if key not in values or values[key][0] in ("", None):
            raise fail(f"mandatory keyword {key} is missing", key)
    for key, want in _FIXED.items():
        if key in values and str(values[key][0]).strip().upper() != want:
            raise fail(f"{key} is {values[key][0]!r}: orbops reads only {want}", key)
    kwargs: dict[str, Any] = {}
    for key, (value, unit) in values.items():
        if key not in _KEYS:
            continue
        attr, kind, want_unit = _KEYS[key]
        if unit is not None and (want_unit is None or _norm_unit(unit) != _norm_unit(want_unit)):
            expected = f"[{want_unit}]" if want_unit else "no unit"
            raise fail(f"unit [{unit}] is wrong: expected {expected}", key)
        if value is None or value == "":
            continue
        try:
            if kind == "float":
                if isinstance(value, bool):
                    raise ValueError
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError
                kwargs[attr] = number
            elif kind == "int":
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError
                kwargs[attr] = int(value) if not isinstance(value, str) else int(value.strip())
            elif kind == "epoch":
                kwargs[attr] = _parse_epoch(str(value))
            else:
                kwargs[attr] = str(value).strip()
        except ValueError as exc:
            what = {"float": "a number", "int": "an integer", "epoch": "a UTC time"}.get(kind, "text")
            detail = f" ({exc})" if str(exc) else ""
            raise fail(f"value {value!r} is not {what}{detail}", key) from None
    ecc = kwargs["ecc"]
    if not 0.0 <= ecc < 1.0:
        raise fail(f"eccentricity {ecc} is out of range: expected 0 <= e < 1", "ECCENTRICITY")
    if kwargs["mean_motion_rev_day"] <= 0.0:
        raise fail(f"mean motion {kwargs['mean_motion_rev_day']} rev/day: expected a positive value",
                   "MEAN_MOTION")
    for key, (lo, hi) in _RANGES.items():
        v = kwargs[_KEYS[key][0]]
        if not lo <= v <= hi:
            raise fail(f"{key} {v} deg is out of range: expected {lo:g} to {hi:g}", key)
    if kwargs["norad_id"] < 0:
        raise fail(f"NORAD_CAT_ID {kwargs['norad_id']} is negative", "NORAD_CAT_ID")
    kwargs.setdefault("classification", "U")
    if not kwargs["classification"]:
        kwargs["classification"] = "U"
    label = f"record {raw.number}" if raw.line is None else f"{raw.line}"
    kwargs["source"] = f"{path or '<input>'}:{label}"
    return ElementSet(**kwargs)


def _convert(raws: Iterable[_Raw], path: str | None, strict: bool
             ) -> tuple[list[ElementSet], list[ElementsError]]:
    records, errors = [], []
    for raw in raws:
        try:
            records.append(_to_record(raw, path))
        except ElementsError as err:
            if strict:
                raise
            errors.append(err)
    return records, errors


# --- readers -----------------------------------------------------------------------

def parse_omm_json(text: str, path: str | None = None, *, strict: bool = False):
    """Records of CelesTrak/Space-Track OMM JSON (a list of objects, or one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ElementsError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ElementsError("OMM JSON must be a list of objects", path=path)
    raws, errors = [], []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            err = ElementsError(f"expected an object with OMM keywords, got {type(item).__name__}",
                                path=path, record=i)
            if strict:
                raise err
            errors.append(err)
            continue
        raw = _Raw(i)
        raw.values = {str(k).upper(): (v, None) for k, v in item.items()}
        raws.append(raw)
    records, more = _convert(raws, path, strict)
    return records, errors + more


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_omm_xml(text: str, path: str | None = None, *, strict: bool = False):
    """Records of CCSDS NDM/XML: ``<ndm>`` holding ``<omm>`` elements, or one ``<omm>``."""
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise ElementsError(f"not well-formed XML: {exc}", path=path, line=line, column=col + 1) from None
    omms = [root] if _local(root.tag).lower() == "omm" else [
        e for e in root.iter() if _local(e.tag).lower() == "omm"]
    if not omms:
        raise ElementsError(f"no <omm> element in XML document <{_local(root.tag)}>", path=path)
    raws = []
    for i, omm in enumerate(omms, 1):
        raw = _Raw(i)
        for elem in omm.iter():
            tag = _local(elem.tag).upper()
            if tag in _KEYS or tag in _FIXED:
                raw.values[tag] = ((elem.text or "").strip(), elem.get("units"))
        raws.append(raw)
    return _convert(raws, path, strict)


def parse_omm_csv(text: str, path: str | None = None, *, strict: bool = False):
    """Records of OMM CSV (CelesTrak): a header row of keywords, one row per record."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().upper() for h in next(reader)]
    except StopIteration:
        raise ElementsError("empty OMM CSV", path=path) from None
    raws, errors = [], []
    for n, row in enumerate(reader, 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            err = ElementsError(f"row has {len(row)} fields but the header has {len(header)}",
                                path=path, line=reader.line_num, record=n)
            if strict:
                raise err
            errors.append(err)
            continue
        raw = _Raw(n, reader.line_num)
        raw.values = {k: (v.strip(), None) for k, v in zip(header, row)}
        raws.append(raw)
    records, more = _convert(raws, path, strict)
    return records, errors + more


_KVN_LINE = re.compile(r"^\s*([A-Z_0-9]+)\s*=\s*(.*?)\s*(?:\[([^\]]*)\])?\s*$")


def parse_omm_kvn(text: str, path: str | None = None, *, strict: bool = False):
    """Records of OMM KVN: ``KEY = value [unit]`` lines; each message starts with CCSDS_OMM_VERS."""
    raws: list[_Raw] = []
    errors: list[ElementsError] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("COMMENT"):
            continue
        m = _KVN_LINE.match(line)
        if not m:
            err = ElementsError("expected 'KEYWORD = value [unit]'", path=path, line=lineno, text=line)
            if strict:
                raise err
            errors.append(err)
            continue
        key, value, unit = m.groups()
        if key == "CCSDS_OMM_VERS" or not raws:
            raws.append(_Raw(len(raws) + 1, lineno))
        raws[-1].values[key] = (value, unit)
    records, more = _convert(raws, path, strict)
    return records, errors + more


# --- writers -----------------------------------------------------------------------

def _omm_values(es: ElementSet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (attr, kind, _) in _KEYS.items():
        value = getattr(es, attr)
        out[key] = _format_epoch(value) if kind == "epoch" else value
    return out


def write_omm_json(records: Iterable[ElementSet]) -> str:
    """CelesTrak-style OMM JSON (a list of objects)."""
    return json.dumps([_omm_values(es) for es in records], indent=4) + "\n"


def write_omm_csv(records: Iterable[ElementSet]) -> str:
    """CelesTrak-style OMM CSV with a header row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(OMM_KEYS)
    for es in records:
        writer.writerow([repr(v) if isinstance(v, float) else v for v in _omm_values(es).values()])
    return buf.getvalue()


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def write_omm_kvn(records: Iterable[ElementSet]) -> str:
    """OMM KVN, one message per record."""
    out = []
    for es in records:
        v = _omm_values(es)
        out.append("CCSDS_OMM_VERS = 2.0")
        for key in ("OBJECT_NAME", "OBJECT_ID"):
            out.append(f"{key} = {v[key]}")
        out += [f"{k} = {val}" for k, val in _FIXED.items()]
        for key in OMM_KEYS[2:]:
            unit = _KEYS[key][2]
            out.append(f"{key} = {_text(v[key])}" + (f" [{unit}]" if unit else ""))
        out.append("")
    return "\n".join(out)


def write_omm_xml(records: Iterable[ElementSet]) -> str:
    """CCSDS NDM/XML with one ``<omm>`` per record."""
    ndm = ET.Element("ndm")
    mean_keys = OMM_KEYS[2:9]
    tle_keys = OMM_KEYS[9:]
    for es in records:
        v = _omm_values(es)
        omm = ET.SubElement(ndm, "omm", id="CCSDS_OMM_VERS", version="2.0")
        ET.SubElement(omm, "header")
        segment = ET.SubElement(ET.SubElement(omm, "body"), "segment")
        meta = ET.SubElement(segment, "metadata")
        for key in ("OBJECT_NAME", "OBJECT_ID"):
            ET.SubElement(meta, key).text = str(v[key])
        for key, value in _FIXED.items():
            ET.SubElement(meta, key).text = value
        data = ET.SubElement(segment, "data")
        for group, keys in (("meanElements", mean_keys), ("tleParameters", tle_keys)):
            parent = ET.SubElement(data, group)
            for key in keys:
                unit = _KEYS[key][2]
                elem = ET.SubElement(parent, key, units=unit) if unit else ET.SubElement(parent, key)
                elem.text = _text(v[key])
    ET.indent(ndm)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(ndm, encoding="unicode") + "\n"
