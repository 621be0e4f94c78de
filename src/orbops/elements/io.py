"""Read element files of any supported format; the format is detected from content."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..errors import ElementsError
from .omm import (
    parse_omm_csv,
    parse_omm_json,
    parse_omm_kvn,
    parse_omm_xml,
    write_omm_csv,
    write_omm_json,
    write_omm_kvn,
    write_omm_xml,
)
from .records import ElementSet
from .tle import looks_like_tle, parse_tle_text, write_tle

__all__ = ["FORMATS", "WRITERS", "detect_format", "parse_elements", "read_elements", "write_elements"]

FORMATS = ("tle", "omm-json", "omm-xml", "omm-csv", "omm-kvn")

_PARSERS: dict[str, Callable] = {
    "tle": parse_tle_text,
    "omm-json": parse_omm_json,
    "omm-xml": parse_omm_xml,
    "omm-csv": parse_omm_csv,
    "omm-kvn": parse_omm_kvn,
}

WRITERS: dict[str, Callable] = {
    "tle": lambda recs: write_tle(recs, names=False),
    "3le": write_tle,
    "omm-json": write_omm_json,
    "omm-xml": write_omm_xml,
    "omm-csv": write_omm_csv,
    "omm-kvn": write_omm_kvn,
}


def detect_format(text: str, path: str | None = None) -> str:
    """Name of the format of ``text`` (one of :data:`FORMATS`), judged from content.

    The file name is used only to break a tie; content always wins.
    """
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if not head:
        raise ElementsError("empty file: no element sets found", path=path)
    if head[0] in "[{":
        return "omm-json"
    if head[0] == "<":
        return "omm-xml"
    first = head.splitlines()[0].upper()
    if "CCSDS_OMM_VERS" in head[:2000].upper():
        return "omm-kvn"
    if "," in first and ("NORAD_CAT_ID" in first or "EPOCH" in first):
        return "omm-csv"
    if looks_like_tle(text):
        return "tle"
    ext = Path(path).suffix.lower() if path else ""
    hint = {".json": "omm-json", ".xml": "omm-xml", ".csv": "omm-csv", ".kvn": "omm-kvn"}.get(ext)
    if hint:
        return hint
    snippet = head.splitlines()[0][:60]
    raise ElementsError(
        f"not an element file: found no TLE line pairs and no OMM (JSON, XML, CSV or KVN) "
        f"records; it starts with {snippet!r}",
        path=path,
        line=1,
    )


def _decode(data: bytes, path: str | None) -> str:
    if b"\x00" in data[:65536]:
        raise ElementsError("binary file: element files are text (TLE or OMM)", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any byte
            raise ElementsError("cannot decode file as text", path=path, line=line) from None
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if printable < 0.95 * len(text):
            raise ElementsError("binary file: element files are text (TLE or OMM)", path=path, line=line)
        return text


def parse_elements(text: str, path: str | None = None, *, fmt: str | None = None,
                   strict: bool = False) -> tuple[list[ElementSet], list[ElementsError]]:
    """Records and per-record errors from text of any supported format."""
    fmt = fmt or detect_format(text, path)
    if fmt not in _PARSERS:
        raise ElementsError(f"unknown element format {fmt!r}: expected one of {', '.join(FORMATS)}")
    records, errors = _PARSERS[fmt](text, path, strict=strict)
    if not records and not errors:
        raise ElementsError("no element sets found", path=path)
    return records, errors


def read_elements(path: str | os.PathLike, *, strict: bool = False
                  ) -> tuple[list[ElementSet], list[ElementsError]]:
    """Records and per-record errors of one file."""
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except IsADirectoryError:
        raise ElementsError("is a directory: give element files", path=name) from None
    except OSError as exc:
        raise ElementsError(f"cannot read file: {exc.strerror}", path=name) from None
    if not data.strip():
        raise ElementsError("empty file: no element sets found", path=name)
    return parse_elements(_decode(data, name), name, strict=strict)


def write_elements(records, fmt: str) -> str:
    """Text of ``records`` in ``fmt``: tle, 3le, omm-json, omm-xml, omm-csv or omm-kvn."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ElementsError(f"unknown output format {fmt!r}: expected one of {', '.join(WRITERS)}") from None
    return writer(list(records))
