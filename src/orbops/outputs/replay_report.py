"""The replay against the record: errors against element age (PNG) and a self-contained HTML page."""

from __future__ import annotations

import io
from pathlib import Path


from ..history.replay import FRESH_DAYS, Replayed
from ..ops.vehicles import fit_provenance, vehicle_models
from ..timescales import format_utc
from .atomic import atomic_path, atomic_write_text
from .html import CSS, escape as _e, table as _table
from .plots import plt

__all__ = ["plot_replay_errors", "replay_figure", "write_replay_report", "summary_rows", "signed_minutes",
           "CLASS_STYLE"]

CLASS_STYLE = {"soyuz": ("tab:red", "o"), "progress": ("tab:orange", "s"), "shenzhou": ("tab:purple", "D"),
               "crew-dragon": ("tab:blue", "^"), "starliner": ("tab:cyan", "v"), "shuttle": ("gray", "x")}
"""Colour and marker of each vehicle class in the figures."""

_PANELS = (("launch_error_s", "launch", 5.0), ("docking_error_s", "docking", 30.0),
           ("landing_error_s", "landing", 10.0))


def plot_replay_errors(axes, results: list[Replayed], *, fresh_days: float = FRESH_DAYS):
    """Signed errors (minutes, predicted minus recorded) against the station set's age, one panel each
    for launch, docking and landing; filled markers: flights up to the end of the fit's training
    span, hollow: held out. The band is the target tolerance; the dotted line the freshness limit."""
    for ax, (attr, what, band) in zip(axes, _PANELS):
        for vc, (color, marker) in CLASS_STYLE.items():
            for held, fill in ((False, color), (True, "none")):
                pts = [(r.elements_age_days if attr != "landing_error_s" else r.landing_elements_age_days,
                        getattr(r, attr) / 60.0) for r in results
                       if r.flight.vehicle_class == vc and r.held_out == held and getattr(r, attr) is not None]
                pts = [(max(abs(a), 0.05), e) for a, e in pts if a is not None]
                if pts:
                    ax.scatter(*zip(*pts), s=28, marker=marker, edgecolors=color, facecolors=fill, linewidths=1.2,
                               label=f"{vc} ({'held out' if held else 'training'})")
        ax.axhspan(-band, band, color="tab:green", alpha=0.12, lw=0)
        ax.axvline(fresh_days, color="black", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=10.0)
        ax.set_ylabel(f"{what} error (min)")
        ax.grid(True, which="both", alpha=0.25)
        ax.set_title(f"{what}: predicted minus recorded (shaded: within {band:g} min)", fontsize=10, loc="left")
    axes[-1].set_xlabel(f"age of the station's element set at the event (days; dotted: {fresh_days:g} d)")
    handles, labels = axes[1].get_legend_handles_labels()
    seen = {}
    for h, lab in zip(handles, labels):
        seen.setdefault(lab, h)
    axes[0].figure.legend(list(seen.values()), list(seen), loc="outside right center", fontsize=8)
    return axes


_PICKED = {"before": "the station set nearest before each event", "nearest": "the station set nearest each event"}


def replay_figure(results: list[Replayed], *, fresh_days: float = FRESH_DAYS, pick: str = "before"):
    """The three panels of :func:`plot_replay_errors` in one figure."""
    fig, axes = plt.subplots(3, 1, figsize=(10, 10), sharex=True, layout="constrained")
    plot_replay_errors(axes, results, fresh_days=fresh_days)
    fig.suptitle(f"orbops replay: {sum(r.launch_ns is not None for r in results)} of {len(results)} flights "
                 f"predicted from {_PICKED[pick]}")
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def signed_minutes(seconds) -> str:
    """A difference in seconds as signed minutes with one decimal (empty for None)."""
    return "" if seconds is None else f"{seconds / 60.0:+.1f}"


def _share(entry: dict) -> str:
    if not entry["count"]:
        return "-"
    return f"{entry['hits']}/{entry['count']} ({100 * entry['fraction']:.0f} %)"


SUMMARY_GROUPS = (("fresh", "training"), ("fresh", "held_out"), ("fresh", "all"), ("all_ages", "all"))
"""The summary's columns: fresh sets (training, held out, all), then every flight."""


def summary_rows(summary: dict) -> list[list[str]]:
    """The targets' table: a row per figure, a column per group of :data:`SUMMARY_GROUPS`."""
    keys = [("flights", "flights"), ("predicted", "predicted"), ("launch_within_5_min", "launch within 5 min"),
            ("profile_flown", "profile flown"), ("docking_within_30_min", "docking within 30 min"),
            ("docking_within_10_min", "docking within 10 min"), ("landing_within_10_min", "landing within 10 min"),
            ("median_abs_docking_error_min", "median docking error (min)")]
    rows = []
    for key, label in keys:
        row = [label]
        for a, b in SUMMARY_GROUPS:
            v = summary[a][b][key]
            row.append(_share(v) if isinstance(v, dict) else ("-" if v is None else str(v)))
        rows.append(row)
    return rows


def write_replay_report(path, results: list[Replayed], summary: dict, *, record: str = "",
                        elements: str = "", fresh_days: float = FRESH_DAYS, pick: str = "before") -> None:
    """Write the figure (``.png``) or a page with it, the targets and every flight (``.html``), atomically."""
    import base64

    path = Path(path)
    fig = replay_figure(results, fresh_days=fresh_days, pick=pick)
    data = _png(fig)
    if path.suffix.lower() == ".png":
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        return
    days = f"{summary['fresh_days']:g}"
    head = ["", f"set <= {days} d, training", f"set <= {days} d, held out", f"set <= {days} d, all", "all flights"]
    rows = summary_rows(summary)
    flights = []
    for r in results:
        f = r.flight
        match = r.profile_match
        prof = _e(r.profile or "")
        if match is False:
            prof = f'<span class="bad">{prof}</span> (flew {_e(f.profile)})'
        def utc(t):
            return "" if t is None else _e(format_utc(t))
        age = "" if r.elements_age_days is None else f"{r.elements_age_days:.2f}"
        flights.append([_e(f.flight), _e(f.vehicle_class), _e(f.station), age, utc(f.launch), utc(r.launch_ns),
                        signed_minutes(r.launch_error_s), prof, utc(f.docking), utc(r.docking_ns),
                        signed_minutes(r.docking_error_s), signed_minutes(r.landing_error_s),
                        "yes" if r.held_out else "", _e("; ".join(x for x in (r.reason, r.landing_reason) if x))])
    prov = fit_provenance()
    models = vehicle_models()
    fitted = sorted(f"{vid} {k}" for vid, m in models.items() for k, v in m.provenance.items() if v == "fitted")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>orbops replay against the record</title>
<style>{CSS}</style></head><body>
<h1>orbops replay against the flight record</h1>
<p class="question">Each recorded flight re-flown from its real launch day with {_e(_PICKED[pick])}: the
predicted launch instant, rendezvous profile and docking, and the landing after the recorded undocking,
next to the record.</p>
<h2>Targets</h2>
{_table(head, rows, numeric=range(1, 5))}
<p class="note">Training: flights launched up to {_e(prov.get('training_until', summary['training_until']))}, on
which the fitted values were fitted ({_e(prov.get('command', 'tools/fit_history.py'))}); held out: later flights.
Fitted values: {_e(', '.join(fitted) or 'none')}. Everything else is a design value of
<code>data/vehicles.toml</code> with its source.</p>
<h2>Errors against element age</h2>
<img src="data:image/png;base64,{base64.b64encode(data).decode('ascii')}" alt="replay errors against element age">
<h2>Every flight</h2>
{_table(["Flight", "Class", "Station", "Set age (d)", "Launch (record)", "Launch (predicted)", "Δ launch (min)",
         "Profile", "Docking (record)", "Docking (predicted)", "Δ docking (min)", "Δ landing (min)", "Held out",
         "Note"], flights, numeric=(3, 6, 10, 11))}
<h2>Assumptions</h2>
<ul>
<li>Record: {_e(record or 'orbops/data/flights.csv')}; station elements: {_e(elements or 'tle/')}.</li>
<li>The launch day is the recorded launch's UTC date; the first window that day on a branch the site allows
(crew vehicles from Jiuquan fly southeast, from Cape Canaveral northeast) is the prediction.</li>
<li>Profiles are those the vehicle flew at that date; the fastest accepting the phase angle at insertion is
chosen. Durations follow from the phase angle and the periods; landings from the station's ground track over
the recorded landing zone, after the vehicle's least return time.</li>
<li>A station set weeks old still gives the plane (the launch instant); its phase angle (and so the profile
and docking) is off by degrees to many degrees.</li>
</ul>
</body></html>
"""
    atomic_write_text(path, page)
