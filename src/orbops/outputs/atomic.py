"""Atomic writes: a reader sees the old file (or directory) or the whole new one, never a part.

Temporary names carry the writer's process id (``.NAME.PID.*.tmp``, ``.NAME.PID.part``); whatever a killed
writer left is removed by the next write to the same name. Files get the usual permissions
(``0o666`` less the umask), not a temporary file's ``0o600``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .._system import fsync_dir, pid_running
from ..errors import OrbopsError

__all__ = ["atomic_path", "atomic_write_text", "atomic_dir", "remove_stale"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def _alive(pid: int) -> bool:
    return pid == os.getpid() or pid_running(pid)


def remove_stale(folder: Path, name: str) -> list[Path]:
    """Remove what killed writers left beside ``folder/name`` (temporary files, parts, staged directories);
    returns what was removed."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.(?:.*\.tmp(?:\.parts)?|part|old)$")
    removed = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            m = pattern.match(entry.name)
            if m and not _alive(int(m.group(1))):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it (after fsync) when the block succeeds.

    On an exception (including SIGTERM, which the command line turns into one) ``path`` is untouched and
    the temporary file is removed; after a kill it is left with a ``.tmp`` name, never read as data, and
    removed by the next write of ``path``.
    """
    target = Path(path)
    _make_parent(target)
    if target.is_dir():
        raise OrbopsError(f"{target} is a directory")
    remove_stale(target.parent, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # named by the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, FILE_MODE)
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.replace(tmp_path, target)
        except OSError as exc:
            if target.is_dir():
                raise OrbopsError(f"{target} is a directory") from None
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        fsync_dir(target.parent)
    finally:
        tmp_path.unlink(missing_ok=True)


def _make_parent(target: Path) -> None:
    """Create the folder ``target`` goes in; a file where a folder should be is named as such."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for folder in (target.parent, *target.parent.parents):
            if folder.exists() and not folder.is_dir():
                raise OrbopsError(f"{folder} is not a directory") from None
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary directory beside ``path``, filled in the block and then swapped in for ``path`` as a whole
    (the old directory, if any, is removed). On an exception ``path`` is untouched."""
    target = Path(path)
    _make_parent(target)
    remove_stale(target.parent, target.name)
    staged = target.parent / f".{target.name}.{os.getpid()}.part"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    try:
        yield staged
        for f in staged.rglob("*"):
            if f.is_file():
                os.chmod(f, FILE_MODE)
        if target.exists():
            old = target.parent / f".{target.name}.{os.getpid()}.old"
            os.rename(target, old)
            os.rename(staged, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staged, target)
        fsync_dir(target.parent)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
