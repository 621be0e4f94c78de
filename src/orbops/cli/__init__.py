"""Floor 8: the command line. Thin: parse, call the library, render.

Results go to stdout (a table, or JSON with ``--json``); diagnostics go to
stderr. Exit codes are the same for every command (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

from .app import EXIT_CODES, cli, main

__all__ = ["EXIT_CODES", "cli", "main"]
