"""Errors and warnings raised by orbops.

Two channels (see docs/architecture.md): per-sample numerical failure is data (codes and
NaN rows); misuse and bad input raise an :class:`OrbopsError` subclass whose
message carries the value, what was expected, and where it was found.
"""

from __future__ import annotations

__all__ = [
    "OrbopsError",
    "ElementsError",
    "UnknownObjectError",
    "ScenarioError",
    "RecordError",
    "OrbopsWarning",
    "ElementsWarning",
    "StaleElementsWarning",
]


class OrbopsError(Exception):
    """Base class of every error orbops raises on purpose."""


class ElementsError(OrbopsError, ValueError):
    """A bad element set, with where it was found.

    For text formats ``line`` and ``column`` are 1-based; ``text`` is the
    offending line and ``template`` the expected column layout shown above it.
    For OMM records ``record`` is the 1-based record number and ``key`` the
    OMM keyword.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        text: str | None = None,
        template: str | None = None,
        record: int | None = None,
        key: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column
        self.text = text
        self.template = template
        self.record = record
        self.key = key
        super().__init__(self._format())

    @property
    def where(self) -> str:
        """``path:line:column`` or ``path: record N, KEY`` (whatever is known)."""
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        extra = []
        if self.record is not None:
            extra.append(f"record {self.record}")
        if self.key is not None:
            extra.append(self.key)
        if extra:
            where += ": " + ", ".join(extra)
        return where

    def _format(self) -> str:
        msg = f"{self.where}: {self.reason}"
        if self.text is not None:
            lines = []
            if self.template is not None:
                lines.append(f"    {self.template}   <- expected columns")
            lines.append(f"    {self.text}")
            if self.column is not None:
                lines.append("    " + " " * (self.column - 1) + "^")
            msg += "\n" + "\n".join(lines)
        return msg


class UnknownObjectError(OrbopsError, KeyError):
    """No element set matches a requested name, alias or NORAD id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ScenarioError(OrbopsError, ValueError):
    """A scenario file that cannot be run; ``problems`` lists every error found, each with its key path."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        head = f"{path}: {len(self.problems)} problem(s) in the scenario"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class RecordError(OrbopsError, ValueError):
    """A flight record (CSV) that cannot be read; ``problems`` lists every error, each as
    ``file:line: column: message``."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        head = f"{path}: {len(self.problems)} problem(s) in the flight record"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class OrbopsWarning(UserWarning):
    """Base class of orbops warnings."""


class ElementsWarning(OrbopsWarning):
    """Some records of an element file were bad and skipped (lenient mode)."""


class StaleElementsWarning(OrbopsWarning):
    """An element set is used far from its epoch (SGP4 sets are good for days)."""
