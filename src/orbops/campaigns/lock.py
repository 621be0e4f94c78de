"""One writer per campaign directory: ``campaign.lock``, held while a campaign runs and naming its holder.

On POSIX the lock is an ``flock`` on the file, which the kernel drops when
its process dies however it dies; the file's content (pid, host, start time)
names the holder in the error a second writer gets. A lock file left by a
process that is gone is stale: the next campaign takes it over, with a
warning. Without ``fcntl`` the file is created exclusively and a holder on
this host whose pid no longer runs counts as gone.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Callable

from .._system import pid_running
from ..errors import OrbopsError
from ..version import __version__

try:
    import fcntl
except ImportError:  # Windows: exclusive creation and a pid check
    fcntl = None

__all__ = ["LOCK_FILE", "CampaignLock", "CampaignLocked", "pid_running"]

LOCK_FILE = "campaign.lock"


class CampaignLocked(OrbopsError):
    """Another live process holds the campaign directory (``holder``: pid, host, started_utc)."""

    def __init__(self, directory: Path, holder: dict) -> None:
        self.directory = directory
        self.holder = holder
        if holder.get("pid"):
            who = (f"pid {holder['pid']} on {holder.get('host', '?')}, started {holder.get('started_utc', '?')}"
                   + (f": {holder['command']}" if holder.get("command") else ""))
            stop = f"stop it (kill {holder['pid']}" + (" there" if holder.get("host") != _host() else "") + ")"
        else:
            who, stop = "a process that is just starting", "stop it"
        super().__init__(f"{directory} is in use by another campaign ({who}; lock file {LOCK_FILE}): wait for it "
                         f"to finish or {stop}, then --resume; or choose another --out")


def _host() -> str:
    return socket.gethostname()


def _describe(holder: dict) -> str:
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started_utc', '?')}"


class CampaignLock:
    """The held lock of one campaign directory; ``release()`` (or leaving the ``with`` block) frees it."""

    def __init__(self, directory: Path, fd: int | None, holder: dict) -> None:
        self.directory = directory
        self.path = directory / LOCK_FILE
        self.holder = holder
        self._fd = fd
        self._held = True
        self._pid = os.getpid()  # a forked child inherits the object, never the lock

    @property
    def held(self) -> bool:
        return self._held

    @classmethod
    def acquire(cls, directory: str | Path, *, note: Callable[[str], None] | None = None) -> "CampaignLock":
        """Take the lock of ``directory`` (created if need be) or raise :class:`CampaignLocked` at once."""
        directory = Path(directory).resolve()
        holder = {"pid": os.getpid(), "host": _host(),
                  "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "command": " ".join(["orbops", *sys.argv[1:]])[:300],
                  "orbops_version": __version__}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, stale = (_acquire_flock if fcntl is not None else _acquire_exclusive)(directory / LOCK_FILE, holder)
        except OSError as exc:
            raise OrbopsError(f"cannot lock the campaign directory {directory}: {exc.strerror or exc}: check that "
                              "it is a directory you can write to, or choose another --out") from None
        if stale and note is not None:
            note(f"{directory}: took over a stale campaign lock ({_describe(stale)}; that process is gone); "
                 "its finished runs are kept")
        return cls(directory, fd, holder)

    def release(self) -> None:
        """Free the lock (removing the lock file); safe to call twice."""
        if not self._held or os.getpid() != self._pid:
            return
        self._held = False
        try:
            if self._fd is None or _same_file(self.path, self._fd):
                self.path.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            if self._fd is not None:
                os.close(self._fd)  # drops the flock
                self._fd = None

    def __enter__(self) -> "CampaignLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self) -> None:  # a lock never outlives its object
        try:
            self.release()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _read(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 65536).decode("utf-8", "replace")
        value = json.loads(text) if text.strip() else {}
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {"pid": None}


def _write(fd: int, holder: dict) -> None:
    data = (json.dumps(holder, indent=1) + "\n").encode()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.fsync(fd)


def _same_file(path: Path, fd: int) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _acquire_flock(path: Path, holder: dict) -> tuple[int, dict | None]:
    for _ in range(50):  # the file may be released (unlinked) between our open and our lock: open it again
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            other = _read(fd)
            os.close(fd)
            raise CampaignLocked(path.parent, other) from None
        except OSError:  # no flock on this file system (some network mounts): exclusive creation instead
            empty = not _read(fd)
            os.close(fd)
            if empty:
                path.unlink(missing_ok=True)
            return _acquire_exclusive(path, holder)
        if not _same_file(path, fd):
            os.close(fd)
            continue
        previous = _read(fd)  # content under a free flock: a holder that died without releasing
        _write(fd, holder)
        return fd, (previous or None)
    raise OrbopsError(f"{path}: could not take the campaign lock (it keeps changing): try again")


def _acquire_exclusive(path: Path, holder: dict) -> tuple[None, dict | None]:
    stale = None
    for _ in range(50):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            other = _read(fd)
            age = time.time() - os.fstat(fd).st_mtime
            os.close(fd)
            pid = other.get("pid")
            if (other.get("host") == holder["host"] and isinstance(pid, int) and not pid_running(pid)
                    or not pid and age > 60):  # a holder gone, or one that died before naming itself
                stale = other
                path.unlink(missing_ok=True)
                continue
            raise CampaignLocked(path.parent, other) from None
        try:
            _write(fd, holder)
        finally:
            os.close(fd)
        return None, stale
    raise OrbopsError(f"{path}: could not take the campaign lock (it keeps changing): try again")
