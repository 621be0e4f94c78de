"""CCSDS Orbit Mean-Elements Messages (OMM): read and write.

Four encodings of the same keywords (CCSDS 502.0-B-3, Orbit Data Messages):
CelesTrak's JSON and CSV forms, NDM/XML, and KVN ("KEY = value [unit]").
Only SGP4 mean elements in TEME, UTC, centred on the Earth are accepted.
Errors name the file, the 1-based record number and the keyword. Every bad
input is an ElementsError: a list or object where a value belongs, an integer
outside 64 bits (a NORAD id below 0), NaN or infinity, an epoch outside the
years 1678-2261, nesting deeper than the JSON reader goes, a CSV field over
the csv module's 128 KiB. In KVN a new message (record) starts only at a
CCSDS_OMM_VERS line; a keyword given twice in one message is an error.
"""

from __future__ import annotations

import calendar
import csv
import datetime as _dt
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable

import numpy as np

from ..errors import ElementsError
from ..timescales import FIRST_YEAR, LAST_YEAR, to_ns
from ._text import QUOTE_LIMIT, bad_char, clip, printable, quote, split_lines
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
    r"(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?", re.ASCII
)
_INT_RE = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_WHAT = {"float": "a number", "int": "an integer", "epoch": "a UTC time", "str": "text"}


class _Raw:
    """One OMM record as read: keyword -> (text or number, unit or None)."""

    def __init__(self, number: int, line: int | None = None) -> None:
        self.number = number
        self.line = line
        self.values: dict[str, tuple[Any, str | None]] = {}
        self.error: ElementsError | None = None  # found while reading (KVN: a keyword given twice)


class _LongInt:
    """A JSON integer too long to convert (Python refuses over 4300 digits); always out of range."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"<an integer of {self.digits} digits>"


class _BadValue(ValueError):
    """A value that cannot be converted; the message is the whole reason."""


def _norm_unit(unit: str) -> str:
    return unit.strip().lower().replace("^", "**").replace(" ", "")


def _parse_epoch(text: str) -> np.datetime64:
    """An OMM epoch (``YYYY-MM-DDThh:mm:ss[.f]`` or ``YYYY-DDDThh:mm:ss[.f]``, UTC) as datetime64[ns]."""
    m = _EPOCH_RE.fullmatch(text.strip())
    if not m:
        raise ValueError("expected an ISO 8601 UTC time such as 2024-09-15T00:58:12.885024")
    year, month, day, doy, hh, mm, ss, frac = m.groups()
    y = int(year)
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValueError(f"year {year} is outside {FIRST_YEAR} to {LAST_YEAR}, the years orbops' "
                         "nanosecond UTC times hold")
    if doy is not None:
        if not 1 <= int(doy) <= (366 if calendar.isleap(y) else 365):
            raise ValueError(f"day of year {doy} does not exist in {year}")
        date = _dt.date(y, 1, 1) + _dt.timedelta(days=int(doy) - 1)
    else:
        try:
            date = _dt.date(y, int(month), int(day))
        except ValueError:
            raise ValueError(f"date {year}-{month}-{day} does not exist") from None
    if int(hh) > 23 or int(mm) > 59 or int(ss) > 60:
        raise ValueError(f"time {hh}:{mm}:{ss} does not exist")
    seconds = (((date - _dt.date(1970, 1, 1)).days * 24 + int(hh)) * 60 + int(mm)) * 60 + int(ss)
    return np.datetime64(seconds * 10**9 + (int(frac.ljust(9, "0")) if frac else 0), "ns")


def _format_epoch(epoch: np.datetime64) -> str:
    ns = to_ns(epoch)
    unit = "us" if ns % 1000 == 0 else "ns"
    return str(np.datetime_as_string(np.datetime64(epoch, "ns"), unit=unit))


def _scalar(value: Any, kind: str) -> None:
    """Refuse what no OMM value can be: a list, an object, true/false, an integer too long to read."""
    if isinstance(value, (list, dict)):
        raise _BadValue(f"value is {quote(value)}, not {_WHAT[kind]}")
    if isinstance(value, bool):
        raise _BadValue(f"value {str(value).lower()} is not {_WHAT[kind]}")
    if isinstance(value, _LongInt):
        raise _BadValue(f"value is an integer of {value.digits} digits: out of range for {_WHAT[kind]}")


def _to_float(value: Any) -> float:
    _scalar(value, "float")
    try:
        number = float(value)
    except OverflowError:
        raise _BadValue(f"value is an integer of {value.bit_length()} bits: too large for a number") from None
    except (TypeError, ValueError):
        raise _BadValue(f"value {quote(value)} is not a number") from None
    if not math.isfinite(number):
        raise _BadValue(f"value {quote(value)} is not a finite number")
    return number


def _to_int(value: Any) -> int:
    _scalar(value, "int")
    if isinstance(value, float):
        if not value.is_integer():  # NaN and infinity are not either
            raise _BadValue(f"value {value!r} is not an integer")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _INT_RE.fullmatch(text):
            raise _BadValue(f"value {quote(value)} is not an integer")
        if len(text.lstrip("+-").lstrip("0")) > 19:  # more digits than any 64-bit integer
            number = _INT64_MAX + 1
        else:
            number = int(text)
    if not _INT64_MIN <= number <= _INT64_MAX:
        raise _BadValue(f"value {quote(value)} is out of range: expected a 64-bit integer "
                        f"({_INT64_MIN} to {_INT64_MAX})")
    return number


def _to_epoch(value: Any) -> np.datetime64:
    _scalar(value, "epoch")
    if not isinstance(value, str):
        raise _BadValue(f"value {quote(value)} is not a UTC time (expected text such as 2024-09-15T00:58:12.885024)")
    try:
        return _parse_epoch(value)
    except ValueError as exc:
        raise _BadValue(f"value {quote(value)} is not a UTC time ({exc})") from None


def _to_text(value: Any) -> str:
    _scalar(value, "str")
    text = str(value).strip()
    found = bad_char(text)
    if found is not None:
        raise _BadValue(f"invalid character {found[1]} in {quote(text)}: OMM values are printable text")
    return text


_CONVERT = {"float": _to_float, "int": _to_int, "epoch": _to_epoch, "str": _to_text}


def _to_record(raw: _Raw, path: str | None) -> ElementSet:
    def fail(reason: str, key: str | None = None) -> ElementsError:
        return ElementsError(reason, path=path, line=raw.line, record=raw.number, key=key)

    values = raw.values
    for key in _MANDATORY:
        if key not in values or values[key][0] in ("", None):
            raise fail(f"mandatory keyword {key} is missing", key)
    for key, want in _FIXED.items():
        if key in values:
            value = values[key][0]
            if not isinstance(value, str) or value.strip().upper() != want:
                raise fail(f"{key} is {quote(value)}: orbops reads only {want}", key)
    kwargs: dict[str, Any] = {}
    for key, (value, unit) in values.items():
        if key not in _KEYS:
            continue
        attr, kind, want_unit = _KEYS[key]
        if unit is not None and (want_unit is None or _norm_unit(unit) != _norm_unit(want_unit)):
            expected = f"[{want_unit}]" if want_unit else "no unit"
            raise fail(f"unit [{clip(unit)}] is wrong: expected {expected}", key)
        if value is None or value == "":
            continue
        try:
            kwargs[attr] = _CONVERT[kind](value)
        except _BadValue as exc:
            raise fail(str(exc), key) from None
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
            if raw.error is not None:
                raise raw.error
            records.append(_to_record(raw, path))
        except ElementsError as err:
            if strict:
                raise
            errors.append(err)
    return records, errors


# --- readers -----------------------------------------------------------------------

def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")


def _json_int(text: str) -> int | _LongInt:
    return int(text) if len(text) <= 40 else _LongInt(text)


_JSON_TOKEN = re.compile(r'[\[\]{}"\\]')


def _json_deep_line(text: str, limit: int = 100) -> int:
    """Line where JSON nesting first goes deeper than ``limit`` (1 if it never does)."""
    depth, in_string, skip = 0, False, -1
    for m in _JSON_TOKEN.finditer(text):
        pos, ch = m.start(), m.group()
        if pos == skip:
            continue
        if in_string:
            if ch == "\\":
                skip = pos + 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, pos) + 1
        elif ch in "]}":
            depth -= 1
    return 1


def parse_omm_json(text: str, path: str | None = None, *, strict: bool = False):
    """Records of CelesTrak/Space-Track OMM JSON (a list of objects, or one)."""
    text = _strip_bom(text)
    try:
        data = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ElementsError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise ElementsError("JSON nested too deeply: OMM JSON is a list of flat objects",
                            path=path, line=_json_deep_line(text)) from None
    except ValueError as exc:  # pragma: no cover - json raises JSONDecodeError for bad syntax
        raise ElementsError(f"not valid JSON: {clip(str(exc))}", path=path, line=1) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ElementsError(f"OMM JSON must be a list of objects, not {quote(data)}", path=path, line=1)
    raws, errors = [], []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            err = ElementsError(f"expected an object with OMM keywords, got {quote(item)}",
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


def _omm_elements(root: ET.Element) -> list[ET.Element]:
    """The ``<omm>`` elements of a document in order, not descending into one (linear time)."""
    found, stack = [], [root]
    while stack:
        elem = stack.pop()
        if _local(elem.tag).lower() == "omm":
            found.append(elem)
        else:
            stack.extend(list(elem)[::-1])
    return found


def parse_omm_xml(text: str, path: str | None = None, *, strict: bool = False):
    """Records of CCSDS NDM/XML: ``<ndm>`` holding ``<omm>`` elements, or one ``<omm>``."""
    text = _strip_bom(text) if isinstance(text, str) else text
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise ElementsError(f"not well-formed XML: {clip(str(exc))}", path=path, line=line,
                            column=col + 1) from None
    except (ValueError, LookupError, RecursionError) as exc:  # e.g. text that is not Unicode
        raise ElementsError(f"cannot read XML: {clip(str(exc))}", path=path, line=1) from None
    omms = _omm_elements(root)
    if not omms:
        raise ElementsError(f"no <omm> element in XML document <{clip(_local(root.tag))}>", path=path, line=1)
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
    """Records of OMM CSV (CelesTrak): a header row of keywords, one row per record.

    A row the csv module cannot read (a field over its 128 KiB limit) ends the file: it is
    reported and later rows are not read.
    """
    reader = csv.reader(io.StringIO(_strip_bom(text), newline=""))

    def csv_error(exc: csv.Error) -> ElementsError:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a field is longer than {csv.field_size_limit()} characters, the most the csv module reads"
        else:
            reason = f"not valid CSV: {clip(reason)}"
        return ElementsError(reason + "; the rows after it were not read", path=path, line=reader.line_num)

    try:
        header = [h.strip().upper() for h in next(reader)]
    except StopIteration:
        raise ElementsError("empty OMM CSV", path=path, line=1) from None
    except csv.Error as exc:
        raise csv_error(exc) from None
    raws, errors = [], []
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            err = csv_error(exc)
            if strict:
                raise err from None
            errors.append(err)
            break
        n += 1
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


_KVN_KEY = re.compile(r"[A-Z_0-9]+")


def _kvn_fields(line: str) -> tuple[str, str, str | None] | None:
    """``(KEY, value, unit or None)`` of a ``KEY = value [unit]`` line, or None (linear time, no regex
    backtracking)."""
    key, sep, rest = line.partition("=")
    key = key.strip()
    if not sep or not _KVN_KEY.fullmatch(key):
        return None
    value, unit = rest.strip(), None
    if value.endswith("]"):
        start = value.rfind("[")
        if start >= 0 and "]" not in value[start + 1:-1]:
            value, unit = value[:start].rstrip(), value[start + 1:-1]
    return key, value, unit


def parse_omm_kvn(text: str, path: str | None = None, *, strict: bool = False):
    """Records of OMM KVN: ``KEY = value [unit]`` lines; each message starts with CCSDS_OMM_VERS.

    Lines split at ``\\n``, ``\\r\\n`` and ``\\r`` only; a control character is an error at its line
    and column. A keyword given twice in one message (two messages run together without a
    CCSDS_OMM_VERS line between them) makes that message one bad record.
    """
    raws: list[_Raw] = []
    errors: list[ElementsError] = []
    seen: dict[str, int] = {}  # keyword -> line, in the current message

    def line_error(reason: str, lineno: int, line: str, column: int | None = None) -> None:
        shown = printable(clip(line)) if column is None or column <= QUOTE_LIMIT else None
        err = ElementsError(reason, path=path, line=lineno, column=column, text=shown)
        if strict:
            raise err
        errors.append(err)

    for lineno, line in enumerate(split_lines(_strip_bom(text)), 1):
        found = bad_char(line)
        if found is not None:
            column, what = found
            line_error(f"invalid character {what} at column {column}: element files hold printable text",
                       lineno, line, column)
            continue
        if not line.strip() or line.lstrip().startswith("COMMENT"):
            continue
        fields = _kvn_fields(line)
        if fields is None:
            line_error("expected 'KEYWORD = value [unit]'", lineno, line)
            continue
        key, value, unit = fields
        if key == "CCSDS_OMM_VERS" or not raws:
            raws.append(_Raw(len(raws) + 1, lineno))
            seen = {}
        raw = raws[-1]
        if key in seen:
            if raw.error is None:
                raw.error = ElementsError(
                    f"{key} given twice in one message (first at line {seen[key]}): each message "
                    "starts with CCSDS_OMM_VERS", path=path, line=lineno, record=raw.number, key=key)
            continue
        seen[key] = lineno
        raw.values[key] = (value, unit)
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
