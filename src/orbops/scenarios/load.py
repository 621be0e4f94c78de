"""Load scenario files (TOML) into ``orbops.ops.Scenario``: parse -> resolve -> build.

Validation runs to the end and reports every problem at once: unknown keys,
wrong types, references to things that do not exist, impossible combinations
(a spaceport that cannot reach a station's inclination, a vehicle whose
docking standard fits no port without a declared adapter, dates outside the
element history). Each problem names the file, the line where it can be
found, the key path and what was expected. A scenario file is data: it
never executes code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from ..errors import ScenarioError
from ..ops import Scenario
from .build import build_scenario
from .parse import find_line, parse, read_toml
from .resolve import resolve
from .schema import Checker

__all__ = ["load_scenario", "validate_scenario"]


def load_scenario(path: str | os.PathLike, *, files: Mapping[str, str | os.PathLike] | None = None,
                  only_files: bool = False) -> Scenario:
    """A validated :class:`~orbops.ops.Scenario` holding its element catalog; raises :class:`ScenarioError`
    listing every problem. ``files`` maps file names as the scenario writes them (its element and profile
    files) to where they are instead, e.g. the copies in a run directory; with ``only_files`` a name not
    in it is a problem."""
    path = Path(path)
    text, raw = read_toml(path)
    check = Checker()
    parsed = parse(raw, check)
    resolved = resolve(parsed, check, path.parent, files, only_files=only_files)
    if check.problems:
        raise ScenarioError(str(path), _messages(path, text, check.problems))
    return build_scenario(resolved, str(path))


def validate_scenario(path: str | os.PathLike) -> list[str]:
    """Every problem in a scenario file (empty when it can run)."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def _messages(path: Path, text: str, problems: list[tuple[str, str]]) -> list[str]:
    out = []
    for key_path, message in problems:
        line = find_line(text, key_path)
        where = f"{path}:{line}" if line else str(path)
        out.append(f"{where}: {key_path}: {message}")
    return out
