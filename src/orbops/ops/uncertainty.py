"""What a Monte Carlo draw varies: launch slips, launch failures, groundings, vehicle anomalies, pad damage.

Distributions are data (scenario files state them, in days):

- ``{ dist = "fixed", value = 3 }``
- ``{ dist = "uniform", low = 0, high = 5 }``
- ``{ dist = "triangular", low = 30, mode = 60, high = 365 }``
- ``{ dist = "normal", mean = 2, sd = 1 }`` (negative draws count as 0)
- ``{ dist = "lognormal", median = 1, sigma = 0.8 }``
- ``{ dist = "exponential", mean = 2 }``
- ``{ dist = "empirical", values = [0, 1, 2, 7], weights = [0.6, 0.2, 0.1, 0.1] }``
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Distribution", "Uncertainty", "DISTRIBUTIONS", "substream"]

DISTRIBUTIONS = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "exponential": ("mean",),
    "empirical": ("values",),
}
"""Each distribution's required parameters (``empirical`` also takes ``weights``)."""


@dataclass(frozen=True)
class Distribution:
    """A non-negative random quantity (days)."""

    dist: str
    params: tuple[tuple[str, object], ...] = ()

    def __getitem__(self, key: str):
        return dict(self.params)[key]

    def sample(self, rng: np.random.Generator) -> float:
        p = dict(self.params)
        kind = self.dist
        if kind == "fixed":
            x = p["value"]
        elif kind == "uniform":
            x = rng.uniform(p["low"], p["high"])
        elif kind == "triangular":
            x = p["low"] if p["low"] == p["high"] else rng.triangular(p["low"], p["mode"], p["high"])
        elif kind == "normal":
            x = rng.normal(p["mean"], p["sd"])
        elif kind == "lognormal":
            x = p["median"] * np.exp(rng.normal(0.0, p["sigma"]))
        elif kind == "exponential":
            x = rng.exponential(p["mean"])
        elif kind == "empirical":
            values = np.asarray(p["values"], dtype=float)
            weights = p.get("weights")
            probs = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
            x = values[rng.choice(len(values), p=probs)]
        else:  # validated when the scenario is loaded
            raise ValueError(f"unknown distribution {kind!r}")
        return max(0.0, float(x))

    def mean(self) -> float:
        """The mean (days), before clipping at zero."""
        p = dict(self.params)
        return float({
            "fixed": lambda: p["value"], "uniform": lambda: (p["low"] + p["high"]) / 2,
            "triangular": lambda: (p["low"] + p["mode"] + p["high"]) / 3, "normal": lambda: p["mean"],
            "lognormal": lambda: p["median"] * np.exp(p["sigma"] ** 2 / 2), "exponential": lambda: p["mean"],
            "empirical": lambda: np.average(p["values"], weights=p.get("weights")),
        }[self.dist]())


@dataclass(frozen=True)
class Uncertainty:
    """What a Monte Carlo draw varies; keys are launcher, vehicle class or spaceport ids.

    ``launch_slip_days``: launcher -> slip added to each mission's no-earlier-than date.
    ``launch_failure_probability``: launcher -> probability that a launch fails.
    ``grounding_days_after_failure``: launcher -> how long its family is grounded after a drawn failure.
    ``anomaly_rate_per_year``: vehicle class -> rate of anomalies (leak, debris strike) while docked;
    a damaged vehicle can no longer bring crew home.
    ``pad_damage_probability``: spaceport -> probability that a launch damages its pad;
    ``pad_repair_days``: spaceport -> how long the repair takes.
    ``standby_ready_days``: how long after an anomaly a standby mission can launch.
    """

    launch_slip_days: dict = field(default_factory=dict)
    launch_failure_probability: dict = field(default_factory=dict)
    grounding_days_after_failure: dict = field(default_factory=dict)
    anomaly_rate_per_year: dict = field(default_factory=dict)
    pad_damage_probability: dict = field(default_factory=dict)
    pad_repair_days: dict = field(default_factory=dict)
    standby_ready_days: Distribution | None = None

    def __bool__(self) -> bool:
        return any([self.launch_slip_days, self.launch_failure_probability, self.anomaly_rate_per_year,
                    self.pad_damage_probability])


def substream(seed: int, kind: str, key: str) -> np.random.Generator:
    """An independent generator for one kind of draw about one thing (mission, vehicle), from the run seed.

    Keyed streams keep draws the same across the variants of a scenario (common random numbers) and
    independent of the order in which the simulation asks for them.
    """
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(kind.encode()),
                                                         zlib.crc32(key.encode())]))
