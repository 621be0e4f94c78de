"""Plots (matplotlib, Agg). Each function draws on a given ``ax`` and returns it, so tests can inspect it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["plot_throughput", "save_figure", "new_figure"]

_STYLE = {"numba": ("tab:red", "o"), "numpy": ("tab:blue", "s"), "sgp4": ("black", "^"),
          "skyfield": ("tab:green", "v")}
_LABEL = {"numba": "orbops numba", "numpy": "orbops numpy", "sgp4": "sgp4 SatrecArray (reference)",
          "skyfield": "skyfield loop"}


def new_figure(width: float = 8.0, height: float = 5.0):
    """A figure and one axes."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def save_figure(fig, path) -> None:
    """Save as PNG (atomically) and close."""
    from .atomic import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)


def plot_throughput(ax, measurements, title: str = "SGP4 throughput vs batch size"):
    """Evaluations per second against samples per call, one line per method (log-log)."""
    methods = sorted({m.method for m in measurements}, key=lambda m: list(_STYLE).index(m) if m in _STYLE else 9)
    for method in methods:
        pts = sorted((m.n_sat * m.n_time, m.evals_per_s) for m in measurements if m.method == method)
        color, marker = _STYLE.get(method, ("gray", "x"))
        ax.plot([p[0] for p in pts], [p[1] / 1e6 for p in pts], marker=marker, color=color,
                label=_LABEL.get(method, method))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size (satellites x times, samples per call)")
    ax.set_ylabel("throughput (million evaluations / s)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax
