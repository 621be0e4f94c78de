"""A campaign's outputs: runs.parquet / runs.csv, summary.json and summary.html (histograms and CDFs).

All are rebuilt from the campaign's results store, each written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from ..campaigns import ResultStore, Thresholds, flatten, run_columns, summarize
from .atomic import atomic_path, atomic_write_text
from .html import CSS, Images, escape as _e, table as _table
from .maps import TRACK_COLORS
from .plots import plt

__all__ = ["write_campaign_outputs", "plot_histogram", "plot_cdf", "distribution_figure", "metric_label",
           "METRIC_LABELS", "CAMPAIGN_FILES"]

CAMPAIGN_FILES = ("runs.parquet", "runs.csv", "summary.json", "summary.html")


# per column of runs.csv (station columns without their "<station>_" prefix): what it is, and its unit
METRIC_LABELS = {
    "launches": ("launches", "count"),
    "launch_failures": ("launch failures", "count"),
    "max_crew_launch_slip_days": ("largest crewed-launch slip", "days"),
    "anomalies": ("vehicle anomalies", "count"),
    "pad_outages": ("pad outages", "count"),
    "missions_cancelled": ("missions cancelled", "count"),
    "crew_days": ("crew time aboard", "person-days"),
    "decrewed": ("station left without crew", "share of runs"),
    "presence_gap_days": ("time without crew", "days"),
    "lifeboat_gap_hours": ("time with crew lacking a seat home", "h"),
    "max_crew": ("largest crew", "people"),
    "min_crew": ("smallest crew", "people"),
}


def metric_label(col: str, stations: dict[str, str] | None = None) -> str:
    """A runs.csv column in words, with its unit: ``css_lifeboat_gap_hours`` ->
    ``Tiangong: time with crew lacking a seat home (h)``."""
    for sid, name in (stations or {}).items():
        key = col[len(sid) + 1:]
        if col.startswith(f"{sid}_") and key in METRIC_LABELS:
            what, unit = METRIC_LABELS[key]
            return f"{name}: {what} ({unit})"
    what, unit = METRIC_LABELS.get(col, (col.replace("_", " "), ""))
    return f"{what} ({unit})" if unit else what


def _short(unit_label: str) -> str:
    """The unit of a label, for a legend's means: ``... (h)`` -> ``h``."""
    unit = unit_label.rpartition("(")[2].rstrip(")")
    return "" if unit in ("count", "share of runs") else f" {unit}"


def plot_histogram(ax, values: dict[str, np.ndarray], xlabel: str, title: str = "", legend: bool = True):
    """Histograms (step outlines, shared bins) of one metric, one per variant; y is the share of runs."""
    finite = np.concatenate([np.asarray(v, dtype=float) for v in values.values()]) if values else np.zeros(0)
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 31)
    for k, (name, v) in enumerate(values.items()):
        v = np.asarray(v, dtype=float)
        ax.hist(v, bins=bins, weights=np.full(len(v), 1.0 / max(1, len(v))), histtype="step", lw=1.6,
                color=TRACK_COLORS[k % len(TRACK_COLORS)], label=f"{name} (mean {v.mean():.3g}{_short(xlabel)})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of runs")
    ax.set_title(title or "distribution")
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def plot_cdf(ax, values: dict[str, np.ndarray], xlabel: str, title: str = "", legend: bool = True):
    """Empirical cumulative distributions of one metric, one per variant."""
    for k, (name, v) in enumerate(values.items()):
        v = np.sort(np.asarray(v, dtype=float))
        y = np.arange(1, len(v) + 1) / max(1, len(v))
        ax.step(v, y, where="post", lw=1.6, color=TRACK_COLORS[k % len(TRACK_COLORS)], label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of runs at or below")
    ax.set_ylim(0, 1.02)
    ax.set_title(title or "cumulative distribution")
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def distribution_figure(values: dict[str, np.ndarray], label: str):
    """Histogram and cumulative distribution of one metric side by side, titled ``label``, one legend
    (variants and their means) below both, off the data."""
    ncols = 1 if len(values) <= 4 else 2  # variant names are long: one per line, two columns past four
    rows = -(-len(values) // ncols)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.4 + 0.22 * rows), layout="constrained")
    plot_histogram(axes[0], values, label, "distribution", legend=False)
    plot_cdf(axes[1], values, label, "cumulative distribution", legend=False)
    fig.suptitle(label, fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    lines = [plt.Line2D([], [], color=h.get_edgecolor(), lw=1.6) for h in handles]  # lines, not boxes
    fig.legend(lines, labels, loc="outside lower center", ncols=ncols, fontsize=8, frameon=False)
    return fig


_PLOTTED = ("{sid}_lifeboat_gap_hours", "{sid}_presence_gap_days", "{sid}_crew_days", "max_crew_launch_slip_days")


def write_campaign_outputs(out: str | Path, thresholds: Thresholds = Thresholds(), *,
                           upto: int | None = None) -> dict:
    """Write runs.parquet (when pyarrow is installed), runs.csv, summary.json and summary.html; returns the summary."""
    out = Path(out)
    with ResultStore(out) as store:
        meta = store.meta()
        results = list(store.results(upto=upto))
    if not results:
        raise ValueError(f"{out}: no finished runs to summarise")
    first = results[0].metrics
    stations = [sid for sid in first[0]["stations"]]
    station_names = {sid: _station_name(sid, st) for sid, st in first[0]["stations"].items()}
    names = {m["variant"]: m["variant_name"] for m in first}
    rows = [row for r in results for row in flatten(r)]
    cols = run_columns(stations)
    _write_csv(out / "runs.csv", rows, cols)
    _write_parquet(out / "runs.parquet", rows, cols)
    summary = summarize(rows, stations, thresholds, names)
    summary.update({"scenario": first[0]["scenario"], "campaign_seed": meta.get("campaign_seed"),
                    "runs_requested": meta.get("runs"), "runs_finished": len(results),
                    "run_seconds_mean": float(np.mean([r.seconds for r in results])),
                    "scenario_file": meta.get("scenario_file"), "orbops_version": meta.get("orbops_version")})
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=2, allow_nan=False) + "\n")
    _write_html(out, summary, rows, stations, names, station_names)
    return summary


def _station_name(sid: str, st: dict) -> str:
    """A station's short name: ``Tiangong (China Space Station)`` -> ``Tiangong``; else its id."""
    name = str(st.get("name") or sid).split(" (")[0].strip()
    return name or sid


def _write_csv(path: Path, rows: list[dict], cols: list[str]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, cols, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def _write_parquet(path: Path, rows: list[dict], cols: list[str]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # runs.csv carries the same table
        return
    table = pa.table({c: [r.get(c) for r in rows] for c in cols})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_html(out: Path, summary: dict, rows: list[dict], stations: list[str], names: dict,
                station_names: dict[str, str]) -> None:
    images = Images(out)
    variants = list(summary["variants"])
    parts = [f"<h1>Campaign: {_e(summary['scenario'])}</h1>",
             f'<p class="note">{summary["runs_finished"]} runs (of {summary["runs_requested"]} requested), '
             f'campaign seed {summary["campaign_seed"]}, scenario file {_e(summary["scenario_file"])}, orbops '
             f'{_e(summary["orbops_version"])}. Each run draws the scenario\'s [uncertainty]; every variant of a '
             "run meets the same draws. Intervals are 95 % confidence intervals (Wilson for probabilities).</p>",
             "<h2>Outcomes</h2>"]
    outcome_keys = list(summary["variants"][variants[0]]["outcomes"])
    header = ["outcome", *[summary["variants"][v]["name"] for v in variants]]
    table = []
    for key in outcome_keys:
        first = summary["variants"][variants[0]]["outcomes"][key]
        sid = first["station"]
        label = summary["outcomes"][first["outcome"]] + (f" ({sid})" if sid else "")
        cells = []
        for v in variants:
            o = summary["variants"][v]["outcomes"][key]
            cells.append(f"{100 * o['probability']:.1f} % [{100 * o['ci95'][0]:.1f}, {100 * o['ci95'][1]:.1f}] "
                         f"({o['count']} of {o['n']})")
        table.append([_e(label), *cells])
    parts.append(_table(header, table, numeric=range(1, len(header))))
    parts.append("<h2>Metrics</h2>")
    metric_rows = []
    for col in run_columns(stations)[3:]:
        for v in variants:
            s = summary["variants"][v]["metrics"].get(col)
            if s is None or "mean" not in s:
                continue
            ci = s["ci95"]
            metric_rows.append([f'{_e(metric_label(col, station_names))}<br><code class="note">{_e(col)}</code>',
                                _e(summary["variants"][v]["name"]), f"{s['mean']:.3g}",
                                "" if ci is None else f"[{ci[0]:.3g}, {ci[1]:.3g}]", f"{s['p5']:.3g}",
                                f"{s['median']:.3g}", f"{s['p95']:.3g}", f"{s['max']:.3g}"])
    parts.append(_table(["metric", "variant", "mean", "95 % CI of the mean", "5th pct", "median", "95th pct",
                         "max"], metric_rows, numeric=range(2, 8)))
    parts.append("<h2>Distributions</h2>")
    for template in _PLOTTED:
        for sid in (stations if "{sid}" in template else [""]):
            col = template.format(sid=sid)
            values = {names.get(v, v): np.array([r[col] for r in rows if r["variant"] == v], dtype=float)
                      for v in variants if col in rows[0]}
            if not values:
                continue
            label = metric_label(col, station_names)
            parts.append(images.add(distribution_figure(values, label), f"summary-{col}.png", label))
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Campaign: {_e(summary['scenario'])} - orbops</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
    atomic_write_text(out / "summary.html", page)
