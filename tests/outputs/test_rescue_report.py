"""Rescue pictures and pages (orbops.outputs.rescue_report): the calendar's rows, colours and hatches, the
options' timelines, the CSV's rows, and self-contained HTML that lists every assumption. Ten-day spans of the
repository's tle/ files (offline)."""

from __future__ import annotations

import base64
import csv
from html.parser import HTMLParser

import numpy as np
import pytest

from orbops import load_catalog
from orbops.errors import OrbopsError
from orbops.outputs.rescue_report import (BLOCKER_HATCH, plot_rescue_calendar, rescue_calendar_figure,
                                          rescue_options_figure, write_rescue_csv, write_rescue_report)
from orbops.outputs.plots import plt
from orbops.rescue import BLOCKERS, rescue_calendar, rescue_options

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def iss_catalog(tle_dir):
    return load_catalog(tle_dir / "iss-history.tle", tle_dir / "iss-near-launch.tle")


@pytest.fixture(scope="module")
def iss(iss_catalog):
    """ISS, ten days, with a what-if adapter: four feasible options and Starliner not yet in service."""
    return rescue_calendar("iss", "2022-12-01T00:00Z", 10, iss_catalog, max_age_days=60, adapters=["CDM:IDSS"])


@pytest.fixture(scope="module")
def css(tle_dir):
    """Tiangong, ten days: only Shenzhou; the others blocked by the plane or the docking standard."""
    cat = load_catalog(tle_dir / "css-tianhe.tle", tle_dir / "tianhe-near-launch.tle")
    return rescue_calendar("css", "2025-11-01T00:00Z", 10, cat, max_age_days=60)


def _clipped(fig) -> bool:
    """Whether anything drawn (titles, labels, legends, colorbar) reaches beyond the figure's edges."""
    fig.canvas.draw()
    drawn, page = fig.get_tightbbox(), fig.bbox_inches
    return drawn.x0 < -0.01 or drawn.y0 < -0.01 or drawn.x1 > page.x1 + 0.01 or drawn.y1 > page.y1 + 0.01


@pytest.mark.parametrize("which", ["iss", "css"])
def test_calendar_rows_colours_and_hatches(which, request):
    cal = request.getfixturevalue(which)
    dd = cal.days_to_docking()
    fig = rescue_calendar_figure(cal)
    try:
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert len(labels) == len(cal.keys) == dd.shape[0]
        for label, row in zip(labels, cal.cells):
            assert " ".join(label.split()) == f"{row[0].name} ({row[0].programme}) from {row[0].site_name}"
        mesh = np.ma.ravel(ax.collections[0].get_array())  # the colours: (option, day), masked where blocked
        assert mesh.shape[0] == dd.size and np.array_equal(np.ma.getmaskarray(mesh), np.isnan(dd).ravel())
        assert np.allclose(mesh.compressed(), dd[~np.isnan(dd)])
        hatched = [p for p in ax.patches if p.get_hatch()]
        cells = [int(p.get_gid().split(":")[2]) for p in hatched]
        assert sum(cells) == int(np.isnan(dd).sum()) > 0  # each run of blocked days is one patch
        assert np.allclose(sum(p.get_width() for p in hatched), sum(cells))  # a day wide each
        blockers = {o.blocker for row in cal.cells for o in row if not o.feasible}
        for p in hatched:
            assert p.get_hatch() == BLOCKER_HATCH[p.get_gid().split(":")[1]]
        legend = ax.get_legend()
        assert {t.get_text() for t in legend.get_texts()} == {BLOCKERS[b] for b in blockers}
        assert fig.axes[1].get_ylabel() == "days until docking"  # the colorbar
        assert fig.get_suptitle().count("\n") <= 1 and cal.station_name in fig.get_suptitle()
        assert "All assumptions" in fig.get_supxlabel() and "Readiness from call-up" in fig.get_supxlabel()
        assert not _clipped(fig)
    finally:
        plt.close(fig)


def test_calendar_of_one_day_and_one_option(iss_catalog):
    cal = rescue_calendar("iss", "2022-12-01T06:00Z", 1, iss_catalog, max_age_days=60, vehicles=["soyuz"])
    fig, ax = plt.subplots(layout="constrained")
    try:
        _, bar = plot_rescue_calendar(ax, cal)
        # Soyuz from Site 31 (feasible) and from Gagarin's Start (out of service since 2019)
        assert len(ax.get_yticklabels()) == len(cal.keys) == 2
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2022-12-01"]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert bar.ax.get_ylabel() == "days until docking" and legend == [BLOCKERS["service"]]
    finally:
        plt.close(fig)


def test_options_timeline(css):
    analysis = css.on(0)
    fig = rescue_options_figure(analysis)
    try:
        ax = fig.axes[0]
        assert len(ax.get_yticklabels()) == len(analysis.options)
        grey = [c for c in ax.collections if (c.get_gid() or "").startswith("infeasible:")]
        blocked = [o for o in analysis.options if not o.feasible]
        assert len(grey) == len(blocked) > 0
        texts = " ".join(t.get_text() for t in ax.texts)
        for o in blocked:
            assert BLOCKERS[o.blocker] in texts
        segments = [c for c in ax.collections if c.get_gid() == "segment"]
        assert len(segments) == 4 * len(analysis.feasible)  # readiness, waiting, rendezvous, home
        assert "days since the emergency" in ax.get_xlabel()
        assert not _clipped(fig)
    finally:
        plt.close(fig)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href"):
                self.links.append(v or "")
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_html_of_a_calendar(iss, tmp_path):
    out = tmp_path / "rescue.html"
    write_rescue_report(out, iss, command="orbops rescue iss --start 2022-12-01 --days 10")
    page = _parse(out)
    assert len(page.images) == 2  # the calendar and the first day's options
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    assert not [x for x in page.links if not x.startswith("data:") and "://" in x]
    text = " ".join("".join(page.text).split())
    for a in iss.assumptions:
        assert " ".join(a.split()) in text
    assert "what-if" in text and "Starliner" in text and BLOCKERS["service"] in text
    assert [p.name for p in tmp_path.iterdir()] == ["rescue.html"]  # nothing left beside it


def test_html_of_one_emergency(iss_catalog, tmp_path):
    analysis = rescue_options("iss", "2022-12-15T00:00Z", iss_catalog, max_age_days=60, vehicles=["soyuz", "starliner"])
    out = tmp_path / "one.html"
    write_rescue_report(out, analysis)
    page = _parse(out)
    assert len(page.images) == 1 and not [x for x in page.links if not x.startswith("data:") and "://" in x]
    text = " ".join("".join(page.text).split())
    for a in analysis.assumptions:
        assert " ".join(a.split()) in text
    assert analysis.first.port in text and "Assumptions" in text


@pytest.mark.parametrize("which", ["iss", "one"])
def test_png(which, iss, tmp_path):
    out = tmp_path / "rescue.PNG"
    write_rescue_report(out, iss if which == "iss" else iss.on(3))
    assert out.read_bytes().startswith(PNG)
    assert [p.name for p in tmp_path.iterdir()] == ["rescue.PNG"]


@pytest.mark.parametrize("name", ["rescue.pdf", "rescue", "rescue.csv"])
def test_bad_suffix(name, iss, tmp_path):
    with pytest.raises(OrbopsError, match="expected a .html or .png"):
        write_rescue_report(tmp_path / name, iss)
    assert list(tmp_path.iterdir()) == []


def test_csv(css, tmp_path):
    out = tmp_path / "rescue.csv"
    write_rescue_csv(out, css)
    with open(out, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    assert header == list(css.rows()[0])[:len(header)] and header[:2] == ["emergency_utc", "option"]
    assert len(rows) == css.days * len(css.keys)
    assert {(r["emergency_utc"], r["option"]) for r in rows} == {
        (f"{d}T00:00:00Z", k) for d in ("2025-11-%02d" % (i + 1) for i in range(10)) for k in css.keys}
    dd = css.days_to_docking()
    for k, r in enumerate(rows):
        d, i = divmod(k, len(css.keys))
        assert r["option"] == css.keys[i] and r["feasible"] in ("true", "false")
        if r["feasible"] == "true":
            assert float(r["days_to_docking"]) == pytest.approx(dd[i, d], abs=1e-3)
        else:
            assert np.isnan(dd[i, d]) and r["blocker"] in BLOCKERS and r["reasons"]
