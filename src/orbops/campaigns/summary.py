"""Campaign results as a table (one row per run and variant) and their distributions.

Every statistic is computed from the stored runs: means with 95 % confidence
intervals (normal approximation, and Wilson intervals for probabilities),
percentiles, and the probabilities of named outcomes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Thresholds", "flatten", "summarize", "OUTCOMES", "run_columns"]

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Thresholds:
    """What counts as a bad outcome: lifeboat gaps longer than ``lifeboat_hours``, crewed launches later
    than planned by more than ``slip_days``."""

    lifeboat_hours: float = 24.0
    slip_days: float = 30.0


OUTCOMES = {
    "decrewed": "the station is left without crew at some point",
    "lifeboat_gap": "crew aboard without a seat home for more than {lifeboat_hours:g} h in all",
    "rotation_slip": "a crewed launch comes more than {slip_days:g} days after its planned date",
}


def run_columns(stations: list[str]) -> list[str]:
    """Column names of :func:`flatten` rows, in order."""
    cols = ["run", "seed", "variant", "launches", "launch_failures", "max_crew_launch_slip_days", "anomalies",
            "pad_outages", "missions_cancelled"]
    for sid in stations:
        cols += [f"{sid}_{k}" for k in ("crew_days", "decrewed", "presence_gap_days", "lifeboat_gap_hours",
                                        "max_crew", "min_crew")]
    return cols


def flatten(result) -> list[dict]:
    """One row per variant of a stored run (see :func:`run_columns`)."""
    rows = []
    for m in result.metrics:
        counts = m.get("event_counts", {})
        row = {"run": result.run, "seed": result.seed, "variant": m["variant"], "launches": m["launches"],
               "launch_failures": m["launch_failures"], "max_crew_launch_slip_days": m["max_crew_launch_slip_days"],
               "anomalies": counts.get("vehicle_damaged", 0), "pad_outages": counts.get("pad_outage_start", 0),
               "missions_cancelled": m["mission_counts"].get("cancelled", 0)}
        for sid, st in m["stations"].items():
            for k in ("crew_days", "decrewed", "presence_gap_days", "lifeboat_gap_hours", "max_crew", "min_crew"):
                row[f"{sid}_{k}"] = st[k]
        rows.append(row)
    return rows


def _numeric_stats(x: np.ndarray) -> dict:
    n = len(x)
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n) if n > 1 else float("nan")
    p5, p25, p50, p75, p95 = (float(v) for v in np.percentile(x, [5, 25, 50, 75, 95]))
    return {"n": n, "mean": mean, "sd": sd, "ci95": [mean - half, mean + half] if n > 1 else None,
            "min": float(np.min(x)), "p5": p5, "p25": p25, "median": p50, "p75": p75, "p95": p95,
            "max": float(np.max(x))}


def wilson(successes: int, n: int) -> list[float]:
    """Wilson score 95 % interval of a proportion."""
    if n == 0:
        return [0.0, 1.0]
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return [max(0.0, centre - half), min(1.0, centre + half)]


def _probability(flags) -> dict:
    flags = np.asarray(flags, dtype=bool)
    k, n = int(flags.sum()), len(flags)
    return {"n": n, "count": k, "probability": k / n if n else 0.0, "ci95": wilson(k, n)}


def summarize(rows: list[dict], stations: list[str], thresholds: Thresholds = Thresholds(),
              variant_names: dict | None = None) -> dict:
    """Per variant: statistics of every numeric column and the probabilities of the named outcomes."""
    out = {"thresholds": {"lifeboat_hours": thresholds.lifeboat_hours, "slip_days": thresholds.slip_days},
           "outcomes": {k: v.format(lifeboat_hours=thresholds.lifeboat_hours, slip_days=thresholds.slip_days)
                        for k, v in OUTCOMES.items()},
           "variants": {}}
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    for vid in variants:
        sub = [r for r in rows if r["variant"] == vid]
        metrics = {}
        for col in run_columns(stations)[3:]:
            values = [r.get(col) for r in sub]
            if any(v is None for v in values):
                continue
            if col.endswith("_decrewed"):
                metrics[col] = _probability(values)
            else:
                metrics[col] = _numeric_stats(np.asarray(values, dtype=float))
        outcomes = {}
        for sid in stations:
            if f"{sid}_decrewed" not in sub[0]:
                continue
            outcomes[f"{sid}_decrewed"] = dict(_probability([r[f"{sid}_decrewed"] for r in sub]),
                                               outcome="decrewed", station=sid)
            outcomes[f"{sid}_lifeboat_gap"] = dict(
                _probability([r[f"{sid}_lifeboat_gap_hours"] > thresholds.lifeboat_hours for r in sub]),
                outcome="lifeboat_gap", station=sid)
        outcomes["rotation_slip"] = dict(
            _probability([r["max_crew_launch_slip_days"] > thresholds.slip_days for r in sub]),
            outcome="rotation_slip", station=None)
        out["variants"][vid] = {"name": (variant_names or {}).get(vid, vid), "runs": len(sub), "metrics": metrics,
                                "outcomes": outcomes}
    return out
