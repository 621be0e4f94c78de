"""Nothing lost (issue 12): one writer per campaign directory, salvage of a damaged store, workers that die
with their campaign, resume never shrinks a campaign, scheduler addresses checked, readable summary plots."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from orbops.campaigns import STORE_FILE, CampaignSpec, Progress, run_campaign
from orbops.errors import OrbopsError

from .conftest import REPO

SMALL = REPO / "scenarios" / "shenzhou-20-damage-2025.toml"
RUNS = 30


def _cli(*args, timeout=120, env=None):
    return subprocess.run([sys.executable, "-m", "orbops", *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def _checksums(out: Path) -> dict[int, str]:
    with closing(sqlite3.connect(out / STORE_FILE)) as conn:
        return dict(conn.execute("SELECT run, checksum FROM runs"))


def _count(out: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{out / STORE_FILE}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """RUNS runs of the small scenario, stored in this process (the reference)."""
    out = tmp_path_factory.mktemp("small") / "c"
    run_campaign(CampaignSpec(SMALL, RUNS, 3), out, workers=1)
    return out


# --- processes ------------------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))):
            children.setdefault(int(st[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _start(out: Path, runs: int = 3000, workers: int = 2) -> subprocess.Popen:
    """A long local campaign, started in its own session; returns once it has stored a run."""
    proc = subprocess.Popen([sys.executable, "-m", "orbops", "campaign", str(SMALL), "--runs", str(runs), "--out",
                             str(out), "--workers", str(workers)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    while _count(out) < 1 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the campaign ended early: " + proc.stderr.read()
    return proc


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.time() + seconds
    while time.time() < deadline and any(_running(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _running(p)]


def _reap(proc: subprocess.Popen, pids: list[int]) -> None:
    for pid in pids:  # never leave our own processes behind, whatever the test found
        if _running(pid):
            os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    proc.stderr.close()


@contextmanager
def _campaign_running(out: Path):
    """A campaign started into ``out`` with its worker processes: ``(proc, helpers)``; reaped afterwards."""
    proc = _start(out)
    helpers = _descendants(proc.pid)
    try:
        assert len(helpers) >= 2, "no worker processes"
        yield proc, helpers
    finally:
        _reap(proc, helpers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_second_writer_is_refused_and_workers_die_with_a_killed_campaign(tmp_path):
    out = tmp_path / "c"
    with _campaign_running(out) as (proc, helpers):
        for extra in ([], ["--resume"]):  # another process, with or without --resume: refused at once
            t0 = time.time()
            other = _cli("campaign", str(SMALL), "--runs", "3000", "--out", str(out), "--workers", "1", *extra)
            assert other.returncode == 3, other.stderr
            assert time.time() - t0 < 30
            err = other.stderr
            assert str(out) in err and f"pid {proc.pid}" in err and socket.gethostname() in err and "started" in err
            assert "Traceback" not in err
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, no clean-up
        left = _gone_within(helpers, 3.0)
        assert not left, f"processes outlived the killed campaign: {left}"
    # its lock is stale now: the next campaign takes it over, with a warning naming the dead holder
    from orbops.campaigns import CampaignLock
    notes = []
    with CampaignLock.acquire(out, note=notes.append) as lock:
        assert lock.holder["pid"] == os.getpid()
    assert len(notes) == 1 and f"pid {proc.pid}" in notes[0] and "stale" in notes[0]
    assert not (out / "campaign.lock").exists()  # released
    with CampaignLock.acquire(out, note=notes.append):
        pass
    assert len(notes) == 1  # a released lock is not stale


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigterm_stops_the_campaign_and_its_workers_and_releases_the_lock(tmp_path):
    out = tmp_path / "c"
    with _campaign_running(out) as (proc, helpers):
        os.kill(proc.pid, signal.SIGTERM)
        left = _gone_within(helpers, 3.0)
        assert not left, f"processes outlived the terminated campaign: {left}"
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143 and "Traceback" not in err and "--resume continues" in err  # as every command
    assert not (out / "campaign.lock").exists()
    assert _count(out) >= 1


def test_the_lock_in_process(tmp_path):
    from orbops.campaigns import CampaignLock, CampaignLocked
    out = tmp_path / "c"
    with CampaignLock.acquire(out):
        with pytest.raises(CampaignLocked, match=f"pid {os.getpid()}"):
            run_campaign(CampaignSpec(SMALL, 2, 3), out, workers=1)
    run_campaign(CampaignSpec(SMALL, 2, 3), out, workers=1)  # released
    assert _count(out) == 2 and not (out / "campaign.lock").exists()


# --- a damaged store ----------------------------------------------------------------------------------
def _btree_pages(path: Path) -> dict[int, tuple[int, int]]:
    """Page number -> (page type, cell count) of the b-tree pages of the runs table."""
    with closing(sqlite3.connect(path)) as conn:
        page_size, = conn.execute("PRAGMA page_size").fetchone()
        root, = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()
    data = path.read_bytes()
    pages, todo = {}, [root]
    while todo:
        pno = todo.pop()
        page = data[(pno - 1) * page_size:pno * page_size]
        kind, cells = page[0], int.from_bytes(page[3:5], "big")
        pages[pno] = (kind, cells)
        if kind == 0x05:  # interior: children in the cells and the right-most pointer
            todo.append(int.from_bytes(page[8:12], "big"))
            for k in range(cells):
                off = int.from_bytes(page[12 + 2 * k:14 + 2 * k], "big")
                todo.append(int.from_bytes(page[off:off + 4], "big"))
    return pages, root, page_size


@pytest.mark.parametrize("where", ["middle", "root"])
def test_a_damaged_store_keeps_every_intact_run(small_store, tmp_path, where):
    out = tmp_path / "c"
    shutil.copytree(small_store, out)
    reference = _checksums(out)
    pages, root, page_size = _btree_pages(out / STORE_FILE)
    if where == "root":  # the whole b-tree is unreachable; its leaves are intact
        assert pages[root][0] == 0x05
        victim, lost_at_most = root, 0
    else:  # the leaf page nearest the middle of the file: its runs are lost, no other
        leaves = [p for p, (kind, _) in pages.items() if kind == 0x0D]
        middle = (out / STORE_FILE).stat().st_size / page_size / 2
        victim = min(leaves, key=lambda p: abs(p - middle))
        lost_at_most = pages[victim][1]
    data = bytearray((out / STORE_FILE).read_bytes())
    start = (victim - 1) * page_size
    data[start:start + 200] = b"\xa5" * 200
    (out / STORE_FILE).write_bytes(bytes(data))
    notes = []
    outcome = run_campaign(CampaignSpec(SMALL, RUNS, 3), out, workers=1, resume=True,
                           progress=Progress(note=notes.append))
    salvage = " ".join(n for n in notes if "damaged" in n)
    assert salvage, notes
    assert outcome["ran"] <= lost_at_most and outcome["already"] >= RUNS - lost_at_most
    assert f"kept {RUNS - outcome['ran']} " in salvage and "campaign.sqlite.corrupt-" in salvage
    if outcome["ran"]:
        assert "--resume" in salvage
    assert _checksums(out) == reference  # the kept runs are the stored ones, the others redone, none twice
    assert len(list(out.glob("campaign.sqlite.corrupt-*[0-9]"))) == 1  # the damaged file is kept, beside
    with closing(sqlite3.connect(out / STORE_FILE)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert json.loads(dict(conn.execute("SELECT key, value FROM meta"))["campaign_seed"]) == 3


def test_a_store_cli_damage_is_reported_and_resumed(small_store, tmp_path):
    out = tmp_path / "c"
    shutil.copytree(small_store, out)
    reference = _checksums(out)
    pages, root, page_size = _btree_pages(out / STORE_FILE)
    leaf = max(p for p, (kind, _) in pages.items() if kind == 0x0D)
    data = bytearray((out / STORE_FILE).read_bytes())
    data[(leaf - 1) * page_size:(leaf - 1) * page_size + 64] = b"\xff" * 64
    (out / STORE_FILE).write_bytes(bytes(data))
    done = _cli("campaign", str(SMALL), "--runs", str(RUNS), "--out", str(out), "--seed", "3", "--workers", "1")
    assert done.returncode == 3 and "--resume" in done.stderr and "damaged" in done.stderr, done.stderr
    done = _cli("campaign", str(SMALL), "--runs", str(RUNS), "--out", str(out), "--seed", "3", "--workers", "1",
                "--resume")
    assert done.returncode == 0, done.stderr
    assert _checksums(out) == reference


# --- resume with fewer runs ---------------------------------------------------------------------------
def test_resume_with_fewer_runs_is_refused(tmp_path):
    out = tmp_path / "c"
    done = _cli("campaign", str(SMALL), "--runs", "10", "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    before = {f: (out / f).read_bytes() for f in ("summary.json", "runs.csv")}
    done = _cli("campaign", str(SMALL), "--runs", "6", "--out", str(out), "--workers", "1", "--resume")
    assert done.returncode == 3, done.stderr
    assert "10 runs" in done.stderr and "--runs 6" in done.stderr and "--runs 10" in done.stderr
    assert {f: (out / f).read_bytes() for f in before} == before
    assert _count(out) == 10
    with pytest.raises(OrbopsError, match="--runs 10"):
        run_campaign(CampaignSpec(SMALL, 4, load_seed()), out, workers=1, resume=True)


def load_seed() -> int:
    from orbops.scenarios import load_scenario
    return load_scenario(SMALL).seed


# --- the Dask scheduler address -----------------------------------------------------------------------
@pytest.mark.parametrize("address", ["notanaddress", "tcp://host", "tcp://:8786", "http://host:8786",
                                     "tcp://host:99999", "tcp://host:port", "tcp://host:8786/path", ""])
def test_bad_scheduler_addresses_are_refused_up_front(tmp_path, address):
    pytest.importorskip("distributed")
    t0 = time.time()
    with pytest.raises(OrbopsError, match="not a Dask scheduler address"):
        run_campaign(CampaignSpec(SMALL, 2, 3), tmp_path / "c", scheduler=address)
    assert time.time() - t0 < 2 and not (tmp_path / "c").exists()


def test_scheduler_address_forms():
    from orbops.campaigns import scheduler_address
    assert scheduler_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert scheduler_address("127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert scheduler_address("tls://sched.example:8786") == "tls://sched.example:8786"
    assert scheduler_address("tcp://[::1]:8786") == "tcp://[::1]:8786"


def test_cli_bad_scheduler_is_one_clean_error(tmp_path):
    pytest.importorskip("distributed")
    t0 = time.time()
    done = _cli("campaign", str(SMALL), "--runs", "5", "--out", str(tmp_path / "c"), "--scheduler", "notanaddress")
    assert done.returncode == 2 and "not a Dask scheduler address" in done.stderr and "tcp://" in done.stderr
    assert "Traceback" not in done.stderr and time.time() - t0 < 15, done.stderr
    # something listens there but is no Dask scheduler: one error, within the connect timeout
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        env = dict(os.environ, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
        t0 = time.time()
        done = _cli("campaign", str(SMALL), "--runs", "5", "--out", str(tmp_path / "d"), "--scheduler", address,
                    env=env)
    assert done.returncode == 3 and f"cannot reach the Dask scheduler at {address}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert time.time() - t0 < 15, done.stderr


# --- the summary plots ----------------------------------------------------------------------------------
def test_summary_plots_have_readable_labels_and_legends_off_the_data(small_store, tmp_path, monkeypatch):
    from orbops.outputs import campaign_report
    out = tmp_path / "c"
    shutil.copytree(small_store, out)
    seen = []

    class Checked(campaign_report.Images):
        def add(self, fig, name, alt):
            fig.canvas.draw()  # the layout as saved: every extent is final
            _check_layout(name, fig, fig.canvas.get_renderer())
            seen.append(name)
            return super().add(fig, name, alt)

    monkeypatch.setattr(campaign_report, "Images", Checked)
    campaign_report.write_campaign_outputs(out)
    assert len(seen) >= 4
    html = (out / "summary.html").read_text()
    assert "<td>css_lifeboat_gap_hours</td>" not in html and "crew lacking a seat home" in html


def _check_layout(name, fig, renderer):
    """No legend over a plot; labels in words with a unit, no raw column ids."""
    boxes = [ax.get_window_extent(renderer) for ax in fig.axes]
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends, name
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert not any(box.overlaps(b) for b in boxes), f"{name}: the legend covers a plot"
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0, f"{name}: legend cut off"
        texts = [t.get_text() for t in legend.get_texts()]
        assert all("_" not in t for t in texts), texts
    for ax in fig.axes:
        label = ax.get_xlabel()
        assert "_" not in label and "_" not in ax.get_title(), (name, label, ax.get_title())
        assert label.endswith(")") and "(" in label, f"{name}: no unit in {label!r}"
