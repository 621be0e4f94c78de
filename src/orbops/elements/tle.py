"""Two-line element sets (TLE) and three-line sets (3LE): read and write.

Column layout from Spacetrack Report #3 (Hoots & Roehrich 1980) and
CelesTrak's "NORAD Two-Line Element Set Format"; Alpha-5 catalog numbers
(a letter for the ten-thousands digit, I and O skipped) as published by
18 SDS. Every malformed line is reported with the file, line, column, the
reason and the expected column template above the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..errors import ElementsError
from ..timescales import NS_PER_DAY, to_ns
from ._text import QUOTE_LIMIT, bad_char, clip, printable, split_lines
from .records import ElementSet

__all__ = [
    "TEMPLATE_LINE1",
    "TEMPLATE_LINE2",
    "checksum",
    "alpha5_decode",
    "alpha5_encode",
    "parse_tle_pair",
    "parse_tle_text",
    "format_tle_lines",
    "to_tle_lines",
    "write_tle",
    "looks_like_tle",
]

TEMPLATE_LINE1 = "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN"
TEMPLATE_LINE2 = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN"

_ALPHA5_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are not used
_NS_PER_1E8_DAY = NS_PER_DAY // 10**8  # 864,000 ns: the TLE epoch resolution


# Per-column character classes of each field, as a pattern string:
#   N digit   _ digit or leading space   . literal point   S sign [ +-]
#   E exponent sign [+-]   A Alpha-5 lead [0-9A-Z minus I,O or space]
#   C classification [UCS ]   D designator digit or space
#   P designator piece [A-Z or space]   T ephemeris type digit or space
_CLASSES = {
    "N": "0123456789",
    "_": " 0123456789",
    ".": ".",
    "S": " +-",
    "E": "+- ",
    "A": " 0123456789" + _ALPHA5_LETTERS,
    "C": "UCS ",
    "D": " 0123456789",
    "P": " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "T": " 0123456789",
}
_EXPECT = {
    "N": "a digit",
    "_": "a digit or a leading space",
    ".": "a decimal point",
    "S": "a sign (space, + or -)",
    "E": "an exponent sign (+ or -)",
    "A": "a digit or an Alpha-5 letter",
    "C": "U, C or S",
    "D": "a digit",
    "P": "a letter",
    "T": "a digit",
}


@dataclass(frozen=True)
class _Field:
    name: str
    start: int  # 1-based first column
    pattern: str  # one class letter per column

    @property
    def end(self) -> int:
        return self.start + len(self.pattern) - 1

    @property
    def span(self) -> str:
        return f"column {self.start}" if self.end == self.start else f"columns {self.start}-{self.end}"


_LINE1_FIELDS = (
    _Field("catalog number", 3, "A____"),
    _Field("classification", 8, "C"),
    _Field("international designator", 10, "DDDDDPPP"),
    _Field("epoch year", 19, "NN"),
    _Field("epoch day", 21, "__N.NNNNNNNN"),
    _Field("first derivative of mean motion", 34, "S.NNNNNNNN"),
    _Field("second derivative of mean motion", 45, "S____NEN"),
    _Field("BSTAR drag term", 54, "S____NEN"),
    _Field("ephemeris type", 63, "T"),
    _Field("element set number", 65, "____"),
)
_LINE2_FIELDS = (
    _Field("catalog number", 3, "A____"),
    _Field("inclination", 9, "__N.NNNN"),
    _Field("right ascension of the ascending node", 18, "__N.NNNN"),
    _Field("eccentricity", 27, "NNNNNNN"),
    _Field("argument of perigee", 35, "__N.NNNN"),
    _Field("mean anomaly", 44, "__N.NNNN"),
    _Field("mean motion", 53, "_N.NNNNNNNN"),
    _Field("revolution number at epoch", 64, "____N"),
)
_SPACES = {1: (2, 9, 18, 33, 44, 53, 62, 64), 2: (2, 8, 17, 26, 34, 43, 52)}
_FIELDS = {1: _LINE1_FIELDS, 2: _LINE2_FIELDS}
_TEMPLATES = {1: TEMPLATE_LINE1, 2: TEMPLATE_LINE2}
_COSPAR = re.compile(r"^(\d{4})-(\d{3})([A-Z]{1,3})$")
_TLE_START = re.compile(r"[12] [ 0-9A-Z]{5}")


def checksum(line: str) -> int:
    """Mod-10 checksum of columns 1-68: digits count their value, '-' counts 1."""
    total = 0
    for ch in line[:68]:
        if "0" <= ch <= "9":
            total += ord(ch) - 48
        elif ch == "-":
            total += 1
    return total % 10


def alpha5_decode(text: str) -> int:
    """Catalog number from its 5 TLE columns: ``25544`` or Alpha-5 ``A0001`` (100001)."""
    text = text.strip()
    if text and text[0] in _ALPHA5_LETTERS:
        return (10 + _ALPHA5_LETTERS.index(text[0])) * 10_000 + int(text[1:])
    return int(text)


def alpha5_encode(number: int) -> str:
    """Five TLE columns for a catalog number; Alpha-5 from 100000 to 339999."""
    if 0 <= number < 100_000:
        return f"{number:05d}"
    lead, rest = divmod(number, 10_000)
    if number < 0 or lead - 10 >= len(_ALPHA5_LETTERS):
        raise ElementsError(f"catalog number {number} cannot be written in a TLE: expected 0 to 339999")
    return f"{_ALPHA5_LETTERS[lead - 10]}{rest:04d}"


def looks_like_tle(text: str) -> bool:
    """True when some line has the shape of a TLE line 1 or line 2."""
    return any(_TLE_START.match(ln) for ln in split_lines(text)[:200])


# --- parsing ------------------------------------------------------------------------

class _Line:
    """One physical line of the input, for error messages."""

    __slots__ = ("text", "number", "path")

    def __init__(self, text: str, number: int, path: str | None) -> None:
        self.text = text
        self.number = number
        self.path = path

    def error(self, reason: str, column: int | None = None, which: int | None = None) -> ElementsError:
        """An error at this line; the line is quoted (cut to 80 characters) when the column is in that part."""
        shown = None
        if column is None or column <= QUOTE_LIMIT:
            shown = printable(clip(self.text))
        return ElementsError(
            reason,
            path=self.path,
            line=self.number,
            column=column,
            text=shown,
            template=_TEMPLATES.get(which) if which and shown is not None else None,
        )

    def bad_char_error(self, which: int | None = None) -> ElementsError | None:
        """The error for the first control or line-separator character in the line, if any."""
        found = bad_char(self.text)
        if found is None:
            return None
        column, what = found
        return self.error(f"invalid character {what} at column {column}: element files hold printable text",
                          column, which)


def _check_layout(line: _Line, which: int) -> dict[str, str]:
    """Validate one TLE line's columns; return each field's text."""
    text = line.text
    err = line.bad_char_error(which)
    if err is not None:
        raise err
    if not text.startswith(f"{which} "):
        raise line.error(f"expected line {which} to start with '{which} '", 1, which)
    if len(text) != 69:
        if len(text) == 68:
            reason = "line is 68 columns long: the checksum (column 69) is missing"
        else:
            reason = f"line is {len(text)} columns long: expected 69"
        raise line.error(reason, min(len(text), 69) + 1 if len(text) < 69 else 70, which)
    for col in _SPACES[which]:
        if text[col - 1] != " ":
            raise line.error(
                f"unexpected {text[col - 1]!r} at column {col}: expected a space between fields "
                "(a field is in the wrong columns)",
                col,
                which,
            )
    values = {}
    for f in _FIELDS[which]:
        chunk = text[f.start - 1 : f.end]
        seen_digit = False
        for i, (ch, cls) in enumerate(zip(chunk, f.pattern)):
            col = f.start + i
            if ch not in _CLASSES[cls]:
                if ch == "." and "." in f.pattern:
                    point = f.start + f.pattern.index(".")
                    reason = (f"decimal point of {f.name} at column {col}: expected it at column "
                              f"{point} (the field is in the wrong columns)")
                elif cls == ".":
                    reason = (f"expected the decimal point of {f.name} at column {col}, found {ch!r} "
                              "(the field is in the wrong columns)")
                else:
                    reason = f"invalid character {ch!r} in {f.name} ({f.span}): expected {_EXPECT[cls]}"
                raise line.error(reason, col, which)
            if cls == "_":
                if ch == " " and seen_digit:
                    raise line.error(
                        f"space inside the number in {f.name} ({f.span}): expected a right-aligned number",
                        col,
                        which,
                    )
                seen_digit = seen_digit or ch != " "
        values[f.name] = chunk
    if not values["catalog number"].strip():
        raise line.error("missing catalog number (columns 3-7)", 3, which)
    if not "0" <= text[68] <= "9":
        raise line.error(f"invalid character {text[68]!r} in the checksum (column 69): expected a digit",
                         69, which)
    found = int(text[68])
    want = checksum(text)
    if found != want:
        raise line.error(f"checksum is {found} but the line sums to {want}", 69, which)
    return values


def _parse_exponent_field(text: str) -> float:
    """``' 21325-3'`` -> 0.21325e-3 (TLE implied decimal point and exponent)."""
    sign = "-" if text[0] == "-" else ""
    mantissa = text[1:6].replace(" ", "0")
    exp_sign = "-" if text[6] == "-" else "+"
    return float(f"{sign}0.{mantissa}e{exp_sign}{text[7]}")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _parse_epoch(year2: str, day: str, line: _Line) -> np.datetime64:
    yy = int(year2)
    year = 1900 + yy if yy >= 57 else 2000 + yy
    whole, frac = day.split(".")
    day_number = int(whole)
    days_in_year = 366 if _is_leap(year) else 365
    if not 1 <= day_number <= days_in_year:
        raise line.error(
            f"impossible epoch day {day.strip()} of {year}: expected 1 <= day < {days_in_year + 1}",
            21,
            1,
        )
    ns = (day_number - 1) * NS_PER_DAY + int(frac) * _NS_PER_1E8_DAY
    return np.datetime64(f"{year:04d}-01-01", "ns") + np.timedelta64(ns, "ns")


def _designator_from_tle(text: str) -> str:
    text = text.strip()
    m = re.fullmatch(r"(\d{2})(\d{3})([A-Z]{1,3})", text)
    if not m:
        return text
    yy = int(m.group(1))
    year = 1900 + yy if yy >= 57 else 2000 + yy
    return f"{year}-{m.group(2)}{m.group(3)}"


def parse_tle_pair(line1: str, line2: str, name: str = "", *, path: str | None = None,
                   line_number: int = 1, name_line: int | None = None) -> ElementSet:
    """One element set from its two lines (and optional name).

    ``line_number`` is the 1-based line of ``line1`` in ``path``; ``line2`` is
    taken to be on the next line unless the caller passes a _Line itself.
    Raises :class:`ElementsError` on the first problem found.
    """
    l1 = line1 if isinstance(line1, _Line) else _Line(line1.rstrip("\r\n "), line_number, path)
    l2 = line2 if isinstance(line2, _Line) else _Line(line2.rstrip("\r\n "), line_number + 1, path)
    f1 = _check_layout(l1, 1)
    f2 = _check_layout(l2, 2)
    sat1 = alpha5_decode(f1["catalog number"])
    sat2 = alpha5_decode(f2["catalog number"])
    if sat1 != sat2:
        raise l2.error(f"catalog number {sat2} on line 2 does not match {sat1} on line 1", 3, 2)
    epoch = _parse_epoch(f1["epoch year"], f1["epoch day"], l1)
    inc = float(f2["inclination"])
    angles = {
        "right ascension of the ascending node": (18, 360.0),
        "argument of perigee": (35, 360.0),
        "mean anomaly": (44, 360.0),
    }
    if inc > 180.0:
        raise l2.error(f"inclination {inc} deg is out of range: expected 0 to 180", 9, 2)
    for key, (col, top) in angles.items():
        value = float(f2[key])
        if value > top:
            raise l2.error(f"{key} {value} deg is out of range: expected 0 to 360", col, 2)
    n = float(f2["mean motion"])
    if n <= 0.0:
        raise l2.error("mean motion is zero: expected a positive number of revolutions per day", 53, 2)
    eph = f1["ephemeris type"].strip()
    elset = f1["element set number"].strip()
    record = ElementSet(
        norad_id=sat1,
        epoch=epoch,
        mean_motion_rev_day=n,
        ecc=float("0." + f2["eccentricity"]),
        inc_deg=inc,
        raan_deg=float(f2["right ascension of the ascending node"]),
        argp_deg=float(f2["argument of perigee"]),
        mean_anomaly_deg=float(f2["mean anomaly"]),
        bstar=_parse_exponent_field(f1["BSTAR drag term"]),
        ndot=float(f1["first derivative of mean motion"].replace(" ", "")),
        nddot=_parse_exponent_field(f1["second derivative of mean motion"]),
        name=name,
        intl_designator=_designator_from_tle(f1["international designator"]),
        classification=f1["classification"].strip() or "U",
        element_set_no=int(elset) if elset else 0,
        rev_at_epoch=int(f2["revolution number at epoch"]),
        ephemeris_type=int(eph) if eph else 0,
        source=f"{path or '<input>'}:{name_line or l1.number}",
    )
    object.__setattr__(record, "tle_lines", (l1.text, l2.text))
    return record


def _blank(text: str) -> bool:
    """True for a line of whitespace only, with no control characters (those are reported)."""
    return not text.strip() and bad_char(text) is None


def _classify(text: str) -> str:
    if text.startswith("1 "):
        return "1"
    if text.startswith("2 "):
        return "2"
    return "name"


def parse_tle_text(text: str, path: str | None = None, *, strict: bool = False
                   ) -> tuple[list[ElementSet], list[ElementsError]]:
    """Read every TLE / 3LE set in ``text``.

    Returns ``(records, errors)``: one error per bad record, nothing skipped
    silently. With ``strict=True`` the first error is raised instead.
    Name lines are optional and may carry the 3LE ``0 `` prefix. Lines end at
    ``\\n``, ``\\r\\n`` or ``\\r`` only: a control character (vertical tab, form
    feed, U+0085, U+2028, ...) is reported at its line and column, and the set
    it is in (its name line included) is bad.
    """
    records: list[ElementSet] = []
    errors: list[ElementsError] = []

    def fail(err: ElementsError) -> None:
        if strict:
            raise err
        errors.append(err)

    lines = [_Line(t.rstrip(" ").replace("\ufeff", ""), i + 1, path) for i, t in enumerate(split_lines(text))]

    def name_error(name: _Line) -> ElementsError:
        return name.bad_char_error() or name.error("name line is not followed by a TLE line 1 and line 2")

    pending_name: _Line | None = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        if _blank(ln.text):
            i += 1
            continue
        kind = _classify(ln.text)
        if kind == "name":
            if pending_name is not None:
                fail(name_error(pending_name))
            pending_name = ln
            i += 1
            continue
        if kind == "2":
            fail(ln.bad_char_error(2) or ln.error("line 2 without its line 1", 1, 2))
            pending_name = None
            i += 1
            continue
        j = i + 1
        while j < len(lines) and _blank(lines[j].text):
            j += 1
        if j >= len(lines) or _classify(lines[j].text) != "2":
            fail(ln.bad_char_error(1) or ln.error("line 1 without its line 2", 1, 1))
            pending_name = None
            i += 1
            continue
        name = ""
        if pending_name is not None:
            bad_name = pending_name.bad_char_error()
            if bad_name is not None:  # the set is bad: its name is
                fail(bad_name)
                pending_name = None
                i = j + 1
                continue
            name = pending_name.text.strip()
            if name.startswith("0 "):
                name = name[2:].strip()
        try:
            records.append(parse_tle_pair(ln, lines[j], name, path=path,
                                          name_line=pending_name.number if pending_name else None))
        except ElementsError as err:
            fail(err)
        pending_name = None
        i = j + 1
    if pending_name is not None:
        fail(name_error(pending_name))
    return records, errors


# --- writing ------------------------------------------------------------------------

def _format_exponent_field(value: float, what: str) -> str:
    if value == 0.0:
        return " 00000-0"
    mantissa, exp = f"{abs(value):.4e}".split("e")
    digits = mantissa.replace(".", "")
    exponent = int(exp) + 1
    if not -9 <= exponent <= 9:
        raise ElementsError(f"{what} {value!r} cannot be written in a TLE: exponent out of range")
    sign = "-" if value < 0 else " "
    return f"{sign}{digits}{'-' if exponent < 0 else '+'}{abs(exponent)}"


def _format_ndot(value: float) -> str:
    text = f"{abs(value):.8f}"
    if not text.startswith("0."):
        raise ElementsError(f"mean motion derivative {value!r} cannot be written in a TLE: expected |ndot| < 1")
    return ("-" if value < 0 else " ") + text[1:]


def _format_epoch(epoch: np.datetime64) -> str:
    ns = to_ns(epoch)
    year = int(str(np.datetime64(epoch, "Y")))
    for _ in range(2):  # rounding may carry into the next year
        start = to_ns(f"{year:04d}-01-01")
        units = (ns - start + _NS_PER_1E8_DAY // 2) // _NS_PER_1E8_DAY
        day, frac = divmod(units, 10**8)
        if day < (366 if _is_leap(year) else 365):
            break
        year += 1
    if not 1957 <= year <= 2056:
        raise ElementsError(f"epoch year {year} cannot be written in a TLE: expected 1957 to 2056")
    return f"{year % 100:02d}{day + 1:03d}.{frac:08d}"


def _designator_to_tle(desig: str) -> str:
    m = _COSPAR.match(desig)
    if m:
        return f"{m.group(1)[2:]}{m.group(2)}{m.group(3)}".ljust(8)
    return desig.replace("-", "")[:8].ljust(8)


def format_tle_lines(es: ElementSet) -> tuple[str, str]:
    """The two TLE lines of a record, formatted from its values (CelesTrak style)."""
    sat = alpha5_encode(es.norad_id)
    ecc = int(round(es.ecc * 1e7))
    if not 0 <= ecc <= 9_999_999:
        raise ElementsError(f"eccentricity {es.ecc!r} cannot be written in a TLE: expected 0 <= ecc < 1")
    line1 = (
        f"1 {sat}{(es.classification or 'U')[:1]} {_designator_to_tle(es.intl_designator)} "
        f"{_format_epoch(es.epoch)} {_format_ndot(es.ndot)} "
        f"{_format_exponent_field(es.nddot, 'second derivative of mean motion')} "
        f"{_format_exponent_field(es.bstar, 'BSTAR')} {es.ephemeris_type % 10:1d} "
        f"{es.element_set_no % 10000:4d}"
    )
    line2 = (
        f"2 {sat} {es.inc_deg:8.4f} {es.raan_deg:8.4f} {ecc:07d} {es.argp_deg:8.4f} "
        f"{es.mean_anomaly_deg:8.4f} {es.mean_motion_rev_day:11.8f}{es.rev_at_epoch % 100000:5d}"
    )
    return line1 + str(checksum(line1)), line2 + str(checksum(line2))


def to_tle_lines(es: ElementSet) -> tuple[str, str]:
    """The TLE lines of a record: the exact source lines if it was read from a TLE."""
    return es.tle_lines if es.tle_lines is not None else format_tle_lines(es)


def write_tle(records: Iterable[ElementSet], *, names: bool = True, zero_prefix: bool = False) -> str:
    """TLE text for ``records``: 3LE with a name line each (``names=True``).

    ``zero_prefix`` writes name lines as ``0 NAME`` (Space-Track's 3LE form).
    """
    out: list[str] = []
    for es in records:
        if names:
            out.append(("0 " if zero_prefix else "") + (es.name or f"NORAD {es.norad_id}"))
        out.extend(to_tle_lines(es))
    return "\n".join(out) + ("\n" if out else "")

