"""Small pieces of self-contained HTML pages: the style sheet, escaping, tables, embedded PNG plots."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from ..ops import file_slug
from .atomic import atomic_path
from .plots import plt

__all__ = ["CSS", "Images", "escape", "slug", "table", "figure_png", "inline_png"]

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.question { font-size: 1.1em; font-style: italic; color: #444; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #b00020; font-weight: 600; } .good { color: #1b7f3b; font-weight: 600; }
img { max-width: 100%; height: auto; border: 1px solid #eee; margin: 0.3em 0; }
details { margin: 0.5em 0 1em; } summary { cursor: pointer; font-weight: 600; }
.note { color: #666; font-size: 0.85em; }
"""


def escape(text) -> str:
    """Text safe inside HTML elements and attributes."""
    return html.escape(str(text), quote=True)


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (:func:`orbops.ops.file_slug`, which the scenario check uses too)."""
    return file_slug(text)


def figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def inline_png(data: bytes, alt: str, *, title: str = "") -> str:
    """An ``<img>`` with the PNG embedded as a data URI (no file, no external URL)."""
    extra = f' title="{escape(title)}"' if title else ""
    return f'<img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" alt="{escape(alt)}"{extra}>'


class Images:
    """Plots saved beside the report (atomically) and embedded in it. Each gets its own file: a name already
    taken by an earlier plot of the same build (ids whose slugs meet) gets a ``-2``, ``-3``... suffix."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: list[str] = []

    def add(self, fig, name: str, alt: str) -> str:
        data = figure_png(fig)
        name = self._unique(name)
        with atomic_path(self.out / name) as tmp:
            tmp.write_bytes(data)
        self.files.append(name)
        return inline_png(data, alt, title=name)


    def _unique(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        taken = {f.lower() for f in self.files}  # case-insensitive file systems too
        k = 1
        while name.lower() in taken:
            k += 1
            name = f"{stem}-{k}{dot}{suffix}"
        return name


def table(header, rows, numeric=()) -> str:
    """An HTML table; ``rows`` hold ready HTML cells, columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            cls = ' class="num"' if k in numeric else ""
            cells.append(f"<td{cls}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


