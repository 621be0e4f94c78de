"""Plots of a run: vehicles per docking port (Gantt), crew aboard against lifeboat seats, approach maps.

Each function draws on a given ``ax`` from a :class:`~orbops.sim.RunRecord`
and returns it; times are UTC on the x axis.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np

from .maps import draw_places, draw_world
from .plots import plt  # noqa: F401  (Agg backend selected there)

__all__ = ["plot_ports", "plot_crew_seats", "plot_approach", "date_num"]

_PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd")
_MARK_STYLE = {"launch_failure": ("tab:red", "-"), "vehicle_damaged": ("tab:red", "--"),
               "vehicle_life_limit": ("tab:purple", ":"), "station_decrewed": ("black", "--")}
_SPAN_COLOR = {"launcher grounded": "tab:orange", "pad out of service": "tab:brown"}


def _short_name(serial: str, serials: list[str]) -> str:
    """A bar's label: the serial without the words every serial of the chart starts with ("Soyuz TMA-22"
    among Soyuz ships: "TMA-22")."""
    words = serial.split()
    common = 0
    while common < len(words) - 1 and all(s.split()[:common + 1] == words[:common + 1] for s in serials):
        common += 1
    return " ".join(words[common:])


def date_num(t_ns) -> np.ndarray:
    """Matplotlib date numbers (days) of UTC nanoseconds."""
    t = np.asarray(t_ns, dtype=np.int64)
    return mdates.date2num(t.astype("datetime64[ns]").astype("datetime64[us]"))


def _time_axis(ax, record) -> None:
    ax.set_xlim(date_num(record.start_ns), date_num(record.end_ns))
    span_days = (record.end_ns - record.start_ns) / 86400e9
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y" if span_days > 1500 else "%Y-%m-%d"))
    ax.set_xlabel("date (UTC)")


def plot_ports(ax, record, station_id: str, station_name: str = "", classes: dict | None = None):
    """Vehicles docked at each port over time; damaged spans hatched; launches, landings and
    contingencies marked. ``classes`` maps vehicle serial -> class id (for colours)."""
    docked = record.docked_intervals()
    ports = []
    for iv in docked:
        if iv.station == station_id and iv.port not in ports:
            ports.append(iv.port)
    rows = {p: k for k, p in enumerate(ports)}
    flights_row = len(ports)
    class_ids = sorted(set((classes or {}).values()))
    colour = {c: _PALETTE[k % len(_PALETTE)] for k, c in enumerate(class_ids)}
    seen_classes = set()
    span = max(1e-9, float(date_num(record.end_ns) - date_num(record.start_ns)))
    names = [iv.vehicle for iv in docked if iv.station == station_id]
    for iv in docked:
        if iv.station != station_id:
            continue
        cls = (classes or {}).get(iv.vehicle, "")
        x0, x1 = date_num(iv.start_ns), date_num(iv.end_ns)
        label = cls if cls not in seen_classes else None
        seen_classes.add(cls)
        ax.barh(rows[iv.port], x1 - x0, left=x0, height=0.6, color=colour.get(cls, _PALETTE[0]), edgecolor="white",
                label=label)
        if iv.damaged_ns is not None:
            d0 = date_num(iv.damaged_ns)
            ax.barh(rows[iv.port], x1 - d0, left=d0, height=0.6, fill=False, hatch="///", edgecolor="tab:red",
                    label="damaged" if "damaged" not in seen_classes else None)
            seen_classes.add("damaged")
        text = _short_name(iv.vehicle, names)
        if (x1 - x0) / span > 0.0075 * len(text):  # label bars wide enough to hold it
            ax.text((x0 + x1) / 2, rows[iv.port], text, ha="center", va="center", fontsize=6.5, clip_on=True)
    trips = record.trips().values()
    launches = [f for f in trips if f.station == station_id and f.launch_ns is not None]
    if launches:
        ok = [f.launch_ns for f in launches if not f.failed]
        bad = [f.launch_ns for f in launches if f.failed]
        ax.plot(date_num(ok), [flights_row] * len(ok), "^", color="tab:green", ms=6, label="launch")
        if bad:
            ax.plot(date_num(bad), [flights_row] * len(bad), "X", color="tab:red", ms=8, label="launch failure")
    landings = [f.landing_ns for f in trips if f.station == station_id and f.landing_ns is not None]
    if landings:
        ax.plot(date_num(landings), [flights_row] * len(landings), "v", color="tab:blue", ms=6, label="landing")
    shown = set()
    for kind, what, a, b in record.outages():  # groundings and pad outages as the spans they were
        label = f"{kind}" if kind not in shown else None
        ax.axvspan(date_num(a), date_num(b), color=_SPAN_COLOR[kind], alpha=0.18, lw=0, label=label, zorder=0)
        shown.add(kind)
    for t, kind, st, text in record.marks():
        if st not in ("", station_id) or kind not in _MARK_STYLE:
            continue
        color, ls = _MARK_STYLE[kind]
        ax.axvline(date_num(t), color=color, ls=ls, lw=1, label=kind.replace("_", " ") if kind not in shown else None)
        shown.add(kind)
    ax.set_yticks(list(range(len(ports) + 1)), ports + ["launches / landings"])
    ax.set_ylim(-0.7, flights_row + 0.7)
    ax.invert_yaxis()
    _time_axis(ax, record)
    ax.set_ylabel("docking port")
    ax.set_title(f"{station_name or station_id}: vehicles per port\n{record.variant_name}", loc="left", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    return ax


def plot_crew_seats(ax, record, station_id: str, station_name: str = "", capacity: int | None = None):
    """Crew aboard and lifeboat seats (on docked, healthy, in-life vehicles) over time; gaps shaded."""
    t, crew, seats = record.crew_series(station_id)
    x = date_num(t)
    ax.fill_between(x, seats, step="post", color="tab:green", alpha=0.25, lw=0, label="lifeboat seats")
    ax.step(x, seats, where="post", color="tab:green", lw=1.0)
    ax.step(x, crew, where="post", color="tab:blue", lw=1.8, label="crew aboard")
    if capacity:
        ax.axhline(capacity, color="gray", ls=":", lw=1, label=f"crew capacity ({capacity})")
    for k, (a, b) in enumerate(record.lifeboat_gaps(station_id)):
        ax.axvspan(date_num(a), date_num(b), color="tab:red", alpha=0.25, lw=0,
                   label="crew without a seat home" if k == 0 else None)
    for k, (a, b) in enumerate(record.presence_gaps_s(station_id)):
        ax.axvspan(date_num(record.ns(a)), date_num(record.ns(b)), color="gray", alpha=0.25,
                   lw=0, hatch="\\\\", label="station de-crewed" if k == 0 else None)
    top = max([capacity or 0] + [int(v) for v in np.r_[crew, seats]] + [1])
    ax.set_ylim(0, top + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    _time_axis(ax, record)
    ax.set_ylabel("people / seats")
    ax.set_title(f"{station_name or station_id}: crew aboard and lifeboat seats\n{record.variant_name}", loc="left",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    return ax


def plot_approach(ax, approach, places=(), color: str = "tab:red"):
    """One launch on a world map: the chaser's path (solid, a dot where the drawn span ends) and the
    station's ground track over the same span (dotted). ``approach``: a dict with ``label``,
    ``station_name``, ``chaser`` and ``station`` (lists of (lon, lat) segments); ``places``:
    ``(name, Site, marker)`` with marker ``^`` (launch site) or ``s`` (landing zone)."""
    draw_world(ax)
    for i, (lon, lat) in enumerate(approach["station"]):
        ax.plot(lon, lat, color="#444444", lw=0.9, ls=":", zorder=3,
                label=f"{approach['station_name']}, same span" if i == 0 else None)
    for i, (lon, lat) in enumerate(approach["chaser"]):
        ax.plot(lon, lat, color=color, lw=1.8, zorder=4, label=f"{approach['label']} (chaser)" if i == 0 else None)
    if approach["chaser"]:
        lon, lat = approach["chaser"][-1]
        ax.plot(lon[-1], lat[-1], "o", color=color, ms=5, zorder=5)
    colors = {"^": "black", "s": "tab:blue"}
    # landing zones first, so a launch site inside one is drawn (and labelled) on top of it
    ordered = sorted(places, key=lambda p: p[2] != "s")
    draw_places(ax, [(name, site, m, colors.get(m, "black")) for name, site, m in ordered])
    ax.legend(loc="lower left", fontsize=6.5, framealpha=0.85)
    return ax
