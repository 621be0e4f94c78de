"""Plots (matplotlib, Agg). Each function draws on a given ``ax`` and returns it, so tests can inspect it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["plot_throughput", "save_figure", "new_figure"]

_STYLE = {"numba": ("tab:red", "o"), "numpy": ("tab:blue", "s"), "sgp4": ("black", "^"),
          "skyfield": ("tab:green", "v"), "heyoka": ("tab:orange", "P"), "astroz": ("tab:purple", "D")}
_LABEL = {"numba": "orbops numba", "numpy": "orbops numpy", "sgp4": "sgp4 SatrecArray (reference)",
          "skyfield": "skyfield loop", "heyoka": "heyoka sgp4_propagator", "astroz": "astroz SatrecArray"}


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


def plot_planes(ax, geo):
    """Relative inclination and RAAN difference (deg) over time, node alignments marked; delta-v on the right."""
    import matplotlib.dates as mdates
    import numpy as np

    t = geo.times.astype("datetime64[ns]").astype("datetime64[ms]").astype(object)
    wrapped = (geo.raan_difference_deg + 180.0) % 360.0 - 180.0
    wrapped = np.where(np.r_[False, np.abs(np.diff(wrapped)) > 180.0], np.nan, wrapped)  # no line across the wrap
    ax.plot(t, geo.relative_inclination_deg, color="tab:red", label="relative inclination (deg)")
    ax.plot(t, wrapped, color="tab:blue", lw=1, label="RAAN difference (deg, wrapped)")
    for k, when in enumerate(geo.alignments_ns):
        ax.axvline(np.datetime64(int(when), "ns").astype("datetime64[ms]").astype(object), color="gray", ls="--",
                   lw=1, label="node lines aligned" if k == 0 else None)
    ax.set_ylabel("angle (deg)")
    ax.set_xlabel("date (UTC)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.set_title(f"{geo.names[0]} vs {geo.names[1]}: node drift {geo.drift_deg_per_day:+.3f} deg/day")
    ax.grid(True, alpha=0.3)
    right = ax.twinx()
    right.plot(t, geo.plane_change_dv_km_s, color="tab:green", lw=1, ls=":", label="plane-change delta-v (km/s)")
    right.set_ylabel("plane-change delta-v (km/s)")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper right", fontsize=8)
    return ax
