"""Test helpers: a hang guard and sample files of every element encoding."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from orbops.elements import write_elements
from orbops.elements.tle import parse_tle_pair

from ..conftest import ISS_LINE1, ISS_LINE2

ISS = parse_tle_pair(ISS_LINE1, ISS_LINE2, "ISS (ZARYA)")
OMM_FORMATS = ("omm-json", "omm-xml", "omm-csv", "omm-kvn")
SUFFIX = {"tle": ".tle", "omm-json": ".json", "omm-xml": ".xml", "omm-csv": ".csv", "omm-kvn": ".kvn"}


def sample(fmt: str, records=(ISS,)) -> str:
    """Text of ``records`` in ``fmt`` (``tle`` writes 3LE)."""
    return write_elements(list(records), "3le" if fmt == "tle" else fmt)


class Hung(AssertionError):
    """The code under test ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail with :class:`Hung` after ``seconds`` (SIGALRM; re and json check signals), and yield a
    callable giving the seconds elapsed so far."""
    start = time.perf_counter()
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if usable:
        def on_alarm(signum, frame):
            raise Hung(f"still running after {seconds} s")
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield lambda: time.perf_counter() - start
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
