"""Nothing is lost: an interrupted or killed render leaves the previous report byte-identical
and no temporary files behind; concurrent writers each produce one complete file.

A full render is started as a subprocess (``python -m models report``, fallback renderer, the
tests' cache root) over an existing report with known bytes and interrupted while it runs:
Ctrl-C (SIGINT to the whole process group, as a terminal sends it) and SIGTERM end it with
one line and status 128 + signal; SIGKILL cannot be cleaned up after by the killed process,
so the next render removes the stale folder. Concurrency is checked on the atomic writer and
on two renders of the small fixture report.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from models.core.atomic import remove_stale_temporaries, replacing, temporary_prefix
from models.core.cache_root import DIRECTORY_ENV
from models.core.paths import DEFAULT_PRIORS_FILE, ROOT
from models.report.render.choice import RENDERER_ENV
from models.report.render.pipeline import WORK_FOLDER_STEM, render_report

pytestmark = pytest.mark.slow  # every test here runs real renders

PREVIOUS = b"<html>the previous report</html>\n"
FIXTURE = Path(__file__).parent / "fixtures" / "constructs.qmd"
PYTHON = Path(sys.executable)
STARTUP_TIMEOUT = 120.0
"""Seconds allowed for a render to reach its work folder (the kernel is being started)."""
RUNNING_GRACE = 3.0
"""Seconds left to the render after its work folder appears, so the kernel is executing."""


def _start_render(folder: Path) -> subprocess.Popen[str]:
    """``python -m models report`` into ``folder/r.html`` in its own process group."""
    env = {**os.environ, RENDERER_ENV: "fallback", DIRECTORY_ENV: os.environ[DIRECTORY_ENV]}
    return subprocess.Popen(
        [sys.executable, "-m", "models", "report", "--priors", str(DEFAULT_PRIORS_FILE),
         "--output", str(folder / "r.html")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)


def _wait_until_rendering(process: subprocess.Popen[str], folder: Path) -> None:
    """Return once the render's work folder exists (and a little longer)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not any(entry.name.startswith(WORK_FOLDER_STEM) for entry in folder.iterdir()):
        assert process.poll() is None, f"render ended early: {process.communicate()}"
        assert time.monotonic() < deadline, "the render never started"
        time.sleep(0.2)
    time.sleep(RUNNING_GRACE)
    assert process.poll() is None, "the render finished before it could be interrupted"


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for the render to exit; kill its group if it does not. (exit status, stderr)"""
    try:
        _, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        pytest.fail("the interrupted render did not stop")
    return process.returncode, stderr


@pytest.fixture
def previous_report(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "r.html").write_bytes(PREVIOUS)
    return folder


@pytest.mark.parametrize(("signal_number", "whole_group"),
                         [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c", "sigterm"])
def test_interrupted_render_keeps_previous_report(previous_report, signal_number, whole_group):
    process = _start_render(previous_report)
    try:
        _wait_until_rendering(process, previous_report)
        if whole_group:
            os.killpg(process.pid, signal_number)
        else:
            os.kill(process.pid, signal_number)
        status, stderr = _finish(process)
    finally:
        with contextlib.suppress(ProcessLookupError):  # anything left of the group
            os.killpg(process.pid, signal.SIGKILL)
    assert status == 128 + signal_number, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1] == (f"reanalysis: interrupted by {signal.Signals(signal_number).name}; "
                         "the previous report, if any, is unchanged")
    assert (previous_report / "r.html").read_bytes() == PREVIOUS
    assert sorted(entry.name for entry in previous_report.iterdir()) == ["r.html"]


def test_killed_render_keeps_previous_report_and_next_render_cleans_up(previous_report,
                                                                       monkeypatch):
    process = _start_render(previous_report)
    try:
        _wait_until_rendering(process, previous_report)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the orphaned kernel, if still there
            os.killpg(process.pid, signal.SIGKILL)
    assert (previous_report / "r.html").read_bytes() == PREVIOUS
    stale = [entry.name for entry in previous_report.iterdir()
             if entry.name.startswith(f"{WORK_FOLDER_STEM}{process.pid}-")]
    assert len(stale) == 1, "a killed render cannot remove its own work folder"

    monkeypatch.setenv(RENDERER_ENV, "fallback")
    render_report(FIXTURE, previous_report / "fixture.html", {"label": "next"},
                  python=PYTHON, progress=False)
    assert sorted(entry.name for entry in previous_report.iterdir()) == ["fixture.html",
                                                                           "r.html"]
    assert (previous_report / "r.html").read_bytes() == PREVIOUS


RENDER_ONE = """
import sys
from pathlib import Path
from models.report.render.pipeline import render_report
render_report(Path(sys.argv[1]), Path(sys.argv[2]), {"label": sys.argv[3]},
              python=Path(sys.executable), progress=False)
"""


def test_two_renders_at_once_both_finish_with_one_complete_report(tmp_path):
    output = tmp_path / "fixture.html"
    env = {**os.environ, RENDERER_ENV: "fallback"}
    labels = ("label-alpha-7431", "label-beta-9182")
    processes = [subprocess.Popen([sys.executable, "-c", RENDER_ONE, str(FIXTURE), str(output),
                                   label], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
                 for label in labels]
    results = [(process.wait(timeout=300), process.communicate()[1]) for process in processes]
    assert results == [(0, ""), (0, "")]
    html = output.read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    assert sum(label in html for label in labels) == 1, "exactly one of the two reports"
    assert [entry.name for entry in tmp_path.iterdir()] == ["fixture.html"]


def test_concurrent_atomic_writers_leave_one_complete_file(tmp_path):
    target = tmp_path / "result.txt"
    contents = {name: (name * 200_000).encode() for name in "ab"}
    inside = threading.Barrier(2)

    def write(name: str) -> None:
        with replacing(target) as temporary:
            temporary.write_bytes(contents[name])
            inside.wait()  # both temporaries exist at once: their names must differ

    threads = [threading.Thread(target=write, args=(name,)) for name in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in contents.values()
    assert [entry.name for entry in tmp_path.iterdir()] == ["result.txt"]


def test_interrupted_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "result.txt"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt, match="stop"), replacing(target) as temporary:
        temporary.write_bytes(b"half")
        raise KeyboardInterrupt("stop")
    assert target.read_bytes() == b"old"
    assert [entry.name for entry in tmp_path.iterdir()] == ["result.txt"]


def test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead_pid = int(finished.stdout)
    stem = ".result.txt."
    dead_file = tmp_path / f"{stem}{dead_pid}-abc.tmp"
    dead_folder = tmp_path / f"{stem}{dead_pid}-def"
    live_file = tmp_path / f"{temporary_prefix(stem)}ghi.tmp"
    unrelated = tmp_path / f"{stem}notapid-x.tmp"
    for path in (dead_file, live_file, unrelated):
        path.write_bytes(b"partial")
    dead_folder.mkdir()
    (dead_folder / "inside.html").write_bytes(b"partial")

    removed = remove_stale_temporaries(tmp_path, stem)

    assert sorted(removed) == sorted([dead_file, dead_folder])
    assert sorted(entry.name for entry in tmp_path.iterdir()) == sorted(
        [live_file.name, unrelated.name])
    # and the atomic writer does the same before writing
    target = tmp_path / "result.txt"
    stale = tmp_path / f"{stem}{dead_pid}-jkl.tmp"
    stale.write_bytes(b"partial")
    with replacing(target) as temporary:
        temporary.write_bytes(b"new")
    assert not stale.exists()
    assert target.read_bytes() == b"new"
