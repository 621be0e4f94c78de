"""Operating-system helpers the floors above share: is a process alive, make a rename durable."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["pid_running", "fsync_dir"]


def pid_running(pid: int) -> bool:
    """Whether a process with this pid runs on this host."""
    if os.name == "nt":  # os.kill(pid, 0) would end it there
        import ctypes
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make the renames in ``folder`` durable (fsync of the directory); silently nothing where it cannot be."""
    with contextlib.suppress(OSError):
        fd = os.open(Path(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
