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

__all__ = ["write_campaign_outputs", "plot_histogram", "plot_cdf", "CAMPAIGN_FILES"]

CAMPAIGN_FILES = ("runs.parquet", "runs.csv", "summary.json", "summary.html")


def plot_histogram(ax, values: dict[str, np.ndarray], xlabel: str, title: str = ""):
    """Histograms (step outlines, shared bins) of one metric, one per variant; y is the share of runs."""
    finite = np.concatenate([np.asarray(v, dtype=float) for v in values.values()]) if values else np.zeros(0)
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 31)
    for k, (name, v) in enumerate(values.items()):
        v = np.asarray(v, dtype=float)
        ax.hist(v, bins=bins, weights=np.full(len(v), 1.0 / max(1, len(v))), histtype="step", lw=1.6,
                color=TRACK_COLORS[k % len(TRACK_COLORS)], label=f"{name} (mean {v.mean():.3g})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of runs")
    ax.set_title(title or xlabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    return ax


def plot_cdf(ax, values: dict[str, np.ndarray], xlabel: str, title: str = ""):
    """Empirical cumulative distributions of one metric, one per variant."""
    for k, (name, v) in enumerate(values.items()):
        v = np.sort(np.asarray(v, dtype=float))
        y = np.arange(1, len(v) + 1) / max(1, len(v))
        ax.step(v, y, where="post", lw=1.6, color=TRACK_COLORS[k % len(TRACK_COLORS)], label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of runs at or below")
    ax.set_ylim(0, 1.02)
    ax.set_title(title or f"{xlabel}: cumulative distribution")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    return ax


_PLOTTED = (("{sid}_lifeboat_gap_hours", "hours with crew lacking a seat home ({name})"),
            ("{sid}_presence_gap_days", "days without crew ({name})"),
            ("{sid}_crew_days", "crew-days ({name})"),
            ("max_crew_launch_slip_days", "largest crewed-launch slip (days)"))


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
    _write_html(out, summary, rows, stations, names)
    return summary


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


def _write_html(out: Path, summary: dict, rows: list[dict], stations: list[str], names: dict) -> None:
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
            metric_rows.append([_e(col), _e(summary["variants"][v]["name"]), f"{s['mean']:.3g}",
                                "" if ci is None else f"[{ci[0]:.3g}, {ci[1]:.3g}]", f"{s['p5']:.3g}",
                                f"{s['median']:.3g}", f"{s['p95']:.3g}", f"{s['max']:.3g}"])
    parts.append(_table(["metric", "variant", "mean", "95 % CI of the mean", "5th pct", "median", "95th pct",
                         "max"], metric_rows, numeric=range(2, 8)))
    parts.append("<h2>Distributions</h2>")
    for template, label in _PLOTTED:
        for sid in (stations if "{sid}" in template else [""]):
            col = template.format(sid=sid)
            values = {names.get(v, v): np.array([r[col] for r in rows if r["variant"] == v], dtype=float)
                      for v in variants if col in rows[0]}
            if not values:
                continue
            xlabel = label.format(name=sid)
            fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
            plot_histogram(axes[0], values, xlabel)
            plot_cdf(axes[1], values, xlabel)
            parts.append(images.add(fig, f"summary-{col}.png", xlabel))
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Campaign: {_e(summary['scenario'])} - orbops</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
    atomic_write_text(out / "summary.html", page)
