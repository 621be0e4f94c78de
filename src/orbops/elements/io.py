"""Read element files of any supported format; the format is detected from content."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Callable

from ..errors import ElementsError
from ._text import clip, split_lines
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
    first = split_lines(head)[0].upper()
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
    snippet = clip(split_lines(head)[0], 60)
    raise ElementsError(
        f"not an element file: found no TLE line pairs and no OMM (JSON, XML, CSV or KVN) "
        f"records; it starts with {snippet!r}",
        path=path,
        line=1,
    )


_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")


def _position(data: bytes, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``index``; lines end at \\n, \\r\\n or \\r."""
    line, start = 1, 0
    for m in _BYTE_BREAK.finditer(data, 0, index):
        line, start = line + 1, m.end()
    return line, len(data[start:index].decode("utf-8", errors="replace")) + 1


def _decode(data: bytes, path: str | None) -> str:
    """Text of a file read as UTF-8 (a leading byte-order mark is dropped)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        line, column = _position(data, nul)
        raise ElementsError("binary file (a NUL byte): element files are text (TLE or OMM)",
                            path=path, line=line, column=column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        sample = data[:65536].decode("latin-1")
        if sum(ch.isprintable() or ch in "\r\n\t" for ch in sample) < 0.95 * len(sample):
            reason = "binary file: element files are text (TLE or OMM)"
        else:
            reason = (f"byte 0x{data[exc.start]:02X} is not UTF-8: element files are UTF-8 text "
                      "(convert it, e.g. iconv -f LATIN1 -t UTF-8)")
        raise ElementsError(reason, path=path, line=line, column=column) from None


def parse_elements(text: str, path: str | None = None, *, fmt: str | None = None,
                   strict: bool = False) -> tuple[list[ElementSet], list[ElementsError]]:
    """Records and per-record errors from text of any supported format (a leading BOM is ignored)."""
    text = text.removeprefix("\ufeff")
    fmt = fmt or detect_format(text, path)
    if fmt not in _PARSERS:
        raise ElementsError(f"unknown element format {fmt!r}: expected one of {', '.join(FORMATS)}")
    records, errors = _PARSERS[fmt](text, path, strict=strict)
    if not records and not errors:
        raise ElementsError("no element sets found", path=path)
    return records, errors


def read_elements(path: str | os.PathLike, *, strict: bool = False
                  ) -> tuple[list[ElementSet], list[ElementsError]]:
    """Records and per-record errors of one file: UTF-8 text, a leading byte-order mark ignored.

    Bytes that are not UTF-8 raise an ElementsError naming the line and column.
    """
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
