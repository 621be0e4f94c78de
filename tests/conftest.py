"""Shared fixtures. Tests read only files inside the repository (never ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TLE_DIR = REPO / "tle"

ISS_LINE1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
ISS_LINE2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"


@pytest.fixture(scope="session")
def tle_dir() -> Path:
    return TLE_DIR


@pytest.fixture(scope="session")
def tle_files() -> list[Path]:
    files = sorted(p for p in TLE_DIR.rglob("*.tle"))
    assert files, "the repository's tle/ directory holds no .tle files"
    return files
