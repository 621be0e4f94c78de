"""Vallado's SGP4 verification set, read from the installed sgp4 package (not copied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sgp4

from orbops.elements.tle import checksum, parse_tle_pair

SGP4_DIR = Path(sgp4.__file__).parent
TLE_PATH = SGP4_DIR / "SGP4-VER.TLE"
OUT_PATH = SGP4_DIR / "tcppver.out"

# Three verification sets were edited by hand to fail on purpose and carry wrong checksums.
HAND_EDITED = {33333, 33334, 33335}


@dataclass
class Case:
    element_set: object
    start_min: float
    stop_min: float
    step_min: float
    tsince: list[float] = field(default_factory=list)
    r_km: list[list[float]] = field(default_factory=list)
    v_km_s: list[list[float]] = field(default_factory=list)

    @property
    def norad(self) -> int:
        return self.element_set.norad_id

    def grid(self) -> np.ndarray:
        """The times the verification driver asks for: start..stop by step, plus stop."""
        n = int(np.floor((self.stop_min - self.start_min) / self.step_min + 1e-9))
        times = [self.start_min + k * self.step_min for k in range(n + 1)]
        if abs(times[-1] - self.stop_min) > 1e-9:
            times.append(self.stop_min)
        return np.array(times)


def load_cases() -> list[Case]:
    lines = [ln.rstrip("\n") for ln in TLE_PATH.read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    cases = []
    for line1, line2 in zip(lines[0::2], lines[1::2]):
        l1, l2 = line1[:69], line2[:69]
        if int(l1[2:7]) in HAND_EDITED:
            l1, l2 = l1[:68] + str(checksum(l1)), l2[:68] + str(checksum(l2))
        es = parse_tle_pair(l1, l2, path=str(TLE_PATH))
        start, stop, step = (float(x) for x in line2[69:].split())
        cases.append(Case(es, start, stop, step))
    # tcppver.out: "NNNNN xx" headers, then "tsince x y z vx vy vz ..." rows
    by_order = iter(cases)
    current = None
    for row in OUT_PATH.read_text().splitlines():
        parts = row.split()
        if not parts:
            continue
        if parts[-1] == "xx":
            current = next(by_order)
            assert current.norad == int(parts[0]), (current.norad, parts[0])
            continue
        current.tsince.append(float(parts[0]))
        current.r_km.append([float(x) for x in parts[1:4]])
        current.v_km_s.append([float(x) for x in parts[4:7]])
    return cases


def minutes_to_times(es, tsince) -> np.ndarray:
    """Absolute UTC instants (datetime64[ns]) ``tsince`` minutes from the set's epoch."""
    offsets = np.round(np.asarray(tsince, dtype=float) * 60e9).astype(np.int64)
    return es.epoch + offsets.astype("timedelta64[ns]")
