"""The campaign's results store: one SQLite file, one row per finished run, each committed atomically.

A row holds the run index (primary key: never twice), its seed, its metrics
(JSON, one entry per variant) and its timeline (zlib-compressed JSON lines),
with a SHA-256 checksum over all of them. SQLite's journal makes each commit
all-or-nothing, so a campaign killed at any moment (SIGKILL included) leaves
only whole runs; on resume every row's checksum is verified and a bad one is
deleted and redone, never read as data. A file SQLite finds damaged is
salvaged (:mod:`~orbops.campaigns.salvage`): its intact rows go to a fresh
store, the damaged file is kept beside it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import OrbopsError

__all__ = ["RunResult", "PackedRun", "ResultStore", "STORE_FILE", "open_store", "CorruptStore"]

STORE_FILE = "campaign.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY,
    seed INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    timeline BLOB NOT NULL,
    checksum TEXT NOT NULL,
    finished_utc TEXT NOT NULL,
    seconds REAL NOT NULL
);
"""


@dataclass
class RunResult:
    """One finished run: its index, seed, metrics per variant and timeline rows (all variants)."""

    run: int
    seed: int
    metrics: list[dict]
    timeline: list[dict]
    seconds: float = 0.0

    def packed(self) -> "PackedRun":
        """The row as stored (serialised where the run was made, so the store only writes it)."""
        metrics = json.dumps(self.metrics, sort_keys=True, separators=(",", ":"), allow_nan=False)
        timeline = zlib.compress("".join(json.dumps(r, separators=(",", ":")) + "\n"
                                         for r in self.timeline).encode("utf-8"), 6)
        return PackedRun(self.run, self.seed, metrics, timeline, _checksum(self.run, self.seed, metrics, timeline),
                         self.seconds)


@dataclass(frozen=True)
class PackedRun:
    """A finished run ready to store: metrics JSON, compressed timeline and their checksum."""

    run: int
    seed: int
    metrics: str
    timeline: bytes
    checksum: str
    seconds: float


def _checksum(run: int, seed: int, metrics: str, timeline: bytes) -> str:
    h = hashlib.sha256(f"{run}:{seed}:".encode())
    h.update(metrics.encode("utf-8"))
    h.update(timeline)
    return h.hexdigest()


class ResultStore:
    """The SQLite store of one campaign directory."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / STORE_FILE
        self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL: each commit survives a killed process
        self.conn.executescript(_SCHEMA)
        self.redone: list[int] = []  # set by open_store: rows that failed their checksum, deleted
        self.salvage = None  # set by open_store: the Salvage of a damaged file

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- campaign identity ---------------------------------------------------------------------------
    def meta(self) -> dict:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}

    def set_meta(self, values: dict) -> None:
        with self._transaction():
            for key, value in values.items():
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # --- runs ----------------------------------------------------------------------------------------
    def add(self, run: "RunResult | PackedRun") -> bool:
        """Commit one run (atomically); False if that run index is already stored."""
        row = run.packed() if isinstance(run, RunResult) else run
        with self._transaction():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO runs (run, seed, metrics, timeline, checksum, finished_utc, seconds) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.run, row.seed, row.metrics, row.timeline, row.checksum,
                 time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), float(row.seconds)))
        return cur.rowcount == 1

    def verify(self) -> list[int]:
        """Delete rows whose checksum does not match their content; returns their run indices."""
        bad = []
        for run, seed, metrics, timeline, checksum in self.conn.execute(
                "SELECT run, seed, metrics, timeline, checksum FROM runs"):
            ok = isinstance(metrics, str) and isinstance(timeline, bytes)
            if not ok or _checksum(run, seed, metrics, timeline) != checksum:
                bad.append(run)
        if bad:
            with self._transaction():
                self.conn.executemany("DELETE FROM runs WHERE run = ?", [(r,) for r in bad])
        return bad

    def done(self) -> set[int]:
        return {r for (r,) in self.conn.execute("SELECT run FROM runs")}

    def last(self) -> int:
        """The highest stored run index (-1 when none)."""
        value = self.conn.execute("SELECT MAX(run) FROM runs").fetchone()[0]
        return -1 if value is None else int(value)

    def seeds_differ(self, seed_of) -> bool:
        """Whether any stored run has another seed than ``seed_of(run)`` (a run of another campaign)."""
        return any(seed != seed_of(run) for run, seed in self.conn.execute("SELECT run, seed FROM runs"))

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def results(self, *, timelines: bool = False, upto: int | None = None):
        """Stored runs in run order (checksums verified as they are read)."""
        query = "SELECT run, seed, metrics, timeline, checksum, seconds FROM runs"
        args: tuple = ()
        if upto is not None:
            query += " WHERE run < ?"
            args = (upto,)
        for run, seed, metrics, timeline, checksum, seconds in self.conn.execute(query + " ORDER BY run", args):
            if _checksum(run, seed, metrics, timeline) != checksum:
                raise OrbopsError(f"{self.path}: run {run} is corrupt: resume the campaign to redo it")
            rows = []
            if timelines:
                rows = [json.loads(line) for line in zlib.decompress(timeline).decode("utf-8").splitlines()]
            yield RunResult(run, seed, json.loads(metrics), rows, seconds)

    def _transaction(self):
        conn = self.conn

        class _Tx:
            def __enter__(self):
                conn.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, exc, tb):
                conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return _Tx()


def open_store(directory: Path, *, runs: int = 0) -> ResultStore:
    """Open (or create) the store and check every row: rows failing their checksum are deleted
    (``store.redone``, to be redone); a file SQLite finds damaged is salvaged into a fresh store
    (``store.salvage``; ``runs``: the run indices to look for, at least)."""
    path = Path(directory) / STORE_FILE
    existed = path.exists() and path.stat().st_size > 0
    try:
        store = ResultStore(directory)
    except sqlite3.DatabaseError as exc:
        return _salvaged(path, exc, existed, runs)
    try:
        check = store.conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            problems = [line for row in check for line in str(row[0]).splitlines()
                        if line.strip() and not line.startswith("***")]
            more = f" and {len(problems) - 2} more problem(s)" if len(problems) > 2 else ""
            raise _Damaged("; ".join(problems[:2])[:200] + more)
        store.redone = store.verify()
        return store
    except sqlite3.DatabaseError as exc:
        store.close()
        return _salvaged(path, exc, existed, runs)
    except BaseException:
        store.close()
        raise


class _Damaged(sqlite3.DatabaseError):
    """quick_check found damage."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB (not a busy, read-only, full or failing disk: those are no damage)."""
    if isinstance(exc, _Damaged):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (11, 26)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _salvaged(path: Path, exc: sqlite3.DatabaseError, existed: bool, runs: int) -> ResultStore:
    if not existed or not _is_damage(exc):
        raise OrbopsError(f"cannot open the results store {path}: {exc}: check that the file and its directory "
                          "are readable and writable and the disk is not full, then try again") from None
    from .salvage import salvage_store
    try:
        report = salvage_store(path.parent, str(exc), runs=runs)
    except OSError as err:
        raise CorruptStore(f"{exc}; salvaging it failed: {err}", None) from None
    store = ResultStore(path.parent)
    store.salvage = report
    return store


class CorruptStore(OrbopsError):
    """The store is damaged and its salvage could not finish (``aside``: the copy of the damaged file, if any)."""

    def __init__(self, reason: str, aside: Path | None) -> None:
        self.aside = aside
        super().__init__(f"the results store is damaged ({reason}); no stored run was lost: free some space or fix "
                         "the directory's permissions, then --resume salvages its intact runs")
