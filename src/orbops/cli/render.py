"""Rendering helpers shared by the commands: tables, JSON, progress bars."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Iterable, Sequence

import click
import numpy as np
from rich.console import Console
from rich.table import Table


def stdout_console() -> Console:
    """A console on the current stdout; plain when it is not a terminal, and then 200 columns wide unless
    ``$COLUMNS`` says otherwise."""
    tty = sys.stdout.isatty()
    width = None if tty else int(os.environ.get("COLUMNS") or 0) or 200  # $COLUMNS, when set, also for a pipe
    return _Console(file=sys.stdout, width=width, highlight=False, soft_wrap=not tty, no_color=not tty)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Let the command line's handler answer a broken pipe (exit code 141), as for every other output."""
        self.quiet = True
        raise BrokenPipeError()


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                right: Sequence[bool] | None = None, wrap: Sequence[bool] | None = None,
                tight: bool = False) -> None:
    """A table on stdout; ``right[i]`` right-aligns column ``i`` (numbers); ``wrap[i]`` lets column ``i``
    fold onto more lines when the terminal is narrow (text, not numbers or times); ``tight``: one space
    between columns. No value is ever cut: headers fold at spaces, and when even folded columns cannot fit
    the terminal each row is printed as a block of ``column: value`` lines instead."""
    rows = [[str(c) for c in row] for row in rows]
    console = stdout_console()
    widths = _fit(columns, rows, wrap, console.width - (1 if tight else 2) * (len(columns) - 1))
    if widths is None:
        _print_stacked(columns, rows, title, console)
        return
    table = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False,
                  collapse_padding=tight)
    for i, col in enumerate(columns):
        table.add_column(col, justify="right" if right and right[i] else "left", overflow="fold", width=widths[i])
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _fit(columns, rows, wrap, room: int) -> list[int] | None:
    """Column widths within ``room`` characters that cut no value (a folding column down to its longest word,
    a header down to its longest word), growing the narrowed columns back in order; None if none fit."""
    natural, least = [], []
    for i, col in enumerate(columns):
        values = [r[i] for r in rows]
        natural.append(max([len(col)] + [len(v) for v in values]))
        if wrap and wrap[i]:
            least.append(min(natural[-1], max([8, _longest_word(col)] + [_longest_word(v) for v in values])))
        else:
            least.append(max([_longest_word(col)] + [len(v) for v in values]))
    if sum(natural) <= room:
        return natural
    if sum(least) > room and len(columns) > 2:
        return None
    widths, spare = list(least), room - sum(least)
    deficit = [n - w for n, w in zip(natural, widths)]
    total = sum(deficit)
    for i in range(len(columns)):  # the room left goes to the narrowed columns, in proportion to what they lack
        grow = min(deficit[i], spare * deficit[i] // total) if total else 0
        widths[i] += grow
    for i in range(len(columns)):  # what rounding left over, in order
        grow = min(max(0, room - sum(widths)), natural[i] - widths[i])
        widths[i] += grow
    return widths


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _print_stacked(columns: Sequence[str], rows: list[list[str]], title: str | None, console: Console) -> None:
    """Each row as a heading (its first value) and its other values as ``column: value``, wrapped."""
    import textwrap

    width = max(40, console.width)
    out = [title] if title else []
    for row in rows:
        out.append(f"{columns[0]}: {row[0]}")
        nbsp = "\u00a0"  # a field breaks between fields, not inside (unless it is longer than a line)
        fields = "   ".join(f"{c}: {v}".replace(" ", nbsp) for c, v in zip(columns[1:], row[1:]) if v != "")
        out.extend(line.replace(nbsp, " ") for line in textwrap.wrap(
            fields, width=width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False))
    click.echo("\n".join(out))


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
