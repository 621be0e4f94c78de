"""Rescue answers as pictures and pages: the calendar (options by emergency day), one emergency's timelines,
the calendar as CSV, and a self-contained HTML page (PNGs embedded) that always lists the assumptions."""

from __future__ import annotations

import csv
import io
import itertools
import textwrap
from pathlib import Path

import numpy as np

from ..errors import OrbopsError
from ..rescue import BLOCKERS, RescueAnalysis, RescueCalendar, RescueOption
from ..timescales import NS_PER_DAY, format_utc
from .atomic import atomic_path, atomic_write_text
from .html import CSS, escape as _e, figure_png, inline_png, table as _table
from .runplots import date_num
from .plots import plt

__all__ = ["plot_rescue_calendar", "rescue_calendar_figure", "plot_rescue_options", "rescue_options_figure",
           "write_rescue_csv", "write_rescue_report", "option_label", "BLOCKER_HATCH", "CALENDAR_CMAP"]

BLOCKER_HATCH = {"service": "..", "plane": "xx", "docking": "\\\\", "seats": "oo", "readiness": "**",
                 "window": "--", "endurance": "++", "elements": "||"}
"""The hatch of each blocker category (:data:`orbops.rescue.BLOCKERS`) in the calendar."""

CALENDAR_CMAP = "viridis_r"
"""Days until docking: short waits light, long waits dark."""

ASSUMPTIONS_POINTER = "All assumptions: the HTML report (orbops rescue ... -o FILE.html) or --json."


def assumptions_note(result) -> str:
    """The figure's footnote: each vehicle's readiness (* where assumed), the what-if adapters, the pointer."""
    options = [o for row in result.cells for o in row[:1]] if hasattr(result, "cells") else list(result.options)
    ready = {}
    for o in options:
        if o.readiness_days is not None:
            assumed = any(a.startswith(f"{o.name} readiness") for a in result.assumptions)
            ready.setdefault(o.name, f"{o.name} {o.readiness_days:g} d" + ("*" if assumed else ""))
    adapters = [a.split(": ", 1)[1].rstrip(".") for a in result.assumptions if "(what-if)" in a]
    parts = []
    if ready:
        parts.append("Readiness from call-up: " + ", ".join(ready.values())
                     + (" (* ASSUMPTION)" if any(v.endswith("*") for v in ready.values()) else "") + ".")
    parts += [f"What-if: {a}." for a in adapters]
    return "\n".join([" ".join(parts), ASSUMPTIONS_POINTER]) if parts else ASSUMPTIONS_POINTER


_BLOCKED_FACE, _HATCH_COLOR = "#eeeeee", "#666666"
_SEGMENTS = (("readiness (call-up to ready)", "#9ecae1"), ("waiting for a launch window", "#fdd0a2"),
             ("rendezvous (launch to docking)", "#d94801"), ("docked, then home (docking to landing)", "#41ab5d"))


def option_label(o: RescueOption, width: int = 34) -> str:
    """The option as "Vehicle (programme) from Site", wrapped to lines of about ``width`` characters."""
    return "\n".join(textwrap.wrap(f"{o.name} ({o.programme}) from {o.site_name}", width))


def _blocker_text(key: str) -> str:
    return BLOCKERS.get(key, key or "infeasible")


def _utc(t: int | None) -> str:
    """An instant to the minute, ``2022-12-15 00:00`` (UTC; empty for None)."""
    return "" if t is None else format_utc(t)[:16].replace("T", " ")


def _legend_below(ax, handles, *, ncol: int, title: str | None = None):
    """A legend under the axes' tick labels and x label (a fixed offset in points, so the constrained layout
    makes room for it above the figure's footnote)."""
    from matplotlib.transforms import offset_copy

    below = offset_copy(ax.transAxes, fig=ax.figure, y=-40, units="points")
    return ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below,
                     ncol=ncol, fontsize=8, title=title, title_fontsize=8, frameon=False, handlelength=3,
                     handleheight=1.5)


def _runs(row):
    """Runs of consecutive infeasible days with one blocker: ``(first day, length, blocker)``."""
    out: list[list] = []
    for d, o in enumerate(row):
        if o.feasible:
            continue
        if out and out[-1][2] == o.blocker and out[-1][0] + out[-1][1] == d:
            out[-1][1] += 1
        else:
            out.append([d, 1, o.blocker])
    return [tuple(r) for r in out]


def plot_rescue_calendar(ax, calendar: RescueCalendar):
    """Rows: options; columns: the emergency days; colour: days from the emergency until docking.
    Infeasible cells are hatched by blocker category (each run of days drawn as one patch whose ``gid``
    is ``"blocked:<category>:<days>"``). Returns ``(ax, colorbar)``."""
    import matplotlib.dates as mdates
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Rectangle

    n, days = len(calendar.keys), calendar.days
    dd = calendar.days_to_docking()
    midnight = calendar.start_ns // NS_PER_DAY * NS_PER_DAY  # each column centred on its UTC date
    edges = date_num(midnight - NS_PER_DAY // 2 + np.arange(days + 1, dtype=np.int64) * NS_PER_DAY)
    ok = ~np.isnan(dd)
    norm = Normalize(0.0, max(float(np.nanmax(dd)) if ok.any() else calendar.horizon_days, 1.0))
    mesh = ax.pcolormesh(edges, np.arange(n + 1), np.ma.masked_invalid(dd), cmap=CALENDAR_CMAP, norm=norm)
    seen = []
    for i, row in enumerate(calendar.cells):
        for d, count, blocker in _runs(row):
            ax.add_patch(Rectangle((edges[d], i), edges[d + count] - edges[d], 1, facecolor=_BLOCKED_FACE,
                                   edgecolor=_HATCH_COLOR, linewidth=0, hatch=BLOCKER_HATCH.get(blocker, "**"),
                                   gid=f"blocked:{blocker}:{count}"))
            if blocker not in seen:
                seen.append(blocker)
    if n * days <= 200 and days <= 31:  # few cells: the numbers too
        for i, d in zip(*np.nonzero(ok)):
            ax.text((edges[d] + edges[d + 1]) / 2, i + 0.5, f"{dd[i, d]:.0f}", ha="center", va="center",
                    fontsize=7, color="white" if norm(dd[i, d]) > 0.55 else "black")
    ax.hlines(np.arange(1, n), edges[0], edges[-1], color="white", lw=2)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(n, 0)
    ax.set_yticks(np.arange(n) + 0.5, [option_label(row[0]) for row in calendar.cells], fontsize=8)
    ax.tick_params(axis="y", length=0)
    if days <= 3:  # a tick per day, at the cell's middle
        ax.set_xticks((edges[:-1] + edges[1:]) / 2, [format_utc(t)[:10] for t in calendar.day_ns])
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel(f"day of the emergency (UTC, lifeboat lost at {format_utc(calendar.start_ns)[11:16]})")
    bar = ax.figure.colorbar(mesh, ax=ax, pad=0.01, fraction=0.04, aspect=max(8, 4 * n))
    bar.set_label("days until docking")
    if seen:
        handles = [Patch(facecolor=_BLOCKED_FACE, edgecolor=_HATCH_COLOR, linewidth=0,
                         hatch=BLOCKER_HATCH.get(b, "**"), label=_blocker_text(b)) for b in seen]
        _legend_below(ax, handles, ncol=min(len(handles), 4), title="infeasible (hatched): why")
    return ax, bar


def _calendar_title(c: RescueCalendar) -> str:
    span = (f"on {format_utc(c.start_ns)[:10]}" if c.days == 1 else
            f"on each day {format_utc(c.start_ns)[:10]} to {format_utc(c.day_ns[-1])[:10]} ({c.days} days)")
    return (f"Rescue of a crew of {c.crew} from {c.station_name}\nemergency {span}; "
            f"a launch within {c.horizon_days:g} days")


def rescue_calendar_figure(calendar: RescueCalendar):
    """The calendar (:func:`plot_rescue_calendar`) in a figure sized to its options."""
    n = len(calendar.keys)
    fig, ax = plt.subplots(figsize=(11, 2.4 + 0.55 * max(n, 2)), layout="constrained")
    plot_rescue_calendar(ax, calendar)
    fig.suptitle(_calendar_title(calendar), fontsize=11)
    fig.supxlabel(assumptions_note(calendar), fontsize=7, color="#555555")
    return fig


def plot_rescue_options(ax, analysis: RescueAnalysis):
    """One row per option (ranked, first on top): call-up to ready, waiting, rendezvous, docked and home,
    in days since the emergency; an infeasible option is a grey row with its blocker."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    opts = analysis.options

    def day(t):
        return (t - analysis.at_ns) / NS_PER_DAY

    ends = [day(t) for o in opts for t in (o.landing_ns, o.docking_ns) if t is not None]
    right = max([analysis.horizon_days, *ends])
    for i, o in enumerate(opts):
        if not o.feasible:
            ax.broken_barh([(0, analysis.horizon_days)], (i - 0.3, 0.6), facecolors="#dddddd",
                           gid=f"infeasible:{o.blocker}")
            why = textwrap.shorten(o.reasons[0], 150, placeholder=" ...") if o.reasons else ""
            ax.text(right * 0.01, i, f"infeasible: {_blocker_text(o.blocker)}" + (f"\n({why})" if why else ""),
                    va="center", fontsize=7.5, color="#333333", linespacing=1.3)
            continue
        marks = [0.0, day(o.ready_ns), day(o.launch_ns), day(o.docking_ns)]
        marks += [day(o.landing_ns)] if o.landing_ns is not None else []
        for (a, b), (_, color) in zip(itertools.pairwise(marks), _SEGMENTS):
            ax.broken_barh([(a, max(b - a, right * 0.004))], (i - 0.3, 0.6), facecolors=color, gid="segment")
        ax.plot(marks[3], i, marker="D", color="black", ms=4)
        home = f", home day {marks[4]:.1f}" if len(marks) > 4 else f" ({o.landing_note})"
        ax.text(marks[-1] + right * 0.01, i, f"docks day {marks[3]:.1f}{home}", va="center", fontsize=8)
    ax.axvline(analysis.horizon_days, color="black", ls=":", lw=1)
    ax.set_xlim(0, max(analysis.horizon_days, max(ends, default=0) + 0.3 * right) * 1.03)
    ax.set_ylim(len(opts) - 0.5, -0.5)
    ax.set_yticks(range(len(opts)), [f"{k}. {option_label(o)}" for k, o in enumerate(opts, 1)], fontsize=8)
    ax.set_xlabel(f"days since the emergency ({_utc(analysis.at_ns)} UTC; dotted: the "
                  f"{analysis.horizon_days:g}-day horizon)")
    ax.grid(True, axis="x", alpha=0.3)
    handles = [Patch(facecolor=c, label=lab) for lab, c in _SEGMENTS] + [
        Line2D([], [], marker="D", color="black", ms=4, ls="none", label="docking"),
        Patch(facecolor="#dddddd", label="infeasible (the blocker, then the first reason)")]
    _legend_below(ax, handles, ncol=3)
    return ax


def rescue_options_figure(analysis: RescueAnalysis):
    """The options of one emergency (:func:`plot_rescue_options`) in a figure sized to them."""
    fig, ax = plt.subplots(figsize=(11, 2.2 + 0.5 * max(len(analysis.options), 2)), layout="constrained")
    plot_rescue_options(ax, analysis)
    fig.suptitle(f"Rescue of a crew of {analysis.crew} from {analysis.station_name}\nlifeboat lost "
                 f"{_utc(analysis.at_ns)} UTC; options ranked by docking", fontsize=11)
    fig.supxlabel(assumptions_note(analysis), fontsize=7, color="#555555")
    return fig


def write_rescue_csv(path, calendar: RescueCalendar) -> None:
    """One row per (day, option) of :meth:`RescueCalendar.rows`, with a header, UTF-8, atomically."""
    rows = calendar.rows()
    fields = list(rows[0]) if rows else ["emergency_utc", "option"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if v is None else ("true" if v is True else "false" if v is False else v)
                    for k, v in r.items()})
    atomic_write_text(path, buf.getvalue())


def _options_table(analysis: RescueAnalysis) -> str:
    rows = []
    for k, o in enumerate(analysis.options, 1):
        verdict = ('<span class="good">feasible</span>' if o.feasible
                   else f'<span class="bad">{_e(_blocker_text(o.blocker))}</span>')
        landing = " ".join(x for x in (_utc(o.landing_ns), o.landing_zone or "", o.landing_note) if x)
        rows.append([str(k), _e(f"{o.name} ({o.programme})"), _e(o.site_name), verdict,
                     "" if o.readiness_days is None else f"{o.readiness_days:g}", _e(_utc(o.launch_ns)),
                     _e(o.profile or ""), _e(_utc(o.docking_ns)),
                     "" if o.days_to_docking is None else f"{o.days_to_docking:.1f}", _e(o.port or ""),
                     _e(o.adapter or ""), _e(landing), _e(o.reason)])
    return _table(["#", "Vehicle", "From", "Verdict", "Readiness (d)", "Launch (UTC)", "Profile", "Docking (UTC)",
                   "Days to docking", "Port", "Assumed adapter", "Landing (UTC, zone)", "Reasons"], rows,
                  numeric=(0, 4, 8))


def _answer(analysis: RescueAnalysis) -> str:
    f = analysis.first
    if f is None:
        return '<p><span class="bad">No option brings the crew home</span> within the horizon.</p>'
    return (f'<p>First to dock: <span class="good">{_e(f.name)} from {_e(f.site_name)}</span>, launching '
            f"{_e(_utc(f.launch_ns))} UTC, docking {_e(_utc(f.docking_ns))} UTC "
            f"({f.days_to_docking:.1f} days after the "
            f"emergency); {len(analysis.feasible)} of {len(analysis.options)} options feasible.</p>")


def _calendar_tables(c: RescueCalendar) -> list[str]:
    dd = c.days_to_docking()
    summary = []
    for i, row in enumerate(c.cells):
        ok = ~np.isnan(dd[i])
        stats = [f"{f(dd[i][ok]):.1f}" if ok.any() else "" for f in (np.min, np.median, np.max)]
        blocked = {}
        for o in row:
            if not o.feasible:
                blocked[o.blocker] = blocked.get(o.blocker, 0) + 1
        summary.append([_e(option_label(row[0], 999)), f"{int(ok.sum())}/{c.days}", *stats,
                        _e("; ".join(f"{_blocker_text(b)} ({n} d)" for b, n in blocked.items()))])
    per_day = []
    for d in range(c.days):
        a = c.on(d)
        f = a.first
        per_day.append([_e(_utc(a.at_ns)), _e(option_label(f, 999)) if f else '<span class="bad">none</span>',
                        _e(_utc(f.launch_ns)) if f else "", _e(_utc(f.docking_ns)) if f else "",
                        f"{f.days_to_docking:.1f}" if f else "", f"{len(a.feasible)}/{len(a.options)}"])
    table = _table(["Emergency (UTC)", "First to dock", "Launch (UTC)", "Docking (UTC)", "Days to docking",
                    "Feasible options"], per_day, numeric=(4, 5))
    folded = (f"<details><summary>Each day's first option ({c.days} days)</summary>{table}</details>"
              if c.days > 14 else table)
    return ["<h2>Each option over the span</h2>",
            _table(["Option", "Feasible days", "Fastest (d)", "Median (d)", "Slowest (d)", "Otherwise"], summary,
                   numeric=(1, 2, 3, 4)), "<h2>First to dock, day by day</h2>", folded]


def write_rescue_report(path, result: RescueAnalysis | RescueCalendar, *, command: str = "") -> None:
    """The figure (``.png``: the calendar, or one emergency's options) or a self-contained page (``.html``)
    with the figures, tables of the options, and the assumptions and notes; atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png"):
        raise OrbopsError(f"rescue report {path}: expected a .html or .png file, not {suffix or 'no suffix'!r}")
    is_cal = isinstance(result, RescueCalendar)
    first = result.on(0) if is_cal else result
    if suffix == ".png":
        fig = rescue_calendar_figure(result) if is_cal else rescue_options_figure(result)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=120)
        plt.close(fig)
        return
    name, crew, horizon = first.station_name, first.crew, first.horizon_days
    if is_cal:
        title = f"Rescue calendar: {name}"
        question = (f"Who can bring a crew of {crew} home from {name} if its lifeboat is lost on any day from "
                    f"{_utc(result.start_ns)} to {_utc(int(result.day_ns[-1]))} UTC, with a launch within "
                    f"{horizon:g} days, and how soon?")
        parts = [inline_png(figure_png(rescue_calendar_figure(result)), "rescue calendar"), *_calendar_tables(result),
                 f"<h2>The first day: lifeboat lost {_e(_utc(first.at_ns))} UTC</h2>"]
    else:
        title = f"Rescue options: {name}"
        question = (f"Who can bring a crew of {crew} home from {name} when its lifeboat is lost at "
                    f"{_utc(first.at_ns)} UTC, with a launch within {horizon:g} days, and how soon?")
        parts = ["<h2>Options, ranked by docking</h2>"]
    parts += [_answer(first), inline_png(figure_png(rescue_options_figure(first)), "rescue options"),
              _options_table(first)]
    notes = "".join(f"<li>{_e(n)}</li>" for n in first.notes) or "<li>none</li>"
    cmd = f'<p class="note">Command: <code>{_e(command)}</code></p>' if command else ""
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)} - orbops</title>'
            f'<style>{CSS}</style></head><body>\n<h1>{_e(title)}</h1>\n<p class="question">{_e(question)}</p>\n'
            f"{cmd}\n" + "\n".join(parts)
            + "\n<h2>Assumptions</h2>\n<ul>" + "".join(f"<li>{_e(a)}</li>" for a in first.assumptions) + "</ul>\n"
            + f"<h2>Notes</h2>\n<ul>{notes}</ul>\n"
            + '<p class="note">Made by orbops: every time is computed from the station\'s element sets, the '
              "launch-site geometry and the vehicle models; readiness and margins are the fleet catalogue's.</p>"
            + "\n</body></html>\n")
    atomic_write_text(path, page)
