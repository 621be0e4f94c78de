"""Text helpers shared by the element readers: line splitting, bad characters, short quotes."""

from __future__ import annotations

import re

QUOTE_LIMIT = 80
"""Most characters of input quoted in an error message."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters (tab aside), DEL, C1 controls (NEL is U+0085) and the Unicode line and
# paragraph separators: str.splitlines() would split at several of them.
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CHAR_NAMES = {
    0x00: "NUL", 0x0B: "vertical tab", 0x0C: "form feed", 0x1C: "file separator", 0x1D: "group separator",
    0x1E: "record separator", 0x1F: "unit separator", 0x7F: "delete", 0x85: "next line",
    0x2028: "line separator", 0x2029: "paragraph separator",
}


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` split at ``\\n``, ``\\r\\n`` and ``\\r`` only (unlike str.splitlines)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def bad_char(text: str) -> tuple[int, str] | None:
    """``(column, description)`` of the first control or line-separator character in one line, or None."""
    m = _BAD_CHAR.search(text)
    if m is None:
        return None
    code = ord(m.group())
    name = _CHAR_NAMES.get(code, "control character")
    return m.start() + 1, f"U+{code:04X} ({name})"


def printable(text: str) -> str:
    """``text`` with each bad character replaced by ``?`` (columns are kept)."""
    return _BAD_CHAR.sub("?", text)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with ``...`` when cut."""
    return text if len(text) <= limit else text[:limit] + "..."


def quote(value) -> str:
    """A short description of a value read from a file, for error messages."""
    if isinstance(value, str):
        return repr(clip(value))
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return clip(repr(value))
