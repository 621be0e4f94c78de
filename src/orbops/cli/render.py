"""Rendering helpers shared by the commands: tables, JSON, progress bars."""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable, Sequence

import click
import numpy as np
from rich.console import Console
from rich.table import Table


def stdout_console() -> Console:
    """A console on the current stdout; wide and plain when it is not a terminal."""
    tty = sys.stdout.isatty()
    return Console(file=sys.stdout, width=None if tty else 200, highlight=False,
                   soft_wrap=not tty, no_color=not tty)


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                right: Sequence[bool] | None = None, wrap: Sequence[bool] | None = None,
                tight: bool = False) -> None:
    """A table on stdout; ``right[i]`` right-aligns column ``i`` (numbers); ``wrap[i]`` lets column ``i``
    fold onto more lines when the terminal is narrow (text, not numbers or times); ``tight``: one space
    between columns."""
    table = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False,
                  collapse_padding=tight)
    for i, col in enumerate(columns):
        folds = bool(wrap and wrap[i])
        table.add_column(col, justify="right" if right and right[i] else "left", no_wrap=not folds,
                         overflow="fold" if folds else "ellipsis", min_width=8 if folds else None)
    for row in rows:
        table.add_row(*(str(c) for c in row))
    stdout_console().print(table)


def _default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def print_json(obj: Any) -> None:
    """``obj`` as indented JSON on stdout."""
    click.echo(json.dumps(obj, indent=2, default=_default, allow_nan=False))


class Progress:
    """A progress bar with ETA on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: float, description: str, unit: str = "") -> None:
        self.total = total
        self.description = description
        self.unit = unit
        self._bar = None

    def __enter__(self) -> "Progress":
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn(self.unit), TimeElapsedColumn(), TextColumn("ETA"),
                                     TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.description, total=self.total)
        return self

    def advance(self, amount: float = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, amount)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
