"""Salvage of a damaged results store: every intact run is copied to a fresh store, none twice.

Two readers look for rows, and each row's checksum decides whether it is
kept: SQLite itself (a full scan, then one look-up per run index past the
damage), and a reader of the file's pages that decodes every table leaf page
it can (following overflow chains), so rows behind a broken interior or root
page are found too; the WAL's pages overlay the main file's. The damaged
file (and its WAL) is first copied aside as ``campaign.sqlite.corrupt-<time>``;
the fresh store replaces it only once it holds every salvaged row, so a
salvage interrupted at any point loses nothing and is simply done again.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .._system import fsync_dir
from .store import _SCHEMA, STORE_FILE, _checksum

__all__ = ["Salvage", "salvage_store", "SALVAGED_FILE"]

SALVAGED_FILE = STORE_FILE + ".salvaged"  # the fresh store, complete, before it takes the store's name
_META_KEYS = ("scenario_file", "scenario_sha256", "campaign_seed", "orbops_version", "runs")
_COLUMNS = "run, seed, metrics, timeline, checksum, finished_utc, seconds"


@dataclass
class Salvage:
    """What a salvage kept: ``kept`` run indices, ``damaged`` ones found but unreadable or failing their
    checksum, the recovered ``meta``, and ``aside``, the copy of the damaged file."""

    reason: str
    aside: Path
    kept: list[int]
    damaged: list[int]
    meta: dict = field(default_factory=dict)

    def missing(self, runs: int) -> list[int]:
        """Run indices below ``runs`` the fresh store lacks (lost to the damage, or never finished)."""
        kept = set(self.kept)
        return [i for i in range(runs) if i not in kept]


class _Rows:
    """Candidate rows, kept when their checksum holds (the first intact one per run index)."""

    def __init__(self) -> None:
        self.good: dict[int, tuple] = {}
        self.bad: set[int] = set()

    def offer(self, row) -> None:
        try:
            run, seed, metrics, timeline, checksum, finished, seconds = row
            ok = (isinstance(run, int) and isinstance(seed, int) and isinstance(metrics, str)
                  and isinstance(timeline, bytes) and isinstance(checksum, str)
                  and _checksum(run, seed, metrics, timeline) == checksum)
        except (TypeError, ValueError):
            return
        if not ok:
            if isinstance(run, int):
                self.bad.add(run)
            return
        if run not in self.good:
            self.good[run] = (run, seed, metrics, timeline, checksum, str(finished or ""), float(seconds or 0.0))


def salvage_store(directory: str | Path, reason: str, *, runs: int = 0) -> Salvage:
    """Replace the damaged store of ``directory`` by a fresh one holding every intact row; ``runs``: how many
    run indices to look up (at least; the stored campaign size is used too)."""
    directory = Path(directory)
    path = directory / STORE_FILE
    aside = _aside_name(directory)
    sources = []
    if path.exists():
        _copy_durably(path, aside)
        wal = path.with_name(STORE_FILE + "-wal")
        if wal.exists():
            _copy_durably(wal, aside.with_name(aside.name + "-wal"))
        sources.append(aside)
    leftover = directory / SALVAGED_FILE  # an earlier salvage that stopped before its last rename
    if leftover.exists():
        sources.append(leftover)
    rows, meta, candidates = _Rows(), {}, {}
    for source in sources:  # pages first: SQLite may checkpoint the WAL copy into its file when it reads it
        wal = source.with_name(source.name + "-wal")
        _page_rows(source.read_bytes(), wal.read_bytes() if wal.exists() else b"", rows, candidates)
    for source in sources:
        _sql_rows(source, runs, rows, meta)
    aside.with_name(aside.name + "-shm").unlink(missing_ok=True)  # SQLite's index of the copy's WAL, not evidence
    aside_wal = aside.with_name(aside.name + "-wal")
    if aside_wal.exists() and aside_wal.stat().st_size == 0:  # made by reading the copy: nothing in it
        aside_wal.unlink()
    for key, values in candidates.items():
        if key not in meta:
            meta[key] = max(values) if key == "runs" else max(set(values), key=values.count)
        elif key == "runs":
            meta[key] = max([meta[key], *values])
    _write_fresh(directory, meta, rows.good)
    kept = sorted(rows.good)
    return Salvage(reason, aside, kept, sorted(rows.bad - set(kept)), meta)


def _aside_name(directory: Path) -> Path:
    base = directory / f"{STORE_FILE}.corrupt-{int(time.time())}"
    aside, n = base, 1
    while aside.exists():
        aside, n = base.with_name(f"{base.name}-{n}"), n + 1
    return aside


def _copy_durably(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    with open(dst, "rb+") as fh:
        os.fsync(fh.fileno())


def _write_fresh(directory: Path, meta: dict, good: dict[int, tuple]) -> None:
    """Build the fresh store beside the damaged one, then put it in its place (WAL and index removed first)."""
    tmp = directory / f".{STORE_FILE}.salvage-{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                         [(k, json.dumps(v)) for k, v in meta.items() if k in _META_KEYS])
        conn.executemany(f"INSERT INTO runs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [good[i] for i in sorted(good)])
        conn.execute("COMMIT")
    finally:
        conn.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    path = directory / STORE_FILE
    os.replace(tmp, directory / SALVAGED_FILE)
    fsync_dir(directory)
    for extra in ("-wal", "-shm"):  # the damaged file's; never to be replayed onto the fresh one
        path.with_name(STORE_FILE + extra).unlink(missing_ok=True)
    os.replace(directory / SALVAGED_FILE, path)
    fsync_dir(directory)


# --- through SQLite ----------------------------------------------------------------------------------------
def _sql_rows(path: Path, runs: int, rows: _Rows, meta: dict) -> None:
    conn = None
    for uri in (f"file:{path}?mode=ro", f"file:{path}"):
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=5)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            conn = None
    if conn is None:
        return
    try:
        try:
            for key, value in conn.execute("SELECT key, value FROM meta"):
                try:
                    meta.setdefault(key, json.loads(value))
                except (TypeError, ValueError):
                    pass
        except sqlite3.Error:
            pass
        try:
            for row in conn.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY run"):
                rows.offer(row)
            return
        except sqlite3.Error:
            pass
        size = runs
        for value in (meta.get("runs"), max(rows.good, default=-1) + 1, max(rows.bad, default=-1) + 1):
            if isinstance(value, int):
                size = max(size, value)
        for index in range(size):  # a look-up per run index reaches the rows on either side of the damage
            if index in rows.good:
                continue
            try:
                row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE run = ?", (index,)).fetchone()
            except sqlite3.Error:  # its path crosses the damage (whether or not the run was stored)
                continue
            if row is not None:
                rows.offer(row)
        try:
            for row in conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE run >= ? ORDER BY run", (size,)):
                rows.offer(row)
        except sqlite3.Error:
            pass
    finally:
        conn.close()


# --- page by page ------------------------------------------------------------------------------------------
def _page_rows(main: bytes, wal: bytes, rows: _Rows, candidates: dict) -> None:
    """Decode every table leaf page of the file (the WAL's latest page versions first, then the file's own)."""
    size = _page_size(main)
    reserved = main[20] if len(main) > 20 and size else 0
    for page_size in ([size] if size else [4096, 1024, 2048, 8192, 16384, 32768, 65536, 512]):
        usable = page_size - reserved
        plain = {k + 1: main[k * page_size:(k + 1) * page_size] for k in range(len(main) // page_size)}
        maps = [plain]
        if len(wal) > 32:
            overlay = dict(plain)
            for offset in range(32, len(wal) - 24 - page_size + 1, 24 + page_size):
                pno = int.from_bytes(wal[offset:offset + 4], "big")
                if pno:
                    overlay[pno] = wal[offset + 24:offset + 24 + page_size]
            maps.insert(0, overlay)
        before = len(rows.good)
        for pages in maps:
            _scan(pages, usable, rows.offer, candidates)
        if len(rows.good) > before:
            return


def _page_size(main: bytes) -> int:
    if len(main) < 100 or not main.startswith(b"SQLite format 3\x00"):
        return 0
    size = int.from_bytes(main[16:18], "big")
    size = 65536 if size == 1 else size
    return size if 512 <= size <= 65536 and size & (size - 1) == 0 else 0


def _scan(pages: dict[int, bytes], usable: int, offer: Callable, candidates: dict) -> None:
    for pno, page in pages.items():
        head = 100 if pno == 1 else 0
        if len(page) < head + 8 or page[head] != 0x0D:  # a table leaf page
            continue
        cells = int.from_bytes(page[head + 3:head + 5], "big")
        for k in range(min(cells, (usable - head - 8) // 2)):
            try:
                at = int.from_bytes(page[head + 8 + 2 * k:head + 10 + 2 * k], "big")
                rowid, values = _cell(pages, page, at, usable)
            except (IndexError, ValueError, KeyError, UnicodeDecodeError, struct.error):
                continue
            if len(values) == 7 and values[0] in (None, rowid):
                offer((rowid, *values[1:]))
            elif len(values) == 2 and values[0] in _META_KEYS and isinstance(values[1], str):
                try:
                    candidates.setdefault(values[0], []).append(json.loads(values[1]))
                except ValueError:
                    pass


def _cell(pages: dict[int, bytes], page: bytes, at: int, usable: int) -> tuple[int, list]:
    """The rowid and the column values of the table leaf cell at offset ``at``."""
    if not 8 <= at < usable:
        raise ValueError("cell outside its page")
    size, i = _varint(page, at)
    rowid, i = _varint(page, i)
    most = usable - 35
    if size <= most:
        local = size
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (usable - 4)
        local = local if local <= most else least
    payload = bytearray(page[i:i + local])
    if len(payload) < local:
        raise ValueError("cell runs off its page")
    if local < size:
        nxt, seen = int.from_bytes(page[i + local:i + local + 4], "big"), set()
        while len(payload) < size:
            if nxt in seen or nxt not in pages:
                raise ValueError("broken overflow chain")
            seen.add(nxt)
            over = pages[nxt]
            payload += over[4:usable]
            nxt = int.from_bytes(over[:4], "big")
    if rowid >= 1 << 63:
        rowid -= 1 << 64
    return rowid, _record(bytes(payload[:size]))


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = 0
    for k in range(8):
        byte = buf[i + k]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + k + 1
    return (value << 8) | buf[i + 8], i + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list:
    """The values of an SQLite record (header of serial types, then the values)."""
    end, i = _varint(payload, 0)
    if not 1 <= end <= len(payload):
        raise ValueError("bad record header")
    types = []
    while i < end:
        kind, i = _varint(payload, i)
        types.append(kind)
    pos, values = end, []
    for kind in types:
        if kind == 0:
            n, value = 0, None
        elif kind in _INT_SIZES:
            n = _INT_SIZES[kind]
            value = int.from_bytes(payload[pos:pos + n], "big", signed=True)
        elif kind == 7:
            n = 8
            value = struct.unpack(">d", payload[pos:pos + 8])[0]
        elif kind in (8, 9):
            n, value = 0, kind - 8
        elif kind >= 12:
            n = (kind - 12) // 2
            raw = payload[pos:pos + n]
            value = bytes(raw) if kind % 2 == 0 else raw.decode("utf-8")
        else:
            raise ValueError("reserved serial type")
        if pos + n > len(payload):
            raise ValueError("record runs off its payload")
        pos += n
        values.append(value)
    return values
